// lockstep campaign as a nightly job meets it: the report describes the campaign that was
// asked for, an interrupted campaign says so (complete: false, exit 3, no PASSED) and leaves
// no process behind, and one seeded bug found by several seeds is one failure row, replayed.
#include <signal.h>

#include <fstream>
#include <iterator>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "harness/os/deadline.h"
#include "harness/os/process.h"
#include "reports/schema.h"
#include "tests/support/cli_test_fixture.h"
#include "tests/support/process_tree.h"
#include "tests/support/test_env.h"

namespace lockstep::harness {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class Campaign : public lockstep::testing::CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    fs::create_directories(dir_ / "sandbox-root");
  }

  // The campaign's arguments with its report directory, report and sandbox root in dir_.
  std::vector<std::string> Args(std::vector<std::string> args) {
    args.insert(args.begin(), "campaign");
    args.insert(args.end(), {"--report-dir", (dir_ / "out").string(), "--report", report().string(),
                             "--sandbox-root", (dir_ / "sandbox-root").string()});
    return args;
  }
  Result<Process> Start(std::vector<std::string> args) {
    return StartCli("campaign", Args(std::move(args)));
  }
  std::string Output() { return CliTest::Output("campaign"); }
  json Report() {
    std::ifstream in(report());
    json r = json::parse(in);
    Status valid = reports::ValidateReport(r);
    EXPECT_TRUE(valid) << valid.error().message;
    return r;
  }
  fs::path report() const { return dir_ / "campaign.json"; }
};

TEST_F(Campaign, ReportDescribesTheCampaignAskedFor) {
  auto p = Start({"--duration", "3s", "--jobs", "2", "--shard", "1/3", "--base-seed", "1000",
                  "--campaign-id", "nightly-42", "--protocol", "state-transfer",
                  "--tests-per-seed", "2", "--max-steps", "8"});
  ASSERT_TRUE(p) << p.error().message;
  auto exit = p->WaitExit(std::chrono::seconds(60));
  ASSERT_TRUE(exit) << exit.error().message;
  const std::string out = Output();
  EXPECT_EQ(exit->code, 0) << out;
  // The opening line names what was asked for.
  EXPECT_NE(out.find("3s (3 s), 2 jobs, shard 1/3, base seed 1000"), std::string::npos) << out;
  EXPECT_NE(out.find("report " + report().string()), std::string::npos) << out;
  EXPECT_NE(out.find(" elapsed, "), std::string::npos) << "no progress line: " << out;

  const json r = Report();
  const json& extra = r["results"]["extra"];
  EXPECT_EQ(extra["kind"], "campaign");
  EXPECT_EQ(extra["seed"], 1000);
  EXPECT_NE(extra["command_line"].get<std::string>().find("campaign --duration 3s --jobs 2"), std::string::npos)
      << extra["command_line"] << ": not the campaign's own command line";
  EXPECT_EQ(r["extra"]["runId"], "nightly-42");
  const json& c = extra["details"]["campaign"];
  EXPECT_EQ(c["campaign_id"], "nightly-42");
  EXPECT_EQ(c["command_line"], extra["command_line"]);
  EXPECT_TRUE(c["complete"]);
  EXPECT_EQ(c["interrupted_by"], "");
  EXPECT_EQ(c["duration_asked_s"], 3);
  EXPECT_GE(c["duration_run_s"].get<double>(), 3.0);
  EXPECT_EQ(c["jobs"], 2);
  EXPECT_EQ(c["shard"], "1/3");
  EXPECT_EQ(c["base_seed"], 1000);
  EXPECT_EQ(c["tests_per_seed"], 2);
  ASSERT_GE(c["seeds_run"].get<int>(), 1);
  EXPECT_EQ(c["seeds_run"], c["seeds"].size());
  for (const json& seed : c["seeds"]) {
    EXPECT_EQ(seed.get<std::uint64_t>() % 3, 1000u % 3 + 1) << "seed " << seed << " is not of shard 1/3";
  }
  // Cases, steps and faults: each seed's protocol search counted once, not once per property.
  std::uint64_t cases = 0, steps = 0;
  for (const auto& [protocol, t] : extra["protocols"].items()) {
    cases += t["cases"].get<std::uint64_t>();
    steps += t["steps"].get<std::uint64_t>();
  }
  EXPECT_EQ(c["cases"], cases);
  EXPECT_EQ(c["steps"], steps);
  EXPECT_EQ(c["cases"].get<std::uint64_t>(), 2 * c["seeds_run"].get<std::uint64_t>());
  EXPECT_EQ(c["faults_by_kind"], extra["faults_by_kind"]);
  EXPECT_TRUE(c["failures"].empty());
  EXPECT_EQ(c["reproduction"]["replayed"], 0);
}

