// Search bounds as text, "name=value,...", for any explorable model: the model lists its
// Bounds struct's integer fields with their names and ranges in one table, and these functions
// print and parse by that table (lockstep check-model --bounds).
//
// ParseBoundsText overrides the fields named in `text` on `base`; empty items are skipped. It
// fails naming the item for a malformed number or one out of range (with the range), and
// naming the unknown name with the known ones. Pure functions; safe from any thread.
#pragma once

#include <charconv>
#include <span>
#include <string>
#include <string_view>

#include "base/result.h"

namespace lockstep::model::explore {

template <class B>
struct BoundField {
  const char* name;  // "crashes"
  int B::*field;
  int min, max;
};

// "crashes=2,faults=1,..." in table order.
template <class B>
std::string BoundsToString(const B& bounds, std::span<const BoundField<B>> fields) {
  std::string out;
  for (const BoundField<B>& f : fields) {
    out += std::string(out.empty() ? "" : ",") + f.name + "=" + std::to_string(bounds.*f.field);
  }
  return out;
}

template <class B>
Status SetBoundField(B& bounds, std::string_view item, std::span<const BoundField<B>> fields) {
  const auto eq = item.find('=');
  const std::string_view name = item.substr(0, eq);
  for (const BoundField<B>& f : fields) {
    if (name != f.name) continue;
    const std::string_view text = eq == std::string_view::npos ? "" : item.substr(eq + 1);
    int n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || n < f.min ||
        n > f.max) {
      return Fail("bound '" + std::string(item) + "': " + f.name + " takes a whole number from " +
                  std::to_string(f.min) + " to " + std::to_string(f.max));
    }
    bounds.*f.field = n;
    return {};
  }
  std::string known;
  for (const BoundField<B>& f : fields) known += std::string(known.empty() ? "" : ", ") + f.name;
  return Fail("unknown bound '" + std::string(name) + "' (known: " + known + ")");
}

template <class B>
Result<B> ParseBoundsText(std::string_view text, B base, std::span<const BoundField<B>> fields) {
  while (!text.empty()) {
    const auto comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    if (!item.empty()) {
      if (auto s = SetBoundField(base, item, fields); !s) return std::unexpected(s.error());
    }
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return base;
}

}  // namespace lockstep::model::explore
