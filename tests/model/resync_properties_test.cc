// The invariants RS-1..RS-8 over model states: they hold in states the model reaches, and each
// one fires on a state that breaks it (as a broken model variant would produce).
#include <gtest/gtest.h>

#include <string>

#include "model/resync/properties.h"
#include "tests/model/rs_test_util.h"

namespace lockstep::model::rs {
namespace {

using namespace test_util;  // NOLINT: test helpers

const Command kTxn = Transaction{S73, {{S73, {{"c1", "v1"}}}, {S74, {{"k1", "v1"}}}}};

State Committed() {
  State s = AllUp();
  RunOn(s, {kTxn});
  return s;
}

State Prompting() {
  State s = InDoubtAtParticipant();
  RunOn(s, {Fmt(S73, 1), Up(S73)});
  return s;
}

void ExpectFires(const std::optional<std::string>& reason, const std::string& needle) {
  ASSERT_TRUE(reason.has_value()) << "expected the invariant to fail";
  EXPECT_NE(reason->find(needle), std::string::npos) << *reason;
}

TEST(RsProperties, NamesFollowTheSpec) {
  ASSERT_EQ(kRsProperties.size(), 8u);
  const char* names[] = {"atomic outcome", "no silent completion", "fencing", "ignore",
                         "recycle detection", "durability", "stamp lifecycle",
                         "forced writes first"};
  for (int i = 0; i < 8; ++i) {
    const std::string id = "RS-" + std::to_string(i + 1);
    EXPECT_STREQ(PropertyName(id), names[i]);
    EXPECT_EQ(Invariants()[i].id, id);
  }
  EXPECT_STREQ(PropertyName("RS-9"), "");
}

TEST(RsInvariants, HoldInReachableStates) {
  for (const State& s : {InitialState(), Committed(), Prompting(), InDoubtAtParticipant()}) {
    EXPECT_EQ(CheckInvariants(s), std::nullopt) << DebugString(s);
  }
}

TEST(RsInvariants, RS1FiresOnDisagreeingOutcomes) {
  State s = Committed();
  s.at(S74).journal().branches.at(1).state = BranchState::kAborted;
  ExpectFires(CheckRS1AtomicOutcome(s), "Aborted although");
  State t = Committed();
  t.txn(1).reported = OpResult::kAborted;
  ExpectFires(CheckRS1AtomicOutcome(t), "client was told aborted");
}

TEST(RsInvariants, RS2FiresOnSilentCompletionAndWrongPrompts) {
  State s = Prompting();
  Branch& b = s.at(S74).journal().branches.at(1);
  b.state = BranchState::kAborted;
  b.resolver_stamp = s.at(S73).stamp();  // completed from the new, formatted journal
  s.at(S74).prompts.clear();
  ExpectFires(CheckRS2NoSilentCompletion(s), "completed from journal stamp");
  State t = Prompting();
  t.at(S74).prompts.at(S73).txns.clear();
  ExpectFires(CheckRS2NoSilentCompletion(t), "lists []");
}

TEST(RsInvariants, RS3FiresWhenAFencedPairCountsAsSynced) {
  State s = Prompting();
  s.at(S74).synced |= Bit(S73);
  s.at(S73).synced |= Bit(S74);
  ExpectFires(CheckRS3Fencing(s), "fences");
}

TEST(RsInvariants, RS4FiresOnAHandCompletedManualPendingBranch) {
  State s = Prompting();
  RunOn(s, {Ignore(S74, S73)});
  s.at(S74).journal().branches.at(1).by_hand = true;
  ExpectFires(CheckRS4Ignore(s), "ManualPending and completed by hand");
}

TEST(RsInvariants, RS5FiresOnAStaleStartupOfASyncedPartner) {
  State s = Committed();
  s.at(S73).journal().partners.at(S74).startup = 99;
  ExpectFires(CheckRS5RecycleDetection(s), "without its current stamp and startup");
}

TEST(RsInvariants, RS6FiresOnLostWritesAndLostPreparedRecords) {
  State s = Committed();
  s.at(S74).rows.clear();
  ExpectFires(CheckRS6Durability(s), "not the replay");
  State t = InDoubtAtParticipant();
  t.at(S74).journal().branches.clear();
  ExpectFires(CheckRS6Durability(t), "PREPARED record is lost");
}

TEST(RsInvariants, RS7FiresOnAReassignedStamp) {
  State s = Committed();
  s.stamp_owners.push_back(s.stamp_owners[s.at(S74).stamp() - 1]);
  s.at(S74).journal().stamp = static_cast<int>(s.stamp_owners.size());
  ExpectFires(CheckRS7StampLifecycle(s), "one formatting");
  State t = Committed();
  t.at(S74).journal().stamp = 42;
  ExpectFires(CheckRS7StampLifecycle(t), "not assigned to its current formatting");
}

TEST(RsInvariants, RS8FiresOnCommitWithoutPrepared) {
  State s = Committed();
  s.txn(1).prepared.clear();
  ExpectFires(CheckRS8ForcedWritesFirst(s), "before SYSTEM74 forced its PREPARED");
  State t = InDoubtAtParticipant();
  t.at(S74).applied.push_back(1);
  t.at(S74).rows["k1"] = "v1";
  ExpectFires(CheckRS8ForcedWritesFirst(t), "never committed");
}

TEST(RsInvariants, CheckInvariantsNamesTheFirstBrokenOne) {
  State s = Committed();
  s.at(S74).journal().stamp = 42;  // also a synced partner with a stale saved stamp: RS-5 first
  ASSERT_TRUE(CheckInvariants(s).has_value());
  EXPECT_EQ(CheckInvariants(s)->property_id, "RS-5");
  s = InDoubtAtParticipant();  // SYSTEM73 is down: nothing counts as synced
  s.at(S73).journal().stamp = 42;
  const auto v = CheckInvariants(s);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->property_id, "RS-7");
  EXPECT_EQ(v->property_name, "stamp lifecycle");
}

}  // namespace
}  // namespace lockstep::model::rs
