// lockstep campaign: a time-boxed fault campaign. Seeds from this shard's disjoint slice are
// run by parallel worker processes (each a `lockstep run` writing its own per-seed report);
// every failing seed is replayed once (`lockstep replay`). The campaign keeps only a tally of
// each finished seed (reports/campaign_tally.h), so its cost per seed stays flat, and merges
// the per-seed reports into the campaign report once, at the end or on SIGINT/SIGTERM (then
// with complete: false and exit status 3). A campaign killed outright leaves the per-seed
// reports in REPORT_DIR/seeds for `lockstep report merge`.
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <random>
#include <sstream>
#include <thread>

#include <boost/program_options.hpp>

#include "harness/bugs/seeded_bugs.h"
#include "harness/cli/cli_support.h"
#include "harness/cli/shard.h"
#include "harness/cli/subcommands.h"
#include "harness/os/deadline.h"
#include "harness/os/process.h"
#include "harness/os/sandbox.h"
#include "harness/os/stop_request.h"
#include "reports/campaign_tally.h"
#include "reports/ctrf.h"
#include "reports/from_ctrf.h"
#include "reports/merge.h"
#include "reports/report_file.h"
#include "reports/schema.h"
#include "reports/show.h"
#include "reports/verdict.h"

namespace lockstep::harness::cli {

namespace po = boost::program_options;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct CampaignArgs {
  std::string duration = "2m", shard, report_dir = "lockstep-campaign", report, protocol = "all";
  std::string faults = "all", impl_dir, sandbox_root, campaign_id, bug, shrink_budget = "5m";
  std::string worker_timeout = "30m";
  int jobs = 0, tests_per_seed = 25, max_steps = 30, shards = 0;
  std::uint64_t base_seed = 0;
};

// One worker process: a seed's run, or the replay of one of its failures.
struct Worker {
  std::uint64_t seed;
  fs::path report;                              // a run's per-seed report
  std::optional<reports::PendingReplay> replay;  // set for a replay
  Process process;
  std::chrono::steady_clock::time_point deadline{};  // killed if still running then
};

po::options_description CampaignOptions(CampaignArgs& a) {
  po::options_description o("lockstep campaign [options]\n\nA nightly fault campaign: many seeds, "
                            "all protocols and faults, parallel workers, a merged report.\nExit "
                            "status: 0 passed, 1 a property failed, 2 usage or environment error "
                            "(or undecided), 3 interrupted (SIGINT/SIGTERM) before the time box "
                            "ended: the report has complete: false");
  o.add_options()("help,h", "this help")
      ("duration", po::value(&a.duration)->default_value(a.duration), "time box: 90s, 2m, 8h")
      ("jobs", po::value(&a.jobs), "parallel workers (default: number of cores)")
      ("shard", po::value(&a.shard), "I/N: this machine's disjoint slice of the seed space "
       "(default: from --shards and the scheduler, else 0/1)")
      ("shards", po::value(&a.shards), "N shards, this one's index from the scheduler: "
       "JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID - "
       "SLURM_ARRAY_TASK_MIN (Slurm array; N defaults to SLURM_ARRAY_TASK_COUNT)")
      ("report-dir", po::value(&a.report_dir)->default_value(a.report_dir),
       "directory for per-seed reports and logs")
      ("report", po::value(&a.report), "merged report (default REPORT_DIR/campaign.json)")
      ("campaign-id", po::value(&a.campaign_id), "the campaign's id, shared by all its shards "
       "(default: random); the base seed is derived from it unless --base-seed is given")
      ("base-seed", po::value(&a.base_seed), "first seed of the seed space (default: from the "
       "campaign id)")
      ("tests-per-seed", po::value(&a.tests_per_seed)->default_value(a.tests_per_seed), "cases per seed")
      ("max-steps", po::value(&a.max_steps)->default_value(a.max_steps), "commands per case")
      ("protocol", po::value(&a.protocol)->default_value(a.protocol), "a protocol or all")
      ("faults", po::value(&a.faults)->default_value(a.faults), "fault kinds, as for run")
      ("bug", po::value(&a.bug), "seeded bug to enable in every worker (see lockstep bugs)")
      ("impl-dir", po::value(&a.impl_dir), "directory of the implementation binaries")
      ("sandbox-root", po::value(&a.sandbox_root), "where run directories live")
      ("shrink-budget", po::value(&a.shrink_budget)->default_value(a.shrink_budget),
       "how long each worker may shrink a failure, as for run")
      ("worker-timeout", po::value(&a.worker_timeout)->default_value(a.worker_timeout),
       "how long one worker (a seed's run or a replay) may take; one still running then is "
       "killed with its processes and counted as a worker error (its log is kept)");
  return o;
}

// The shard from --shard, else from a Kubernetes Indexed Job or a Slurm job array (shard.h).
std::pair<int, int> ShardOf(const CampaignArgs& a, const po::variables_map& vm) {
  const std::optional<int> shards = vm.count("shards") ? std::optional(a.shards) : std::nullopt;
  auto shard = ResolveShard(a.shard, shards, [](const char* name) { return std::getenv(name); });
  if (!shard) throw UsageError(shard.error().message);
  return {shard->index, shard->count};
}

std::string RandomCampaignId() {
  std::random_device random;
  std::ostringstream id;
  id << std::hex << std::setfill('0') << std::setw(8) << random() << std::setw(8) << random();
  return id.str();
}

// FNV-1a of the id, kept to 48 bits (seeds stay well inside int64 for JSON validators): every
// shard given the same campaign id derives the same seed space.
std::uint64_t BaseSeedOf(const std::string& campaign_id) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : campaign_id) h = (h ^ c) * 1099511628211ull;
  return h >> 16;
}

