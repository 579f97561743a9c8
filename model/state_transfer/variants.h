// Broken variants of the state-transfer model, selectable by name, each expected to break one
// property under exhaustive search (model/state_transfer/explore.h). A variant is a
// Config::variant value; the transition it breaks has one hook that tests it, so the correct
// path reads as before.
//
//   no-high-water-check        start.cc: a side whose last_update_key is behind the high-water
//                              key enters service alone instead of waiting as stale -> ST-3.
//   enter-before-queued-input  transfer.cc: a receiver enters service before it has applied
//                              the input queued behind the transfer. The model has no input
//                              queue at a quiet point (every command runs to its end), so the
//                              receiver enters service with the sender's state minus the last
//                              input the sender was delivered (rows, log, history and memory
//                              count), i.e. the queued input is lost. With both sides in
//                              service their databases differ -> ST-1 (ST-2 and ST-3 would
//                              follow if the input was acknowledged, but ST-1 comes first).
//
// Pure functions and constant tables; safe from any thread.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "model/state_transfer/config.h"
#include "model/state_transfer/state.h"

namespace lockstep::model::st {

struct VariantInfo {
  const char* name;      // "no-high-water-check"
  Variant variant;
  const char* property;  // the property the search must find broken, "ST-3"
};

// Every broken variant (kCorrect is not listed).
std::span<const VariantInfo> BrokenVariants();

// The variant called `name`; "correct" names Variant::kCorrect. nullopt if unknown.
std::optional<VariantInfo> FindVariant(std::string_view name);

namespace internal {

// The enter-before-queued-input hook: removes the last input from `side`'s database (rows
// rebuilt from the shortened history, last_update_key, log) and from its memory count, as if
// the side entered service before applying it. No effect on a side without inputs.
void DropLastInput(SideState& side);

}  // namespace internal
}  // namespace lockstep::model::st
