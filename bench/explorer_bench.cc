// Exhaustive search speed: states per second of the explorer over the state-transfer model at
// its default bounds (model/state_transfer/explore.h), single thread, with symmetry reduction
// and without it, and the ratios of the two measured in the same run.
//
//   build/bin/lockstep_explorer_bench                 (about 20 s: ~6 s and ~14 s per search)
//   build/bin/lockstep_explorer_bench --bounds=inputs=3,crashes=1,faults=1,starts=3
//                                                     (larger; ~20 s and several GiB without symmetry)
#include <benchmark/benchmark.h>

#include <cstring>
#include <iostream>
#include <string>

#include "bench/ratio_reporter.h"
#include "model/explore/explorer.h"
#include "model/state_transfer/explore.h"

namespace lockstep::bench {
namespace {

namespace st = lockstep::model::st;
namespace ex = lockstep::model::explore;

st::Bounds g_bounds;  // set once in main, before any benchmark runs

void Search(benchmark::State& state, bool symmetry) {
  ex::ExploreOptions options;
  options.symmetry = symmetry;
  const st::StExploreModel model(g_bounds);
  ex::ExploreStats stats;
  for (auto _ : state) {
    const ex::ExploreResult r = ex::Explore(model, options);
    if (r.violation) {
      state.SkipWithError(("unexpected violation: " + r.violation->finding.message).c_str());
      return;
    }
    stats = r.stats;
  }
  const double n = static_cast<double>(state.iterations());
  state.counters["states_per_second"] =
      benchmark::Counter(stats.states_generated * n, benchmark::Counter::kIsRate);
  state.counters["distinct_per_second"] =
      benchmark::Counter(stats.distinct_states * n, benchmark::Counter::kIsRate);
  state.counters["distinct_states"] = static_cast<double>(stats.distinct_states);
  state.counters["seconds_per_search"] =
      benchmark::Counter(n, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_ExploreSymmetry(benchmark::State& state) { Search(state, true); }
void BM_ExploreNoSymmetry(benchmark::State& state) { Search(state, false); }
BENCHMARK(BM_ExploreSymmetry)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();
BENCHMARK(BM_ExploreNoSymmetry)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

void PrintRatios(const RatioReporter& reporter) {
  const double with = reporter.Counter("BM_ExploreSymmetry", "seconds_per_search");
  const double without = reporter.Counter("BM_ExploreNoSymmetry", "seconds_per_search");
  const double states_with = reporter.Counter("BM_ExploreSymmetry", "distinct_states");
  const double states_without = reporter.Counter("BM_ExploreNoSymmetry", "distinct_states");
  if (with <= 0 || without <= 0 || states_with <= 0) return;
  std::cout << "\nbounds " << st::ToString(g_bounds) << "\nsymmetry reduction: "
            << states_without / states_with << "x fewer distinct states ("
            << static_cast<std::uint64_t>(states_with) << " vs "
            << static_cast<std::uint64_t>(states_without) << "), search takes " << with / without
            << "x the time without it (ratios measured in this run)\n";
}

}  // namespace
}  // namespace lockstep::bench

int main(int argc, char** argv) {
  // --bounds=... is ours; every other flag is Google Benchmark's.
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--bounds=", 9) != 0) continue;
    auto b = lockstep::model::st::ParseBounds(argv[i] + 9);
    if (!b) {
      std::cerr << "lockstep_explorer_bench: " << b.error().message << "\n";
      return 2;
    }
    lockstep::bench::g_bounds = *b;
    for (int j = i; j + 1 < argc; ++j) argv[j] = argv[j + 1];
    --argc;
    --i;
  }
  benchmark::Initialize(&argc, argv);
  lockstep::bench::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  lockstep::bench::PrintRatios(reporter);
  benchmark::Shutdown();
  return 0;
}