TEST_F(Campaign, SigintStopsTheWorkersAndReportsIncomplete) {
  auto p = Start({"--duration", "10m", "--jobs", "2", "--protocol", "state-transfer",
                  "--tests-per-seed", "1", "--max-steps", "8"});
  ASSERT_TRUE(p) << p.error().message;
  // Started: a seed has finished (its report is renamed into place whole) and workers run.
  std::set<pid_t> workers;
  ASSERT_TRUE(PollUntil([&] {
    bool finished = false;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir_ / "out" / "seeds", ec)) {
      finished = finished || e.path().extension() == ".json";
    }
    workers = lockstep::testing::Descendants(p->pid());
    return finished && !workers.empty();
  }, std::chrono::seconds(30))) << "the campaign never got going: " << Output();
  ASSERT_EQ(::kill(p->pid(), SIGINT), 0);
  auto exit = p->WaitExit(std::chrono::seconds(30));
  ASSERT_TRUE(exit) << exit.error().message;
  const std::string out = Output();
  EXPECT_FALSE(exit->signaled) << out;
  EXPECT_EQ(exit->code, 3) << out;
  EXPECT_EQ(out.find("PASSED"), std::string::npos) << out;
  EXPECT_NE(out.find("INTERRUPTED"), std::string::npos) << out;
  EXPECT_TRUE(PollUntil([&] {
    for (pid_t w : workers) {
      if (lockstep::testing::Alive(w)) return false;
    }
    return true;
  }, std::chrono::seconds(10))) << "workers or their children outlived the interrupted campaign";

  const json r = Report();
  const json& c = r["results"]["extra"]["details"]["campaign"];
  EXPECT_FALSE(c["complete"]);
  EXPECT_EQ(c["interrupted_by"], "SIGINT");
  EXPECT_EQ(c["duration_asked_s"], 600);
  EXPECT_LT(c["duration_run_s"].get<double>(), 60.0);
  EXPECT_GE(c["seeds_run"].get<std::size_t>() + c["abandoned_seeds"].size(), 1u);
  EXPECT_EQ(c["worker_errors"], 0) << "a worker stopped by the interrupt is abandoned, not an error";
}