std::string ShardText(std::pair<int, int> shard) {
  return std::to_string(shard.first) + "/" + std::to_string(shard.second);
}

Result<Worker> LaunchRun(const CampaignArgs& a, std::uint64_t seed, const fs::path& seeds_dir) {
  const std::string stem = "seed-" + std::to_string(seed);
  const fs::path report = seeds_dir / (stem + ".json");
  ProcessSpec spec{"worker seed " + std::to_string(seed), fs::read_symlink("/proc/self/exe"),
                   {"run", "--protocol", a.protocol, "--seed", std::to_string(seed), "--tests",
                    std::to_string(a.tests_per_seed), "--max-steps", std::to_string(a.max_steps),
                    "--report", report.string(), "--impl-dir", a.impl_dir},
                   {},
                   seeds_dir / (stem + ".log"),
                   /*drop_capabilities=*/false};
  spec.args.insert(spec.args.end(), {"--faults", a.faults, "--shrink-budget", a.shrink_budget});
  if (!a.bug.empty()) spec.args.insert(spec.args.end(), {"--bug", a.bug});
  if (!a.sandbox_root.empty()) spec.args.insert(spec.args.end(), {"--sandbox-root", a.sandbox_root});
  // Every seed's coverage N is the same search: the first worker to need it writes it there.
  spec.args.insert(spec.args.end(), {"--coverage-cache", (seeds_dir.parent_path() / "coverage").string()});
  auto p = Process::Spawn(spec);
  if (!p) return std::unexpected(p.error());
  return Worker{seed, report, std::nullopt, std::move(*p)};
}

Result<Worker> LaunchReplay(const CampaignArgs& a, const reports::PendingReplay& replay,
                            const fs::path& seeds_dir) {
  const std::string stem = "seed-" + std::to_string(replay.seed) + "-" + replay.signature.property;
  ProcessSpec spec{"replay seed " + std::to_string(replay.seed), fs::read_symlink("/proc/self/exe"),
                   {"replay", "--reproduce", replay.reproduce, "--impl-dir", a.impl_dir},
                   {},
                   seeds_dir / (stem + ".replay.log"),
                   /*drop_capabilities=*/false};
  if (!a.sandbox_root.empty()) spec.args.insert(spec.args.end(), {"--sandbox-root", a.sandbox_root});
  auto p = Process::Spawn(spec);
  if (!p) return std::unexpected(p.error());
  return Worker{replay.seed, {}, replay, std::move(*p)};
}

// Folds an ended worker into the tally. A replay reproduced when it failed again (exit 1).
void Collect(Worker& w, reports::CampaignTally& tally) {
  const ExitStatus exit = *w.process.exit_status();
  if (w.replay) {
    const bool reproduced = !exit.signaled && exit.code == kExitFailed;
    if (!reproduced) {
      std::cerr << "seed " << w.seed << ": " << w.replay->signature.property
                << " did not reproduce on replay (" << exit.Describe() << ")\n";
    }
    tally.AddReplay(*w.replay, reproduced);
    return;
  }
  auto report = reports::ReadJson(w.report);
  if (report) {
    if (Status valid = reports::ValidateReport(*report); !valid) report = std::unexpected(valid.error());
  }
  if (!report) {
    tally.AddWorkerError(w.seed);
    std::cerr << "seed " << w.seed << ": worker ended (" << exit.Describe()
              << ") without a usable report: " << report.error().message << "\n";
    return;
  }
  tally.AddSeed(w.seed, *report);
}

