// Broken variants of the resync model, selectable by name, each expected to break one property
// under exhaustive search (model/resync/explore.h). A variant is a Config::variant value; the
// decision it breaks has one hook that tests it (resync.cc), so the correct path reads as
// before. Each mirrors a seeded bug of the implementation (harness/bugs/seeded_bugs.cc), so
// the counterexample path the search finds, replayed with `lockstep replay`, passes on the
// correct implementation and fails on the seeded bug.
//
//   no-stamp-comparison    Resync(): neither side ever sees a stamp mismatch, so the
//                          outstanding transactions are completed (presumed abort) against a
//                          coordinator whose journal was formatted or swapped, without a
//                          prompt -> RS-2. Seeded bug: resync-ignores-stamp.
//   no-startup-comparison  Session(): an access from x to a partner y that was recycled
//                          (restarted on the same journal set) counts the pair as
//                          resynchronized without a resynchronization when only the stamps
//                          are compared, so y's new startup is never saved -> RS-5. Seeded
//                          bug: startup-time-not-compared.
//
// Pure functions and constant tables; safe from any thread.
#pragma once

#include <array>
#include <optional>
#include <span>
#include <string_view>

#include "model/common/variants.h"
#include "model/resync/config.h"
#include "model/resync/state.h"

namespace lockstep::model::rs {

using VariantInfo = model::VariantInfoOf<Variant>;

// The variants above, in that order.
inline constexpr std::array<VariantInfo, 2> kBrokenVariants{{
    {"no-stamp-comparison", Variant::kNoStampComparison, "RS-2", "resync-ignores-stamp"},
    {"no-startup-comparison", Variant::kNoStartupComparison, "RS-5", "startup-time-not-compared"},
}};

// Every broken variant (kCorrect is not listed).
inline std::span<const VariantInfo> BrokenVariants() { return kBrokenVariants; }
// The variant called `name`, Variant::kCorrect for "correct" (FindVariantIn).
inline std::optional<VariantInfo> FindVariant(std::string_view name) {
  return FindVariantIn<Variant>(kBrokenVariants, name);
}

namespace internal {

// The no-startup-comparison hook, at an access from x to y whose pair is not resynchronized:
// whether the broken model lets it through without a resynchronization. As the seeded bug
// does: x still counts its link with y (y's saved entry of x is x's current stamp and
// startup: x was not recycled since they last resynchronized) and y compares only the stamp
// x saved for it with its own. If so it marks the pair resynchronized and returns true.
// REQUIRES: x and y up, x != y.
bool RecycledPartnerPasses(State& s, int x, int y);

}  // namespace internal
}  // namespace lockstep::model::rs
