// Transition rules of the state-transfer model other than the transfer itself: Submit,
// Start, Crash, faults, OfflineSync, preconditions, Predict, Encode and Describe.
#include <gtest/gtest.h>

#include <unordered_set>

#include "model/state_transfer/command_text.h"
#include "model/state_transfer/model.h"
#include "tests/model/st_test_util.h"

namespace lockstep::model::st {
namespace {

using namespace test_util;  // NOLINT: test helpers

InputOutcome Ok(std::uint64_t k) { return {InputResult::kOk, k}; }

// ---- Submit ----------------------------------------------------------------------------

TEST(StSubmit, RefusedWithoutKeyWhenNoSideInService) {
  State s = Script({Set("k1", "v1")});
  EXPECT_EQ(s.last_outcome, (InputOutcome{InputResult::kUnavailable, 0}));
  EXPECT_EQ(s.last_assigned_key, 0u);
  EXPECT_EQ(s.high_water_key, 0u);
}

TEST(StSubmit, BothSidesMakeItDurableAndAcknowledge) {
  State s = Pair();
  RunOn(s, {Set("k1", "v1"), Set("k2", "v2"), Set("k1", "v3")});
  EXPECT_EQ(s.last_outcome, Ok(3));
  EXPECT_EQ(s.high_water_key, 3u);
  EXPECT_EQ(s.acked_keys, (std::vector<std::uint64_t>{1, 2, 3}));
  for (Side side : kSides) {
    const SideState& x = s.at(side);
    EXPECT_EQ(x.db.rows, (std::map<std::string, std::string>{{"k1", "v3"}, {"k2", "v2"}}));
    EXPECT_EQ(x.db.last_update_key, 3u);
    EXPECT_EQ(x.db.log.size(), 3u);
    EXPECT_EQ(x.memory, (MemoryState{{"k1", 2}, {"k2", 1}}));
  }
}

TEST(StSubmit, DeleteErasesRowAndLogsEmptyValue) {
  State s = Pair();
  RunOn(s, {Set("k1", "v1"), Submit{OpKind::kDel, "k1", "ignored"}});
  EXPECT_TRUE(s.at(A).db.rows.empty());
  EXPECT_EQ(s.at(A).db.log.back(), (LogEntry{2, OpKind::kDel, "k1", ""}));
  EXPECT_EQ(s.at(A).memory, (MemoryState{{"k1", 2}}));
}

TEST(StSubmit, LogKeepsOnlyTheMostRecentCapacityEntries) {
  const Config config{.log_capacity = 2};
  State s = Pair(config);
  RunOn(s, {Set("k1", "a"), Set("k2", "b"), Set("k3", "c")}, config);
  ASSERT_EQ(s.at(B).db.log.size(), 2u);
  EXPECT_EQ(s.at(B).db.log[0].update_key, 2u);
  EXPECT_EQ(s.at(B).db.log[1].update_key, 3u);
  EXPECT_EQ(s.at(B).history.size(), 3u);
}

TEST(StSubmit, CrashBeforeDurableLosesInputOnThatSideOnly) {
  State s = Script({Up(A, CrashPoint::kInputBeforeDurable), Up(B), Set("k1", "v1")});
  EXPECT_EQ(s.at(A).status, SideStatus::kDown);
  EXPECT_EQ(s.at(A).last_exit, ExitKind::kKilled);
  EXPECT_EQ(s.at(A).db.last_update_key, 0u);
  EXPECT_FALSE(s.at(A).crash_point.has_value());
  EXPECT_TRUE(s.at(A).memory.empty());
  EXPECT_EQ(s.at(B).db.last_update_key, 1u);
  EXPECT_EQ(s.last_outcome, Ok(1));
}

TEST(StSubmit, CrashAfterDurableKeepsInputButDoesNotAcknowledge) {
  State s = Script({Up(A, CrashPoint::kInputAfterDurable), Set("k1", "v1")});
  EXPECT_EQ(s.at(A).status, SideStatus::kDown);
  EXPECT_EQ(s.at(A).last_exit, ExitKind::kKilled);
  EXPECT_EQ(s.at(A).db.last_update_key, 1u);  // durable
  EXPECT_EQ(s.last_outcome, (InputOutcome{InputResult::kUnavailableAfterAccept, 1}));
  EXPECT_EQ(s.high_water_key, 0u);
  EXPECT_TRUE(s.acked_keys.empty());
}

TEST(StSubmit, UnacknowledgedInputStillConsumesItsKey) {
  State s =
      Script({Up(A, CrashPoint::kInputBeforeDurable), Set("k1", "v1"), Up(A), Set("k1", "v2")});
  EXPECT_EQ(s.last_outcome, Ok(2));
  EXPECT_EQ(s.at(A).db.last_update_key, 2u);
  EXPECT_EQ(s.at(A).db.log.size(), 1u);
}

TEST(StSubmit, DataFaultMakesSideLeaveWithoutAcknowledging) {
  for (FaultKind kind : {FaultKind::kDiskFull, FaultKind::kAccessDenied}) {
    State s = Pair();
    RunOn(s, {Inject(B, Dir::kData, kind), Set("k1", "v1")});
    EXPECT_EQ(s.at(B).status, SideStatus::kDown);
    EXPECT_EQ(s.at(B).last_exit, ExitKind::kDataError);
    EXPECT_EQ(s.at(B).db.last_update_key, 0u);
    EXPECT_EQ(s.at(A).db.last_update_key, 1u);
    EXPECT_EQ(s.last_outcome, Ok(1));
  }
}

TEST(StSubmit, DataFaultFailsTheWriteBeforeTheAfterDurableCrashPoint) {
  State s = Script({Up(A, CrashPoint::kInputAfterDurable),
                    Inject(A, Dir::kData, FaultKind::kDiskFull), Set("k1", "v1")});
  EXPECT_EQ(s.at(A).last_exit, ExitKind::kDataError);
  EXPECT_EQ(s.at(A).db.last_update_key, 0u);
}

TEST(StSubmit, BeforeDurableCrashPointFiresBeforeTheDataFault) {
  State s = Script({Up(A, CrashPoint::kInputBeforeDurable),
                    Inject(A, Dir::kData, FaultKind::kDiskFull), Set("k1", "v1")});
  EXPECT_EQ(s.at(A).last_exit, ExitKind::kKilled);
}

TEST(StSubmit, LastSideLeavingMakesOutcomeUnknown) {
  State s = Pair();
  RunOn(s, {Inject(A, Dir::kData, FaultKind::kDiskFull),
            Inject(B, Dir::kData, FaultKind::kDiskFull), Set("k1", "v1")});
  EXPECT_EQ(s.last_outcome, (InputOutcome{InputResult::kUnavailableAfterAccept, 1}));
  EXPECT_EQ(s.at(A).status, SideStatus::kDown);
  EXPECT_EQ(s.at(B).status, SideStatus::kDown);
}

// ---- Start -----------------------------------------------------------------------------

TEST(StStart, FirstSideEntersServiceAloneWithEmptyMemory) {
  State s = Script({Up(A)});
  EXPECT_EQ(s.at(A).status, SideStatus::kInService);
  EXPECT_TRUE(s.at(A).memory.empty());
  EXPECT_EQ(s.at(A).transfer_attempts, 0u);
}

TEST(StStart, SideBehindHighWaterIsStaleAndWaits) {
  State s = Pair();
  RunOn(s, {Kill(B), Set("k1", "v1"), Kill(A), Up(B)});
  EXPECT_EQ(s.at(B).status, SideStatus::kStale);
  EXPECT_EQ(s.at(B).last_exit, ExitKind::kNone);
  EXPECT_EQ(s.at(B).transfer_attempts, 1u);  // only the pair's first start: no new attempt
}

TEST(StStart, StaleSideReceivesAsSoonAsPeerEntersServiceAlone) {
  State s = Pair();
  RunOn(s, {Set("k1", "v1"), Kill(B), Set("k2", "v2"), Kill(A), Up(B), Up(A)});
  EXPECT_EQ(s.at(A).status, SideStatus::kInService);
  EXPECT_EQ(s.at(B).status, SideStatus::kInService);
  EXPECT_EQ(s.at(B).db, s.at(A).db);
  EXPECT_EQ(s.at(B).transfer_attempts, 2u);  // once at the pair's start, once now
  EXPECT_EQ(s.at(B).last_transfer, (TransferRecord{TransferMode::kIncremental, 1, 2}));
}

TEST(StStart, SideAheadOfHighWaterMayStartAlone) {
  // Decision 1: durable but unacknowledged input puts a side ahead of the high-water key.
  State s = Script({Up(A, CrashPoint::kInputAfterDurable), Set("k1", "v1"), Up(A)});
  EXPECT_EQ(s.at(A).db.last_update_key, 1u);
  EXPECT_EQ(s.high_water_key, 0u);
  EXPECT_EQ(s.at(A).status, SideStatus::kInService);
}

TEST(StStart, DeniedDataDirectoryExitsWithDataError) {
  State s = Script(
      {Inject(A, Dir::kData, FaultKind::kAccessDenied), Up(A, CrashPoint::kSenderBeforeSend)});
  EXPECT_EQ(s.at(A).status, SideStatus::kDown);
  EXPECT_EQ(s.at(A).last_exit, ExitKind::kDataError);
  EXPECT_FALSE(s.at(A).crash_point.has_value());
}

TEST(StStart, FullDataDirectoryStillOpensTheDatabase) {
  State s = Script({Inject(A, Dir::kData, FaultKind::kDiskFull), Up(A)});
  EXPECT_EQ(s.at(A).status, SideStatus::kInService);
}

TEST(StStart, ClearsLastExitAndArmsCrashPoint) {
  State s = Script({Up(A), Kill(A), Up(A, CrashPoint::kInputAfterDurable)});
  EXPECT_EQ(s.at(A).last_exit, ExitKind::kNone);
  EXPECT_EQ(s.at(A).crash_point, CrashPoint::kInputAfterDurable);
}

TEST(StStart, RemovesLeftoverTempFilesUnlessTempDirIsDenied) {
  // A is killed as a sender with its temp file written: the file stays behind.
  State s = Script({Up(A, CrashPoint::kSenderBeforeSend), Up(B)});
  ASSERT_EQ(s.at(A).temp_files, 1);
  RunOn(s, {Inject(A, Dir::kTemp, FaultKind::kAccessDenied), Up(A)});
  EXPECT_EQ(s.at(A).status, SideStatus::kInService);
  EXPECT_EQ(s.at(A).temp_files, 1);
  EXPECT_EQ(s.at(A).temp_files_at_start, 1);
  RunOn(s, {Kill(A), Remove(A, Dir::kTemp), Up(A)});
  EXPECT_EQ(s.at(A).temp_files, 0);
}

// ---- Crash, faults, offline sync -------------------------------------------------------

TEST(StCrash, KillsRunningSideAndLosesItsMemory) {
  State s = Pair();
  RunOn(s, {Set("k1", "v1"), Kill(A)});
  EXPECT_EQ(s.at(A).status, SideStatus::kDown);
  EXPECT_EQ(s.at(A).last_exit, ExitKind::kKilled);
  EXPECT_TRUE(s.at(A).memory.empty());
  EXPECT_EQ(s.at(A).db.last_update_key, 1u);
  EXPECT_EQ(s.at(B).status, SideStatus::kInService);
}

TEST(StCrash, StaleSideStaysStaleWhileNoPeerIsInService) {
  State s = Pair();
  RunOn(s, {Kill(B), Set("k1", "v1"), Kill(A), Up(B)});
  ASSERT_EQ(s.at(B).status, SideStatus::kStale);
  RunOn(s, {Inject(A, Dir::kData, FaultKind::kAccessDenied), Up(A)});  // A fails to start
  EXPECT_EQ(s.at(A).last_exit, ExitKind::kDataError);
  EXPECT_EQ(s.at(B).status, SideStatus::kStale);
  RunOn(s, {Kill(B)});  // a stale side can be crashed too
  EXPECT_EQ(s.at(B).status, SideStatus::kDown);
  EXPECT_EQ(s.at(B).last_exit, ExitKind::kKilled);
}

TEST(StFaults, InjectAndRemoveOnlyChangeTheDirectory) {
  State s = Pair();
  State before = s;
  RunOn(s, {Inject(A, Dir::kTemp, FaultKind::kDiskFull),
            Inject(A, Dir::kData, FaultKind::kAccessDenied)});
  EXPECT_EQ(s.at(A).fault(Dir::kTemp), FaultKind::kDiskFull);
  EXPECT_EQ(s.at(A).fault(Dir::kData), FaultKind::kAccessDenied);
  EXPECT_EQ(s.at(A).status, SideStatus::kInService);
  RunOn(s, {Remove(A, Dir::kTemp), Remove(A, Dir::kData)});
  EXPECT_EQ(s, before);
}

TEST(StOfflineSync, CopiesTheWholeDatabaseSoTheTargetStartsAsCurrent) {
  const Config config{.log_capacity = 2};
  State s = Pair(config);
  RunOn(s, {Kill(B), Set("k1", "a"), Set("k2", "b"), Set("k3", "c"), Kill(A), Up(B)}, config);
  ASSERT_EQ(s.at(B).status, SideStatus::kStale);
  RunOn(s, {Kill(B), Sync(A, B), Up(B)}, config);
  EXPECT_EQ(s.at(B).db, s.at(A).db);
  EXPECT_EQ(s.at(B).status, SideStatus::kInService);
  EXPECT_EQ(s.at(B).transfer_attempts, 1u);  // only the pair's first start
}

// ---- Preconditions ---------------------------------------------------------------------

TEST(StPrecondition, FollowsTheCommandTable) {
  State s = Script({Up(A)});
  EXPECT_TRUE(Precondition(s, Set("k", "v")));
  EXPECT_FALSE(Precondition(s, Up(A)));
  EXPECT_TRUE(Precondition(s, Up(B)));
  EXPECT_TRUE(Precondition(s, Kill(A)));
  EXPECT_FALSE(Precondition(s, Kill(B)));
  EXPECT_TRUE(Precondition(s, Inject(A, Dir::kTemp, FaultKind::kDiskFull)));
  EXPECT_FALSE(Precondition(s, Remove(A, Dir::kTemp)));
  EXPECT_TRUE(Precondition(s, Sync(A, B)));
  EXPECT_FALSE(Precondition(s, Sync(B, A)));  // A is running
  EXPECT_FALSE(Precondition(s, Sync(B, B)));
  RunOn(s, {Inject(B, Dir::kTemp, FaultKind::kDiskFull)});
  EXPECT_FALSE(Precondition(s, Inject(B, Dir::kTemp, FaultKind::kAccessDenied)));
  EXPECT_TRUE(Precondition(s, Remove(B, Dir::kTemp)));
  EXPECT_TRUE(Precondition(s, Sync(A, B)));  // a temp fault does not matter
  RunOn(s, {Inject(A, Dir::kData, FaultKind::kDiskFull)});
  EXPECT_FALSE(Precondition(s, Sync(A, B)));
  RunOn(s, {Remove(A, Dir::kData), Inject(B, Dir::kData, FaultKind::kDiskFull)});
  EXPECT_FALSE(Precondition(s, Sync(A, B)));
}

TEST(StPrecondition, ApplyIgnoresACommandWhosePreconditionFails) {
  State s = Pair();
  const State before = s;
  Apply(s, Up(A), Config{});
  Apply(s, Remove(A, Dir::kData), Config{});
  EXPECT_EQ(s, before);
}

// ---- Predict, Encode, Describe ---------------------------------------------------------

TEST(StPredict, MirrorsTheStateWithoutChecksums) {
  State s = Pair();
  RunOn(s, {Set("k1", "v1"), Inject(A, Dir::kTemp, FaultKind::kDiskFull), Kill(B), Up(B)});
  const Observation o = Predict(s);
  EXPECT_EQ(o.high_water_key, 1u);
  EXPECT_EQ(o.last_outcome, Ok(1));
  for (Side side : kSides) {
    const SideObservation& x = o.at(side);
    EXPECT_EQ(x.status, s.at(side).status);
    EXPECT_EQ(x.last_exit, s.at(side).last_exit);
    EXPECT_EQ(x.db, s.at(side).db);
    EXPECT_EQ(x.memory, s.at(side).memory);
    EXPECT_TRUE(x.checksum.empty());
    EXPECT_EQ(x.temp_files, s.at(side).temp_files);
    EXPECT_EQ(x.logged_send_errors, s.at(side).logged_send_errors);
    EXPECT_EQ(x.transfer_attempts, s.at(side).transfer_attempts);
    EXPECT_EQ(x.last_transfer_errno, s.at(side).last_transfer_errno);
    EXPECT_EQ(x.last_transfer, s.at(side).last_transfer);
  }
  EXPECT_EQ(o.at(A).logged_send_errors, std::vector<int>{28});
  EXPECT_EQ(o.at(B).last_transfer_errno, 28);
}

TEST(StEncode, EqualStatesEncodeEquallyAndDifferentOnesDifferently) {
  State a = Pair();
  State b = Pair();
  EXPECT_EQ(Encode(a), Encode(b));
  EXPECT_EQ(StateHash{}(a), StateHash{}(b));
  RunOn(a, {Set("k;1", "v")});
  RunOn(b, {Set("k", ";1v")});  // separators inside strings must not collide
  EXPECT_NE(a, b);
  EXPECT_NE(Encode(a), Encode(b));
  std::unordered_set<std::string> seen;
  for (const State& s : {Pair(), Script({Up(A)}), Script({Up(B)}), Script({Up(A), Kill(A)}),
                         Script({Inject(A, Dir::kTemp, FaultKind::kDiskFull)}),
                         Script({Inject(A, Dir::kData, FaultKind::kDiskFull)}),
                         Script({Up(A, CrashPoint::kSenderBeforeSend)}), Script({Set("k", "v")})}) {
    EXPECT_TRUE(seen.insert(Encode(s)).second) << DebugString(s);
  }
}

TEST(StDescribe, IsOneStableLine) {
  EXPECT_EQ(Describe(Set("k1", "v3")), "Submit(set k1=v3)");
  EXPECT_EQ(Describe(Del("k1")), "Submit(del k1)");
  EXPECT_EQ(Describe(Up(B, CrashPoint::kReceiverMidApply)), "Start(B, crash=receiver.mid_apply)");
  EXPECT_EQ(Describe(Up(A)), "Start(A)");
  EXPECT_EQ(Describe(Kill(A)), "Crash(A)");
  EXPECT_EQ(Describe(Cut(B)), "PowerLoss(B)");
  EXPECT_EQ(Describe(Inject(A, Dir::kTemp, FaultKind::kDiskFull)),
            "InjectFault(A, temp, disk-full)");
  EXPECT_EQ(Describe(Remove(B, Dir::kData)), "RemoveFault(B, data)");
  EXPECT_EQ(Describe(Sync(A, B)), "OfflineSync(A->B)");
  EXPECT_STREQ(ToString(SideStatus::kInService), "in_service");
  EXPECT_STREQ(ToString(ExitKind::kTransferTimeout), "transfer_timeout");
  EXPECT_STREQ(ToString(InputResult::kUnavailableAfterAccept), "unavailable-after-accept");
  EXPECT_STREQ(CrashPointName(CrashPoint::kInputBeforeDurable), "logger.input.before_durable");
}

TEST(StDescribe, ParseCommandReadsItBack) {
  std::vector<Command> all{Set("k1", "v3"), Del("k1")};
  for (Side side : kSides) {
    all.push_back(Up(side));
    for (int p = 0; p < kCrashPointCount; ++p) all.push_back(Up(side, static_cast<CrashPoint>(p)));
    all.push_back(Kill(side));
    all.push_back(Cut(side));
    all.push_back(Inject(side, Dir::kData, FaultKind::kAccessDenied));
    all.push_back(Remove(side, Dir::kTemp));
    all.push_back(Sync(side, Peer(side)));
  }
  for (const Command& c : all) {
    const auto parsed = ParseCommand(Describe(c));
    ASSERT_TRUE(parsed.has_value()) << Describe(c) << ": " << parsed.error().message;
    EXPECT_EQ(Describe(*parsed), Describe(c));
  }
}

// A step of 40,000 characters once overflowed the stack in std::regex; now it is refused by
// length, naming it.
TEST(StDescribe, ParseCommandRefusesOversizedText) {
  for (const std::string& huge : {"Submit(set k=" + std::string(40'000, 'v') + ")",
                                  "Crash(" + std::string(100'000, 'A') + ")"}) {
    const auto parsed = ParseCommand(huge);
    ASSERT_FALSE(parsed.has_value());
    EXPECT_NE(parsed.error().message.find("characters long (at most 1024)"), std::string::npos)
        << parsed.error().message;
  }
}

}  // namespace
}  // namespace lockstep::model::st

namespace lockstep::model::st {
namespace {

// Design decision 10: a directory holding a file the side removes at its next start cannot be
// made full, since the removal frees the space the next write needs.
TEST(StFaultPreconditions, NoDiskFullWhereAStartWouldFreeSpace) {
  State s = Script({Up(A), Set("k", "v"), Up(B, CrashPoint::kReceiverMidApply)});
  ASSERT_TRUE(s.at(B).staged_db);
  EXPECT_FALSE(Precondition(s, Inject(B, Dir::kData, FaultKind::kDiskFull)));
  EXPECT_TRUE(Precondition(s, Inject(B, Dir::kData, FaultKind::kAccessDenied)));
  RunOn(s, {Up(B)});
  EXPECT_FALSE(s.at(B).staged_db);
  EXPECT_TRUE(Precondition(s, Inject(B, Dir::kData, FaultKind::kDiskFull)));

  State t = Script({Up(A, CrashPoint::kSenderBeforeSend), Up(B)});
  ASSERT_EQ(t.at(A).temp_files, 1);
  EXPECT_FALSE(Precondition(t, Inject(A, Dir::kTemp, FaultKind::kDiskFull)));
  EXPECT_TRUE(Precondition(t, Inject(A, Dir::kTemp, FaultKind::kAccessDenied)));
}

}  // namespace
}  // namespace lockstep::model::st