// A worker past its --worker-timeout: killed (its children go with it: PDEATHSIG) and counted
// as a worker error, or a replay that did not reproduce. Its log stays beside its report.
void TimeOut(Worker& w, const std::string& timeout, reports::CampaignTally& tally) {
  if (Status killed = w.process.Kill(); !killed) {
    std::cerr << "seed " << w.seed << ": " << killed.error().message << "\n";
  }
  std::cerr << "seed " << w.seed << ": " << (w.replay ? "replay" : "worker")
            << " still running after --worker-timeout " << timeout << ": killed\n";
  if (w.replay) {
    tally.AddReplay(*w.replay, false);
  } else {
    tally.AddWorkerError(w.seed);
  }
}

std::string Clock(std::int64_t seconds) {
  std::ostringstream out;
  out << seconds / 3600 << ':' << std::setfill('0') << std::setw(2) << seconds / 60 % 60 << ':'
      << std::setw(2) << seconds % 60;
  return out.str();
}

// The progress display on stderr: one line rewritten in place on a terminal (every second),
// plain lines otherwise (when a seed ends, and at least every 30 s).
class ProgressLine {
 public:
  ProgressLine(std::int64_t start_ms, std::chrono::seconds duration)
      : tty_(::isatty(STDERR_FILENO) == 1), start_ms_(start_ms), duration_ms_(duration.count() * 1000) {}

  void Show(const reports::CampaignTally& t, std::size_t running, bool changed) {
    const std::int64_t now = NowMs();
    if (!changed && now - last_ms_ < (tty_ ? 1000 : 30000)) return;
    last_ms_ = now;
    const std::int64_t elapsed = now - start_ms_;
    std::ostringstream line;
    line << "[" << Clock(elapsed / 1000) << " elapsed, "
         << Clock(std::max<std::int64_t>(0, duration_ms_ - elapsed) / 1000) << " left] seeds "
         << t.seeds_run() << ", cases " << t.cases() << ", steps " << t.steps() << ", faults "
         << t.faults() << ", failures " << t.failures() << " (" << t.signatures()
         << " distinct), worker errors " << t.worker_errors() << ", running " << running;
    if (line.str() == last_line_) return;  // e.g. the closing line, when nothing changed
    last_line_ = line.str();
    if (tty_) {
      std::cerr << "\r\033[K" << line.str() << std::flush;
    } else {
      std::cerr << line.str() << "\n";
    }
    shown_ = true;
  }
  // Ends the in-place line before other output.
  void Break() {
    if (tty_ && shown_) std::cerr << "\n";
    shown_ = false;
  }

 private:
  bool tty_, shown_ = false;
  std::int64_t start_ms_, duration_ms_, last_ms_ = 0;
  std::string last_line_;
};

// The per-seed reports merged one at a time (each read, folded and dropped): nullopt when no
// seed finished. A report that can no longer be read or merged is named on stderr and left out.
std::optional<json> MergeSeedReports(const reports::CampaignTally& tally, const fs::path& seeds_dir) {
  std::optional<json> merged;
  for (std::uint64_t seed : tally.seeds()) {
    const fs::path path = seeds_dir / ("seed-" + std::to_string(seed) + ".json");
    auto report = reports::ReadJson(path);
    if (!report) {
      std::cerr << "lockstep campaign: " << report.error().message << "\n";
      continue;
    }
    if (!merged) {
      merged = std::move(*report);
      continue;
    }
    auto folded = reports::MergeReports({*merged, *report});
    if (!folded) {
      std::cerr << "lockstep campaign: cannot merge " << path.string() << ": " << folded.error().message << "\n";
      continue;
    }
    merged = std::move(*folded);
  }
  return merged;
}

struct CampaignFacts {
  std::string id, command_line;
  std::pair<int, int> shard;
  std::chrono::seconds duration;
  std::int64_t start_ms, stop_ms;
  int interrupted_by;  // the signal, or 0
  bool launch_failed;  // a worker could not be started: the campaign stopped early
};

