#include "model/resync/coverage.h"

#include "model/explore/explorer.h"

namespace lockstep::model::rs {

explore::CoverageSet ReachableCoverage(const Bounds& bounds) {
  explore::ExploreOptions options;
  options.collect_coverage = true;
  explore::ExploreResult r = explore::Explore(RsExploreModel(bounds), options);
  r.coverage.protocol = "resync";
  r.coverage.bounds = ToString(bounds);
  return std::move(r.coverage);
}

}  // namespace lockstep::model::rs

namespace lockstep::model::explore {

const CoverageSet& CoverageOf<rs::State>::Reachable() {
  static const CoverageSet kReachable = rs::ReachableCoverage(rs::CoverageBounds());
  return kReachable;
}

}  // namespace lockstep::model::explore
