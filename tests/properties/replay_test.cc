// Replay runs the one step pipeline (CheckedStep): a replayed step records what a run's step
// records (crash points fired as crash faults of their step), and a violation is reported as
// the model found it.
#include <gtest/gtest.h>

#include "harness/os/sandbox.h"
#include "harness/protocols.h"
#include "tests/support/test_env.h"

namespace lockstep::harness {
namespace {

Result<ReplayOutcome> ReplaySteps(const std::string& protocol, const std::string& bug,
                                  const std::vector<std::string>& steps) {
  auto sandbox = Sandbox::Create();
  if (!sandbox) return std::unexpected(sandbox.error());
  RunSettings settings;
  settings.impl_dir = testing::BinDir();
  settings.bug = bug;
  return FindProtocol(protocol)->Replay(settings, *sandbox, steps, nullptr);
}

TEST(Replay, RecordsTheCrashPointsThatFiredAsFaultsOfTheirStep) {
  auto outcome = ReplaySteps("resync", "",
                             {"Start(SYSTEM73, journal-1)",
                              "Start(SYSTEM74, journal-1, crash=coord.before_commit_record)",
                              "Transaction(SYSTEM74: SYSTEM73{k0=v0})"});
  ASSERT_TRUE(outcome) << outcome.error().message;
  EXPECT_FALSE(outcome->violation) << model::ToString(*outcome->violation);
  EXPECT_EQ(outcome->steps_run, 3);
  EXPECT_EQ(outcome->record.crash_point_counts["coord.before_commit_record"], 1u);
  ASSERT_EQ(outcome->record.faults.size(), 1u);
  EXPECT_EQ(outcome->record.faults[0].kind, "crash");
  EXPECT_EQ(outcome->record.faults[0].step, 3);
}

TEST(Replay, ReportsTheViolationTheModelFound) {
  auto outcome = ReplaySteps("resync", "resync-ignores-stamp",
                             {"Start(SYSTEM73, journal-1)",
                              "Start(SYSTEM74, journal-1, crash=coord.before_commit_record)",
                              "Transaction(SYSTEM74: SYSTEM73{k0=v0})",
                              "Start(SYSTEM74, journal-2)"});
  ASSERT_TRUE(outcome) << outcome.error().message;
  ASSERT_TRUE(outcome->violation);
  EXPECT_EQ(outcome->violation->property_id, "RS-2");
  EXPECT_EQ(outcome->violation->property_name, "no silent completion");
  EXPECT_EQ(outcome->steps_run, 4);
}

TEST(Replay, AStepTheModelDoesNotAllowIsAHarnessErrorNamingIt) {
  auto outcome = ReplaySteps("state-transfer", "", {"Start(A)", "Start(A)"});
  ASSERT_FALSE(outcome);
  EXPECT_NE(outcome.error().message.find("step 2 (Start(A)) is not valid"), std::string::npos)
      << outcome.error().message;
}

}  // namespace
}  // namespace lockstep::harness