// The campaign report: the seeds' tests merged, under the campaign's own run information.
json CampaignReport(const CampaignArgs& a, const CampaignFacts& f, const reports::CampaignTally& tally,
                    const std::optional<json>& merged, reports::RunInfo info) {
  std::vector<reports::PropertyResult> properties;
  if (merged) {
    reports::Report seeds = reports::ReportFromCtrf(*merged);
    properties = std::move(seeds.properties);
    info.fault_mechanisms = seeds.run.fault_mechanisms;
    info.extra = seeds.run.extra;  // {merged_from, shards}
  }
  info.seed = a.base_seed;
  info.start_ms = f.start_ms;
  info.stop_ms = f.stop_ms;
  json campaign = tally.ToJson();
  campaign.update({{"campaign_id", f.id},
                   {"command_line", f.command_line},
                   {"complete", f.interrupted_by == 0 && !f.launch_failed},
                   {"interrupted_by", f.interrupted_by == SIGINT    ? "SIGINT"
                                      : f.interrupted_by == SIGTERM ? "SIGTERM"
                                                                    : ""},
                   {"duration_asked_s", f.duration.count()},
                   {"duration_run_s", (f.stop_ms - f.start_ms) / 1000.0},
                   {"jobs", a.jobs},
                   {"shard", ShardText(f.shard)},
                   {"base_seed", a.base_seed},
                   {"protocol", a.protocol},
                   {"faults", a.faults},
                   {"bug", a.bug},
                   {"tests_per_seed", a.tests_per_seed},
                   {"max_steps", a.max_steps}});
  info.extra["campaign"] = std::move(campaign);
  json report = reports::ToCtrf(info, properties);
  // CTRF has no run id; its free-form root `extra` carries the id every shard shares.
  report["extra"] = {{"runId", f.id}};
  return report;
}

// Exit status: 3 when interrupted, else the verdict's, and 2 for a worker that ended without
// a report or could not be started, in an otherwise passing campaign.
int CampaignExit(const json& report, const reports::CampaignTally& tally, const CampaignFacts& f) {
  if (f.interrupted_by != 0) return kExitInterrupted;
  const int code = reports::ExitCodeFor(reports::OverallVerdict(report));
  return code == kExitPassed && (tally.worker_errors() > 0 || f.launch_failed) ? kExitUsage : code;
}

}  // namespace

