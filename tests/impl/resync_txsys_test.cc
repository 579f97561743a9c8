// End-to-end tests of the resync system under test: real `txsys` processes (two or three) and
// the `journal-format` tool in a fresh directory (RsCluster), driven over their control sockets.
#include <signal.h>

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <utility>
#include <vector>

#include "harness/os/deadline.h"
#include "tests/impl/rs_cluster.h"

namespace lockstep::testing {
namespace {

using harness::PollUntil;
using nlohmann::json;
using std::chrono::seconds;

const std::string k73 = "SYSTEM73", k74 = "SYSTEM74", k75 = "SYSTEM75";

TxOptions WithEnv(const std::string& name, const std::string& value, int set = 1) {
  TxOptions o;
  o.env[name] = value;
  o.journal_set = set;
  return o;
}
TxOptions CrashAt(const std::string& point) { return WithEnv("LOCKSTEP_CRASH_POINT", point); }
TxOptions OnSet(int set) { return TxOptions{.journal_set = set}; }

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}
void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}
// The byte offset of each record of a journal file (impl/resync/README.md, "Journal format":
// a 12-byte header whose second field is the payload length, u32 little-endian).
std::vector<std::size_t> RecordOffsets(const std::string& journal) {
  std::vector<std::size_t> offsets;
  for (std::size_t at = 0; at + 12 <= journal.size();) {
    offsets.push_back(at);
    std::uint32_t length = 0;
    for (int i = 3; i >= 0; --i) {
      length = (length << 8) | static_cast<unsigned char>(journal[at + 4 + i]);
    }
    at += 12 + length;
  }
  return offsets;
}

class Resync : public ::testing::Test {
 protected:
  void StartAll(int count = 2) {
    for (int i = 0; i < count; ++i) ASSERT_TRUE(c_.Start(RsCluster::Name(i)));
  }
  // Leaves SYSTEM74 InDoubt on a transaction of SYSTEM73 that SYSTEM73 never decided
  // (SYSTEM73 dies at coord.before_commit_record). Returns the DTRID.
  std::string InDoubtAt74(const std::string& key = "k") {
    EXPECT_TRUE(c_.Start(k73, CrashAt("coord.before_commit_record")));
    EXPECT_TRUE(c_.Start(k74));
    EXPECT_EQ(c_.Txn(k73, {{k74, {{key, "new"}}}}), json::object());  // no answer: unknown
    EXPECT_TRUE(c_.WaitExit(k73).has_value());
    const json s = c_.WaitQuiet(k74);
    for (const json& b : s["branches"]) {
      if (b["state"] == "InDoubt") return b["dtrid"].get<std::string>();
    }
    ADD_FAILURE() << "no InDoubt branch at SYSTEM74";
    return "";
  }
  RsCluster c_{2};
};

TEST_F(Resync, CommitAcrossTwoSystems) {
  StartAll();
  const json r = c_.Txn(k73, {{k74, {{"a", "1"}}}, {k73, {{"b", "2"}}}});
  ASSERT_EQ(r["result"], "committed") << r.dump();
  const std::string dtrid = r["dtrid"];
  EXPECT_TRUE(dtrid.starts_with("SYSTEM73::"));
  EXPECT_EQ(dtrid.size(), std::string("SYSTEM73::").size() + 33);
  EXPECT_EQ(c_.Read(k74, "a"), json({{"result", "found"}, {"value", "1"}}));
  EXPECT_EQ(c_.Read(k73, "b"), json({{"result", "found"}, {"value", "2"}}));
  EXPECT_EQ(c_.Read(k73, "a", k74), json({{"result", "found"}, {"value", "1"}}));
  EXPECT_EQ(c_.Read(k73, "zz"), json({{"result", "not_found"}}));
  EXPECT_EQ(c_.WaitQuiet(k73)["branches"][0]["ended"], true);
  EXPECT_EQ(c_.Branch(k74, dtrid)["state"], "Committed");
  const json s73 = c_.Status(k73), s74 = c_.Status(k74);
  EXPECT_EQ(s73["partners"][k74]["saved_stamp"], s74["journal_stamp"]);
  EXPECT_EQ(s73["partners"][k74]["saved_startup"], s74["startup_time"]);
  EXPECT_EQ(s74["partners"][k73]["open_rm"], true);
}

