// The coverage N of a run (each model's reachable abstract states and transitions at its
// coverage bounds) found by a search, as every `lockstep run` did, against read from the
// cache a campaign's workers share (harness/property/reachable_cache.h), and the ratio of the
// two measured in the same run.
//
//   build/bin/lockstep_coverage_bench        (about 20 s)
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <filesystem>
#include <iostream>

#include "bench/ratio_reporter.h"
#include "harness/property/reachable_cache.h"
#include "model/explore/explorer.h"
#include "model/resync/explore.h"
#include "model/state_transfer/explore.h"

namespace lockstep::bench {
namespace {

namespace ex = lockstep::model::explore;
namespace st = lockstep::model::st;
namespace rs = lockstep::model::rs;

// Both protocols' N, as a run over both protocols needs them.
std::size_t SearchBoth() {
  const auto a = ex::ReachableCoverage(st::StExploreModel(st::CoverageBounds()), "state-transfer",
                                       st::ToString(st::CoverageBounds()));
  const auto b = ex::ReachableCoverage(rs::RsExploreModel(rs::CoverageBounds()), "resync",
                                       rs::ToString(rs::CoverageBounds()));
  return a.states.size() + b.states.size();
}

std::size_t LoadBoth() {
  const auto a = harness::LoadReachable("state-transfer", st::ToString(st::CoverageBounds()), [] {
    return ex::ReachableCoverage(st::StExploreModel(st::CoverageBounds()), "state-transfer",
                                 st::ToString(st::CoverageBounds()));
  });
  const auto b = harness::LoadReachable("resync", rs::ToString(rs::CoverageBounds()), [] {
    return ex::ReachableCoverage(rs::RsExploreModel(rs::CoverageBounds()), "resync",
                                 rs::ToString(rs::CoverageBounds()));
  });
  return a.states.size() + b.states.size();
}

void BM_CoverageBySearch(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(SearchBoth());
  state.counters["seconds_per_run"] =
      benchmark::Counter(static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// The cache is filled once before timing (the first worker of a campaign).
void BM_CoverageFromCache(benchmark::State& state) {
  LoadBoth();
  for (auto _ : state) benchmark::DoNotOptimize(LoadBoth());
  state.counters["seconds_per_run"] =
      benchmark::Counter(static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

BENCHMARK(BM_CoverageBySearch)->Unit(benchmark::kMillisecond)->MinTime(5.0)->UseRealTime();
BENCHMARK(BM_CoverageFromCache)->Unit(benchmark::kMillisecond)->MinTime(5.0)->UseRealTime();

}  // namespace
}  // namespace lockstep::bench

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  std::string dir = (fs::temp_directory_path() / "lockstep-coverage-bench-XXXXXX").string();
  if (mkdtemp(dir.data()) == nullptr) return 1;
  lockstep::harness::SetReachableCacheDir(dir);
  benchmark::Initialize(&argc, argv);
  lockstep::bench::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  const double search = reporter.Counter("BM_CoverageBySearch", "seconds_per_run");
  const double cached = reporter.Counter("BM_CoverageFromCache", "seconds_per_run");
  if (search > 0 && cached > 0) {
    std::cout << "\ncoverage N of both protocols: search " << search << " s, from the cache "
              << cached << " s: the cache is " << search / cached
              << "x faster (ratio measured in this run)\n";
  }
  benchmark::Shutdown();
  std::error_code ec;
  fs::remove_all(dir, ec);
  return 0;
}
