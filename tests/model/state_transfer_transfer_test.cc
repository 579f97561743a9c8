// The state transfer: incremental or full, and every way it can fail (sender temp faults,
// sender and receiver crash points, receiver data faults) or succeed.
#include <gtest/gtest.h>

#include "model/state_transfer/model.h"
#include "tests/model/st_test_util.h"

namespace lockstep::model::st {
namespace {

using namespace test_util;  // NOLINT: test helpers

// A in service alone after k1..k3; B down at key 1 (it saw only k1). Capacity 4.
State BehindByTwo(const Config& config = {}) {
  State s = Pair(config);
  RunOn(s, {Set("k1", "a"), Kill(B), Set("k2", "b"), Set("k3", "c")}, config);
  return s;
}

void ExpectReceiverAsserted(const SideState& r) {
  EXPECT_EQ(r.status, SideStatus::kDown);
  EXPECT_EQ(r.last_exit, ExitKind::kTransferTimeout);
  EXPECT_TRUE(r.memory.empty());
}

TEST(StTransfer, IncrementalSendsTheEntriesAfterTheReceiversKey) {
  State s = BehindByTwo();
  RunOn(s, {Up(B)});
  EXPECT_EQ(s.at(B).status, SideStatus::kInService);
  EXPECT_EQ(s.at(B).last_transfer, (TransferRecord{TransferMode::kIncremental, 2, 3}));
  EXPECT_EQ(s.at(B).db, s.at(A).db);
  EXPECT_EQ(s.at(B).memory, s.at(A).memory);
  EXPECT_EQ(s.at(B).memory, (MemoryState{{"k1", 1}, {"k2", 1}, {"k3", 1}}));
  EXPECT_EQ(s.at(B).transfer_attempts, 2u);
  EXPECT_EQ(s.at(B).last_exit, ExitKind::kNone);
}

TEST(StTransfer, IncrementalWithNothingToSendWhenLevel) {
  State s = Pair();
  EXPECT_EQ(s.at(B).last_transfer, (TransferRecord{TransferMode::kIncremental, 0, 0}));
  RunOn(s, {Set("k1", "a"), Kill(B), Up(B)});
  EXPECT_EQ(s.at(B).last_transfer, (TransferRecord{TransferMode::kIncremental, 0, 1}));
}

TEST(StTransfer, FullCopyWhenTheLogNoLongerHoldsTheReceiversKey) {
  const Config config{.log_capacity = 2};
  State s = BehindByTwo(config);  // A's log holds 2,3; B is at 1
  RunOn(s, {Up(B)}, config);
  EXPECT_EQ(s.at(B).last_transfer, (TransferRecord{TransferMode::kFull, 0, 3}));
  EXPECT_EQ(s.at(B).db, s.at(A).db);
}

TEST(StTransfer, ZeroCapacityKeepsNoLogSoOnlyLevelSidesGetIncremental) {
  const Config config{.log_capacity = 0};
  State s = BehindByTwo(config);
  EXPECT_TRUE(s.at(A).db.log.empty());
  RunOn(s, {Up(B)}, config);
  EXPECT_EQ(s.at(B).last_transfer, (TransferRecord{TransferMode::kFull, 0, 3}));
  RunOn(s, {Kill(B), Up(B)}, config);
  EXPECT_EQ(s.at(B).last_transfer, (TransferRecord{TransferMode::kIncremental, 0, 3}));
}

TEST(StTransfer, FullCopyForAnEmptyReceiverOfANonEmptySender) {
  // Decision 2: the log never holds key 0, so a receiver at 0 gets a full copy.
  State s = Script({Up(A), Set("k1", "a"), Up(B)});
  EXPECT_EQ(s.at(B).last_transfer, (TransferRecord{TransferMode::kFull, 0, 1}));
}

TEST(StTransfer, FullCopyWhenTheReceiverHoldsInputTheSenderNeverApplied) {
  State s = Pair();
  // B makes key 2 durable and dies before acknowledging; A never sees key 2 (it died first).
  RunOn(s, {Set("k1", "a"), Kill(A), Kill(B), Up(B, CrashPoint::kInputAfterDurable), Set("k2", "b"),
            Up(A), Set("k3", "c"), Up(B)});
  EXPECT_EQ(s.at(B).last_transfer, (TransferRecord{TransferMode::kFull, 0, 3}));
  EXPECT_EQ(s.at(B).db, s.at(A).db);
  EXPECT_EQ(s.at(B).db.rows.count("k2"), 0u);
}

TEST(StTransfer, SenderTempFaultFailsCleanlyWithItsErrno) {
  for (auto [kind, errnum] :
       {std::pair{FaultKind::kDiskFull, 28}, {FaultKind::kAccessDenied, 13}}) {
    State s = BehindByTwo();
    RunOn(s, {Inject(A, Dir::kTemp, kind), Up(B)});
    EXPECT_EQ(s.at(A).status, SideStatus::kInService);
    EXPECT_EQ(s.at(A).logged_send_errors, std::vector<int>{errnum});
    EXPECT_EQ(s.at(A).temp_files, 0);
    ExpectReceiverAsserted(s.at(B));
    EXPECT_EQ(s.at(B).last_transfer_errno, errnum);
    EXPECT_EQ(s.at(B).transfer_attempts, 2u);
    EXPECT_EQ(s.at(B).db.last_update_key, 1u);
  }
}

TEST(StTransfer, RetryAfterTheFaultIsRemovedSucceedsAndKeepsTheLastErrno) {
  State s = BehindByTwo();
  RunOn(s,
        {Inject(A, Dir::kTemp, FaultKind::kDiskFull), Up(B), Up(B), Remove(A, Dir::kTemp), Up(B)});
  EXPECT_EQ(s.at(A).logged_send_errors, (std::vector<int>{28, 28}));
  EXPECT_EQ(s.at(B).status, SideStatus::kInService);
  EXPECT_EQ(s.at(B).transfer_attempts, 4u);
  EXPECT_EQ(s.at(B).last_transfer_errno, 28);  // history is kept
  EXPECT_EQ(s.at(B).last_exit, ExitKind::kNone);
}

TEST(StTransfer, DeniedTempDirFailsBeforeTheAfterCreateCrashPoint) {
  State s = Script({Up(A, CrashPoint::kSenderAfterTempCreate), Set("k1", "a"),
                    Inject(A, Dir::kTemp, FaultKind::kAccessDenied), Up(B)});
  EXPECT_EQ(s.at(A).status, SideStatus::kInService);
  EXPECT_EQ(s.at(A).crash_point, CrashPoint::kSenderAfterTempCreate);  // never reached
  EXPECT_EQ(s.at(A).logged_send_errors, std::vector<int>{13});
  ExpectReceiverAsserted(s.at(B));
}

TEST(StTransfer, AfterCreateCrashPointLeavesAnEmptyFileEvenOnAFullTempDir) {
  for (bool full : {false, true}) {
    State s = Script({Up(A, CrashPoint::kSenderAfterTempCreate), Set("k1", "a")});
    if (full) RunOn(s, {Inject(A, Dir::kTemp, FaultKind::kDiskFull)});
    RunOn(s, {Up(B)});
    EXPECT_EQ(s.at(A).status, SideStatus::kDown);
    EXPECT_EQ(s.at(A).last_exit, ExitKind::kKilled);
    EXPECT_EQ(s.at(A).temp_files, 1);
    EXPECT_TRUE(s.at(A).logged_send_errors.empty());
    ExpectReceiverAsserted(s.at(B));
    EXPECT_FALSE(s.at(B).last_transfer_errno.has_value());
  }
}

TEST(StTransfer, BeforeSendCrashPointLeavesTheWrittenFile) {
  State s = Script({Up(A, CrashPoint::kSenderBeforeSend), Set("k1", "a"), Up(B)});
  EXPECT_EQ(s.at(A).last_exit, ExitKind::kKilled);
  EXPECT_EQ(s.at(A).temp_files, 1);
  ExpectReceiverAsserted(s.at(B));
}

TEST(StTransfer, FullTempDirFailsBeforeTheBeforeSendCrashPoint) {
  State s = Script({Up(A, CrashPoint::kSenderBeforeSend), Set("k1", "a"),
                    Inject(A, Dir::kTemp, FaultKind::kDiskFull), Up(B)});
  EXPECT_EQ(s.at(A).status, SideStatus::kInService);
  EXPECT_EQ(s.at(A).temp_files, 0);
  EXPECT_EQ(s.at(A).logged_send_errors, std::vector<int>{28});
}

TEST(StTransfer, ReceiverKilledBeforeOrMidApplyKeepsItsOldDatabase) {
  for (CrashPoint p : {CrashPoint::kReceiverBeforeApply, CrashPoint::kReceiverMidApply}) {
    State s = BehindByTwo();
    const Database old = s.at(B).db;
    RunOn(s, {Up(B, p)});
    EXPECT_EQ(s.at(B).status, SideStatus::kDown);
    EXPECT_EQ(s.at(B).last_exit, ExitKind::kKilled);
    EXPECT_EQ(s.at(B).db, old);
    EXPECT_FALSE(s.at(B).crash_point.has_value());
    EXPECT_EQ(s.at(A).status, SideStatus::kInService);
  }
}

TEST(StTransfer, ReceiverKilledAfterApplyHoldsTheSendersDatabase) {
  State s = BehindByTwo();
  RunOn(s, {Up(B, CrashPoint::kReceiverAfterApply)});
  EXPECT_EQ(s.at(B).status, SideStatus::kDown);
  EXPECT_EQ(s.at(B).last_exit, ExitKind::kKilled);
  EXPECT_EQ(s.at(B).db, s.at(A).db);
  EXPECT_TRUE(s.at(B).memory.empty());
  EXPECT_EQ(s.at(B).last_transfer, (TransferRecord{TransferMode::kIncremental, 0, 0}));
  RunOn(s, {Up(B)});  // the next attempt finds it level
  EXPECT_EQ(s.at(B).last_transfer, (TransferRecord{TransferMode::kIncremental, 0, 3}));
}

TEST(StTransfer, ReceiverDataFaultIsADataErrorWithTheOldDatabase) {
  for (FaultKind kind : {FaultKind::kDiskFull, FaultKind::kAccessDenied}) {
    // B is stale when the fault arrives (a denied data dir would stop it at start).
    State s = Pair();
    RunOn(s, {Kill(B), Set("k1", "a"), Kill(A), Up(B), Inject(B, Dir::kData, kind), Up(A)});
    EXPECT_EQ(s.at(B).status, SideStatus::kDown);
    EXPECT_EQ(s.at(B).last_exit, ExitKind::kDataError);
    EXPECT_EQ(s.at(B).db.last_update_key, 0u);
    EXPECT_EQ(s.at(A).status, SideStatus::kInService);
  }
}

TEST(StTransfer, ReceiverDataFaultStopsStagingBeforeTheMidApplyCrashPoint) {
  State s = BehindByTwo();
  RunOn(s, {Inject(B, Dir::kData, FaultKind::kDiskFull), Up(B, CrashPoint::kReceiverMidApply)});
  EXPECT_EQ(s.at(B).last_exit, ExitKind::kDataError);
}

TEST(StTransfer, BeforeApplyCrashPointFiresBeforeTheDataFault) {
  State s = BehindByTwo();
  RunOn(s, {Inject(B, Dir::kData, FaultKind::kDiskFull), Up(B, CrashPoint::kReceiverBeforeApply)});
  EXPECT_EQ(s.at(B).last_exit, ExitKind::kKilled);
}

TEST(StTransfer, SenderCrashPointsTravelToAReceiverThatBecomesASender) {
  // A crash point that does not fire while receiving stays armed for later.
  State s = Script({Up(A), Up(B, CrashPoint::kSenderBeforeSend), Kill(A), Up(A)});
  EXPECT_EQ(s.at(B).status, SideStatus::kDown);
  EXPECT_EQ(s.at(B).temp_files, 1);
  EXPECT_EQ(s.at(A).last_exit, ExitKind::kTransferTimeout);
}

TEST(StTransfer, StaleReceiverOfASimplexStartCanFailToo) {
  State s = Pair();
  RunOn(s, {Kill(B), Set("k1", "a"), Kill(A), Up(B, CrashPoint::kReceiverMidApply), Up(A)});
  EXPECT_EQ(s.at(A).status, SideStatus::kInService);
  EXPECT_EQ(s.at(B).status, SideStatus::kDown);
  EXPECT_EQ(s.at(B).last_exit, ExitKind::kKilled);
  EXPECT_EQ(s.at(B).db.last_update_key, 0u);
}

}  // namespace
}  // namespace lockstep::model::st