TEST_F(Resync, CommitAcrossThreeSystemsAndStampsSurviveRestart) {
  RsCluster c3(3);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(c3.Start(RsCluster::Name(i)));
  const json r = c3.Txn(k74, {{k73, {{"x", "1"}}}, {k74, {{"y", "2"}}}, {k75, {{"z", "3"}}}});
  ASSERT_EQ(r["result"], "committed") << r.dump();
  EXPECT_EQ(c3.Read(k75, "z")["value"], "3");
  EXPECT_EQ(c3.Read(k73, "x")["value"], "1");
  const json before = c3.Status(k75);
  c3.Crash(k75);
  ASSERT_TRUE(c3.Start(k75));
  const json after = c3.WaitQuiet(k75);
  EXPECT_EQ(after["journal_stamp"], before["journal_stamp"]);  // RS-7
  EXPECT_NE(after["startup_time"], before["startup_time"]);
  EXPECT_EQ(after["rows"], json({{"z", "3"}}));
  // RS-5: the next remote access resynchronizes and saves the new startup time.
  ASSERT_EQ(c3.Txn(k74, {{k75, {{"z", "4"}}}})["result"], "committed");
  EXPECT_EQ(c3.Status(k74)["partners"][k75]["saved_startup"], after["startup_time"]);
}

TEST_F(Resync, StampLifecycle) {
  ASSERT_TRUE(c_.Start(k73));
  const std::string s1 = c_.Status(k73)["journal_stamp"];
  c_.Crash(k73);
  ASSERT_TRUE(c_.Start(k73));
  EXPECT_EQ(c_.Status(k73)["journal_stamp"], s1);
  EXPECT_EQ(c_.Format(k73), 4);  // refused while the txsys holds the set
  c_.Crash(k73);
  ASSERT_TRUE(c_.Start(k73, OnSet(2)));
  const std::string s2 = c_.Status(k73)["journal_stamp"];
  EXPECT_NE(s2, s1);
  c_.Crash(k73);
  ASSERT_TRUE(c_.Start(k73));
  EXPECT_EQ(c_.Status(k73)["journal_stamp"], s1);
  c_.Crash(k73);
  ASSERT_EQ(c_.Format(k73), 0);
  ASSERT_TRUE(c_.Start(k73));
  const std::string s3 = c_.Status(k73)["journal_stamp"];
  EXPECT_NE(s3, s1);
  EXPECT_NE(s3, s2);
  EXPECT_EQ(c_.CountLogLines(k73, "assigned to journal set"), 3);
}

TEST_F(Resync, ParticipantCrashLeavesInDoubtLockedUntilResyncAtRestart) {
  ASSERT_TRUE(c_.Start(k73));
  ASSERT_TRUE(c_.Start(k74, CrashAt("part.before_outcome_record")));
  ASSERT_EQ(c_.Txn(k73, {{k74, {{"a", "1"}}}})["result"], "committed");
  ASSERT_TRUE(c_.WaitExit(k74).has_value());
  const json s73 = c_.WaitQuiet(k73);
  EXPECT_EQ(s73["branches"][0]["pending"], json({k74}));
  c_.Crash(k73);  // so that nobody resolves the branch yet
  ASSERT_TRUE(c_.Start(k74));
  const json s74 = c_.WaitQuiet(k74);
  ASSERT_EQ(s74["branches"].size(), 1u);
  EXPECT_EQ(s74["branches"][0]["state"], "InDoubt");  // RS-6, across the restart
  EXPECT_EQ(s74["locks"], json({{"a", s74["branches"][0]["dtrid"]}}));
  EXPECT_EQ(c_.Read(k74, "a"), json({{"result", "lock_timeout"}, {"error", "lock timeout on a"}}));
  ASSERT_TRUE(c_.Start(k73));  // outstanding COMMIT: resynchronizes at start
  ASSERT_TRUE(PollUntil([&] { return c_.Status(k73)["branches"][0]["ended"] == true; }, seconds(5)));
  EXPECT_EQ(c_.WaitQuiet(k74)["branches"][0]["state"], "Committed");
  EXPECT_EQ(c_.Read(k74, "a")["value"], "1");
  EXPECT_GE(c_.CountLogLines(k74, "by resynchronization with SYSTEM73: commit"), 1);
}

