// Shrinking is bounded: once the shrink budget is spent the best counterexample so far is
// reported, marked as possibly not minimal, and still re-run once for its faults and logs.
// (With budget to spare it shrinks to its end and says nothing: tests/properties/
// seeded_bugs_test.cc.)
#include <gtest/gtest.h>

#include "harness/bugs/seeded_bugs.h"
#include "harness/os/sandbox.h"
#include "harness/property/property_runner.h"
#include "harness/protocols.h"
#include "tests/support/test_env.h"

namespace lockstep::harness {
namespace {

RunSettings BugSettings(const SeededBug& bug) {
  RunSettings settings;
  settings.seed = 7;
  settings.tests = 200;
  settings.max_steps = 25;
  settings.bug = bug.name;
  settings.faults = bug.faults;
  settings.impl_dir = testing::BinDir();
  return settings;
}

const reports::PropertyResult* Failed(const ProtocolRun& run) {
  for (const auto& p : run.properties) {
    if (p.verdict == reports::Verdict::kFailed) return &p;
  }
  return nullptr;
}

TEST(ShrinkBudget, ASpentBudgetReportsTheFailureAsFoundAndSaysSo) {
  const SeededBug* bug = FindSeededBug("memory-not-transferred");
  ASSERT_NE(bug, nullptr);
  auto sandbox = Sandbox::Create();
  ASSERT_TRUE(sandbox) << sandbox.error().message;
  RunSettings settings = BugSettings(*bug);
  settings.shrink_budget = std::chrono::milliseconds(0);  // spent before the first candidate
  const auto run = FindProtocol(bug->protocol)->Run(settings, *sandbox);
  ASSERT_TRUE(run) << run.error().message;
  const reports::PropertyResult* failed = Failed(*run);
  ASSERT_NE(failed, nullptr) << "the bug was not caught";
  ASSERT_TRUE(failed->counterexample);
  const reports::Counterexample& cx = *failed->counterexample;
  EXPECT_EQ(cx.shrink_stopped, "the shrink budget of 0 s was spent");
  EXPECT_EQ(cx.shrink_steps, 0);
  EXPECT_EQ(cx.shrunk, cx.original) << "nothing may be shrunk on a spent budget";
  EXPECT_FALSE(cx.processes.empty()) << "the case was not re-run for its processes and logs";
  EXPECT_FALSE(failed->reproduce.empty());
}

}  // namespace
}  // namespace lockstep::harness
