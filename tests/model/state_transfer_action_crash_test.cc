// Crashes at traced actions (CrashPoint "action.<event>"): where each one lands in the model, and
// that it matches, or lies between, the named crash points around it.
#include <gtest/gtest.h>

#include "model/state_transfer/model.h"
#include "tests/model/st_test_util.h"

namespace lockstep::model::st {
namespace {

using namespace test_util;  // NOLINT: test helpers

void ExpectKilled(const SideState& x) {
  EXPECT_EQ(x.status, SideStatus::kDown);
  EXPECT_EQ(x.last_exit, ExitKind::kKilled);
  EXPECT_FALSE(x.crash_point.has_value());
  EXPECT_TRUE(x.memory.empty());
}

// B killed at receiver.mid_apply: a staged database left behind. A in service with k1.
State StagedDatabaseLeftOnB() {
  State s = Script({Up(A), Set("k1", "a"), Up(B, CrashPoint::kReceiverMidApply)});
  EXPECT_TRUE(s.at(B).staged_db);
  return s;
}

TEST(StActionCrash, NamesAreTheTracedEventsAfterTheNamedPoints) {
  EXPECT_FALSE(IsTracedAction(CrashPoint::kReceiverAfterApply));
  EXPECT_TRUE(IsTracedAction(CrashPoint::kActionDatabaseLoaded));
  EXPECT_STREQ(CrashPointName(CrashPoint::kActionStateSent), "action.state_sent");
  EXPECT_EQ(kCrashPointCount - kNamedCrashPointCount, 7);
  EXPECT_EQ(Describe(Up(B, CrashPoint::kActionAckSent)), "Start(B, crash=action.ack_sent)");
}

TEST(StActionCrash, DatabaseLoadedDiesBeforeAnyCleanUp) {
  State s = StagedDatabaseLeftOnB();
  const Database old = s.at(B).db;
  RunOn(s, {Up(B, CrashPoint::kActionDatabaseLoaded)});
  ExpectKilled(s.at(B));
  EXPECT_TRUE(s.at(B).staged_db);  // not removed
  EXPECT_EQ(s.at(B).db, old);
  EXPECT_EQ(s.at(A).status, SideStatus::kInService);
}

TEST(StActionCrash, RegisterSentDiesCleanedUpButNeverRegistered) {
  State s = StagedDatabaseLeftOnB();
  const std::uint32_t attempts = s.at(B).transfer_attempts;
  RunOn(s, {Up(B, CrashPoint::kActionRegisterSent)});
  ExpectKilled(s.at(B));
  EXPECT_FALSE(s.at(B).staged_db);                    // removed at start
  EXPECT_EQ(s.at(B).transfer_attempts, attempts);     // the mds never heard of it
}

TEST(StActionCrash, ADeniedDataDirFailsBeforeTheDatabaseIsLoaded) {
  State s = Script({Up(A), Inject(B, Dir::kData, FaultKind::kAccessDenied),
                    Up(B, CrashPoint::kActionDatabaseLoaded)});
  EXPECT_EQ(s.at(B).last_exit, ExitKind::kDataError);
}

TEST(StActionCrash, SenderKilledBeforeItsTempFileLeavesNoFile) {
  for (CrashPoint p : {CrashPoint::kActionSendStateReceived, CrashPoint::kActionDatabaseSynchronized}) {
    State s = Script({Up(A, p), Set("k1", "a"), Up(B)});
    ExpectKilled(s.at(A));
    EXPECT_EQ(s.at(A).temp_files, 0) << CrashPointName(p);  // sender.after_temp_create leaves 1
    EXPECT_EQ(s.at(B).last_exit, ExitKind::kTransferTimeout);
    EXPECT_TRUE(s.at(A).logged_send_errors.empty());
  }
}

TEST(StActionCrash, SenderKilledBeforeItsTempFileEvenWhenTheTempDirIsDenied) {
  State s = Script({Up(A, CrashPoint::kActionSendStateReceived), Set("k1", "a"),
                    Inject(A, Dir::kTemp, FaultKind::kAccessDenied), Up(B)});
  ExpectKilled(s.at(A));
  EXPECT_TRUE(s.at(A).logged_send_errors.empty());  // it died before trying
}

TEST(StActionCrash, StateSentIsTheBeforeSendOutcome) {
  State named = Script({Up(A, CrashPoint::kSenderBeforeSend), Set("k1", "a"), Up(B)});
  State action = Script({Up(A, CrashPoint::kActionStateSent), Set("k1", "a"), Up(B)});
  EXPECT_EQ(action, named);
  EXPECT_EQ(action.at(A).temp_files, 1);
}

TEST(StActionCrash, AckSentIsTheAfterDurableOutcome) {
  State named = Script({Up(A, CrashPoint::kInputAfterDurable), Set("k1", "a")});
  State action = Script({Up(A, CrashPoint::kActionAckSent), Set("k1", "a")});
  EXPECT_EQ(action, named);
  EXPECT_EQ(action.at(A).db.last_update_key, 1u);
  ASSERT_TRUE(action.last_outcome.has_value());
  EXPECT_EQ(action.last_outcome->result, InputResult::kUnavailableAfterAccept);
}

TEST(StActionCrash, ServiceEnteredAsAReceiverIsTheAfterApplyOutcome) {
  State base = Script({Up(A), Up(B), Set("k1", "a"), Kill(B), Set("k2", "b")});
  State named = base, action = base;
  RunOn(named, {Up(B, CrashPoint::kReceiverAfterApply)});
  RunOn(action, {Up(B, CrashPoint::kActionServiceEntered)});
  EXPECT_EQ(action, named);
  EXPECT_EQ(action.at(B).db, action.at(A).db);
}

TEST(StActionCrash, ServiceEnteredAloneLeavesAStalePeerToTimeOut) {
  // B holds k2, A only k1: A registers stale and waits; B starts alone, and the mds starts the
  // transfer to A before it learns B died entering service.
  State s = Script({Up(A), Up(B), Set("k1", "a"), Kill(A), Set("k2", "b"), Kill(B), Up(A)});
  ASSERT_EQ(s.at(A).status, SideStatus::kStale);
  const std::uint32_t attempts = s.at(A).transfer_attempts;
  RunOn(s, {Up(B, CrashPoint::kActionServiceEntered)});
  ExpectKilled(s.at(B));
  EXPECT_EQ(s.at(A).last_exit, ExitKind::kTransferTimeout);
  EXPECT_EQ(s.at(A).transfer_attempts, attempts + 1);
}

TEST(StActionCrash, ServiceEnteredAloneWithNoPeerWaitingOnlyKillsTheSide) {
  State s = Script({Up(B, CrashPoint::kActionServiceEntered)});
  ExpectKilled(s.at(B));
  EXPECT_EQ(s.at(A).status, SideStatus::kDown);
  EXPECT_EQ(s.at(A).last_exit, ExitKind::kNone);
}

}  // namespace
}  // namespace lockstep::model::st
