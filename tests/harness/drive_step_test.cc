// DriveStep: the command is recorded before it runs, a failed run skips the quiet wait, and
// the quiet condition is polled until it holds or the timeout passes (which is no error).
#include "harness/property/drive_step.h"

#include <gtest/gtest.h>

namespace lockstep::harness {
namespace {

using std::chrono::milliseconds;

TEST(DriveStep, RecordsTheCommandBeforeRunningItThenWaitsUntilQuiet) {
  CaseRecord record;
  int step_seen_by_run = 0;
  int polls = 0;
  const Status s = DriveStep(
      record, "Start(A)", "Start",
      [&] {
        step_seen_by_run = record.step();
        return Status{};
      },
      [&] { return ++polls == 3; }, milliseconds(10'000));
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(step_seen_by_run, 1) << "a fault the command injects belongs to its step";
  EXPECT_EQ(record.commands, std::vector<std::string>{"Start(A)"});
  EXPECT_EQ(record.command_counts["Start"], 1u);
  EXPECT_EQ(polls, 3);
}

TEST(DriveStep, AFailedRunIsReturnedWithoutWaiting) {
  CaseRecord record;
  bool polled = false;
  const Status s = DriveStep(
      record, "Crash(B)", "Crash", [] { return Status{Fail("logger-B: not running")}; },
      [&] { return polled = true; }, milliseconds(10'000));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message, "logger-B: not running");
  EXPECT_FALSE(polled);
  EXPECT_EQ(record.commands.size(), 1u) << "the command is recorded even when it fails";
}

TEST(DriveStep, NeverQuietIsNoError) {
  CaseRecord record;
  int polls = 0;
  const Status s = DriveStep(
      record, "Submit(a)", "Submit", [] { return Status{}; },
      [&] {
        ++polls;
        return false;
      },
      milliseconds(20));
  EXPECT_TRUE(s);
  EXPECT_GE(polls, 2) << "polled at least at the start and at the deadline";
}

}  // namespace
}  // namespace lockstep::harness