TEST_F(Resync, CoordinatorCrashAfterCommitRecordRedoesAndCommitsAtRestart) {
  ASSERT_TRUE(c_.Start(k73, CrashAt("coord.after_commit_record")));
  ASSERT_TRUE(c_.Start(k74));
  EXPECT_EQ(c_.Txn(k73, {{k74, {{"a", "1"}}}, {k73, {{"b", "2"}}}}), json::object());
  ASSERT_TRUE(c_.WaitExit(k73).has_value());
  EXPECT_EQ(c_.WaitQuiet(k74)["branches"][0]["state"], "InDoubt");
  ASSERT_TRUE(c_.Start(k73));
  const json s73 = c_.WaitQuiet(k73);
  EXPECT_EQ(s73["rows"], json({{"b", "2"}}));  // redone from the COMMIT record
  ASSERT_TRUE(PollUntil([&] { return c_.Status(k73)["branches"][0]["ended"] == true; }, seconds(5)));
  EXPECT_EQ(c_.Read(k74, "a")["value"], "1");
}

TEST_F(Resync, UndecidedTransactionAbortsWhenTheCoordinatorReturns) {
  const std::string dtrid = InDoubtAt74("a");
  ASSERT_TRUE(c_.Start(k73));  // decision 11: resyncs at start, SYSTEM74 has one outstanding
  c_.WaitQuiet(k73);
  EXPECT_EQ(c_.Branch(k74, dtrid)["state"], "Aborted");  // presumed abort
  EXPECT_EQ(c_.Status(k74)["partners"][k73]["saved_startup"], c_.Status(k73)["startup_time"]);
  EXPECT_EQ(c_.Read(k74, "a"), json({{"result", "not_found"}}));
}

// The spec's scenario: participant in doubt, coordinator's journal formatted, coordinator
// restarted; then IGNORE and manual completion.
TEST_F(Resync, StampMismatchPromptsFencesAndIgnoreLeavesManualPending) {
  const std::string old_stamp = [&] {
    EXPECT_TRUE(c_.Start(k73));
    EXPECT_TRUE(c_.Start(k74));
    EXPECT_EQ(c_.Txn(k73, {{k74, {{"seed", "1"}}}, {k73, {{"seed", "1"}}}})["result"], "committed");
    const std::string s = c_.Status(k73)["journal_stamp"];
    c_.Crash(k73);
    c_.Crash(k74);
    return s;
  }();
  const std::string dtrid = InDoubtAt74("a");
  ASSERT_EQ(c_.Format(k73), 0);
  ASSERT_TRUE(c_.Start(k73));  // its start-time resync finds the mismatch at SYSTEM74
  const std::string new_stamp = c_.WaitQuiet(k73)["journal_stamp"];
  // Accesses involving the partner are fenced (RS-3); a local read only waits on the lock.
  EXPECT_EQ(c_.Read(k74, "seed", k73), json({{"result", "fenced"},
                                              {"error", "fenced: resynchronization with SYSTEM73 pending"}}));
  EXPECT_EQ(c_.Read(k74, "a")["result"], "lock_timeout");
  EXPECT_EQ(c_.Ask(k74, {{"op", "vary_rm"}, {"partner", k73}}).value()["result"], "failed");
  const std::string log = c_.ReadLog(k74);
  EXPECT_NE(log.find("DC329021 Journal stamp mismatch for SYSTEM73 *OLD " + old_stamp), std::string::npos) << log;
  EXPECT_NE(log.find("DC329022 Journal stamp mismatch for SYSTEM73 *NEW " + new_stamp), std::string::npos);
  EXPECT_NE(log.find("RM Name  Dtrid  Branch  State"), std::string::npos);
  EXPECT_NE(log.find("DC329023 SYSTEM73 " + dtrid + " SYSTEM74 InDoubt"), std::string::npos);
  EXPECT_NE(log.find("DC329024 Reply with resynchronization action for SYSTEM73 (Ignore,Defer):"),
            std::string::npos);
  const json s = c_.WaitQuiet(k74);
  ASSERT_EQ(s["prompts"].size(), 1u);
  EXPECT_EQ(s["prompts"][0]["old_stamp"], old_stamp);
  EXPECT_EQ(s["prompts"][0]["new_stamp"], new_stamp);
  EXPECT_EQ(s["prompts"][0]["transactions"], json({dtrid}));
  EXPECT_EQ(s["prompts"][0]["messages"].size(), 5u);  // 2 stamps, header, 1 transaction, prompt
  EXPECT_EQ(s["fenced"], json({k73}));
  EXPECT_EQ(c_.Branch(k74, dtrid)["state"], "InDoubt");  // not completed by itself
  EXPECT_EQ(c_.Txn(k73, {{k74, {{"b", "1"}}}})["result"], "aborted");  // nothing written
  EXPECT_EQ(c_.Read(k74, "b")["result"], "not_found");

  const json ignore = c_.Ask(k74, {{"op", "reply"}, {"partner", k73}, {"action", "ignore"}}).value();
  EXPECT_EQ(ignore, json({{"result", "ok"}, {"manual_pending", {dtrid}}}));
  EXPECT_EQ(c_.Branch(k74, dtrid)["state"], "ManualPending");
  EXPECT_EQ(c_.Status(k74)["partners"][k73]["saved_stamp"], new_stamp);
  EXPECT_EQ(c_.Read(k74, "seed", k73)["value"], "1");  // access resumes (RS-4)
  ASSERT_EQ(c_.Txn(k73, {{k74, {{"b", "2"}}}})["result"], "committed");
  ASSERT_EQ(c_.Ask(k74, {{"op", "complete"}, {"dtrid", dtrid}, {"action", "backout"}}),
            json({{"result", "ok"}}));
  const json b = c_.Branch(k74, dtrid);
  EXPECT_EQ(b["state"], "Aborted");
  EXPECT_EQ(b["completed_by_hand"], true);
  EXPECT_EQ(c_.Read(k74, "a")["result"], "not_found");
  c_.Crash(k74);
  ASSERT_TRUE(c_.Start(k74));
  EXPECT_EQ(c_.Branch(k74, dtrid)["completed_by_hand"], true);  // journaled
}

