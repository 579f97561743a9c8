// The lockstep command line as a user meets it: usage errors exit 2 with a message naming what
// was wrong, the bug catalogue is machine-readable, and a SIGKILLed run leaves nothing behind.
#include <signal.h>
#include <sys/mount.h>

#include <chrono>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "harness/os/deadline.h"
#include "harness/os/process.h"
#include "harness/os/sandbox.h"
#include "tests/support/cli_test_fixture.h"
#include "tests/support/process_tree.h"
#include "tests/support/test_env.h"

namespace lockstep::harness {
namespace {

namespace fs = std::filesystem;

using lockstep::testing::CliResult;

class Cli : public lockstep::testing::CliTest {};

TEST_F(Cli, UnknownSubcommandIsAUsageError) {
  auto r = RunCli({"frobnicate"});
  EXPECT_EQ(r.exit.code, 2);
  EXPECT_NE(r.output.find("unknown command 'frobnicate'"), std::string::npos) << r.output;
}

TEST_F(Cli, BadArgumentsNameTheArgument) {
  auto r = RunCli({"run", "--protocol", "paxos"});
  EXPECT_EQ(r.exit.code, 2);
  EXPECT_NE(r.output.find("unknown protocol 'paxos'"), std::string::npos) << r.output;
  r = RunCli({"run", "--faults", "disk-full,meteor"});
  EXPECT_EQ(r.exit.code, 2);
  EXPECT_NE(r.output.find("unknown fault kind 'meteor'"), std::string::npos) << r.output;
  r = RunCli({"run", "--tests", "ten"});
  EXPECT_EQ(r.exit.code, 2);
  EXPECT_NE(r.output.find("--tests"), std::string::npos) << r.output;
  r = RunCli({"run", "--bug", "no-such-bug"});
  EXPECT_EQ(r.exit.code, 2);
  EXPECT_NE(r.output.find("unknown seeded bug 'no-such-bug'"), std::string::npos) << r.output;
  r = RunCli({"campaign", "--shard", "3/2"});
  EXPECT_EQ(r.exit.code, 2);
  EXPECT_NE(r.output.find("bad shard '3/2'"), std::string::npos) << r.output;
}

// Bad input from issue 14, each once a crash by a signal or silently accepted: now a message
// naming what was wrong, exit 2, and nothing left behind (no report, no run directory).
struct BadInput {
  std::string what;                // for the failure message
  std::vector<std::string> args;   // "@D" in an argument stands for the test's directory
  std::string message;             // part of what lockstep prints
};

std::string StReproduce(const std::string& settings, const std::string& steps,
                        const std::string& bug = "") {
  return "lockstep1|protocol=state-transfer|seed=7|bug=" + bug +
         "|fault-dir-bytes=65536|quiet-deadline-ms=5000|" + settings + "|steps=" + steps;
}

TEST_F(Cli, BadInputIsAClearUsageError) {
  const std::string st_ok = "transfer-timeout-ms=250|log-capacity=4";
  const std::string deep(200'000, '[');
  std::ofstream(dir_ / "array.json") << "[]";
  std::ofstream(dir_ / "results.json") << R"({"results":"x"})";
  std::ofstream(dir_ / "tests.json") << R"({"results":{"tests":[{"status":7}]}})";
  std::ofstream(dir_ / "deep.json") << deep + std::string(200'000, ']');
  const std::set<std::string> inputs{"array.json", "results.json", "tests.json", "deep.json"};
  const std::string rs_ok = "|lock-wait-ms=150|systems=3";
  const std::vector<BadInput> cases{
      {"replay of JSON that is no report", {"replay", "@D/array.json"},
       "@D/array.json: not a valid lockstep report"},
      {"replay of a report whose results are a string", {"replay", "@D/results.json"},
       "@D/results.json: not a valid lockstep report"},
      {"replay of a report whose status is a number", {"replay", "@D/tests.json"},
       "@D/tests.json: not a valid lockstep report"},
      {"replay of a 40,000-character st step",
       {"replay", "--sandbox-root", "@D/root", "--reproduce",
        StReproduce(st_ok, "Submit(set k=" + std::string(40'000, 'v') + ")")},
       "characters long (at most 1024)"},
      {"replay of a 40,000-character resync step",
       {"replay", "--sandbox-root", "@D/root", "--reproduce",
        "lockstep1|protocol=resync|seed=7|bug=|fault-dir-bytes=65536|quiet-deadline-ms=5000" +
            rs_ok + "|steps=Crash(" + std::string(40'000, 'S') + ")"},
       "characters long (at most 1024)"},
      {"replay with transfer-timeout-ms=0",
       {"replay", "--sandbox-root", "@D/root", "--reproduce",
        StReproduce("transfer-timeout-ms=0|log-capacity=4", "Start(A)")},
       "'transfer-timeout-ms' must be a whole number from 1 to 3600000, not '0'"},
      {"replay with an unknown bug",
       {"replay", "--sandbox-root", "@D/root", "--reproduce",
        StReproduce(st_ok, "Start(A)", "no-such-bug")},
       "unknown seeded bug 'no-such-bug'"},
      {"replay with a bug of the other protocol",
       {"replay", "--sandbox-root", "@D/root", "--reproduce",
        StReproduce(st_ok, "Start(A)", "resync-ignores-stamp")},
       "seeded bug 'resync-ignores-stamp' belongs to protocol resync"},
      {"report show of 200,000-deep JSON", {"report", "show", "@D/deep.json"},
       "nested more than 256 levels"},
      {"report junit of 200,000-deep JSON", {"report", "junit", "@D/deep.json"},
       "nested more than 256 levels"},
      {"report show with an extra argument", {"report", "show", "@D/array.json", "extra"},
       "unexpected argument 'extra'"},
      {"run --seed -1", {"run", "--seed", "-1", "--report", "@D/r.json"},
       "--seed must be a non-negative whole number, not '-1'"},
      {"run with an extra positional argument", {"run", "extra", "--report", "@D/r.json"},
       "unexpected argument 'extra'"},
      {"bugs with an extra positional argument", {"bugs", "extra"}, "unexpected argument 'extra'"},
      {"campaign --duration 99999999999999h",
       {"campaign", "--duration", "99999999999999h", "--report-dir", "@D/c"},
       "duration '99999999999999h' is longer than a year"},
      {"campaign --base-seed -5", {"campaign", "--base-seed", "-5", "--report-dir", "@D/c"},
       "--base-seed must be a non-negative whole number, not '-5'"},
      {"campaign --max-steps 0", {"campaign", "--max-steps", "0", "--report-dir", "@D/c"},
       "--max-steps must be positive"},
      {"check-model --max-states -1", {"check-model", "--protocol", "resync", "--max-states", "-1"},
       "--max-states must be a non-negative whole number, not '-1'"},
      {"check-model with an extra positional argument",
       {"check-model", "--protocol", "resync", "extra"}, "unexpected argument 'extra'"},
      {"run --set lock-wait-ms=2^63",
       {"run", "--protocol", "resync", "--set", "lock-wait-ms=9223372036854775808", "--report",
        "@D/r.json"},
       "'lock-wait-ms' must be a whole number from 1 to 600000"},
      {"run --set transfer-timeout-ms=2^63-1",
       {"run", "--protocol", "state-transfer", "--set", "transfer-timeout-ms=9223372036854775807",
        "--report", "@D/r.json"},
       "'transfer-timeout-ms' must be a whole number from 1 to 3600000"},
  };
  const auto expand = [&](std::string text) {
    for (std::size_t at; (at = text.find("@D")) != std::string::npos;) {
      text.replace(at, 2, dir_.string());
    }
    return text;
  };
  for (const BadInput& c : cases) {
    std::vector<std::string> args;
    for (const auto& a : c.args) args.push_back(expand(a));
    const CliResult r = RunCli(args);
    EXPECT_FALSE(r.exit.signaled) << c.what << ": " << r.exit.Describe() << "\n" << r.output;
    EXPECT_EQ(r.exit.code, 2) << c.what << "\n" << r.output;
    EXPECT_NE(r.output.find(expand(c.message)), std::string::npos) << c.what << "\n" << r.output;
    EXPECT_LT(r.output.size(), 4000u) << c.what << ": the message quotes too much";
    for (const auto& e : fs::directory_iterator(dir_)) {
      const std::string name = e.path().filename().string();
      if (inputs.contains(name)) continue;
      // A replay that got as far as its sandbox leaves the root (never removed) but no run
      // directory in it.
      EXPECT_TRUE(name == "root" && fs::is_empty(e.path())) << c.what << " left " << e.path();
    }
  }
}

TEST_F(Cli, MissingBinaryIsAnEnvironmentError) {
  auto r = RunCli({"run", "--impl-dir", dir_.string(), "--report", (dir_ / "r.json").string()});
  EXPECT_EQ(r.exit.code, 2);
  EXPECT_NE(r.output.find((dir_ / "mds").string()), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir_ / "r.json"));
}

TEST_F(Cli, UnwritableReportPathIsAnEnvironmentError) {
  auto r = RunCli({"run", "--report", (dir_ / "no" / "such" / "dir" / "r.json").string()});
  EXPECT_EQ(r.exit.code, 2);
  EXPECT_NE(r.output.find("not writable"), std::string::npos) << r.output;
}

TEST_F(Cli, BugsJsonListsNameProtocolAndProperty) {
  auto r = RunCli({"bugs", "--json"});
  ASSERT_EQ(r.exit.code, 0) << r.output;
  auto bugs = nlohmann::json::parse(r.output);
  ASSERT_TRUE(bugs.is_array());
  std::set<std::string> properties;
  for (const auto& b : bugs) {
    EXPECT_TRUE(b.contains("name") && b.contains("protocol") && b.contains("property")) << b;
    properties.insert(b["property"].get<std::string>());
  }
  for (const char* p : {"ST-1", "ST-2", "ST-3", "ST-4", "ST-5", "ST-6", "ST-7"}) {
    EXPECT_TRUE(properties.contains(p)) << "no seeded bug for " << p;
  }
}

// power-loss is opt-in: named in --faults it is injected and its mechanism reported; the
// default faults leave it out (docs/design.md, "Decision: power loss for state transfer").
TEST_F(Cli, PowerLossIsOptInAndReportedWithItsMechanism) {
  const fs::path with = dir_ / "with.json", without = dir_ / "without.json";
  auto r = RunCli({"run", "--protocol", "state-transfer", "--faults", "power-loss,crash", "--tests",
                   "8", "--seed", "2", "--report", with.string()});
  ASSERT_EQ(r.exit.code, 0) << r.output;
  const auto report = nlohmann::json::parse(std::ifstream(with));
  const auto& run = report["results"]["extra"];
  EXPECT_TRUE(run["fault_mechanisms"].value("power-loss", "").starts_with("FUSE lockstep-powerloss-fs"))
      << run["fault_mechanisms"];
  EXPECT_GT(run["faults_by_kind"].value("power-loss", 0), 0) << run["faults_by_kind"];
  r = RunCli({"run", "--protocol", "state-transfer", "--tests", "3", "--seed", "2", "--report",
              without.string()});
  ASSERT_EQ(r.exit.code, 0) << r.output;
  const auto plain = nlohmann::json::parse(std::ifstream(without));
  EXPECT_FALSE(plain["results"]["extra"]["fault_mechanisms"].contains("power-loss"));
}

// The source tree's commit as the build names it (base/write_revision.cmake): the short hash,
// "-dirty" when tracked files differ; nullopt where git cannot tell.
std::optional<std::string> TreeRevision(const fs::path& scratch) {
  const auto git = [&](std::vector<std::string> args) -> std::optional<std::pair<int, std::string>> {
    args.insert(args.begin(), {"-C", lockstep::testing::SourceDir().string()});
    auto p = Process::Spawn({"git", "/usr/bin/git", std::move(args), {}, scratch / "git.out",
                             /*drop_capabilities=*/false});
    if (!p) return std::nullopt;
    auto exit = p->WaitExit(std::chrono::seconds(30));
    std::ifstream in(scratch / "git.out");
    std::string out;
    std::getline(in, out);
    if (!exit || exit->signaled) return std::nullopt;
    return std::make_pair(exit->code, out);
  };
  const auto head = git({"rev-parse", "--short=12", "HEAD"});
  if (!head || head->first != 0) return std::nullopt;
  const auto diff = git({"diff", "--quiet", "HEAD", "--"});
  if (!diff) return std::nullopt;
  return head->second + (diff->first == 0 ? "" : "-dirty");
}

// A report names the commit the binary was built from, taken at build time (not at the last
// configure), so a report from a tree with uncommitted changes says so.
TEST_F(Cli, TheReportNamesTheCommitTheBinaryWasBuiltFrom) {
  if (!fs::exists("/usr/bin/git")) GTEST_SKIP() << "no git";
  const auto revision = TreeRevision(dir_);
  if (!revision) GTEST_SKIP() << "the source tree is not a git checkout";
  const fs::path report = dir_ / "report.json";
  auto r = RunCli({"run", "--protocol", "resync", "--tests", "1", "--seed", "1", "--report",
                   report.string()});
  ASSERT_EQ(r.exit.code, 0) << r.output;
  const auto j = nlohmann::json::parse(std::ifstream(report));
  EXPECT_EQ(j["results"]["extra"].value("model_revision", ""), *revision)
      << "rebuild after committing: the binary is older than the tree";
  EXPECT_EQ(j["results"]["environment"].value("commit", ""), *revision);
}

using testing::Alive;
using testing::Descendants;

TEST_F(Cli, SigkilledRunLeavesNoProcessMountOrFile) {
  const fs::path root = dir_ / "sandbox-root";
  fs::create_directories(root);
  auto p = StartCli("lockstep", {"run", "--protocol", "state-transfer", "--tests", "100000",
                                   "--sandbox-root", root.string(), "--report",
                                   (dir_ / "r.json").string()});
  ASSERT_TRUE(p) << p.error().message;
  std::set<pid_t> children;
  // Wait until the run is inside its sandbox with loggers going: its sandbox tmpfs is mounted
  // in its own namespace (never in ours) and it has the mds plus at least one logger. Before
  // the sandbox it already has short-lived children of its own (the `--version` probes of
  // each binary), so a count of children alone does not say the cases have begun.
  const std::string mountinfo = "/proc/" + std::to_string(p->pid()) + "/mountinfo";
  ASSERT_TRUE(PollUntil([&] {
    std::ifstream theirs(mountinfo);
    std::string mounts((std::istreambuf_iterator<char>(theirs)), std::istreambuf_iterator<char>());
    if (mounts.find(root.string()) == std::string::npos) return false;
    children = Descendants(p->pid());
    return children.size() >= 2;
  }, std::chrono::seconds(60))) << "the run never mounted its sandbox and started its processes";

  ASSERT_TRUE(p->Kill());
  EXPECT_TRUE(PollUntil([&] {
    for (pid_t c : children) {
      if (Alive(c)) return false;
    }
    return true;
  }, std::chrono::seconds(10))) << "children outlived the SIGKILLed harness";
  std::ifstream ours("/proc/self/mountinfo");
  std::string our_mounts((std::istreambuf_iterator<char>(ours)), std::istreambuf_iterator<char>());
  EXPECT_EQ(our_mounts.find(root.string()), std::string::npos);
  // The host sees at most the killed run's own directory, empty: its files were in a tmpfs
  // that died with its namespace. A new sandbox on the root removes that directory once no
  // process of the killed run holds it (one forked just before the kill may still be dying).
  for (const auto& e : fs::directory_iterator(root)) {
    EXPECT_TRUE(e.path().filename().string().starts_with("run-") && fs::is_empty(e.path()))
        << "the sandbox root kept " << e.path();
  }
  EXPECT_TRUE(PollUntil([&] {
    if (!Sandbox::Create({.root = root})) return false;  // made and at once removed again
    return fs::is_empty(root);
  }, std::chrono::seconds(10))) << "the killed run's directory was not removed by a new run";
  EXPECT_FALSE(fs::exists(dir_ / "r.json"));
}

}  // namespace
}  // namespace lockstep::harness
