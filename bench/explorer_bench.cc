// Exhaustive search speed: states per second of the explorer over the state-transfer model at
// its default bounds (model/state_transfer/explore.h) and over the resync model at bounds a
// little above its defaults (model/resync/explore.h: two keys, no reads), single thread, with
// symmetry reduction and without it, and the ratios of the two measured in the same run.
//
//   build/bin/lockstep_explorer_bench                 (about a minute: state transfer ~6 s and
//                                                      ~14 s, resync ~15 s and ~25 s)
//   build/bin/lockstep_explorer_bench --bounds=inputs=3,crashes=1,faults=1,starts=3
//                                                     (larger; ~20 s and several GiB without symmetry)
//   build/bin/lockstep_explorer_bench --resync-bounds=systems=3,transactions=1
//   build/bin/lockstep_explorer_bench --benchmark_filter=Resync   (resync only)
#include <benchmark/benchmark.h>

#include <cstring>
#include <iostream>
#include <string>

#include "bench/ratio_reporter.h"
#include "model/explore/explorer.h"
#include "model/resync/explore.h"
#include "model/state_transfer/explore.h"

namespace lockstep::bench {
namespace {

namespace st = lockstep::model::st;
namespace rs = lockstep::model::rs;
namespace ex = lockstep::model::explore;

// Set once in main, before any benchmark runs.
st::Bounds g_bounds;
rs::Bounds g_rs_bounds = rs::ParseBounds("reads=0,keys=2").value();

template <class Model, class Bounds>
void Search(benchmark::State& state, const Bounds& bounds, bool symmetry) {
  ex::ExploreOptions options;
  options.symmetry = symmetry;
  const Model model(bounds);
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

void BM_ExploreSymmetry(benchmark::State& state) {
  Search<st::StExploreModel>(state, g_bounds, true);
}
void BM_ExploreNoSymmetry(benchmark::State& state) {
  Search<st::StExploreModel>(state, g_bounds, false);
}
void BM_ResyncExploreSymmetry(benchmark::State& state) {
  Search<rs::RsExploreModel>(state, g_rs_bounds, true);
}
void BM_ResyncExploreNoSymmetry(benchmark::State& state) {
  Search<rs::RsExploreModel>(state, g_rs_bounds, false);
}
BENCHMARK(BM_ExploreSymmetry)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();
BENCHMARK(BM_ExploreNoSymmetry)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();
BENCHMARK(BM_ResyncExploreSymmetry)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();
BENCHMARK(BM_ResyncExploreNoSymmetry)->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

void PrintRatio(const RatioReporter& reporter, const std::string& protocol,
                const std::string& bounds, const std::string& with_name,
                const std::string& without_name) {
  const double with = reporter.Counter(with_name, "seconds_per_search");
  const double without = reporter.Counter(without_name, "seconds_per_search");
  const double states_with = reporter.Counter(with_name, "distinct_states");
  const double states_without = reporter.Counter(without_name, "distinct_states");
  if (with <= 0 || without <= 0 || states_with <= 0) return;
  std::cout << "\n" << protocol << " bounds " << bounds << "\nsymmetry reduction: "
            << states_without / states_with << "x fewer distinct states ("
            << static_cast<std::uint64_t>(states_with) << " vs "
            << static_cast<std::uint64_t>(states_without) << "), search takes " << with / without
            << "x the time without it (ratios measured in this run)\n";
}

void PrintRatios(const RatioReporter& reporter) {
  PrintRatio(reporter, "state-transfer", st::ToString(g_bounds), "BM_ExploreSymmetry",
             "BM_ExploreNoSymmetry");
  PrintRatio(reporter, "resync", rs::ToString(g_rs_bounds), "BM_ResyncExploreSymmetry",
             "BM_ResyncExploreNoSymmetry");
}

}  // namespace
}  // namespace lockstep::bench

int main(int argc, char** argv) {
  // --bounds=... and --resync-bounds=... are ours; every other flag is Google Benchmark's.
  for (int i = 1; i < argc; ++i) {
    std::string error;
    if (std::strncmp(argv[i], "--bounds=", 9) == 0) {
      auto b = lockstep::model::st::ParseBounds(argv[i] + 9);
      if (b) lockstep::bench::g_bounds = *b;
      if (!b) error = b.error().message;
    } else if (std::strncmp(argv[i], "--resync-bounds=", 16) == 0) {
      auto b = lockstep::model::rs::ParseBounds(argv[i] + 16);
      if (b) lockstep::bench::g_rs_bounds = *b;
      if (!b) error = b.error().message;
    } else {
      continue;
    }
    if (!error.empty()) {
      std::cerr << "lockstep_explorer_bench: " << error << "\n";
      return 2;
    }
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