TEST_F(Resync, DeferKeepsFencingUntilTheRightJournalIsBack) {
  const std::string dtrid = InDoubtAt74("a");
  ASSERT_TRUE(c_.Start(k73, OnSet(2)));  // started with the wrong journal set
  c_.WaitQuiet(k73);
  ASSERT_EQ(c_.WaitQuiet(k74)["prompts"].size(), 1u);
  ASSERT_EQ(c_.Ask(k74, {{"op", "reply"}, {"partner", k73}, {"action", "defer"}}),
            json({{"result", "ok"}}));
  EXPECT_EQ(c_.Read(k74, "a")["result"], "lock_timeout");
  EXPECT_EQ(c_.Read(k74, "q", k73)["result"], "fenced");
  EXPECT_EQ(c_.Txn(k73, {{k74, {{"q", "1"}}}})["result"], "aborted");
  const json deferred = c_.WaitQuiet(k74);
  EXPECT_TRUE(deferred["prompts"].empty());  // DEFER drops the prompt, keeps the fence
  EXPECT_EQ(deferred["deferred"], json({k73}));
  EXPECT_EQ(deferred["fenced"], json({k73}));
  EXPECT_EQ(c_.Branch(k74, dtrid)["state"], "InDoubt");
  c_.Crash(k73);
  ASSERT_TRUE(c_.Start(k73));  // the right set again: its start does not lift the DEFER
  c_.WaitQuiet(k73);
  EXPECT_EQ(c_.Branch(k74, dtrid)["state"], "InDoubt");
  ASSERT_EQ(c_.Ask(k74, {{"op", "vary_rm"}, {"partner", k73}}), json({{"result", "ok"}}));
  const json s = c_.WaitQuiet(k74);
  EXPECT_TRUE(s["prompts"].empty());
  EXPECT_TRUE(s["fenced"].empty());
  EXPECT_EQ(c_.Branch(k74, dtrid)["state"], "Aborted");
  EXPECT_EQ(c_.Branch(k74, dtrid)["completed_by_hand"], false);
  EXPECT_EQ(c_.Read(k74, "a")["result"], "not_found");
}

TEST_F(Resync, ParticipantJournalFullVotesNoAndStaysUp) {
  StartAll();
  ASSERT_EQ(c_.Txn(k73, {{k74, {{"w", "0"}}}})["result"], "committed");
  ASSERT_TRUE(c_.FillJournal(k74)) << "needs a private mount namespace (run as root)";
  const json r = c_.Txn(k73, {{k74, {{"a", "1"}}}, {k73, {{"b", "1"}}}});
  EXPECT_EQ(r["result"], "aborted");
  EXPECT_NE(r.value("reason", "").find("No space left on device [28]"), std::string::npos) << r.dump();
  EXPECT_GE(c_.CountLogLines(k74, c_.JournalDir(k74) + "/journal.dat: No space left on device [28]"), 1);
  EXPECT_TRUE(c_.Running(k74));
  EXPECT_EQ(c_.Read(k73, "b")["result"], "not_found");
  c_.UnfillJournal(k74);
  EXPECT_EQ(c_.Txn(k73, {{k74, {{"a", "1"}}}})["result"], "committed");
}

