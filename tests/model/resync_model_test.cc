// The transition rules of the resync model, one by one: start and stamps, two-phase commit,
// every crash point, journal faults, locks, reads, vary rm, complete.
#include <gtest/gtest.h>

#include "model/resync/properties.h"
#include "tests/model/rs_test_util.h"

namespace lockstep::model::rs {
namespace {

using namespace test_util;  // NOLINT: test helpers

const Command kTxn = Transaction{S73, {{S73, {{"c1", "v1"}}}, {S74, {{"k1", "v1"}}}}};

// Txn 1 with `point` armed on the system it belongs to (coord.* on SYSTEM73, else SYSTEM74).
State CrashDuringTxn(CrashPoint point) {
  const bool coord = CrashPointName(point)[0] == 'c';
  State s = InitialState();
  RunOn(s, {Up(S73, 1, coord ? std::optional(point) : std::nullopt),
            Up(S74, 1, coord ? std::nullopt : std::optional(point)), kTxn});
  EXPECT_EQ(CheckInvariants(s), std::nullopt) << DebugString(s);
  return s;
}

TEST(RsStart, StampAtFirstOpenStartupAtEveryStart) {
  State s = InitialState();
  RunOn(s, {Up(S73)});
  const int stamp = s.at(S73).stamp();
  EXPECT_EQ(stamp, 1);
  EXPECT_EQ(s.at(S73).startup, 1);
  RunOn(s, {Kill(S73), Up(S73)});
  EXPECT_EQ(s.at(S73).stamp(), stamp) << "a restart keeps the stamp";
  EXPECT_EQ(s.at(S73).startup, 2);
  RunOn(s, {Kill(S73), Up(S73, 2)});
  EXPECT_EQ(s.at(S73).stamp(), 2) << "another set has its own stamp";
  RunOn(s, {Kill(S73), Fmt(S73, 1), Up(S73, 1)});
  EXPECT_EQ(s.at(S73).stamp(), 3) << "a formatted set gets a new stamp";
  EXPECT_EQ(s.at(S73).last_exit, ExitKind::kNone);
}

TEST(RsStart, JournalFaultsAtStart) {
  State s = InitialState();
  RunOn(s, {Inject(S73, JournalFault::kAccessDenied), Up(S73)});
  EXPECT_FALSE(s.at(S73).up);
  EXPECT_EQ(s.at(S73).last_exit, ExitKind::kJournalError);
  RunOn(s, {Remove(S73), Inject(S73, JournalFault::kDiskFull), Up(S73)});
  EXPECT_FALSE(s.at(S73).up) << "an unstamped set cannot be stamped on a full disk";
  RunOn(s, {Remove(S73), Up(S73), Kill(S73), Inject(S73, JournalFault::kDiskFull), Up(S73)});
  EXPECT_TRUE(s.at(S73).up) << "a stamped set opens read-only on a full disk";
}

// A damaged set refuses every start until it is formatted; the other set still starts.
TEST(RsStart, ADamagedJournalSetRefusesUntilFormatted) {
  State s = InitialState();
  EXPECT_FALSE(Precondition(s, CorruptSet(S73, 1))) << "a set never opened holds no middle record";
  RunOn(s, {Up(S73)});
  EXPECT_FALSE(Precondition(s, CorruptSet(S73, 1))) << "a running system's journal";
  RunOn(s, {Kill(S73)});
  EXPECT_FALSE(Precondition(s, CorruptSet(S73, 2))) << "journal-2 was never opened";
  EXPECT_FALSE(Precondition(s, Corrupt{S73, 1, kCorruptRecords, Damage::kCrc}));
  RunOn(s, {CorruptSet(S73, 1, Damage::kSector)});
  EXPECT_FALSE(Precondition(s, CorruptSet(S73, 1))) << "already damaged";
  const State damaged = s;
  RunOn(s, {Up(S73)});
  EXPECT_FALSE(s.at(S73).up);
  EXPECT_EQ(s.at(S73).last_exit, ExitKind::kJournalError);
  EXPECT_EQ(s.at(S73).journals[0], damaged.at(S73).journals[0]) << "a refused start changes nothing";
  RunOn(s, {Up(S73, 2)});
  EXPECT_TRUE(s.at(S73).up) << "the other set is intact";
  EXPECT_EQ(s.at(S73).stamp(), 2);
  RunOn(s, {Kill(S73), Up(S73, 1)});
  EXPECT_FALSE(s.at(S73).up) << "still damaged";
  RunOn(s, {Fmt(S73, 1), Up(S73, 1)});
  EXPECT_TRUE(s.at(S73).up) << "formatting replaced the damaged set";
  EXPECT_FALSE(s.at(S73).journals[0].damaged);
}

TEST(RsTransaction, CommitsEverywhereAfterAFirstResync) {
  State s = AllUp();
  RunOn(s, {kTxn});
  EXPECT_EQ(Last(s), OpResult::kCommitted);
  EXPECT_EQ(s.at(S73).rows, (Rows{{"c1", "v1"}}));
  EXPECT_EQ(s.at(S74).rows, (Rows{{"k1", "v1"}}));
  EXPECT_EQ(StateOf(s, S73, 1), BranchState::kCommitted);
  EXPECT_TRUE(BranchOf(s, S73, 1)->ended);
  EXPECT_EQ(StateOf(s, S74, 1), BranchState::kCommitted);
  const PartnerEntry seen{s.at(S74).stamp(), s.at(S74).startup, true};
  EXPECT_EQ(s.at(S73).journal().partners.at(S74), seen);
  EXPECT_TRUE(Has(s.at(S73).synced, S74) && Has(s.at(S74).synced, S73));
}

TEST(RsTransaction, ThreeSystemsCommitTogether) {
  State s = AllUp(3);
  RunOn(s, {Txn(S75, {{S73, {{"a", "1"}}}, {S74, {{"b", "2"}}}})});
  EXPECT_EQ(Last(s), OpResult::kCommitted);
  EXPECT_EQ(StateOf(s, S73, 1), BranchState::kCommitted);
  EXPECT_EQ(StateOf(s, S74, 1), BranchState::kCommitted);
  EXPECT_EQ(BranchOf(s, S75, 1)->role, Role::kCoordinator);
  EXPECT_FALSE(Has(s.at(S73).synced, S74)) << "participants never talk to each other";
}

TEST(RsCrashPoints, ParticipantBeforePreparedRecord) {
  const State s = CrashDuringTxn(CrashPoint::kPartBeforePreparedRecord);
  EXPECT_EQ(Last(s), OpResult::kAborted);
  EXPECT_FALSE(s.at(S74).up);
  EXPECT_EQ(BranchOf(s, S74, 1), nullptr);
  EXPECT_EQ(BranchOf(s, S73, 1), nullptr) << "presumed abort journals nothing";
  EXPECT_TRUE(s.at(S73).rows.empty());
}

TEST(RsCrashPoints, ParticipantAfterPreparedRecordIsInDoubtThenAborted) {
  State s = CrashDuringTxn(CrashPoint::kPartAfterPreparedRecord);
  EXPECT_EQ(Last(s), OpResult::kAborted);
  EXPECT_EQ(s.at(S74).journal().branches.at(1).state, BranchState::kInDoubt);
  RunOn(s, {Up(S74)});  // resync at start: no COMMIT record at the coordinator
  EXPECT_EQ(StateOf(s, S74, 1), BranchState::kAborted);
  EXPECT_TRUE(s.at(S74).rows.empty());
}

TEST(RsCrashPoints, CoordinatorBeforeCommitRecord) {
  State s = CrashDuringTxn(CrashPoint::kCoordBeforeCommitRecord);
  EXPECT_EQ(Last(s), OpResult::kUnknown);
  EXPECT_EQ(StateOf(s, S74, 1), BranchState::kInDoubt);
  RunOn(s, {Up(S73)});  // the participant's outstanding branch triggers resync at start
  EXPECT_EQ(StateOf(s, S74, 1), BranchState::kAborted);
  EXPECT_TRUE(s.at(S73).rows.empty());
}

TEST(RsCrashPoints, CoordinatorAfterCommitRecordRedoesAtRecovery) {
  State s = CrashDuringTxn(CrashPoint::kCoordAfterCommitRecord);
  EXPECT_EQ(Last(s), OpResult::kUnknown);
  EXPECT_TRUE(s.txn(1).committed);
  EXPECT_TRUE(s.at(S73).journal().branches.at(1).redo);
  EXPECT_EQ(StateOf(s, S74, 1), BranchState::kInDoubt);
  RunOn(s, {Up(S73)});
  EXPECT_EQ(s.at(S73).rows, (Rows{{"c1", "v1"}}));
  EXPECT_EQ(StateOf(s, S74, 1), BranchState::kCommitted);
  EXPECT_EQ(s.at(S74).rows, (Rows{{"k1", "v1"}}));
  EXPECT_TRUE(BranchOf(s, S73, 1)->ended);
}

TEST(RsCrashPoints, CoordinatorBeforeEndRecord) {
  State s = CrashDuringTxn(CrashPoint::kCoordBeforeEndRecord);
  EXPECT_EQ(Last(s), OpResult::kUnknown);
  EXPECT_EQ(StateOf(s, S74, 1), BranchState::kCommitted);
  EXPECT_FALSE(s.at(S73).journal().branches.at(1).ended);
  RunOn(s, {Up(S73)});  // no END: every participant is outstanding again
  EXPECT_TRUE(BranchOf(s, S73, 1)->ended);
}

TEST(RsCrashPoints, ParticipantBeforeOutcomeRecord) {
  State s = CrashDuringTxn(CrashPoint::kPartBeforeOutcomeRecord);
  EXPECT_EQ(Last(s), OpResult::kCommitted) << "the COMMIT record decided it";
  EXPECT_EQ(s.at(S74).journal().branches.at(1).state, BranchState::kInDoubt);
  EXPECT_EQ(Outstanding(s, S73, S74), std::vector<int>{1});
  RunOn(s, {Up(S74)});
  EXPECT_EQ(StateOf(s, S74, 1), BranchState::kCommitted);
  EXPECT_EQ(s.at(S74).rows, (Rows{{"k1", "v1"}}));
  EXPECT_TRUE(BranchOf(s, S73, 1)->ended);
}

TEST(RsCrashPoints, ParticipantAfterOutcomeRecordRedoesAtRecovery) {
  State s = CrashDuringTxn(CrashPoint::kPartAfterOutcomeRecord);
  EXPECT_EQ(Last(s), OpResult::kCommitted);
  EXPECT_TRUE(s.at(S74).journal().branches.at(1).redo);
  RunOn(s, {Up(S74)});
  EXPECT_EQ(s.at(S74).rows, (Rows{{"k1", "v1"}}));
  EXPECT_TRUE(BranchOf(s, S73, 1)->ended);
}

TEST(RsCrashPoints, ResyncAfterExchange) {
  State s = InitialState();
  RunOn(s, {Up(S73, 1, CrashPoint::kResyncAfterExchange), Up(S74), kTxn});
  EXPECT_EQ(Last(s), OpResult::kUnknown) << "the coordinator died setting up its session";
  EXPECT_FALSE(s.at(S73).up);
  // The responder answered (and saved the initiator's values) before the initiator's crash
  // point fired on that answer.
  EXPECT_EQ(s.at(S74).journal().partners.count(S73), 1u);
  EXPECT_FALSE(Has(s.at(S74).synced, S73));
  State both = InitialState();
  RunOn(both, {Up(S73, 1, CrashPoint::kResyncAfterExchange),
               Up(S74, 1, CrashPoint::kResyncAfterExchange), kTxn});
  EXPECT_TRUE(both.at(S73).up) << "a responder that dies on receipt never answers";
  EXPECT_FALSE(both.at(S74).up);
  State t = InitialState();
  RunOn(t, {Up(S73), Up(S74, 1, CrashPoint::kResyncAfterExchange), Rd(S74, "k", S73)});
  EXPECT_EQ(Last(t), OpResult::kUnavailable);
  EXPECT_FALSE(t.at(S74).up);
}

TEST(RsFaults, ParticipantDiskFullVotesNo) {
  State s = AllUp();
  RunOn(s, {Rd(S74, "x", S73), Inject(S74, JournalFault::kDiskFull), kTxn});
  EXPECT_EQ(Last(s), OpResult::kAborted);
  EXPECT_TRUE(s.at(S74).up) << "the system stays up";
  EXPECT_EQ(BranchOf(s, S74, 1), nullptr);
  EXPECT_TRUE(s.at(S73).rows.empty());
}

TEST(RsFaults, CoordinatorCannotForceCommitAndAborts) {
  State s = AllUp();
  RunOn(s, {Rd(S74, "x", S73), Inject(S73, JournalFault::kAccessDenied), kTxn});
  EXPECT_EQ(Last(s), OpResult::kAborted);
  EXPECT_FALSE(s.txn(1).committed);
  EXPECT_EQ(StateOf(s, S74, 1), BranchState::kAborted);
}

TEST(RsFaults, ResyncCannotSavePartnerTablesOnAFault) {
  State s = AllUp();
  RunOn(s, {Inject(S73, JournalFault::kDiskFull), Rd(S74, "x", S73)});
  EXPECT_EQ(Last(s), OpResult::kUnavailable);
  RunOn(s, {Remove(S73), Rd(S74, "x", S73)});
  EXPECT_EQ(Last(s), OpResult::kNotFound);
}

TEST(RsLocks, InDoubtKeysAreLockedAcrossRestarts) {
  State s = InDoubtAtParticipant();
  RunOn(s, {Rd(S74, "k1", S74)});
  EXPECT_EQ(Last(s), OpResult::kLockTimeout);
  RunOn(s, {Rd(S74, "k2", S74)});
  EXPECT_EQ(Last(s), OpResult::kNotFound);
  RunOn(s, {Kill(S74), Up(S74), Rd(S74, "k1", S74)});
  EXPECT_EQ(Last(s), OpResult::kLockTimeout) << "the lock survives the participant's crash";
  RunOn(s, {Up(S73)});  // S74's outstanding branch triggers resync at S73's start
  EXPECT_EQ(StateOf(s, S74, 1), BranchState::kAborted);
  RunOn(s, {Txn(S73, {{S74, {{"k1", "v2"}}}}), Rd(S74, "k1", S74)});
  EXPECT_EQ(s.last_outcome, (OpOutcome{OpResult::kValue, "v2"}));
}

TEST(RsLocks, AParticipantVotesNoOnALockedKey) {
  State s = AllUp(3);
  RunOn(s, {Kill(S75), Up(S75, 1, CrashPoint::kCoordBeforeCommitRecord),
            Txn(S75, {{S74, {{"k1", "v1"}}}})});
  ASSERT_EQ(StateOf(s, S74, 1), BranchState::kInDoubt);
  StepEvents ev;
  Apply(s, Txn(S73, {{S73, {{"a", "1"}}}, {S74, {{"k1", "v2"}}}}), &ev);
  EXPECT_EQ(Last(s), OpResult::kAborted);
  EXPECT_TRUE(ev.lock_timeout);
  EXPECT_TRUE(s.at(S73).rows.empty());
  EXPECT_EQ(BranchOf(s, S74, 2), nullptr);
}

TEST(RsRead, RemoteReadResynchronizesARecycledPartner) {
  State s = AllUp();
  RunOn(s, {Rd(S74, "k", S73)});
  EXPECT_TRUE(Has(s.at(S73).synced, S74));
  RunOn(s, {Kill(S74), Up(S74)});
  EXPECT_FALSE(Has(s.at(S73).synced, S74));
  const int startup = s.at(S74).startup;
  RunOn(s, {Rd(S74, "k", S73)});
  EXPECT_EQ(s.at(S73).journal().partners.at(S74).startup, startup);
  RunOn(s, {Rd(S73, "c", S73)});
  EXPECT_EQ(Last(s), OpResult::kNotFound);
}

TEST(RsOperator, VaryRmNeedsARunningPartnerAndNoPendingPrompt) {
  State s = AllUp();
  RunOn(s, {Kill(S74)});
  const State before = s;
  RunOn(s, {Vary(S73, S74)});
  EXPECT_EQ(s, before);
  State t = AllUp();
  RunOn(t, {Vary(S73, S74)});
  EXPECT_TRUE(Has(t.at(S73).synced, S74));
  EXPECT_TRUE(t.at(S74).journal().partners.at(S73).open_rm);
}

TEST(RsModel, ApplyWithoutPreconditionChangesNothing) {
  State s = AllUp();
  for (const Command& c : {Up(S73), Fmt(S73, 1), Ignore(S73, S74), Remove(S73),
                           Done(S73, 1, CompleteAction::kCommit), Vary(S73, S73),
                           Txn(S73, {{S73, {{"a", "b"}}}})}) {
    EXPECT_FALSE(Precondition(s, c)) << Describe(c);
    const State before = s;
    Apply(s, c);
    EXPECT_EQ(s, before) << Describe(c);
  }
}

}  // namespace
}  // namespace lockstep::model::rs
