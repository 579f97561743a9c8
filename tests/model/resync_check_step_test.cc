// CheckStep: an observation that matches the prediction passes, and each property fires on a
// deliberately wrong observation — in particular the one each seeded implementation bug of the
// catalogue produces, which must be reported under its own property.
#include <gtest/gtest.h>

#include <string>

#include "model/resync/properties.h"
#include "tests/model/rs_test_util.h"

namespace lockstep::model::rs {
namespace {

using namespace test_util;  // NOLINT: test helpers

struct StepCase {
  State before;
  Command cmd;
  State after;
  Observation observed;

  std::optional<Violation> Check() const { return CheckStep(before, cmd, after, observed); }
  SystemObservation& obs(int x) { return observed.systems[x]; }
};

StepCase MakeStep(const State& before, const Command& cmd) {
  StepCase c{before, cmd, before, {}};
  EXPECT_TRUE(Precondition(before, cmd)) << Describe(cmd);
  Apply(c.after, cmd);
  c.observed = Predict(c.after);
  return c;
}

void ExpectViolation(const StepCase& c, const std::string& id, const std::string& needle) {
  const auto v = c.Check();
  ASSERT_TRUE(v.has_value()) << "expected " << id;
  EXPECT_EQ(v->property_id, id) << v->message;
  EXPECT_STREQ(v->property_name.c_str(), PropertyName(id));
  EXPECT_NE(v->message.find(needle), std::string::npos) << v->message;
}

const Command kTxn = Transaction{S73, {{S73, {{"c1", "v1"}}}, {S74, {{"k1", "v1"}}}}};

// The coordinator comes back on a formatted journal: SYSTEM74 must prompt.
StepCase FormattedCoordinatorStarts() {
  State s = InDoubtAtParticipant();
  RunOn(s, {Fmt(S73, 1)});
  return MakeStep(s, Up(S73));
}

// SYSTEM74 deferred; a remote read through SYSTEM73.
StepCase ReadAfterDefer() {
  State s = InDoubtAtParticipant();
  RunOn(s, {Fmt(S73, 1), Up(S73), Defer(S74, S73)});
  return MakeStep(s, Rd(S74, "k2", S73));
}

TEST(RsCheckStep, CorrectObservationsPass) {
  State pair = AllUp();
  for (const StepCase& c : {MakeStep(pair, kTxn), FormattedCoordinatorStarts(), ReadAfterDefer(),
                            MakeStep(InitialState(), Up(S73)),
                            MakeStep(InDoubtAtParticipant(), Up(S73))}) {
    EXPECT_EQ(c.Check(), std::nullopt) << DebugString(c.after);
  }
}

// Seeded bug: resync completes in-doubt transactions despite a stamp mismatch.
TEST(RsCheckStep, RS2CompletionDespiteMismatch) {
  StepCase c = FormattedCoordinatorStarts();
  c.obs(S74).prompts.clear();
  c.obs(S74).fenced.clear();
  c.obs(S74).branches.at(1).state = BranchState::kAborted;
  c.obs(S74).partners[S73] = {c.obs(S73).stamp, c.obs(S73).startup, true};
  ExpectViolation(c, "RS-2", "prompts");
}

TEST(RsCheckStep, RS2WrongOldStamp) {
  StepCase c = FormattedCoordinatorStarts();
  c.obs(S74).prompts.at(S73).old_stamp = c.obs(S74).prompts.at(S73).new_stamp;
  ExpectViolation(c, "RS-2", "OLD");
}

// Seeded bug: DEFER lets a read through.
TEST(RsCheckStep, RS3DeferLetsAReadThrough) {
  StepCase c = ReadAfterDefer();
  ASSERT_EQ(c.after.last_outcome->result, OpResult::kFenced);
  c.observed.last_outcome = OpOutcome{OpResult::kNotFound, ""};
  ExpectViolation(c, "RS-3", "last outcome observed not-found");
}

TEST(RsCheckStep, RS3FencedListWrong) {
  StepCase c = FormattedCoordinatorStarts();
  c.obs(S74).fenced.clear();
  ExpectViolation(c, "RS-3", "fenced partners");
}

// Seeded bug reply-leaves-fenced-waits: the IGNORE given while a read waits on the fence does
// not release it, and the read fails at its wait time.
TEST(RsCheckStep, RS3AReplyDoesNotReleaseAWaitingRead) {
  State s = InDoubtAtParticipant();
  RunOn(s, {Fmt(S73, 1), Up(S73)});
  StepCase c = MakeStep(s, Read{S73, "c1", S74, ReplyAction::kIgnore});
  ASSERT_EQ(c.after.last_outcome->result, OpResult::kNotFound);
  c.observed.last_outcome = OpOutcome{OpResult::kUnavailable, ""};
  ExpectViolation(c, "RS-3", "last outcome observed unavailable");
}

// Seeded bug lock-waits-miss-release: the completion by hand made while a read waits on the
// branch's lock does not release it, and the read fails with the lock timeout.
TEST(RsCheckStep, RS4ACompletionDoesNotReleaseARead) {
  State s = InDoubtAtParticipant();
  RunOn(s, {Fmt(S73, 1), Up(S73), Ignore(S74, S73)});
  StepCase c = MakeStep(s, Read{S74, "k1", S74, std::nullopt,
                                HandCompletion{1, CompleteAction::kCommit}});
  ASSERT_EQ(c.after.last_outcome->result, OpResult::kValue);
  c.observed.last_outcome = OpOutcome{OpResult::kLockTimeout, ""};
  ExpectViolation(c, "RS-4", "last outcome observed lock-timeout");
}

// Seeded bug: IGNORE does not list every affected transaction.
TEST(RsCheckStep, RS4PromptListsTooFewTransactions) {
  StepCase c = FormattedCoordinatorStarts();
  c.obs(S74).prompts.at(S73).txns.clear();
  ExpectViolation(c, "RS-4", "transactions listed");
}

TEST(RsCheckStep, RS4IgnoreLeavesABranchInDoubt) {
  State s = InDoubtAtParticipant();
  RunOn(s, {Fmt(S73, 1), Up(S73)});
  StepCase c = MakeStep(s, Ignore(S74, S73));
  c.obs(S74).branches.at(1).state = BranchState::kInDoubt;
  ExpectViolation(c, "RS-4", "branches");
}

// Seeded bug: the startup time is not compared, so a recycled partner is not resynchronized.
TEST(RsCheckStep, RS5RecycledPartnerNotResynchronized) {
  State s = AllUp();
  RunOn(s, {Rd(S74, "k", S73), Kill(S74), Up(S74)});
  const int old_startup = s.at(S73).journal().partners.at(S74).startup;
  StepCase c = MakeStep(s, Rd(S74, "k", S73));
  c.obs(S73).partners.at(S74).startup = old_startup;
  c.obs(S74).partners.at(S73) = PartnerObservation{c.obs(S73).stamp, old_startup, true};
  ExpectViolation(c, "RS-5", "partner table");
}

// Seeded bug: a committed write lost on crash.
TEST(RsCheckStep, RS6CommittedWriteLostOnCrash) {
  State s = InitialState();
  RunOn(s, {Up(S73, 1, CrashPoint::kCoordAfterCommitRecord), Up(S74), kTxn});
  StepCase c = MakeStep(s, Up(S73));
  c.obs(S73).rows.clear();
  ExpectViolation(c, "RS-6", "rows");
}

// Seeded bug recovery-accepts-damaged-record: the damaged record is cut off and the system
// starts, here with a new stamp that a partner would prompt about: RS-6 comes first.
TEST(RsCheckStep, RS6StartOnADamagedJournal) {
  State s = InDoubtAtParticipant();
  RunOn(s, {CorruptSet(S73, 1)});
  StepCase c = MakeStep(s, Up(S73));
  ASSERT_FALSE(c.Check().has_value());
  c.obs(S73) = Predict(AllUp()).systems[S73];
  c.obs(S73).stamp = 5;
  c.obs(S74).prompts[S73] = PromptObservation{1, 5, {1}};
  ExpectViolation(c, "RS-6", "damaged journal-1");
}

TEST(RsCheckStep, RS6InDoubtBranchLostWithItsLock) {
  State s = InDoubtAtParticipant();
  RunOn(s, {Kill(S74)});
  StepCase c = MakeStep(s, Up(S74));
  c.obs(S74).branches.clear();
  ExpectViolation(c, "RS-6", "branches");
}

// Seeded bug: the stamp is re-assigned at every start.
TEST(RsCheckStep, RS7StampReassignedAtStart) {
  State s = AllUp();
  RunOn(s, {Kill(S74)});
  StepCase c = MakeStep(s, Up(S74));
  c.obs(S74).stamp = -1;  // a string the harness never saw
  ExpectViolation(c, "RS-7", "journal stamp");
}

// Seeded bug: a participant votes yes before its PREPARED record is durable; the crash point
// (placed after the vote in the broken code) kills it, and the coordinator commits anyway.
TEST(RsCheckStep, RS8VoteBeforePreparedRecordIsDurable) {
  for (CrashPoint p : {CrashPoint::kPartBeforePreparedRecord, CrashPoint::kPartAfterPreparedRecord}) {
    State s = InitialState();
    RunOn(s, {Up(S73), Up(S74, 1, p)});
    StepCase c = MakeStep(s, kTxn);
    ASSERT_EQ(c.after.last_outcome->result, OpResult::kAborted);
    c.observed.last_outcome = OpOutcome{OpResult::kCommitted, ""};
    c.obs(S73).branches[1] = {Role::kCoordinator, BranchState::kCommitted, false};
    c.obs(S73).rows = {{"c1", "v1"}};
    ExpectViolation(c, "RS-8", "last outcome observed committed");
  }
}

TEST(RsCheckStep, RS8CommitDespiteFullJournal) {
  State s = AllUp();
  RunOn(s, {Rd(S74, "k", S73), Inject(S73, JournalFault::kDiskFull)});
  StepCase c = MakeStep(s, kTxn);
  c.obs(S73).rows = {{"c1", "v1"}};
  ExpectViolation(c, "RS-8", "rows");
}

TEST(RsCheckStep, RS8StartsDespiteDeniedJournal) {
  State s = InitialState();
  RunOn(s, {Inject(S73, JournalFault::kAccessDenied)});
  StepCase c = MakeStep(s, Up(S73));
  c.obs(S73).up = true;
  ExpectViolation(c, "RS-8", "journal fault");
}

// Seeded bug: outcomes disagree across systems (the participant aborts a committed one).
TEST(RsCheckStep, RS1OutcomesDisagree) {
  State s = InitialState();
  RunOn(s, {Up(S73), Up(S74, 1, CrashPoint::kPartBeforeOutcomeRecord), kTxn});
  StepCase c = MakeStep(s, Up(S74));
  ASSERT_EQ(c.obs(S74).branches.at(1).state, BranchState::kCommitted);
  c.obs(S74).branches.at(1).state = BranchState::kAborted;
  c.obs(S74).rows.clear();
  ExpectViolation(c, "RS-1", "branch of txn 1");
}

TEST(RsCheckStep, RS1ClientToldTheWrongOutcome) {
  StepCase c = MakeStep(AllUp(), kTxn);
  c.observed.last_outcome = OpOutcome{OpResult::kAborted, ""};
  ExpectViolation(c, "RS-1", "last outcome");
}

TEST(RsCheckStep, RS5StartupNotRenewed) {
  State s = AllUp();
  RunOn(s, {Kill(S73)});
  StepCase c = MakeStep(s, Up(S73));
  c.obs(S73).startup = 1;
  ExpectViolation(c, "RS-5", "startup");
}

TEST(RsCheckStep, RS6WrongReadValueAndUnexpectedExit) {
  StepCase c = MakeStep(AllUp(), Rd(S74, "k", S74));
  c.observed.last_outcome = OpOutcome{OpResult::kValue, "zzz"};
  ExpectViolation(c, "RS-6", "last outcome");
  StepCase d = MakeStep(AllUp(), Rd(S74, "k", S74));
  d.obs(S73) = SystemObservation{};
  ExpectViolation(d, "RS-6", "up");  // a vanished system: its stamp and startup are not compared
  StepCase e = MakeStep(AllUp(), Rd(S74, "k", S74));
  e.obs(S73).last_exit = ExitKind::kKilled;
  ExpectViolation(e, "RS-6", "last_exit");
}

}  // namespace
}  // namespace lockstep::model::rs
