// Model coverage of the resync model for property runs: the CoverageOf specialization
// (model/explore/coverage.h) through which the generic property runner fingerprints the model
// states a run visits and finds N, the reachable abstract states and transitions.
//
// N is counted at CoverageBounds() (explore.h: two systems, one transaction, one key, one value) by one
// exhaustive search the first time Reachable() is called in a process (a fraction of a
// second; the result is cached). The abstraction leaves out systems never started and is the
// same for every renaming of systems, so a property run's three-system states in which
// SYSTEM75 never started count against the two-system set; states with three systems started
// lie outside it and are not counted as hits. Thread-safe: the cache is a function-local
// static.
#pragma once

#include <cstdint>

#include "model/explore/coverage.h"
#include "model/explore/fingerprint.h"
#include "model/resync/commands.h"
#include "model/resync/explore.h"
#include "model/resync/state.h"

namespace lockstep::model::rs {

// The reachable abstract states and transitions at `bounds` (correct model, symmetry on).
explore::CoverageSet ReachableCoverage(const Bounds& bounds);

}  // namespace lockstep::model::rs

namespace lockstep::model::explore {

template <>
struct CoverageOf<rs::State> {
  static constexpr bool kEnabled = true;
  static std::uint64_t StateKey(const rs::State& s) { return Fingerprint(rs::AbstractEncode(s)); }
  static std::uint32_t CommandKind(const rs::Command& c) { return rs::CommandKind(c); }
  static const CoverageSet& Reachable();
};

}  // namespace lockstep::model::explore
