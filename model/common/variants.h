// Broken variants of a protocol model, selectable by name: VariantInfoOf<V> names one value of
// the model's Config::variant (an enum V whose kCorrect is the correct model) with the property
// the exhaustive search must find broken. FindVariantIn looks a name up in a protocol's table
// of broken variants; "correct" names V::kCorrect.
//
// Constant tables and pure functions; safe from any thread.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace lockstep::model {

template <class V>
struct VariantInfoOf {
  const char* name;      // "no-stamp-comparison"
  V variant;
  const char* property;  // the property the search must find broken, "RS-2"
  const char* bug = "";  // the seeded implementation bug it mirrors, "resync-ignores-stamp"; ""
                         // where the model names none
};

// The variant called `name` among `broken`, or V::kCorrect for "correct" (property and bug "");
// nullopt if `name` is neither.
template <class V>
std::optional<VariantInfoOf<V>> FindVariantIn(std::span<const VariantInfoOf<V>> broken,
                                              std::string_view name) {
  if (name == "correct") return VariantInfoOf<V>{"correct", V::kCorrect, "", ""};
  for (const VariantInfoOf<V>& v : broken) {
    if (name == v.name) return v;
  }
  return std::nullopt;
}

}  // namespace lockstep::model
