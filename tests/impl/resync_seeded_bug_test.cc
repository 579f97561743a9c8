// Each seeded bug of the resync system under test (impl/resync/README.md, "Seeded bugs") shows
// its symptom, and the same scenario without the bug does not.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "impl/resync/journal.h"

#include "tests/impl/rs_cluster.h"

namespace lockstep::testing {
namespace {

using nlohmann::json;

const std::string k73 = "SYSTEM73", k74 = "SYSTEM74";

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
  // SYSTEM73 committed a transaction SYSTEM74 did not acknowledge (it died before its outcome
  // record); SYSTEM74 comes back on its other journal set, so SYSTEM73 prompts.
  const std::string bug = Bug("ignore-lists-partial");
  ASSERT_TRUE(c_.Start(k73, Env(bug)));
  ASSERT_TRUE(c_.Start(k74, Env(bug, "part.before_outcome_record")));
  ASSERT_EQ(c_.Txn(k73, {{k74, {{"a", "1"}}}})["result"], "committed");
  ASSERT_TRUE(c_.WaitExit(k74).has_value());
  ASSERT_TRUE(c_.Start(k74, Env(bug, "", 2)));
  c_.WaitQuiet(k74);
  const json s = c_.WaitQuiet(k73);
  ASSERT_EQ(s["prompts"].size(), 1u);
  EXPECT_EQ(s["prompts"][0]["transactions"].size(), bug.empty() ? 1u : 0u);  // RS-4
  const auto reply = c_.Ask(k73, {{"op", "reply"}, {"partner", k74}, {"action", "ignore"}});
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ((*reply)["manual_pending"].size(), bug.empty() ? 1u : 0u);
}

TEST_P(ResyncBug, ResyncPresumesAbort) {
  // SYSTEM73 dies right after forcing COMMIT; at its restart the resync tells SYSTEM74.
  const std::string bug = Bug("resync-presumes-abort");
  ASSERT_TRUE(c_.Start(k73, Env(bug, "coord.after_commit_record")));
  ASSERT_TRUE(c_.Start(k74, Env(bug)));
  c_.Txn(k73, {{k74, {{"a", "1"}}}});
  ASSERT_TRUE(c_.WaitExit(k73).has_value());
  const std::string dtrid = c_.Status(k74)["branches"][0]["dtrid"];
  ASSERT_TRUE(c_.Start(k73, Env(bug)));
  c_.WaitQuiet(k73);
  c_.WaitQuiet(k74);
  EXPECT_EQ(c_.Branch(k74, dtrid)["state"], bug.empty() ? "Committed" : "Aborted");  // RS-1
}

TEST_P(ResyncBug, RecoverySkipsRedo) {
  // COMMIT forced with SYSTEM73's own write, the database not yet written: recovery redoes it.
  const std::string bug = Bug("recovery-skips-redo");
  ASSERT_TRUE(c_.Start(k73, Env(bug, "coord.after_commit_record")));
  ASSERT_TRUE(c_.Start(k74, Env(bug)));
  c_.Txn(k73, {{k73, {{"b", "1"}}}, {k74, {{"a", "1"}}}});
  ASSERT_TRUE(c_.WaitExit(k73).has_value());
  ASSERT_TRUE(c_.Start(k73, Env(bug)));
  c_.WaitQuiet(k73);
  EXPECT_EQ(c_.Read(k73, "b")["result"], bug.empty() ? "found" : "not_found");  // RS-6
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
  ASSERT_TRUE(c_.Start(k73));
  ASSERT_TRUE(c_.Start(k74, Env(Bug("vote-before-durable"))));
  ASSERT_EQ(c_.Txn(k73, {{k74, {{"w", "0"}}}})["result"], "committed");
  ASSERT_TRUE(c_.FillJournal(k74)) << "needs a private mount namespace (run as root)";
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

// The length field's high byte of the record before the last one, flipped at rest: it then
// points past the end of the file.
void FlipLengthOfSecondLastRecord(const std::string& set) {
  auto listing = impl::resync::ListJournalRecords(set);
  ASSERT_TRUE(listing) << listing.error().message;
  std::vector<json> records;
  std::istringstream lines(*listing);
  for (std::string line; std::getline(lines, line);) records.push_back(json::parse(line));
  ASSERT_GE(records.size(), 3u);
  const json& length = records[records.size() - 2]["fields"][1];
  ASSERT_EQ(length["name"], "length");
  std::fstream file(set + "/" + impl::resync::kJournalFile,
                    std::ios::in | std::ios::out | std::ios::binary);
  const auto at = length["offset"].get<std::streamoff>() + 3;
  file.seekg(at);
  const char high = static_cast<char>(file.get() ^ 0x80);
  file.seekp(at);
  file.put(high);
  ASSERT_TRUE(file.flush());
}

TEST_P(ResyncBug, RecoveryAcceptsDamagedRecord) {
  ASSERT_TRUE(c_.Start(k73));
  ASSERT_TRUE(c_.Start(k74));
  ASSERT_EQ(c_.Txn(k73, {{k74, {{"a", "1"}}}})["result"], "committed");
  ASSERT_EQ(c_.Txn(k73, {{k74, {{"b", "1"}}}})["result"], "committed");
  c_.Crash(k74);
  FlipLengthOfSecondLastRecord(c_.JournalDir(k74));
  if (bug()) {
    EXPECT_TRUE(c_.Start(k74, Env(Bug("recovery-accepts-damaged-record"))))
        << "the damaged record and every record after it are cut off, and it starts (RS-6)";
  } else {
    const auto exit = c_.StartExpectingExit(k74);
    ASSERT_TRUE(exit.has_value());
    EXPECT_EQ(exit->code, 3) << "a damaged middle record is refused";
    EXPECT_GT(c_.CountLogLines(k74, "not a torn last write"), 0) << c_.ReadLog(k74);
  }
}

INSTANTIATE_TEST_SUITE_P(WithAndWithout, ResyncBug, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "Bug" : "Correct"; });

}  // namespace
}  // namespace lockstep::testing