int CampaignMain(int argc, char** argv) {
  CampaignArgs a;
  const auto parsed = ParseArgs(argc, argv, CampaignOptions(a));
  if (!parsed) return kExitPassed;
  const auto& vm = *parsed;
  const auto duration = ParseDuration(a.duration);
  const auto shard = ShardOf(a, vm);
  if (!vm.count("jobs")) a.jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (a.jobs <= 0) throw UsageError("--jobs must be positive");
  if (a.tests_per_seed <= 0) throw UsageError("--tests-per-seed must be positive");
  if (a.max_steps <= 0) throw UsageError("--max-steps must be positive");
  if (a.campaign_id.empty()) a.campaign_id = RandomCampaignId();
  if (!vm.count("base-seed")) a.base_seed = BaseSeedOf(a.campaign_id);
  a.impl_dir = fs::absolute(a.impl_dir.empty() ? DefaultImplDir() : fs::path(a.impl_dir)).string();
  (void)ParseFaultList(a.faults);
  (void)ParseDuration(a.shrink_budget);
  const auto worker_timeout = ParseDuration(a.worker_timeout);
  // A seeded bug narrows the campaign to its protocol and, unless --faults is given, to the
  // fault kinds it is hunted under, as for run; the report then says what was run.
  const auto protocols = ProtocolsForBug(a.bug, ParseProtocols(a.protocol));
  if (!a.bug.empty()) {
    a.protocol = protocols.front();
    if (vm["faults"].defaulted()) a.faults = FaultListText(FindSeededBug(a.bug)->faults);
  }
  const ImplIdentity impl = CheckImplementation(a.impl_dir, protocols, a.bug);
  // Nothing is created until every path has been checked: a refused campaign leaves no seeds
  // directory and no sandbox root behind. A --report outside the report directory is checked
  // first; the default one, inside it, once the directory exists.
  const fs::path report_path = a.report.empty() ? fs::path(a.report_dir) / "campaign.json" : fs::path(a.report);
  const fs::path seeds_dir = fs::path(a.report_dir) / "seeds";
  if (!a.report.empty()) {
    if (auto s = CheckWritable(report_path); !s) throw UsageError(s.error().message);
  }
  std::error_code ec;
  const bool had_report_dir = fs::exists(a.report_dir, ec);
  const bool had_seeds_dir = fs::exists(seeds_dir, ec);
  fs::create_directories(seeds_dir, ec);
  if (ec) throw UsageError("cannot create " + seeds_dir.string() + ": " + ec.message());
  // Each worker makes its own run directory under the sandbox root, and refuses to run
  // without one (never falling back to outside it). A root that cannot hold one is one
  // environment error now, not a failed seed per worker.
  Status ready = CheckWritable(report_path);
  if (ready) {
    auto probe = Sandbox::Create({a.sandbox_root});
    if (!probe) ready = std::unexpected(probe.error());
  }
  if (!ready) {
    // What this campaign made (fs::remove takes a directory only while it is empty).
    if (!had_seeds_dir) fs::remove(seeds_dir, ec);
    if (!had_report_dir) fs::remove(a.report_dir, ec);
    throw UsageError(ready.error().message);
  }
  const reports::RunInfo info = MakeRunInfo("campaign", argc, argv, a.impl_dir, protocols, impl);

  InstallStopHandlers();
  const std::int64_t start_ms = NowMs();
  const auto end = std::chrono::steady_clock::now() + duration;
  std::cerr << "lockstep campaign " << a.campaign_id << ": " << a.duration << " ("
            << duration.count() << " s), " << a.jobs << " jobs, shard " << ShardText(shard)
            << ", base seed " << a.base_seed << ", protocol " << a.protocol
            << (a.bug.empty() ? "" : ", seeded bug " + a.bug) << ", report " << report_path.string()
            << "\n";
  reports::CampaignTally tally;
  ProgressLine progress(start_ms, duration);
  std::vector<Worker> running;
  std::vector<reports::PendingReplay> replays;  // failing seeds not yet replayed
  std::uint64_t next = 0;
  bool launch_failed = false;
  while (!StopSignal()) {
    // Replays first, then new seeds while time is left; replays still run after the time box.
    while (!StopSignal() && !launch_failed && running.size() < static_cast<std::size_t>(a.jobs)) {
      Result<Worker> w = Fail("no work");
      if (!replays.empty()) {
        w = LaunchReplay(a, replays.back(), seeds_dir);
        replays.pop_back();
      } else if (std::chrono::steady_clock::now() < end) {
        w = LaunchRun(a, a.base_seed + next++ * shard.second + shard.first, seeds_dir);
      } else {
        break;
      }
      if (!w) {  // an environment error: finish what runs and report it, start nothing more
        progress.Break();
        std::cerr << "lockstep campaign: " << w.error().message << "; starting no more workers\n";
        launch_failed = true;
        break;
      }
      w->deadline = std::chrono::steady_clock::now() + worker_timeout;
      running.push_back(std::move(*w));
    }
    if (running.empty()) break;
    PollUntil([&] { return StopSignal() || std::any_of(running.begin(), running.end(), [](Worker& w) { return !w.process.Running(); }); },
              std::chrono::seconds(1));
    bool changed = false;
    for (auto it = running.begin(); it != running.end();) {
      if (it->process.Running() && std::chrono::steady_clock::now() >= it->deadline) {
        progress.Break();
        TimeOut(*it, a.worker_timeout, tally);
        it = running.erase(it);
        changed = true;
        continue;
      }
      if (it->process.Running()) { ++it; continue; }
      // A worker the interrupt stopped (a terminal's ^C reaches the whole group) did not
      // finish its seed: killed by it, or ended by it with nothing found (exit 3), it is
      // abandoned, not a worker error. One that found a failure first (exit 1) is collected.
      const ExitStatus& end = *it->process.exit_status();
      if (StopSignal() && (end.signaled || end.code == kExitInterrupted)) { ++it; continue; }
      Collect(*it, tally);
      for (auto& r : tally.TakeReplays()) replays.push_back(std::move(r));
      it = running.erase(it);
      changed = true;
    }
    progress.Show(tally, running.size(), changed);
  }
  // Interrupted: the workers still running are killed (with their children: PDEATHSIG) and
  // reaped; their seeds are abandoned, and the failing seeds not yet replayed stay so.
  for (Worker& w : running) {
    if (!w.replay) tally.AddAbandoned(w.seed);
  }
  running.clear();
  progress.Show(tally, 0, true);
  progress.Break();
  if (StopSignal()) {
    std::cerr << "lockstep campaign: interrupted by signal " << StopSignal()
              << "; merging what finished (complete: false)\n";
  }
  const CampaignFacts facts{a.campaign_id, info.command_line, shard, duration,
                            start_ms,      NowMs(),           StopSignal(), launch_failed};
  const json report = CampaignReport(a, facts, tally, MergeSeedReports(tally, seeds_dir), info);
  if (!WriteAndShowReport(report, report_path)) return kExitUsage;
  return CampaignExit(report, tally, facts);
}

}  // namespace lockstep::harness::cli
