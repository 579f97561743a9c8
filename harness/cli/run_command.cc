// lockstep run: a property test run of one or all protocols, written as a CTRF report.
#include <cstdlib>
#include <iostream>
#include <random>

#include <boost/program_options.hpp>

#include "faults/availability.h"
#include "faults/power_loss.h"
#include "harness/bugs/seeded_bugs.h"
#include "harness/cli/cli_support.h"
#include "harness/cli/subcommands.h"
#include "harness/os/mount_namespace.h"
#include "harness/os/sandbox.h"
#include "harness/os/stop_request.h"
#include "harness/property/reachable_cache.h"
#include "harness/protocols.h"
#include "reports/ctrf.h"
#include "reports/protocol_totals.h"

namespace lockstep::harness::cli {

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

struct RunArgs {
  std::string protocol = "all", faults = "all", bug, report = "lockstep-report.json";
  std::string impl_dir, sandbox_root, coverage_cache, keep_traces, trace_validation = "on",
              crash_at_action = "on";
  std::uint64_t seed = 0;
  int tests = 100, max_steps = 30;
  std::vector<std::string> sets;  // NAME=VALUE protocol settings
  bool no_shrink = false;
  std::string shrink_budget = "5m";
};

po::options_description RunOptions(RunArgs& a) {
  po::options_description o("lockstep run [options]\n\nA property test run: RapidCheck command "
                            "sequences on the model and the real processes, under faults");
  o.add_options()("help,h", "this help")
      ("protocol", po::value(&a.protocol)->default_value(a.protocol), ProtocolChoices().c_str())
      ("seed", po::value(&a.seed), "RapidCheck seed (default: random, printed)")
      ("tests", po::value(&a.tests)->default_value(a.tests), "test cases")
      ("max-steps", po::value(&a.max_steps)->default_value(a.max_steps), "commands per case, at most")
      ("faults", po::value(&a.faults)->default_value(a.faults),
       "comma list of disk-full, access-denied, crash, reformat, corrupt, power-loss; or all "
       "(every kind but power-loss), none")
      ("bug", po::value(&a.bug), "seeded bug to enable in the implementation (see lockstep bugs)")
      ("report", po::value(&a.report)->default_value(a.report), "CTRF report file to write")
      ("impl-dir", po::value(&a.impl_dir), "directory of the implementation binaries")
      ("sandbox-root", po::value(&a.sandbox_root), "where run directories live (default $TMPDIR/lockstep-sandbox)")
      ("coverage-cache", po::value(&a.coverage_cache),
       "directory keeping each model's reachable states (coverage N) between runs of this "
       "lockstep build, instead of searching the model in every run (campaigns pass one)")
      ("set", po::value(&a.sets)->composing(), ProtocolSettingsHelp().c_str())
      ("trace-validation", po::value(&a.trace_validation)->default_value(a.trace_validation),
       "on: replay every step's trace lines through the protocol's event model "
       "(docs/trace.md, Validation); off: only the quiet-point checks")
      ("crash-at-action", po::value(&a.crash_at_action)->default_value(a.crash_at_action),
       "on: crash faults may land at any traced action; off: only at quiet points and named "
       "crash points")
      ("keep-traces", po::value(&a.keep_traces),
       "copy each case's traces to DIR/<protocol>/case-<n>/ (for lockstep validate-trace)")
      ("no-shrink", po::bool_switch(&a.no_shrink), "report the first failing case unshrunk")
      ("shrink-budget", po::value(&a.shrink_budget)->default_value(a.shrink_budget),
       "how long to shrink a failure (90s, 5m, 1h); then the best counterexample so far is "
       "reported. SIGINT/SIGTERM while shrinking reports it at once");
  return o;
}

std::uint64_t RandomSeed() {
  std::random_device device;
  return (std::uint64_t{device()} << 32) | device();
}

RunSettings ToSettings(const RunArgs& a) {
  if (a.tests <= 0) throw UsageError("--tests must be positive");
  if (a.max_steps <= 0) throw UsageError("--max-steps must be positive");
  RunSettings s;
  s.seed = a.seed;
  s.tests = a.tests;
  s.max_steps = a.max_steps;
  s.faults = ParseFaultList(a.faults);
  s.bug = a.bug;
  s.impl_dir = fs::absolute(a.impl_dir.empty() ? DefaultImplDir() : fs::path(a.impl_dir));
  s.protocol_options = ParseSettingAssignments(a.sets);
  s.shrink = !a.no_shrink;
  if (a.trace_validation != "on" && a.trace_validation != "off") {
    throw UsageError("--trace-validation must be on or off, not '" + a.trace_validation + "'");
  }
  s.validate_traces = a.trace_validation == "on";
  if (a.crash_at_action != "on" && a.crash_at_action != "off") {
    throw UsageError("--crash-at-action must be on or off, not '" + a.crash_at_action + "'");
  }
  s.crash_at_action = a.crash_at_action == "on";
  s.shrink_budget = ParseDuration(a.shrink_budget);
  return s;
}

// Drops fault kinds this machine cannot inject, saying so in the report and on stderr (never
// silently): the report's fault_mechanisms then reads "unavailable: <why>" for each.
void ApplyAvailability(RunSettings& s, reports::RunInfo& info) {
  const auto available =
      faults::ProbeAvailability(InPrivateMountNamespace(), PrivateMountNamespaceError());
  const auto drop = [&](const std::string& kind, bool ok, const std::string& why) {
    if (ok || !s.faults.contains(kind)) return;
    s.faults.erase(kind);
    info.fault_mechanisms[kind] = "unavailable: " + why;
    std::cerr << "lockstep run: " << kind << " faults unavailable: " << why << "\n";
  };
  drop("disk-full", available.disk_full, available.disk_full_reason);
  drop("access-denied", available.access_denied, available.access_denied_reason);
  if (s.faults.contains("power-loss")) {  // a trial mount: only when asked for
    const std::string why =
        faults::PowerLossUnavailableReason(PowerLossProgram(), InPrivateMountNamespace());
    drop("power-loss", why.empty(), why);
  }
}

// Writes the report as it stands when a failure was found: the protocols finished so far,
// and `now`'s results with the failure unshrunk. Only said on stderr if it cannot be written:
// the run goes on either way, and writes its full report at the end.
void WriteFailureAsFound(const std::vector<reports::PropertyResult>& finished,
                         const ProtocolRun& now, reports::RunInfo info, const std::string& path) {
  std::vector<reports::PropertyResult> properties = finished;
  properties.insert(properties.end(), now.properties.begin(), now.properties.end());
  for (const auto& [kind, how] : now.mechanisms) info.fault_mechanisms[kind] = how;
  info.stop_ms = NowMs();
  if (const Status written = WriteReport(reports::ToCtrf(info, properties), path); !written) {
    std::cerr << "lockstep run: could not write the failure as found: " << written.error().message
              << "\n";
    return;
  }
  std::cerr << "lockstep run: the failure as found is in " << path << "; shrinking it\n";
}

}  // namespace

