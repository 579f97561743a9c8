// lockstep campaign: a time-boxed fault campaign. Seeds from this shard's disjoint slice are
// run by parallel worker processes (each a `lockstep run`); every finished seed is merged into
// the campaign report at once, so an interrupted campaign keeps everything it found.
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <random>
#include <thread>

#include <boost/program_options.hpp>

#include "harness/cli/cli_support.h"
#include "harness/cli/subcommands.h"
#include "harness/os/deadline.h"
#include "harness/os/process.h"
#include "harness/os/sandbox.h"
#include "reports/ctrf.h"
#include "reports/merge.h"
#include "reports/report_file.h"
#include "reports/verdict.h"

namespace lockstep::harness::cli {

namespace po = boost::program_options;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

volatile std::sig_atomic_t g_interrupted = 0;
extern "C" void OnInterrupt(int) { g_interrupted = 1; }

struct CampaignArgs {
  std::string duration = "2m", shard, report_dir = "lockstep-campaign", report, protocol = "all";
  std::string faults = "all", impl_dir, sandbox_root;
  int jobs = 0, tests_per_seed = 25, max_steps = 30;
  std::uint64_t base_seed = 0;
};

struct Worker {
  std::uint64_t seed;
  fs::path report;
  Process process;
};

struct Progress {
  int seeds_done = 0, seeds_failed = 0, worker_errors = 0;
  std::vector<std::uint64_t> seeds;
  std::optional<json> merged;
};

po::options_description CampaignOptions(CampaignArgs& a) {
  po::options_description o("lockstep campaign [options]\n\nA nightly fault campaign: many seeds, "
                            "all protocols and faults, parallel workers, a merged report");
  o.add_options()("help,h", "this help")
      ("duration", po::value(&a.duration)->default_value(a.duration), "time box: 90s, 2m, 8h")
      ("jobs", po::value(&a.jobs), "parallel workers (default: number of cores)")
      ("shard", po::value(&a.shard), "I/N: this machine's disjoint slice of the seed space "
       "(default: from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID, else 0/1)")
      ("report-dir", po::value(&a.report_dir)->default_value(a.report_dir),
       "directory for per-seed reports and logs")
      ("report", po::value(&a.report), "merged report (default REPORT_DIR/campaign.json)")
      ("base-seed", po::value(&a.base_seed), "first seed of the seed space (default: random)")
      ("tests-per-seed", po::value(&a.tests_per_seed)->default_value(a.tests_per_seed), "cases per seed")
      ("max-steps", po::value(&a.max_steps)->default_value(a.max_steps), "commands per case")
      ("protocol", po::value(&a.protocol)->default_value(a.protocol), "a protocol or all")
      ("faults", po::value(&a.faults)->default_value(a.faults), "fault kinds, as for run")
      ("impl-dir", po::value(&a.impl_dir), "directory of the implementation binaries")
      ("sandbox-root", po::value(&a.sandbox_root), "where run directories live");
  return o;
}

// The shard from --shard, else from a Kubernetes Indexed Job or a Slurm job array.
std::pair<int, int> ResolveShard(const std::string& flag) {
  if (!flag.empty()) return ParseShard(flag);
  const char* k8s_index = std::getenv("JOB_COMPLETION_INDEX");
  const char* k8s_count = std::getenv("LOCKSTEP_SHARDS");
  if (k8s_index && k8s_count) return ParseShard(std::string(k8s_index) + "/" + k8s_count);
  const char* slurm_id = std::getenv("SLURM_ARRAY_TASK_ID");
  const char* slurm_count = std::getenv("SLURM_ARRAY_TASK_COUNT");
  if (slurm_id && slurm_count) return ParseShard(std::string(slurm_id) + "/" + slurm_count);
  return {0, 1};
}

Result<Worker> Launch(const CampaignArgs& a, std::uint64_t seed, const fs::path& seeds_dir) {
  const fs::path report = seeds_dir / ("seed-" + std::to_string(seed) + ".json");
  ProcessSpec spec{"worker seed " + std::to_string(seed), fs::read_symlink("/proc/self/exe"),
                   {"run", "--protocol", a.protocol, "--seed", std::to_string(seed), "--tests",
                    std::to_string(a.tests_per_seed), "--max-steps", std::to_string(a.max_steps),
                    "--faults", a.faults, "--report", report.string(), "--impl-dir", a.impl_dir},
                   {},
                   seeds_dir / ("seed-" + std::to_string(seed) + ".log"),
                   /*drop_capabilities=*/false};
  if (!a.sandbox_root.empty()) {
    spec.args.insert(spec.args.end(), {"--sandbox-root", a.sandbox_root});
  }
  auto p = Process::Spawn(spec);
  if (!p) return std::unexpected(p.error());
  return Worker{seed, report, std::move(*p)};
}

void Collect(Worker& w, Progress& progress) {
  ++progress.seeds_done;
  progress.seeds.push_back(w.seed);
  auto report = reports::ReadJson(w.report);
  if (!report) {
    ++progress.worker_errors;
    std::cerr << "seed " << w.seed << ": worker ended (" << w.process.exit_status()->Describe()
              << ") without a report: " << report.error().message << "\n";
    return;
  }
  if (reports::OverallVerdict(*report) == reports::Verdict::kFailed) ++progress.seeds_failed;
  if (!progress.merged) {
    progress.merged = *report;
    return;
  }
  auto merged = reports::MergeReports({*progress.merged, *report});
  if (!merged) {
    ++progress.worker_errors;
    std::cerr << "seed " << w.seed << ": cannot merge its report: " << merged.error().message << "\n";
    return;
  }
  progress.merged = *merged;
}

json CampaignReport(const Progress& p, const CampaignArgs& a, std::pair<int, int> shard,
                    bool complete, std::int64_t start_ms) {
  json report = *p.merged;
  auto& extra = report["results"]["extra"];
  extra["kind"] = "campaign";
  extra["details"]["campaign"] = {{"complete", complete}, {"seeds_run", p.seeds_done},
                       {"seeds_failed", p.seeds_failed}, {"worker_errors", p.worker_errors},
                       {"seeds", p.seeds}, {"base_seed", a.base_seed}, {"jobs", a.jobs},
                       {"shard", std::to_string(shard.first) + "/" + std::to_string(shard.second)},
                       {"duration_s", (NowMs() - start_ms) / 1000.0},
                       {"tests_per_seed", a.tests_per_seed}};
  if (p.worker_errors > 0 && extra.value("verdict", "") == "passed") extra["verdict"] = "other";
  return report;
}

void PrintProgress(const Progress& p, std::size_t running, std::int64_t start_ms) {
  std::cerr << "[" << (NowMs() - start_ms) / 1000 << "s] seeds done " << p.seeds_done
            << ", failed " << p.seeds_failed << ", worker errors " << p.worker_errors
            << ", running " << running << "\n";
}

}  // namespace

