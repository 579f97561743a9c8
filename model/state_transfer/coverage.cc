#include "model/state_transfer/coverage.h"

#include "model/explore/explorer.h"

namespace lockstep::model::st {

explore::CoverageSet ReachableCoverage(const Bounds& bounds) {
  explore::ExploreOptions options;
  options.collect_coverage = true;
  explore::ExploreResult r = explore::Explore(StExploreModel(bounds), options);
  r.coverage.protocol = "state-transfer";
  r.coverage.bounds = ToString(bounds);
  return std::move(r.coverage);
}

}  // namespace lockstep::model::st

namespace lockstep::model::explore {

const CoverageSet& CoverageOf<st::State>::Reachable() {
  static const CoverageSet kReachable = st::ReachableCoverage(st::CoverageBounds());
  return kReachable;
}

}  // namespace lockstep::model::explore
