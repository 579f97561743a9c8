// PowerLoss in the state-transfer model: when it is allowed, and that for the correct logger
// its outcome is exactly a Crash of the same side (docs/design.md, "Decision: power loss for
// state transfer"), whatever the side had done before the cut.
#include <gtest/gtest.h>

#include <vector>

#include "model/state_transfer/command_text.h"
#include "model/state_transfer/explore.h"
#include "model/state_transfer/model.h"
#include "tests/model/st_test_util.h"

namespace lockstep::model::st {
namespace {

using namespace test_util;  // NOLINT: test helpers

TEST(StPowerLoss, OnlyOnARunningSideWithoutADataFault) {
  State s;
  EXPECT_FALSE(Precondition(s, Cut(A))) << "a side that is down has no power to lose";
  s = Script({Up(A)});
  EXPECT_TRUE(Precondition(s, Cut(A)));
  EXPECT_FALSE(Precondition(s, Cut(B)));
  for (FaultKind kind : {FaultKind::kDiskFull, FaultKind::kAccessDenied}) {
    State faulted = Script({Up(A), Inject(A, Dir::kData, kind)});
    EXPECT_FALSE(Precondition(faulted, Cut(A))) << ToString(kind) << " on the data directory";
    State temp = Script({Up(A), Inject(A, Dir::kTemp, kind)});
    EXPECT_TRUE(Precondition(temp, Cut(A))) << ToString(kind) << " on the temp directory";
  }
}

// The same prefix ended by Crash(X) and by PowerLoss(X) gives the same state, for prefixes
// that leave durable inputs, a transfer's result, leftover temp files and a stale side.
TEST(StPowerLoss, OutcomeIsACrashOfThatSide) {
  const Config config{1};
  const std::vector<std::vector<Command>> prefixes{
      {Up(A)},
      {Up(A), Set("k1", "v1"), Set("k2", "v2")},
      {Up(A), Set("k1", "v1"), Up(B), Set("k1", "v2")},
      {Up(A), Set("k1", "v1"), Set("k2", "v2"), Up(B)},  // B received a full transfer
      {Up(A, CrashPoint::kSenderBeforeSend), Set("k1", "v1"), Up(B), Up(A)},
      {Up(A), Up(B), Kill(A), Set("k1", "v1"), Up(A)},  // A is stale until B serves it
      {Up(A), Up(B), Inject(B, Dir::kTemp, FaultKind::kDiskFull), Set("k1", "v1")},
  };
  for (const auto& prefix : prefixes) {
    State base;
    for (const Command& c : prefix) {
      ASSERT_TRUE(Precondition(base, c)) << Describe(c) << " in\n" << DebugString(base);
      Apply(base, c, config);
    }
    for (Side side : kSides) {
      if (!Precondition(base, Cut(side))) continue;
      State crashed = base, cut = base;
      StepEvents crash_events, cut_events;
      Apply(crashed, Kill(side), config, &crash_events);
      Apply(cut, Cut(side), config, &cut_events);
      EXPECT_EQ(cut, crashed) << Describe(Cut(side)) << " after\n" << DebugString(base);
      EXPECT_EQ(cut.at(side).status, SideStatus::kDown);
      EXPECT_EQ(cut.at(side).last_exit, ExitKind::kKilled);
      EXPECT_TRUE(cut_events.crash_points.empty()) << "a power cut is no crash point";
      EXPECT_EQ(Predict(cut), Predict(crashed));
    }
  }
}

TEST(StPowerLoss, DisarmsTheCrashPointWithoutFiringIt) {
  State s = Script({Up(A, CrashPoint::kInputAfterDurable)});
  StepEvents events;
  Apply(s, Cut(A), Config{}, &events);
  EXPECT_FALSE(s.at(A).crash_point);
  EXPECT_TRUE(events.crash_points.empty());
}

TEST(StPowerLoss, DescribeAndParseRoundTrip) {
  for (Side side : kSides) {
    const auto parsed = ParseCommand(Describe(Cut(side)));
    ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
    ASSERT_TRUE(std::holds_alternative<PowerLoss>(*parsed));
    EXPECT_EQ(std::get<PowerLoss>(*parsed).side, side);
  }
  EXPECT_FALSE(ParseCommand("PowerLoss(C)").has_value());
  EXPECT_FALSE(ParseCommand("PowerLoss()").has_value());
}

// The explorer offers PowerLoss of each side and charges it to the crash budget.
TEST(StPowerLoss, ExplorerChargesItAsACrash) {
  const auto enabled_cuts = [](int crashes) {
    Bounds bounds;
    bounds.crashes = crashes;
    StExploreModel model(bounds);
    auto s = model.Initial();
    model.Apply(s, Up(A));
    std::vector<std::uint32_t> next;
    model.Successors(s, next);
    int cuts = 0;
    for (std::uint32_t i : next) cuts += std::holds_alternative<PowerLoss>(model.Alphabet()[i]);
    if (cuts > 0) {  // spend the one crash on the cut: no further crash is offered
      model.Apply(s, Cut(A));
      model.Apply(s, Up(A));
      next.clear();
      model.Successors(s, next);
      for (std::uint32_t i : next) {
        EXPECT_FALSE(std::holds_alternative<Crash>(model.Alphabet()[i]) && crashes == 1);
      }
    }
    return cuts;
  };
  EXPECT_EQ(enabled_cuts(0), 0);
  EXPECT_EQ(enabled_cuts(1), 1);  // only A is running
}

}  // namespace
}  // namespace lockstep::model::st