// The direct children of `pid` that are seed workers (`lockstep run ... --seed N`), not the
// probes the campaign runs before it starts them (/proc/PID/task/PID/children).
std::vector<pid_t> Workers(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children");
  std::vector<pid_t> out;
  for (pid_t child; in >> child;) {
    std::ifstream cmdline("/proc/" + std::to_string(child) + "/cmdline");
    const std::string args((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
    if (args.find(std::string("run\0", 4)) != std::string::npos &&
        args.find(std::string("--seed\0", 7)) != std::string::npos) {
      out.push_back(child);
    }
  }
  return out;
}

// A worker that hangs (here: stopped by SIGSTOP) would hold its job slot forever and the
// nightly job would never end; at --worker-timeout it is killed with its processes and counted
// as a worker error.
TEST_F(Campaign, AWorkerPastItsTimeoutIsKilledAndCountedAsAWorkerError) {
  auto p = Start({"--duration", "6s", "--jobs", "1", "--worker-timeout", "3s", "--protocol",
                  "state-transfer", "--tests-per-seed", "1", "--max-steps", "8"});
  ASSERT_TRUE(p) << p.error().message;
  pid_t hung = 0;
  std::set<pid_t> tree;
  ASSERT_TRUE(PollUntil([&] {
    const auto children = Workers(p->pid());
    if (children.empty() || ::kill(children.front(), SIGSTOP) != 0) return false;
    hung = children.front();
    tree = lockstep::testing::Descendants(hung);
    tree.insert(hung);
    return true;
  }, std::chrono::seconds(30))) << "no worker started: " << Output();
  auto exit = p->WaitExit(std::chrono::seconds(60));
  ASSERT_TRUE(exit) << exit.error().message;
  const std::string out = Output();
  EXPECT_FALSE(exit->signaled) << out;
  EXPECT_EQ(exit->code, 2) << "a worker error makes the campaign's verdict an error\n" << out;
  EXPECT_NE(out.find("still running after --worker-timeout 3s: killed"), std::string::npos) << out;
  EXPECT_TRUE(PollUntil([&] {
    for (pid_t x : tree) {
      if (lockstep::testing::Alive(x)) return false;
    }
    return true;
  }, std::chrono::seconds(10))) << "the hung worker or its processes outlived the campaign";
  const json r = Report();
  const json& c = r["results"]["extra"]["details"]["campaign"];
  EXPECT_GE(c["worker_errors"].get<int>(), 1) << c.dump(2);
}

TEST_F(Campaign, OneSeededBugIsOneSignatureRowAndReproduces) {
  // Two workers start at once and each seed takes longer than the time box: seeds 7 and 8,
  // which shrink the bug to different arguments of the same commands.
  auto p = Start({"--duration", "2s", "--jobs", "2", "--base-seed", "7", "--bug",
                  "memory-not-transferred", "--protocol", "state-transfer", "--tests-per-seed", "100",
                  "--max-steps", "25"});
  ASSERT_TRUE(p) << p.error().message;
  auto exit = p->WaitExit(std::chrono::seconds(90));
  ASSERT_TRUE(exit) << exit.error().message;
  const std::string out = Output();
  EXPECT_EQ(exit->code, 1) << out;
  const json r = Report();
  const json& c = r["results"]["extra"]["details"]["campaign"];
  EXPECT_TRUE(c["complete"]);
  ASSERT_GE(c["seeds_failed"].get<int>(), 2) << "needs two failing seeds to show grouping: " << c.dump(2);
  ASSERT_EQ(c["failures"].size(), 1u) << c["failures"].dump(2);
  const json& row = c["failures"][0];
  EXPECT_EQ(row["property"], "ST-1");
  EXPECT_EQ(row["protocol"], "state-transfer");
  EXPECT_EQ(row["seeds"].size(), c["seeds_failed"].get<std::size_t>());
  EXPECT_FALSE(row["shrunk"].empty());
  EXPECT_EQ(row["steps"].size(), row["shrunk"].size());
  EXPECT_TRUE(row["reproduced"]) << row.dump(2);
  EXPECT_EQ(row["reproduced_seeds"].size(), row["seeds"].size());
  EXPECT_EQ(c["reproduction"]["replayed"], row["seeds"].size());
  EXPECT_EQ(c["reproduction"]["rate"], 1.0);
}

// A seeded bug narrows a campaign over every protocol to its own, and to the fault kinds it is
// hunted under, and the report says so rather than "all".
TEST_F(Campaign, ASeededBugsProtocolAndFaultKindsAreWhatTheReportSays) {
  auto p = Start({"--duration", "1s", "--jobs", "1", "--bug", "sticky-transfer-failure",
                  "--protocol", "all", "--tests-per-seed", "1", "--max-steps", "3"});
  ASSERT_TRUE(p) << p.error().message;
  auto exit = p->WaitExit(std::chrono::seconds(60));
  ASSERT_TRUE(exit) << exit.error().message;
  const std::string out = Output();
  EXPECT_TRUE(exit->code == 0 || exit->code == 1) << out;  // a 3-step seed may miss the bug
  const json r = Report();
  const json& c = r["results"]["extra"]["details"]["campaign"];
  EXPECT_EQ(c["protocol"], "state-transfer") << c.dump(2);
  EXPECT_EQ(c["faults"], "access-denied,disk-full") << c.dump(2);
  for (const json& t : r["results"]["tests"]) {
    EXPECT_EQ(t["extra"]["protocol"], "state-transfer") << t.dump(2);
  }
}

// Two shards of one campaign, as a Kubernetes Indexed Job runs them: the same --campaign-id
// and --shards, the index from JOB_COMPLETION_INDEX, no --base-seed. Their seeds are disjoint,
// they merge into one report holding each once, and a shard merged with itself is refused.
TEST_F(Campaign, ShardsOfOneCampaignIdRunDisjointSeedsAndMergeOnce) {
  std::vector<std::set<std::uint64_t>> seeds(2);
  for (int index = 0; index < 2; ++index) {
    const std::string name = "shard" + std::to_string(index);
    auto p = Process::Spawn(
        {name, lockstep::testing::BinDir() / "lockstep",
         {"campaign", "--duration", "2s", "--jobs", "1", "--shards", "2", "--campaign-id",
          "nightly-7", "--protocol", "resync", "--tests-per-seed", "1", "--max-steps", "5",
          "--report-dir", (dir_ / name).string(), "--report", (dir_ / (name + ".json")).string(),
          "--sandbox-root", (dir_ / "sandbox-root").string()},
         {{"JOB_COMPLETION_INDEX", std::to_string(index)}},
         dir_ / (name + ".out"),
         /*drop_capabilities=*/false});
    ASSERT_TRUE(p) << p.error().message;
    auto exit = p->WaitExit(std::chrono::seconds(60));
    ASSERT_TRUE(exit) << exit.error().message;
    ASSERT_EQ(exit->code, 0) << CliTest::Output(name);
    std::ifstream in(dir_ / (name + ".json"));
    const json c = json::parse(in)["results"]["extra"]["details"]["campaign"];
    EXPECT_EQ(c["shard"], std::to_string(index) + "/2");
    for (const json& seed : c["seeds"]) seeds[index].insert(seed.get<std::uint64_t>());
    ASSERT_FALSE(seeds[index].empty());
  }
  for (std::uint64_t seed : seeds[0]) EXPECT_FALSE(seeds[1].contains(seed)) << seed;

  const std::string merged = (dir_ / "merged.json").string();
  const auto both = RunCli({"report", "merge", merged, (dir_ / "shard0.json").string(),
                            (dir_ / "shard1.json").string()});
  EXPECT_EQ(both.exit.code, 0) << both.output;
  std::ifstream in(merged);
  const json details = json::parse(in)["results"]["extra"]["details"];
  EXPECT_EQ(details["merged_from"], 2);
  EXPECT_FALSE(details.contains("missing_shards")) << details.dump();

  const auto self = RunCli({"report", "merge", (dir_ / "self.json").string(),
                            (dir_ / "shard0.json").string(), (dir_ / "shard0.json").string()});
  EXPECT_EQ(self.exit.code, 2) << self.output;
  EXPECT_NE(self.output.find("shard 0/2 of campaign nightly-7"), std::string::npos) << self.output;
  const auto one = RunCli({"report", "merge", (dir_ / "one.json").string(),
                           (dir_ / "shard1.json").string()});
  EXPECT_NE(one.output.find("not merged: shard 0/2 of campaign nightly-7"), std::string::npos)
      << one.output;
}

}  // namespace
}  // namespace lockstep::harness
