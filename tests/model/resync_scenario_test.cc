// The spec's scenario (spec/resync.md, "Resynchronization" 3-5): a participant in doubt, its
// coordinator's journal formatted or swapped, the coordinator restarted: a prompt with the OLD
// and NEW stamps and the transaction, the partner fenced until a reply; IGNORE leaves the
// branch ManualPending for completion by hand; DEFER keeps it fenced until `vary rm` after the
// right journal set is back.
#include <gtest/gtest.h>

#include "model/resync/properties.h"
#include "tests/model/rs_test_util.h"

namespace lockstep::model::rs {
namespace {

using namespace test_util;  // NOLINT: test helpers

// Runs `script`, checking every invariant after each command.
void Steps(State& s, std::initializer_list<Command> script) {
  for (const Command& c : script) {
    RunOn(s, {c});
    const auto v = CheckInvariants(s);
    EXPECT_EQ(v, std::nullopt) << Describe(c) << ": " << (v ? ToString(*v) : "") << "\n"
                               << DebugString(s);
  }
}

OpOutcome Answer(OpResult r, std::string value = "") { return OpOutcome{r, std::move(value)}; }

TEST(RsScenario, FormattedCoordinatorIsDetectedAndFencedUntilTheReply) {
  State s = InDoubtAtParticipant();
  const int old_stamp = s.at(S73).stamp();
  Steps(s, {Fmt(S73, 1), Up(S73)});
  const int new_stamp = s.at(S73).stamp();
  ASSERT_NE(old_stamp, new_stamp);
  const Observation o = Predict(s);
  const SystemObservation& part = o.systems[S74];
  ASSERT_EQ(part.prompts.count(S73), 1u) << DebugString(s);
  EXPECT_EQ(part.prompts.at(S73), (PromptObservation{old_stamp, new_stamp, {1}}));
  EXPECT_EQ(part.fenced, std::vector<int>{S73});
  EXPECT_EQ(part.branches.at(1).state, BranchState::kInDoubt) << "not completed silently";
  EXPECT_TRUE(o.systems[S73].prompts.empty()) << "the formatted side has nothing outstanding";

  // Fenced: no access involving SYSTEM73 reads or writes anything.
  Steps(s, {Rd(S74, "k2", S73)});
  EXPECT_EQ(s.last_outcome, Answer(OpResult::kFenced));
  Steps(s, {Txn(S73, {{S73, {{"c2", "v2"}}}, {S74, {{"k2", "v2"}}}})});
  EXPECT_EQ(s.last_outcome, Answer(OpResult::kAborted));
  EXPECT_EQ(BranchOf(s, S74, 2), nullptr);
  EXPECT_TRUE(s.at(S73).rows.empty());
  Steps(s, {Vary(S74, S73)});  // a prompt awaits its reply: vary rm changes nothing
  EXPECT_EQ(Predict(s).systems[S74].prompts.size(), 1u);
  Steps(s, {Rd(S74, "k2", S74)});  // a local read is no access involving the partner
  EXPECT_EQ(s.last_outcome, Answer(OpResult::kNotFound));
}

TEST(RsScenario, IgnoreLeavesTheListedBranchesManualPending) {
  State s = InDoubtAtParticipant();
  Steps(s, {Fmt(S73, 1), Up(S73), Ignore(S74, S73)});
  const SystemObservation o = Predict(s).systems[S74];
  EXPECT_TRUE(o.prompts.empty());
  EXPECT_TRUE(o.fenced.empty()) << "access resumes";
  EXPECT_EQ(o.branches.at(1), (BranchObservation{Role::kParticipant, BranchState::kManualPending,
                                                 false}));
  EXPECT_EQ(o.partners.at(S73), (PartnerObservation{s.at(S73).stamp(), s.at(S73).startup, true}));
  Steps(s, {Rd(S74, "k2", S73)});
  EXPECT_EQ(s.last_outcome, Answer(OpResult::kNotFound));
  Steps(s, {Rd(S74, "k1", S74)});
  EXPECT_EQ(s.last_outcome, Answer(OpResult::kLockTimeout)) << "ManualPending keeps its locks";
  Steps(s, {Done(S74, 1, CompleteAction::kCommit), Rd(S74, "k1", S73)});
  EXPECT_EQ(s.last_outcome, Answer(OpResult::kValue, "v1"));
  EXPECT_EQ(Predict(s).systems[S74].branches.at(1),
            (BranchObservation{Role::kParticipant, BranchState::kCommitted, true}));
}

TEST(RsScenario, IgnoreThenBackoutDropsTheWrites) {
  State s = InDoubtAtParticipant();
  Steps(s, {Fmt(S73, 1), Up(S73), Ignore(S74, S73), Done(S74, 1, CompleteAction::kBackout)});
  EXPECT_EQ(StateOf(s, S74, 1), BranchState::kAborted);
  EXPECT_TRUE(s.at(S74).rows.empty());
}

TEST(RsScenario, DeferStaysFencedUntilVaryRmWithTheRightJournalSet) {
  State s = InDoubtAtParticipant();
  const int right = s.at(S73).stamp();
  Steps(s, {Up(S73, 2)});  // started on the wrong journal set
  ASSERT_EQ(Predict(s).systems[S74].prompts.at(S73).old_stamp, right);
  Steps(s, {Defer(S74, S73)});
  EXPECT_TRUE(Predict(s).systems[S74].prompts.empty());
  EXPECT_EQ(Predict(s).systems[S74].fenced, std::vector<int>{S73});
  Steps(s, {Rd(S74, "k2", S73)});
  EXPECT_EQ(s.last_outcome, Answer(OpResult::kFenced));
  Steps(s, {Vary(S74, S73)});  // still the wrong set: prompts again
  EXPECT_EQ(Predict(s).systems[S74].prompts.count(S73), 1u);
  Steps(s, {Defer(S74, S73), Kill(S73), Up(S73, 1)});  // the right set is back
  EXPECT_EQ(Predict(s).systems[S74].fenced, std::vector<int>{S73}) << "only vary rm resumes";
  EXPECT_EQ(StateOf(s, S74, 1), BranchState::kInDoubt);
  Steps(s, {Rd(S74, "k2", S73)});
  EXPECT_EQ(s.last_outcome, Answer(OpResult::kFenced));
  Steps(s, {Vary(S74, S73)});
  EXPECT_TRUE(Predict(s).systems[S74].fenced.empty());
  EXPECT_EQ(StateOf(s, S74, 1), BranchState::kAborted) << "no COMMIT record: presumed abort";
  Steps(s, {Rd(S74, "k1", S73)});
  EXPECT_EQ(s.last_outcome, Answer(OpResult::kNotFound));
}

TEST(RsScenario, DeferredCommitCompletesNormallyOnceTheStampsMatch) {
  State s = InitialState();
  Steps(s, {Up(S73, 1, CrashPoint::kCoordAfterCommitRecord), Up(S74),
            Txn(S73, {{S73, {{"c1", "v1"}}}, {S74, {{"k1", "v1"}}}}), Up(S73, 2)});
  ASSERT_EQ(Predict(s).systems[S74].prompts.at(S73).txns, std::vector<int>{1});
  Steps(s, {Defer(S74, S73), Kill(S73), Up(S73, 1)});
  EXPECT_EQ(s.at(S73).rows, (Rows{{"c1", "v1"}})) << "recovery redid the COMMIT";
  EXPECT_EQ(StateOf(s, S74, 1), BranchState::kInDoubt);
  Steps(s, {Vary(S74, S73)});
  EXPECT_EQ(StateOf(s, S74, 1), BranchState::kCommitted);
  EXPECT_EQ(s.at(S74).rows, (Rows{{"k1", "v1"}}));
  EXPECT_TRUE(BranchOf(s, S73, 1)->ended);
}

TEST(RsScenario, ThreeSystemsEachParticipantPromptsForItself) {
  State s = AllUp(3);
  Steps(s, {Kill(S75), Up(S75, 1, CrashPoint::kCoordBeforeCommitRecord),
            Txn(S75, {{S73, {{"a", "1"}}}, {S74, {{"b", "2"}}}}), Fmt(S75, 1), Up(S75)});
  for (int p : {S73, S74}) {
    const SystemObservation o = Predict(s).systems[p];
    ASSERT_EQ(o.prompts.count(S75), 1u) << SystemName(p) << "\n" << DebugString(s);
    EXPECT_EQ(o.prompts.at(S75).txns, std::vector<int>{1});
    EXPECT_EQ(o.fenced, std::vector<int>{S75});
  }
  Steps(s, {Txn(S73, {{S74, {{"c", "3"}}}})});  // S73-S74 is not fenced
  EXPECT_EQ(s.last_outcome, Answer(OpResult::kCommitted));
}

}  // namespace
}  // namespace lockstep::model::rs
