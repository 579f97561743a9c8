// Each seeded bug of the resync system under test (impl/resync/README.md, "Seeded bugs") shows
// its symptom, and the same scenario without the bug does not.
#include <signal.h>

#include <gtest/gtest.h>

#include "tests/impl/rs_cluster.h"

namespace lockstep::testing {
namespace {

using nlohmann::json;

const std::string k73 = "SYSTEM73", k74 = "SYSTEM74", k75 = "SYSTEM75";

TxOptions Env(const std::string& bug, const std::string& crash_point = "", int set = 1) {
  TxOptions o;
  if (!bug.empty()) o.env["LOCKSTEP_BUG"] = bug;
  if (!crash_point.empty()) o.env["LOCKSTEP_CRASH_POINT"] = crash_point;
  o.journal_set = set;
  return o;
}

class ResyncBug : public ::testing::TestWithParam<bool> {
 protected:
  bool bug() const { return GetParam(); }
  std::string Bug(const std::string& name) const { return bug() ? name : ""; }
  // SYSTEM74 InDoubt on an undecided transaction of SYSTEM73; then SYSTEM73 is restarted with
  // a formatted journal (`set` 1) or on its other set (2). Both then run with `bug74`.
  std::string InDoubtThenStampChange(const std::string& bug74, int set) {
    EXPECT_TRUE(c_.Start(k73, Env("", "coord.before_commit_record")));
    EXPECT_TRUE(c_.Start(k74, Env(bug74)));
    c_.Txn(k73, {{k74, {{"a", "new"}}}});
    EXPECT_TRUE(c_.WaitExit(k73).has_value());
    if (set == 1) {
      EXPECT_EQ(c_.Format(k73), 0);
    }
    EXPECT_TRUE(c_.Start(k73, Env(bug74, "", set)));  // LOCKSTEP_BUG on every system
    c_.WaitQuiet(k73);  // its start-time resync with SYSTEM74
    const json s = c_.WaitQuiet(k74);
    return s["branches"].empty() ? "" : s["branches"][0]["dtrid"].get<std::string>();
  }
  RsCluster c_{2};
};

TEST_P(ResyncBug, ResyncIgnoresStampCompletesSilently) {
  const std::string dtrid = InDoubtThenStampChange(Bug("resync-ignores-stamp"), 1);
  c_.Ask(k74, {{"op", "vary_rm"}, {"partner", k73}});
  const json s = c_.WaitQuiet(k74);
  EXPECT_EQ(c_.Branch(k74, dtrid)["state"], bug() ? "Aborted" : "InDoubt");  // RS-2
  EXPECT_EQ(s["prompts"].size(), bug() ? 0u : 1u);
}

TEST_P(ResyncBug, DeferLetsReadsThrough) {
  InDoubtThenStampChange(Bug("defer-lets-reads-through"), 2);
  c_.Ask(k74, {{"op", "vary_rm"}, {"partner", k73}});
  ASSERT_EQ(c_.Ask(k74, {{"op", "reply"}, {"partner", k73}, {"action", "defer"}}),
            json({{"result", "ok"}}));
  EXPECT_EQ(c_.Read(k74, "zz", k73)["result"], bug() ? "not_found" : "fenced");  // RS-3
}

TEST_P(ResyncBug, IgnoreListsPartial) {
  // Two undecided transactions of SYSTEM73 at SYSTEM74: the first waits for SYSTEM75's vote
  // (stopped) while the second decides and SYSTEM73 dies at its COMMIT record (second hit: the
  // first hit is the warm-up transaction that resynchronizes SYSTEM73 with both partners).
  RsCluster c3(3);
  const std::string bug74 = Bug("ignore-lists-partial");
  ASSERT_TRUE(c3.Start(k73, Env("", "coord.before_commit_record:2")));
  ASSERT_TRUE(c3.Start(k74, Env(bug74)));
  ASSERT_TRUE(c3.Start(k75));
  ASSERT_EQ(c3.Txn(k73, {{k74, {{"s", "1"}}}, {k75, {{"s", "1"}}}})["result"], "committed");
  auto in_doubt = [&] {
    std::size_t n = 0;
    const json s = c3.Status(k74);
    for (const json& b : s["branches"]) n += b["state"] == "InDoubt";
    return n;
  };
  c3.Signal(k75, SIGSTOP);
  const int first = SendRequest(c3.Socket(k73), {{"op", "txn"}, {"writes", {{k74, {{"a", "1"}}}, {k75, {{"c", "1"}}}}}});
  ASSERT_TRUE(WaitUntil([&] { return in_doubt() == 1; }, std::chrono::seconds(5)));
  const int second = SendRequest(c3.Socket(k73), {{"op", "txn"}, {"writes", {{k74, {{"b", "1"}}}}}});
  ASSERT_TRUE(c3.WaitExit(k73).has_value());
  close(first);
  close(second);
  c3.Signal(k75, SIGCONT);
  c3.WaitQuiet(k74);
  ASSERT_EQ(in_doubt(), 2u);
  ASSERT_EQ(c3.Format(k73), 0);
  ASSERT_TRUE(c3.Start(k73));
  c3.WaitQuiet(k73);
  const json s = c3.WaitQuiet(k74);
  ASSERT_EQ(s["prompts"].size(), 1u);
  EXPECT_EQ(s["prompts"][0]["transactions"].size(), bug() ? 1u : 2u);  // RS-2
  c3.Ask(k74, {{"op", "reply"}, {"partner", k73}, {"action", "ignore"}});
  c3.Ask(k74, {{"op", "vary_rm"}, {"partner", k73}});
  int manual = 0;
  const json after = c3.WaitQuiet(k74);
  for (const json& b : after["branches"]) manual += b["state"] == "ManualPending";
  EXPECT_EQ(manual, bug() ? 1 : 2);  // RS-4
}

TEST_P(ResyncBug, StartupTimeNotCompared) {
  const TxOptions options = Env(Bug("startup-time-not-compared"));
  ASSERT_TRUE(c_.Start(k73, options));
  ASSERT_TRUE(c_.Start(k74, options));
  ASSERT_EQ(c_.Txn(k73, {{k74, {{"a", "1"}}}})["result"], "committed");
  c_.Crash(k74);
  ASSERT_TRUE(c_.Start(k74, options));
  ASSERT_EQ(c_.Txn(k73, {{k74, {{"a", "2"}}}})["result"], "committed");
  const std::string startup = c_.Status(k74)["startup_time"];
  const json saved = c_.Status(k73)["partners"][k74]["saved_startup"];
  if (bug()) {
    EXPECT_NE(saved, startup);  // RS-5: the recycled partner was not resynchronized
  } else {
    EXPECT_EQ(saved, startup);
  }
}

TEST_P(ResyncBug, VoteBeforeDurable) {
  ASSERT_TRUE(c_.MountJournalTmpfs(k74)) << "no private mount namespace";
  ASSERT_TRUE(c_.Start(k73));
  ASSERT_TRUE(c_.Start(k74, Env(Bug("vote-before-durable"))));
  ASSERT_EQ(c_.Txn(k73, {{k74, {{"w", "0"}}}})["result"], "committed");
  c_.FillJournal(k74);
  const json r = c_.Txn(k73, {{k74, {{"a", "1"}}}, {k73, {{"b", "1"}}}});
  EXPECT_EQ(r["result"], bug() ? "committed" : "aborted");  // RS-8
  EXPECT_EQ(c_.Read(k74, "a")["result"], "not_found");
  EXPECT_EQ(c_.Read(k73, "b")["result"], bug() ? "found" : "not_found");  // RS-1 broken
}

TEST_P(ResyncBug, StampReassignedAtStart) {
  ASSERT_TRUE(c_.Start(k73, Env(Bug("stamp-reassigned-at-start"))));
  const std::string before = c_.Status(k73)["journal_stamp"];
  c_.Crash(k73);
  ASSERT_TRUE(c_.Start(k73, Env(Bug("stamp-reassigned-at-start"))));
  const std::string after = c_.Status(k73)["journal_stamp"];
  if (bug()) {
    EXPECT_NE(after, before);  // RS-7
  } else {
    EXPECT_EQ(after, before);
  }
}

INSTANTIATE_TEST_SUITE_P(WithAndWithout, ResyncBug, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "Bug" : "Correct"; });

}  // namespace
}  // namespace lockstep::testing
