// Model coverage of the state-transfer model for property runs: the CoverageOf specialization
// (model/explore/coverage.h) through which the generic property runner fingerprints the model
// states a run visits and finds N, the reachable abstract states and transitions.
//
// N is counted at CoverageBounds() (explore.h), with the default Config (log capacity 4, the
// runner's default), by one exhaustive search the first time Reachable() is called in a
// process (a fraction of a second; the result is cached). Thread-safe: the cache is a
// function-local static.
#pragma once

#include <cstdint>

#include "model/explore/coverage.h"
#include "model/explore/fingerprint.h"
#include "model/state_transfer/commands.h"
#include "model/state_transfer/explore.h"
#include "model/state_transfer/state.h"

namespace lockstep::model::st {

// The reachable abstract states and transitions at `bounds` (correct model, symmetry on).
explore::CoverageSet ReachableCoverage(const Bounds& bounds);

}  // namespace lockstep::model::st

namespace lockstep::model::explore {

template <>
struct CoverageOf<st::State> {
  static constexpr bool kEnabled = true;
  static std::uint64_t StateKey(const st::State& s) { return Fingerprint(st::AbstractEncode(s)); }
  static std::uint32_t CommandKind(const st::Command& c) { return st::CommandKind(c); }
  static const CoverageSet& Reachable();
};

}  // namespace lockstep::model::explore
