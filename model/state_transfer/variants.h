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

#include <array>
#include <optional>
#include <span>
#include <string_view>

#include "model/common/variants.h"
#include "model/state_transfer/config.h"
#include "model/state_transfer/state.h"

namespace lockstep::model::st {

using VariantInfo = model::VariantInfoOf<Variant>;

// The variants above, in that order.
inline constexpr std::array<VariantInfo, 2> kBrokenVariants{{
    {"no-high-water-check", Variant::kNoHighWaterCheck, "ST-3"},
    {"enter-before-queued-input", Variant::kEnterBeforeQueuedInput, "ST-1"},
}};

// Every broken variant (kCorrect is not listed).
inline std::span<const VariantInfo> BrokenVariants() { return kBrokenVariants; }
// The variant called `name`, Variant::kCorrect for "correct" (FindVariantIn).
inline std::optional<VariantInfo> FindVariant(std::string_view name) {
  return FindVariantIn<Variant>(kBrokenVariants, name);
}

namespace internal {

// The enter-before-queued-input hook: removes the last input from `side`'s database (rows
// rebuilt from the shortened history, last_update_key, log) and from its memory count, as if
// the side entered service before applying it. No effect on a side without inputs.
void DropLastInput(SideState& side);

}  // namespace internal
}  // namespace lockstep::model::st
