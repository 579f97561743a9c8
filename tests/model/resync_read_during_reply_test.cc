// Read(S, k, via=V, reply=A): an operator reply given while a read waits on the fence of V's
// prompt about S (model/resync/commands.h). Its outcome and state are those of the reply
// followed by the read: IGNORE releases the read, DEFER leaves it fenced. It needs the prompt
// that fences it, and it reads back from its description.
#include <gtest/gtest.h>

#include "model/resync/command_text.h"
#include "model/resync/properties.h"
#include "tests/model/rs_test_util.h"

namespace lockstep::model::rs {
namespace {

using namespace test_util;  // NOLINT: test helpers

// SYSTEM74 in doubt about txn 1, SYSTEM73's journal formatted and restarted: SYSTEM74 prompts
// about SYSTEM73 and fences it.
State PromptAtParticipant() {
  State s = InDoubtAtParticipant();
  RunOn(s, {Fmt(S73, 1), Up(S73)});
  EXPECT_EQ(s.at(S74).prompts.count(S73), 1u) << DebugString(s);
  return s;
}

Command ReadDuringReply(ReplyAction a) { return Read{S73, "c1", S74, a}; }

TEST(RsReadDuringReply, IgnoreReleasesTheReadAsAReplyThenAReadWould) {
  State during = PromptAtParticipant();
  State sequential = during;
  RunOn(during, {ReadDuringReply(ReplyAction::kIgnore)});
  RunOn(sequential, {Ignore(S74, S73), Rd(S73, "c1", S74)});
  EXPECT_EQ(during.last_outcome, (OpOutcome{OpResult::kNotFound, ""})) << "not fenced";
  EXPECT_EQ(Predict(during), Predict(sequential));
  EXPECT_TRUE(during.at(S74).prompts.empty());
  EXPECT_EQ(StateOf(during, S74, 1), BranchState::kManualPending);
  EXPECT_EQ(CheckInvariants(during), std::nullopt);
}

TEST(RsReadDuringReply, DeferLeavesTheReadFenced) {
  State s = PromptAtParticipant();
  RunOn(s, {ReadDuringReply(ReplyAction::kDefer)});
  EXPECT_EQ(s.last_outcome, (OpOutcome{OpResult::kFenced, ""}));
  EXPECT_EQ(Predict(s).systems[S74].fenced, std::vector<int>{S73});
  EXPECT_EQ(StateOf(s, S74, 1), BranchState::kInDoubt);
}

TEST(RsReadDuringReply, AJournalFaultKeepsThePromptAndTheFence) {
  State s = PromptAtParticipant();
  RunOn(s, {Inject(S74, JournalFault::kDiskFull), ReadDuringReply(ReplyAction::kIgnore)});
  EXPECT_EQ(s.last_outcome, (OpOutcome{OpResult::kFenced, ""})) << "IGNORE could not be journaled";
  EXPECT_EQ(s.at(S74).prompts.count(S73), 1u);
}

TEST(RsReadDuringReply, NeedsThePromptThatFencesTheRead) {
  const State prompted = PromptAtParticipant();
  EXPECT_TRUE(Precondition(prompted, ReadDuringReply(ReplyAction::kIgnore)));
  EXPECT_FALSE(Precondition(prompted, Read{S74, "k1", S73, ReplyAction::kIgnore}))
      << "SYSTEM73 has no prompt about SYSTEM74";
  EXPECT_FALSE(Precondition(prompted, Read{S74, "k1", S74, ReplyAction::kIgnore})) << "local";
  EXPECT_FALSE(Precondition(AllUp(), ReadDuringReply(ReplyAction::kDefer))) << "no prompt";
  EXPECT_TRUE(Precondition(AllUp(), Rd(S73, "c1", S74))) << "a plain read needs none";
}

TEST(RsReadDuringReply, DescriptionReadsBack) {
  for (ReplyAction a : {ReplyAction::kIgnore, ReplyAction::kDefer}) {
    const Command c = ReadDuringReply(a);
    const std::string text = Describe(c);
    EXPECT_EQ(text, std::string("Read(SYSTEM73, c1, via=SYSTEM74, reply=") + ToString(a) + ")");
    auto parsed = ParseCommand(text);
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_EQ(Describe(*parsed), text);
  }
  EXPECT_EQ(Describe(Rd(S73, "c1", S74)), "Read(SYSTEM73, c1, via=SYSTEM74)");
  auto bad = ParseCommand("Read(SYSTEM73, c1, via=SYSTEM74, reply=later)");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("later"), std::string::npos) << bad.error().message;
}

}  // namespace
}  // namespace lockstep::model::rs