TEST_F(Resync, CoordinatorJournalFullAborts) {
  StartAll();
  ASSERT_EQ(c_.Txn(k73, {{k74, {{"w", "0"}}}})["result"], "committed");
  ASSERT_TRUE(c_.FillJournal(k73)) << "needs a private mount namespace (run as root)";
  const json r = c_.Txn(k73, {{k74, {{"a", "1"}}}});
  EXPECT_EQ(r["result"], "aborted");
  EXPECT_NE(r.value("reason", "").find("COMMIT record"), std::string::npos) << r.dump();
  c_.WaitQuiet(k74);
  EXPECT_EQ(c_.Read(k74, "a")["result"], "not_found");  // the participant was told ABORT
  EXPECT_EQ(c_.Status(k74)["locks"], json::object());
}

TEST_F(Resync, DeniedJournalRefusesToActAndToStart) {
  StartAll();
  c_.DenyAccess(c_.JournalDir(k74));
  const json r = c_.Txn(k73, {{k74, {{"a", "1"}}}});
  EXPECT_EQ(r["result"], "aborted");
  EXPECT_NE(r.value("reason", "").find("Permission denied [13]"), std::string::npos) << r.dump();
  EXPECT_TRUE(c_.Running(k74));
  c_.RestoreAccess(c_.JournalDir(k74));
  EXPECT_EQ(c_.Txn(k73, {{k74, {{"a", "1"}}}})["result"], "committed");
  c_.Crash(k74);
  c_.DenyAccess(c_.JournalDir(k74));
  const auto exit = c_.StartExpectingExit(k74);
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(exit->Describe(), "exit 3");
  EXPECT_GE(c_.CountLogLines(k74, c_.JournalDir(k74) + "/journal.lock: Permission denied [13]"), 1);
  c_.RestoreAccess(c_.JournalDir(k74));
  ASSERT_TRUE(c_.Start(k74));
  EXPECT_EQ(c_.Read(k74, "a")["value"], "1");  // nothing lost
}

TEST_F(Resync, CorruptMiddleRecordRefusesToStart) {
  ASSERT_TRUE(c_.Start(k73));
  c_.Crash(k73);
  // journal.dat: the format record, then the stamp record; damage the format record's payload.
  const std::string path = c_.JournalDir(k73) + "/journal.dat";
  FILE* f = std::fopen(path.c_str(), "r+b");
  ASSERT_NE(f, nullptr);
  std::fseek(f, 14, SEEK_SET);
  std::fputc('#', f);
  std::fclose(f);
  const auto exit = c_.StartExpectingExit(k73);
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(exit->Describe(), "exit 3");
  EXPECT_EQ(c_.CountLogLines(k73, path + " has a corrupt record at offset 0"), 1);
}

// Issue 11: five committed transactions, then one bit flipped in the high byte of the length
// field of a record in the middle of the coordinator's journal. That length points past the end
// of the file, which recovery once took for a torn tail: it cut every later record off and
// started with 2 branches of 5. It must refuse to start and leave the file as it was.
TEST_F(Resync, LengthBitFlipInAMiddleRecordRefusesToStartAndChangesNothing) {
  StartAll();
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(c_.Txn(k73, {{k74, {{"k" + std::to_string(i), "v"}}}})["result"], "committed");
  }
  ASSERT_EQ(c_.WaitQuiet(k73)["branches"].size(), 5u);
  c_.Crash(k73);
  const std::string path = c_.JournalDir(k73) + "/journal.dat";
  const std::string good = ReadBytes(path);
  const std::vector<std::size_t> offsets = RecordOffsets(good);
  ASSERT_GE(offsets.size(), 12u);  // format, stamp, partner, 5 COMMIT, 5 END
  const std::size_t middle = offsets[offsets.size() / 2];
  std::string bad = good;
  bad[middle + 7] ^= 0x01;  // the high byte of the length field
  WriteBytes(path, bad);
  const auto exit = c_.StartExpectingExit(k73);
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(exit->Describe(), "exit 3");
  EXPECT_EQ(c_.CountLogLines(k73, path + " has a corrupt record at offset " +
                                      std::to_string(middle) + ": length "),
            1)
      << c_.ReadLog(k73);
  EXPECT_EQ(c_.CountLogLines(k73, "Ignored a torn last record"), 0) << c_.ReadLog(k73);
  EXPECT_EQ(ReadBytes(path), bad) << "the journal was changed";
  WriteBytes(path, good);  // the operator restores the set
  ASSERT_TRUE(c_.Start(k73));
  EXPECT_EQ(c_.WaitQuiet(k73)["branches"].size(), 5u);
}

