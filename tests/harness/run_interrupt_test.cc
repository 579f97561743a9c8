// `lockstep run` stopped by SIGTERM, as a CI job's timeout or a Kubernetes eviction stops it:
// while it shrinks a failure, the report holds that failure (the best counterexample so far,
// marked so) and the run exits 1; before any failure, the report holds what finished, every
// property undecided, and the run exits 3. Killed outright while shrinking, the report holds
// the failure as it was found. Either way no process is left behind.
#include <signal.h>

#include <fstream>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "harness/os/deadline.h"
#include "reports/schema.h"
#include "tests/support/cli_test_fixture.h"
#include "tests/support/process_tree.h"

namespace lockstep::harness {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class RunInterrupt : public lockstep::testing::CliTest {
 protected:
  fs::path report() const { return dir_ / "r.json"; }

  json Report() {
    std::ifstream in(report());
    json r = json::parse(in, nullptr, /*allow_exceptions=*/false);
    const Status valid = reports::ValidateReport(r);
    EXPECT_TRUE(valid) << valid.error().message;
    return r;
  }

  // Sends SIGTERM to the run once it has printed `ready` and has at least `children`
  // processes of its own, then waits for its end.
  ExitStatus TermWhen(Process& run, const std::string& ready, std::size_t children = 0) {
    EXPECT_TRUE(PollUntil([&] {
      if (Output("run").find(ready) == std::string::npos) return false;
      children_ = testing::Descendants(run.pid());
      return children_.size() >= children;
    }, std::chrono::seconds(120))) << "never printed '" << ready << "' with " << children
                                   << " processes running:\n" << Output("run");
    EXPECT_EQ(::kill(run.pid(), SIGTERM), 0);
    auto exit = run.WaitExit(std::chrono::seconds(60));
    EXPECT_TRUE(exit) << exit.error().message;
    return exit.value_or(ExitStatus{});
  }

  void ExpectNothingLeft() {
    EXPECT_TRUE(PollUntil([&] {
      for (pid_t c : children_) {
        if (testing::Alive(c)) return false;
      }
      return true;
    }, std::chrono::seconds(10))) << "processes outlived the interrupted run";
  }

  std::set<pid_t> children_;
};

TEST_F(RunInterrupt, SigtermWhileShrinkingWritesTheFailureFoundSoFar) {
  auto run = StartCli("run", {"run", "--protocol", "state-transfer", "--bug",
                              "memory-not-transferred", "--seed", "7", "--tests", "200",
                              "--max-steps", "25", "--report", report().string()});
  ASSERT_TRUE(run) << run.error().message;
  const ExitStatus exit = TermWhen(*run, "shrinking it");
  const std::string out = Output("run");
  EXPECT_EQ(exit.code, 1) << exit.Describe() << "\n" << out;
  ExpectNothingLeft();
  const json r = Report();
  EXPECT_EQ(r["results"]["extra"]["details"]["interrupted_by"], "SIGTERM");
  const json* failed = nullptr;
  for (const json& t : r["results"]["tests"]) {
    if (t["status"] == "failed") failed = &t;
  }
  ASSERT_NE(failed, nullptr) << r.dump(2);
  EXPECT_EQ((*failed)["extra"]["property"], "ST-1");
  EXPECT_FALSE((*failed)["extra"]["reproduce"].get<std::string>().empty());
  const json& cx = (*failed)["extra"]["counterexample"];
  EXPECT_EQ(cx["shrink_stopped"], "interrupted by SIGTERM") << cx.dump(2);
  EXPECT_FALSE(cx["shrunk"].empty());
}

// A SIGKILL cannot be caught: the failure was written down when it was found, unshrunk.
TEST_F(RunInterrupt, SigkillWhileShrinkingLeavesTheFailureAsFound) {
  auto run = StartCli("run", {"run", "--protocol", "state-transfer", "--bug",
                              "memory-not-transferred", "--seed", "7", "--tests", "200",
                              "--max-steps", "25", "--report", report().string()});
  ASSERT_TRUE(run) << run.error().message;
  ASSERT_TRUE(PollUntil([&] { return Output("run").find("the failure as found is in") != std::string::npos; },
                        std::chrono::seconds(120))) << Output("run");
  children_ = testing::Descendants(run->pid());
  ASSERT_TRUE(run->Kill());
  ExpectNothingLeft();
  const json r = Report();
  const json* failed = nullptr;
  for (const json& t : r["results"]["tests"]) {
    if (t["status"] == "failed") failed = &t;
  }
  ASSERT_NE(failed, nullptr) << r.dump(2);
  EXPECT_EQ((*failed)["extra"]["property"], "ST-1");
  const json& cx = (*failed)["extra"]["counterexample"];
  EXPECT_NE(cx["shrink_stopped"].get<std::string>().find("not shrunk yet"), std::string::npos) << cx.dump(2);
  EXPECT_EQ(cx["shrunk"], cx["original"]);
  EXPECT_FALSE((*failed)["extra"]["reproduce"].get<std::string>().empty());
}

TEST_F(RunInterrupt, SigtermBeforeAnyFailureWritesWhatFinishedUndecided) {
  auto run = StartCli("run", {"run", "--protocol", "all", "--tests", "100000", "--report",
                              report().string()});
  ASSERT_TRUE(run) << run.error().message;
  const ExitStatus exit = TermWhen(*run, "cases per protocol", /*children=*/2);  // in a case
  const std::string out = Output("run");
  EXPECT_EQ(exit.code, 3) << exit.Describe() << "\n" << out;
  EXPECT_NE(out.find("interrupted by SIGTERM"), std::string::npos) << out;
  ExpectNothingLeft();
  const json r = Report();
  EXPECT_EQ(r["results"]["extra"]["details"]["interrupted_by"], "SIGTERM");
  EXPECT_EQ(r["results"]["extra"]["verdict"], "other");
  std::set<std::string> protocols;
  for (const json& t : r["results"]["tests"]) {
    EXPECT_EQ(t["status"], "other") << t.dump(2);
    EXPECT_NE(t["extra"]["reason"].get<std::string>().find("interrupted by SIGTERM after"),
              std::string::npos) << t.dump(2);
    protocols.insert(t["extra"]["protocol"].get<std::string>());
  }
  EXPECT_EQ(protocols, (std::set<std::string>{"state-transfer", "resync"}))
      << "a protocol the stop came before is not in the report as undecided";
}

}  // namespace
}  // namespace lockstep::harness