int CampaignMain(int argc, char** argv) {
  CampaignArgs a;
  const auto parsed = ParseArgs(argc, argv, CampaignOptions(a));
  if (!parsed) return kExitPassed;
  const auto& vm = *parsed;
  const auto duration = ParseDuration(a.duration);
  const auto shard = ResolveShard(a.shard);
  if (!vm.count("jobs")) a.jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (a.jobs <= 0) throw UsageError("--jobs must be positive");
  if (a.tests_per_seed <= 0) throw UsageError("--tests-per-seed must be positive");
  if (!vm.count("base-seed")) a.base_seed = std::random_device{}();
  if (a.impl_dir.empty()) a.impl_dir = DefaultImplDir().string();
  (void)ParseFaultList(a.faults);
  if (auto s = CheckBinaries(a.impl_dir, ParseProtocols(a.protocol)); !s) throw UsageError(s.error().message);
  // Each worker makes its own run directory under the sandbox root, and refuses to run
  // without one (never falling back to outside it). A root that cannot hold one is one
  // environment error now, not a failed seed per worker.
  if (auto probe = Sandbox::Create({a.sandbox_root}); !probe) throw UsageError(probe.error().message);
  const fs::path report_path = a.report.empty() ? fs::path(a.report_dir) / "campaign.json" : fs::path(a.report);
  const fs::path seeds_dir = fs::path(a.report_dir) / "seeds";
  std::error_code ec;
  fs::create_directories(seeds_dir, ec);
  if (ec) throw UsageError("cannot create " + seeds_dir.string() + ": " + ec.message());
  if (auto s = CheckWritable(report_path); !s) throw UsageError(s.error().message);

  std::signal(SIGINT, OnInterrupt);
  std::signal(SIGTERM, OnInterrupt);
  const std::int64_t start_ms = NowMs();
  const auto end = Clock::now() + duration;
  std::vector<Worker> running;
  Progress progress;
  std::uint64_t next = 0;
  while (!g_interrupted && (Clock::now() < end || !running.empty())) {
    while (!g_interrupted && Clock::now() < end && running.size() < static_cast<std::size_t>(a.jobs)) {
      const std::uint64_t seed = a.base_seed + next++ * shard.second + shard.first;
      auto w = Launch(a, seed, seeds_dir);
      if (!w) throw UsageError(w.error().message);
      running.push_back(std::move(*w));
    }
    PollUntil([&] { return g_interrupted || std::any_of(running.begin(), running.end(), [](Worker& w) { return !w.process.Running(); }); },
              std::chrono::seconds(5));
    for (auto it = running.begin(); it != running.end();) {
      if (it->process.Running()) { ++it; continue; }
      Collect(*it, progress);
      it = running.erase(it);
      if (progress.merged) {
        (void)reports::WriteJsonAtomically(report_path, CampaignReport(progress, a, shard, false, start_ms));
      }
      PrintProgress(progress, running.size(), start_ms);
    }
  }
  running.clear();  // interrupted: the workers are killed and reaped
  if (!progress.merged) {
    std::cerr << "lockstep campaign: no seed finished; nothing to report\n";
    return kExitUsage;
  }
  return FinishReport(CampaignReport(progress, a, shard, !g_interrupted, start_ms), report_path);
}

}  // namespace lockstep::harness::cli