TEST_F(Resync, GarbageOnTheControlSocketChangesNothing) {
  StartAll();
  ASSERT_EQ(c_.Txn(k73, {{k74, {{"a", "1"}}}})["result"], "committed");
  const json before = c_.WaitQuiet(k74);
  const int fd = SendRequest(c_.Socket(k74), json("not an object"));
  EXPECT_TRUE(ReadAnswer(fd, seconds(2)).value().contains("error"));
  for (const json& bad : {json{{"op", "nope"}}, json{{"op", 7}}, json{{"op", "txn"}},
                          json{{"op", "txn"}, {"writes", {{"SYSTEM99", {{"k", "v"}}}}}},
                          json{{"op", "read"}}, json{{"op", "reply"}, {"partner", k73}},
                          json{{"op", "complete"}, {"dtrid", "x"}, {"action", "commit"}},
                          json{{"op", "prepare"}, {"from", "SYSTEM99"}},
                          json{{"op", "vary_rm"}, {"partner", "SYSTEM99"}}}) {
    const auto answer = c_.Ask(k74, bad);
    ASSERT_TRUE(answer.has_value()) << bad.dump();
    EXPECT_TRUE(answer->contains("error")) << bad.dump() << " -> " << answer->dump();
  }
  const json after = c_.WaitQuiet(k74);
  for (const char* field : {"rows", "branches", "journal_stamp", "partners", "prompts"}) {
    EXPECT_EQ(after[field], before[field]) << field;
  }
}

// A resync request with a field of the wrong type or value is refused with an error naming
// the field, before anything is acted on: the system keeps running and its journal (the
// partner table in particular) is byte for byte what it was.
TEST_F(Resync, MalformedResyncRequestsAreRefusedAndChangeNothing) {
  StartAll();
  ASSERT_EQ(c_.Txn(k73, {{k74, {{"a", "1"}}}})["result"], "committed");
  const json before = c_.WaitQuiet(k74);
  const std::string journal = c_.JournalDir(k74) + "/journal.dat";
  const auto bytes = [&journal] {
    std::ifstream in(journal, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  const std::string journal_before = bytes();
  ASSERT_FALSE(journal_before.empty()) << journal;
  const json good{{"op", "resync"}, {"from", k73}, {"mode", "access"}, {"journal_fault", false},
                  {"stamp", "2026-01-01-00.00.00.000000"}, {"startup", "2026-01-01-00.00.00.000001"},
                  {"saved_stamp", nullptr}, {"in_doubt", json::array()},
                  {"committing", json::array()}, {"commit_records", json::array()}};
  const std::vector<std::pair<json, std::string>> bad{
      {{{"mode", "x"}, {"stamp", 7}}, "mode"},  // once answered ok, saving an empty stamp
      {{{"journal_fault", "yes"}}, "journal_fault"},  // once killed txsys (type_error)
      {{{"journal_fault", nullptr}}, "journal_fault"},
      {{{"stamp", 7}}, "stamp"},
      {{{"stamp", ""}}, "stamp"},
      {{{"startup", json::array()}}, "startup"},
      {{{"saved_stamp", 1}}, "saved_stamp"},
      {{{"in_doubt", "SYSTEM73::1"}}, "in_doubt"},
      {{{"commit_records", {1, 2}}}, "commit_records"},
  };
  for (const auto& [change, field] : bad) {
    json request = good;
    request.update(change);
    const auto answer = c_.Ask(k74, request);
    ASSERT_TRUE(answer.has_value()) << request.dump() << ": no answer (did txsys die?)";
    EXPECT_EQ(answer->value("result", ""), "error") << request.dump() << " -> " << answer->dump();
    EXPECT_NE(answer->value("error", "").find(field), std::string::npos)
        << request.dump() << " -> " << answer->dump();
    ASSERT_TRUE(c_.Running(k74)) << request.dump();
  }
  json absent = good;
  absent.erase("journal_fault");
  EXPECT_EQ(c_.Ask(k74, absent).value().value("result", ""), "error");
  const json after = c_.WaitQuiet(k74);
  EXPECT_EQ(bytes(), journal_before) << "a malformed resync request wrote to " << journal;
  for (const char* field : {"rows", "branches", "journal_stamp", "partners", "prompts"}) {
    EXPECT_EQ(after[field], before[field]) << field;
  }
}

}  // namespace
}  // namespace lockstep::testing
