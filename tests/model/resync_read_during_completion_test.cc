// Read(S, k, via=S, complete=A of txn N): the operator completes a ManualPending participant
// branch by hand while a local read waits on the branch's lock (model/resync/commands.h). Its
// outcome and state are those of the completion followed by the read: the lock released, the
// read gets what the completion left; a journal fault keeps the branch and the lock, and the
// read fails at its wait time. It needs a branch that locks the key read, and it reads back
// from its description.
#include <gtest/gtest.h>

#include "model/resync/command_text.h"
#include "model/resync/properties.h"
#include "tests/model/rs_test_util.h"

namespace lockstep::model::rs {
namespace {

using namespace test_util;  // NOLINT: test helpers

// SYSTEM74 took IGNORE for SYSTEM73's reformatted journal: its branch of txn 1 (k1=v1) is
// ManualPending and locks k1.
State ManualPendingAtParticipant() {
  State s = InDoubtAtParticipant();
  RunOn(s, {Fmt(S73, 1), Up(S73), Ignore(S74, S73)});
  EXPECT_EQ(StateOf(s, S74, 1), BranchState::kManualPending) << DebugString(s);
  EXPECT_TRUE(Locked(s, S74, "k1"));
  return s;
}

Command ReadDuringCompletion(CompleteAction a, const std::string& key = "k1", int txn = 1) {
  return Read{S74, key, S74, std::nullopt, HandCompletion{txn, a}};
}

TEST(RsReadDuringCompletion, CommitReleasesTheReadAsACompletionThenAReadWould) {
  State during = ManualPendingAtParticipant();
  State sequential = during;
  RunOn(during, {ReadDuringCompletion(CompleteAction::kCommit)});
  RunOn(sequential, {Done(S74, 1, CompleteAction::kCommit), Rd(S74, "k1", S74)});
  EXPECT_EQ(during.last_outcome, (OpOutcome{OpResult::kValue, "v1"}));
  EXPECT_EQ(Predict(during), Predict(sequential));
  EXPECT_EQ(StateOf(during, S74, 1), BranchState::kCommitted);
  EXPECT_EQ(CheckInvariants(during), std::nullopt);
}

TEST(RsReadDuringCompletion, BackoutReleasesTheReadWithoutTheWrite) {
  State s = ManualPendingAtParticipant();
  RunOn(s, {ReadDuringCompletion(CompleteAction::kBackout)});
  EXPECT_EQ(s.last_outcome, (OpOutcome{OpResult::kNotFound, ""}));
  EXPECT_EQ(StateOf(s, S74, 1), BranchState::kAborted);
}

TEST(RsReadDuringCompletion, AJournalFaultKeepsTheLockAndTheReadTimesOut) {
  State s = ManualPendingAtParticipant();
  RunOn(s, {Inject(S74, JournalFault::kDiskFull), ReadDuringCompletion(CompleteAction::kCommit)});
  EXPECT_EQ(s.last_outcome, (OpOutcome{OpResult::kLockTimeout, ""}))
      << "the completion could not be journaled";
  EXPECT_EQ(StateOf(s, S74, 1), BranchState::kManualPending);
}

TEST(RsReadDuringCompletion, NeedsAManualPendingParticipantBranchLockingTheKeyRead) {
  const State pending = ManualPendingAtParticipant();
  EXPECT_TRUE(Precondition(pending, ReadDuringCompletion(CompleteAction::kCommit)));
  EXPECT_FALSE(Precondition(pending, ReadDuringCompletion(CompleteAction::kCommit, "k2")))
      << "the branch does not lock k2";
  EXPECT_FALSE(Precondition(pending, ReadDuringCompletion(CompleteAction::kCommit, "k1", 2)))
      << "no txn 2";
  EXPECT_FALSE(Precondition(pending, Read{S74, "k1", S73, std::nullopt,
                                          HandCompletion{1, CompleteAction::kCommit}}))
      << "only a local read waits on its own lock";
  EXPECT_FALSE(Precondition(pending, Read{S74, "k1", S74, ReplyAction::kIgnore,
                                          HandCompletion{1, CompleteAction::kCommit}}))
      << "a reply and a completion at once";
  EXPECT_FALSE(Precondition(InDoubtAtParticipant(), ReadDuringCompletion(CompleteAction::kCommit)))
      << "in doubt, not ManualPending";
}

TEST(RsReadDuringCompletion, DescriptionReadsBack) {
  for (CompleteAction a : {CompleteAction::kCommit, CompleteAction::kBackout}) {
    const Command c = ReadDuringCompletion(a);
    const std::string text = Describe(c);
    EXPECT_EQ(text, std::string("Read(SYSTEM74, k1, via=SYSTEM74, complete=") + ToString(a) +
                        " of txn 1)");
    auto parsed = ParseCommand(text);
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_EQ(Describe(*parsed), text);
  }
  auto bad = ParseCommand("Read(SYSTEM74, k1, via=SYSTEM74, complete=later of txn 1)");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("later"), std::string::npos) << bad.error().message;
}

}  // namespace
}  // namespace lockstep::model::rs
