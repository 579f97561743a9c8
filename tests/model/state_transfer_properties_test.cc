// The invariants ST-1..ST-7 over model states: they hold in states the model reaches, and
// each one fires on a state that breaks it (as a broken model variant would produce).
#include <gtest/gtest.h>

#include <string>

#include "model/state_transfer/properties.h"
#include "tests/model/st_test_util.h"

namespace lockstep::model::st {
namespace {

using namespace test_util;  // NOLINT: test helpers

// A rich reachable state: both in service after inputs, a failed and a retried transfer.
State Reachable() {
  State s = Pair();
  RunOn(s, {Set("k1", "a"), Kill(B), Set("k2", "b"), Inject(A, Dir::kTemp, FaultKind::kDiskFull),
            Up(B), Remove(A, Dir::kTemp), Up(B), Set("k1", "c")});
  return s;
}

TEST(StProperties, NamesFollowTheSpec) {
  ASSERT_EQ(kStProperties.size(), 7u);
  EXPECT_STREQ(PropertyName("ST-1"), "agreement");
  EXPECT_STREQ(PropertyName("ST-2"), "no lost acknowledgement");
  EXPECT_STREQ(PropertyName("ST-3"), "no stale service");
  EXPECT_STREQ(PropertyName("ST-4"), "clean failure");
  EXPECT_STREQ(PropertyName("ST-5"), "recovery");
  EXPECT_STREQ(PropertyName("ST-6"), "bounded wait");
  EXPECT_STREQ(PropertyName("ST-7"), "atomic transfer");
  EXPECT_STREQ(PropertyName("ST-8"), "");
  ASSERT_EQ(Invariants().size(), 7u);
  for (std::size_t i = 0; i < 7; ++i) {
    EXPECT_STREQ(Invariants()[i].id, kStProperties[i].id);
    EXPECT_STREQ(Invariants()[i].name, kStProperties[i].name);
  }
}

TEST(StInvariants, HoldInReachableStates) {
  const State s = Reachable();
  ASSERT_EQ(s.at(B).status, SideStatus::kInService);
  EXPECT_EQ(CheckInvariants(s), std::nullopt) << DebugString(s);
  EXPECT_EQ(CheckInvariants(State{}), std::nullopt);
}

TEST(StInvariants, ST1FiresWhenInServiceSidesDisagree) {
  State s = Reachable();
  s.at(B).memory["k1"] += 1;
  ASSERT_TRUE(CheckST1Agreement(s).has_value());
  EXPECT_NE(CheckST1Agreement(s)->find("memory"), std::string::npos);
  State t = Reachable();
  t.at(B).db.rows["k9"] = "x";
  EXPECT_TRUE(CheckST1Agreement(t).has_value());
}

TEST(StInvariants, ST2FiresWhenAnInServiceSideLacksAnAcknowledgedInput) {
  State s = Script({Up(A), Set("k1", "a"), Set("k2", "b")});
  s.at(A).history.erase(s.at(A).history.begin());  // as if key 1 had been lost
  ASSERT_TRUE(CheckST2NoLostAcknowledgement(s).has_value());
  EXPECT_NE(CheckST2NoLostAcknowledgement(s)->find("acknowledged input 1"), std::string::npos);
  State t = Script({Up(A), Set("k1", "a")});
  t.high_water_key = 0;
  EXPECT_TRUE(CheckST2NoLostAcknowledgement(t).has_value());
}

TEST(StInvariants, ST3FiresWhenASideServesBehindTheHighWaterKey) {
  State s = Pair();
  RunOn(s, {Kill(B), Set("k1", "a"), Kill(A), Up(B)});
  ASSERT_EQ(CheckST3NoStaleService(s), std::nullopt);
  s.at(B).status = SideStatus::kInService;  // the seeded bug: a stale side enters service
  ASSERT_TRUE(CheckST3NoStaleService(s).has_value());
  EXPECT_EQ(CheckInvariants(s)->property_id, "ST-2");  // it also lacks acknowledged key 1
}

TEST(StInvariants, ST4FiresWhenARunningSenderKeepsAFile) {
  State s = Reachable();
  s.at(A).temp_files = 1;  // the seeded bug: a failed send left its file
  ASSERT_TRUE(CheckST4CleanFailure(s).has_value());
  EXPECT_EQ(CheckInvariants(s)->property_id, "ST-4");
  State t = Reachable();
  t.at(A).logged_send_errors.push_back(5);
  EXPECT_TRUE(CheckST4CleanFailure(t).has_value());
}

TEST(StInvariants, ST5FiresWhenASideWaitsWhileItsPeerServes) {
  State s = Script({Up(A)});
  s.at(B).status = SideStatus::kStale;
  ASSERT_TRUE(CheckST5Recovery(s).has_value());
  EXPECT_EQ(CheckInvariants(s)->property_id, "ST-5");
}

TEST(StInvariants, ST5HoldsWhenSomethingBlocksTheTransfer) {
  State s = Script(
      {Up(A, CrashPoint::kSenderBeforeSend), Inject(B, Dir::kData, FaultKind::kAccessDenied)});
  EXPECT_EQ(CheckST5Recovery(s), std::nullopt);
}

TEST(StInvariants, ST6FiresWhenASideIsLeftReceiving) {
  State s = Script({Up(A)});
  s.at(B).status = SideStatus::kReceiving;
  ASSERT_TRUE(CheckST6BoundedWait(s).has_value());
}

TEST(StInvariants, ST7FiresOnAMixedDatabase) {
  State s = Script({Up(A), Set("k1", "a"), Set("k2", "b"), Kill(A)});
  State mixed = s;
  mixed.at(A).db.rows.erase("k2");  // new key, old rows
  ASSERT_TRUE(CheckST7AtomicTransfer(mixed).has_value());
  EXPECT_EQ(CheckInvariants(mixed)->property_id, "ST-7");
  State bad_log = s;
  bad_log.at(A).db.log.pop_back();
  EXPECT_TRUE(CheckST7AtomicTransfer(bad_log).has_value());
  State conflict = s;
  conflict.at(B).history = {LogEntry{1, OpKind::kSet, "k1", "zzz"}};
  conflict.at(B).db = Database{{{"k1", "zzz"}}, 1, conflict.at(B).history};
  ASSERT_TRUE(CheckST7AtomicTransfer(conflict).has_value());
  EXPECT_NE(CheckST7AtomicTransfer(conflict)->find("update key 1"), std::string::npos);
}

TEST(StInvariants, ReportFirstFailingInOrder) {
  State s = Reachable();
  s.at(B).status = SideStatus::kReceiving;
  s.at(A).memory.clear();  // A and B no longer agree, but B is not in service: ST-1 holds
  const auto v = CheckInvariants(s);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->property_id, "ST-5");  // B waits while A serves; ST-6 comes later
  EXPECT_EQ(v->property_name, "recovery");
  EXPECT_EQ(ToString(*v).rfind("ST-5 recovery: side B", 0), 0u) << ToString(*v);
}

}  // namespace
}  // namespace lockstep::model::st
