// Harness overhead: steps per second of a state-transfer run with the model and every property
// check, against the same steps driven on the processes alone (the raw cost of the processes).
// Both are measured in the same run and reported as a ratio, since these machines are noisy.
//
//   make bench            (or build/bin/lockstep_bench --benchmark_repetitions=3)
#include <benchmark/benchmark.h>

#include <iostream>

#include "bench/ratio_reporter.h"
#include "harness/os/mount_namespace.h"
#include "harness/os/sandbox.h"
#include "harness/property/replay.h"
#include "harness/state_transfer/st_protocol.h"

namespace lockstep::harness {
namespace {

// A fixed sequence that crosses every path: simplex start, incremental and full transfers,
// a temp-dir fault during a transfer, a data-dir fault during input, crashes, restarts.
const std::vector<std::string> kSteps{
    "Start(A)", "Submit(set k0=v1)", "Submit(set k1=v2)", "Submit(set k2=v3)", "Start(B)",
    "Submit(set k0=v4)", "Submit(del k1)", "InjectFault(A, temp, disk-full)", "Crash(B)",
    "Start(B)", "RemoveFault(A, temp)", "Start(B)", "Submit(set k3=v5)",
    "InjectFault(B, data, access-denied)", "Submit(set k2=v6)", "RemoveFault(B, data)",
    "Start(B)", "Crash(A)", "Submit(set k1=v7)", "Start(A)", "Submit(set k0=v8)",
    "InjectFault(B, temp, access-denied)", "Crash(A)", "Start(A)", "RemoveFault(B, temp)",
    "Start(A)", "Submit(set k3=v9)", "Crash(B)", "Start(B)"};

std::filesystem::path ImplDir() {
  std::error_code ec;
  return std::filesystem::read_symlink("/proc/self/exe", ec).parent_path();
}

void RunSteps(benchmark::State& state, bool check) {
  auto sandbox = Sandbox::Create();
  if (!sandbox) {
    state.SkipWithError(sandbox.error().message.c_str());
    return;
  }
  StSettings settings;
  settings.impl_dir = ImplDir();
  std::int64_t steps = 0;
  for (auto _ : state) {
    auto outcome = Replay<StateTransferProtocol>(
        settings, *sandbox, kSteps, nullptr, check ? ReplayMode::kChecked : ReplayMode::kSystemOnly);
    if (!outcome || outcome->violation) {
      state.SkipWithError(outcome ? outcome->violation->message.c_str()
                                  : outcome.error().message.c_str());
      return;
    }
    steps += outcome->steps_run;
  }
  state.counters["steps_per_second"] = benchmark::Counter(static_cast<double>(steps),
                                                          benchmark::Counter::kIsRate);
}

void BM_StepsWithModelAndChecks(benchmark::State& state) { RunSteps(state, true); }
void BM_StepsProcessesOnly(benchmark::State& state) { RunSteps(state, false); }
BENCHMARK(BM_StepsProcessesOnly)->Unit(benchmark::kMillisecond)->MinTime(5.0)->UseRealTime();
BENCHMARK(BM_StepsWithModelAndChecks)->Unit(benchmark::kMillisecond)->MinTime(5.0)->UseRealTime();

// The overhead ratio from the two rates the reporter saw.
void PrintRatio(const bench::RatioReporter& reporter) {
  const double raw = reporter.Counter("BM_StepsProcessesOnly", "steps_per_second");
  const double checked = reporter.Counter("BM_StepsWithModelAndChecks", "steps_per_second");
  if (raw <= 0 || checked <= 0) return;
  std::cout << "\nsteps/s with model and checks: " << checked << ", processes only: " << raw
            << "\nharness overhead: checked run takes " << raw / checked
            << "x the time of the raw steps (ratio measured in this run)\n";
}

}  // namespace
}  // namespace lockstep::harness

int main(int argc, char** argv) {
  (void)lockstep::harness::EnterPrivateMountNamespace();
  benchmark::Initialize(&argc, argv);
  lockstep::bench::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  lockstep::harness::PrintRatio(reporter);
  benchmark::Shutdown();
  return 0;
}