int RunMain(int argc, char** argv) {
  RunArgs a;
  const auto parsed = ParseArgs(argc, argv, RunOptions(a));
  if (!parsed) return kExitPassed;
  const auto& vm = *parsed;
  if (!vm.count("seed")) a.seed = RandomSeed();
  // RapidCheck prints its configuration once; make the seed it prints the run's seed.
  ::setenv("RC_PARAMS", ("seed=" + std::to_string(a.seed)).c_str(), 1);
  const auto protocols = ProtocolsForBug(a.bug, ParseProtocols(a.protocol));
  RunSettings settings = ToSettings(a);
  if (!a.bug.empty() && vm["faults"].defaulted()) settings.faults = FindSeededBug(a.bug)->faults;
  CheckProtocolOptions(settings.protocol_options, protocols);
  const ImplIdentity impl = CheckImplementation(settings.impl_dir, protocols, settings.bug);
  settings.impl_digest = impl.digests;
  if (auto s = CheckWritable(a.report); !s) throw UsageError(s.error().message);
  if (std::error_code ec; !a.coverage_cache.empty() && fs::exists(a.coverage_cache, ec) &&
                          !fs::is_directory(a.coverage_cache, ec)) {
    throw UsageError("--coverage-cache " + a.coverage_cache + " is not a directory");
  }
  if (!a.keep_traces.empty()) {
    std::error_code ec;
    if (fs::exists(a.keep_traces, ec) && !fs::is_directory(a.keep_traces, ec)) {
      throw UsageError("--keep-traces " + a.keep_traces + " is not a directory");
    }
    // Where it will be created (its parent), or where the copies go.
    const fs::path probe = fs::exists(a.keep_traces, ec) ? fs::path(a.keep_traces) / ".probe"
                                                         : fs::path(a.keep_traces);
    if (auto s = CheckWritable(probe); !s) {
      throw UsageError("--keep-traces " + a.keep_traces + ": " + s.error().message);
    }
    settings.keep_traces_dir = fs::absolute(a.keep_traces);
  }
  auto info = MakeRunInfo("run", argc, argv, settings.impl_dir, protocols, impl);
  info.seed = settings.seed;
  ApplyAvailability(settings, info);
  auto sandbox = Sandbox::Create({a.sandbox_root});
  if (!sandbox) throw UsageError(sandbox.error().message);
  SetReachableCacheDir(a.coverage_cache);
  InstallStopHandlers();  // from here a SIGINT/SIGTERM ends the run with its report written
  std::cerr << "lockstep run: seed " << settings.seed << ", " << settings.tests << " cases per protocol\n";
  std::vector<reports::PropertyResult> results;
  // A failure is written down the moment it is found, unshrunk, beside what finished before:
  // shrinking may take minutes, and a SIGKILL during it must not lose the failure.
  RunObserver observer{.progress = &std::cerr};
  observer.failure_found = [&](const ProtocolRun& now) {
    WriteFailureAsFound(results, now, info, a.report);
  };
  for (const auto& protocol : protocols) {
    const std::int64_t started_ms = NowMs();
    auto run = ProtocolOrThrow(protocol).Run(settings, *sandbox, observer);
    if (!run) throw UsageError(run.error().message);
    // All the protocol took (its search, and the model-coverage count after it), shared by its
    // properties, so the report's test durations add up to the run's wall time.
    reports::ShareDuration(run->properties, static_cast<double>(NowMs() - started_ms));
    results.insert(results.end(), run->properties.begin(), run->properties.end());
    for (const auto& [kind, how] : run->mechanisms) info.fault_mechanisms[kind] = how;
  }
  info.stop_ms = NowMs();
  const int stop = StopSignal();
  if (stop != 0) {
    info.extra["interrupted_by"] = StopSignalName(stop);
    std::cerr << "lockstep run: interrupted by " << StopSignalName(stop)
              << "; the report holds what finished\n";
  }
  const int code = FinishReport(reports::ToCtrf(info, results), a.report);
  // A failure found is a failure (1); otherwise an interrupted run is 3, as a campaign's.
  return stop != 0 && code != kExitFailed ? kExitInterrupted : code;
}

}  // namespace lockstep::harness::cli
