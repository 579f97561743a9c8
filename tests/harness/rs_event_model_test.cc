// RsEventModel (harness/resync/rs_event_model.h), rule by rule on hand-built traces: each
// test replays a trace the correct protocol could write, which the model must accept, and the
// same trace with one line removed, moved or changed, which it must reject naming the rule's
// property. The traces carry only the lines a rule reads (the reader's structural checks are
// not the model's business).
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/resync/rs_event_model.h"
#include "harness/resync/rs_protocol.h"

namespace lockstep::harness::rs {
namespace {

using nlohmann::json;
using trace::TraceLine;

const std::string kS73 = "SYSTEM73", kS74 = "SYSTEM74";
const std::string kD = "SYSTEM73::0000000000000001-0000000000000001";
const json kOk = json::object();

TraceLine L(const std::string& process, long pid, const std::string& event, json fields = kOk) {
  fields["process"] = process;
  fields["pid"] = pid;
  fields["event"] = event;
  TraceLine line;
  line.file = process + ".jsonl";
  line.process = process;
  line.pid = pid;
  line.event = event;
  line.json = std::move(fields);
  return line;
}

TraceLine H(const std::string& event, json fields) {
  fields["process"] = trace::kHarnessProcess;
  TraceLine line = L(trace::kHarnessProcess, 1, event, std::move(fields));
  return line;
}

using Trace = std::vector<TraceLine>;

// The first violation the model finds in `t`, or nullopt; *event names the line.
std::optional<model::Violation> Replay(const Trace& t, std::string* event = nullptr) {
  auto model = ResyncProtocol::MakeEventModel();
  for (const TraceLine& line : t) {
    if (auto v = model->Apply(line)) {
      if (event) *event = line.event;
      return v;
    }
  }
  return model->Finish();
}

// "RS-8 at vote": the property and the event of the line that broke it (so that a test
// cannot pass by another rule firing later), or "accepted".
std::string PropertyOf(const Trace& t) {
  std::string event = "the end";
  const auto v = Replay(t, &event);
  return v ? v->property_id + " at " + event : "accepted";
}

std::string Explain(const Trace& t) {
  const auto v = Replay(t);
  return v ? model::ToString(*v) : "accepted";
}

// Index of the n-th (0-based) line of `process` with `event` whose fields match `pred`.
std::size_t Find(const Trace& t, const std::string& process, const std::string& event,
                 const std::function<bool(const json&)>& pred = nullptr, int n = 0) {
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i].process != process || t[i].event != event) continue;
    if (pred && !pred(t[i].json)) continue;
    if (n-- == 0) return i;
  }
  ADD_FAILURE() << "no " << process << " " << event;
  return t.size();
}

bool Typed(const json& j, const char* type) { return j.value("type", "") == type; }

Trace Without(Trace t, std::size_t i) {
  t.erase(t.begin() + static_cast<long>(i));
  return t;
}

// Moves line `from` to just after line `after`.
Trace MovedAfter(Trace t, std::size_t from, std::size_t after) {
  TraceLine line = t[from];
  t.insert(t.begin() + static_cast<long>(after) + 1, line);
  t.erase(t.begin() + static_cast<long>(from < after ? from : from + 1));
  return t;
}

// A start that assigns a fresh stamp on a freshly formatted set.
void Boot(Trace& t, const std::string& sys, long pid, const std::string& stamp,
          const std::string& startup, int branches = 0, int in_doubt = 0) {
  t.push_back(L(sys, pid, "started"));
  t.push_back(L(sys, pid, "stamp_assigned", {{"stamp", stamp}}));
  t.push_back(L(sys, pid, "record_forced", {{"type", "stamp"}, {"record_seq", 1}, {"stamp", stamp}}));
  t.push_back(L(sys, pid, "recovered", {{"startup", startup}, {"stamp", stamp},
                                        {"branches", branches}, {"in_doubt", in_doubt},
                                        {"torn_tail_offset", -1}}));
}

void Restart(Trace& t, const std::string& sys, long pid, const std::string& stamp,
             const std::string& startup, int branches, int in_doubt) {
  t.push_back(L(sys, pid, "started"));
  t.push_back(L(sys, pid, "stamp_read", {{"stamp", stamp}}));
  t.push_back(L(sys, pid, "recovered", {{"startup", startup}, {"stamp", stamp},
                                        {"branches", branches}, {"in_doubt", in_doubt},
                                        {"torn_tail_offset", -1}}));
}

json Stamped(json request, const std::string& from, const std::string& stamp,
             const std::string& startup) {
  request["from"] = from;
  request["stamp"] = stamp;
  request["startup"] = startup;
  return request;
}

// `from` (pid) sends `request` to `to` (pid), which answers `answer` after `between`.
void Call(Trace& t, const std::string& from, long from_pid, const std::string& to, long to_pid,
          const json& request, const json& answer, const Trace& between = {}) {
  t.push_back(L(from, from_pid, "request_sent", {{"to", to}, {"request", request}}));
  t.push_back(L(to, to_pid, "request_received", {{"from", from}, {"request", request}}));
  t.insert(t.end(), between.begin(), between.end());
  const std::string op = request.value("op", "");
  t.push_back(L(to, to_pid, "answer_sent", {{"to", from}, {"op", op}, {"answer", answer}}));
  t.push_back(L(from, from_pid, "answer_received", {{"from", to}, {"op", op}, {"answer", answer}}));
}

// S73 (pid 100, stamp S1) and S74 (pid 200, stamp S2) started and resynchronized.
Trace TwoSystemsSynced() {
  Trace t;
  Boot(t, kS73, 100, "S1", "U1");
  Boot(t, kS74, 200, "S2", "U2");
  const json request = Stamped({{"op", "resync"}, {"mode", "access"}, {"journal_fault", false},
                                {"saved_stamp", nullptr}, {"in_doubt", json::array()},
                                {"committing", json::array()}, {"commit_records", json::array()}},
                               kS73, "S1", "U1");
  const json answer{{"result", "ok"}, {"stamp", "S2"}, {"startup", "U2"}};
  t.push_back(L(kS73, 100, "resync_started", {{"partner", kS74}, {"mode", "access"},
                                              {"journal_fault", false}, {"saved_stamp", nullptr}}));
  Call(t, kS73, 100, kS74, 200, request, answer,
       {L(kS74, 200, "resync_exchange", {{"partner", kS73}, {"role", "responder"},
                                         {"mode", "access"}, {"stamp", "S1"}, {"startup", "U1"}}),
        L(kS74, 200, "record_forced", {{"type", "partner"}, {"record_seq", 2}, {"partner", kS73},
                                       {"stamp", "S1"}, {"startup", "U1"}}),
        L(kS74, 200, "resync_finished", {{"partner", kS73}, {"role", "responder"},
                                         {"outcome", "complete"}})});
  t.push_back(L(kS73, 100, "resync_exchange", {{"partner", kS74}, {"role", "initiator"},
                                               {"result", "ok"}, {"stamp", "S2"}, {"startup", "U2"}}));
  t.push_back(L(kS73, 100, "record_forced", {{"type", "partner"}, {"record_seq", 2},
                                             {"partner", kS74}, {"stamp", "S2"}, {"startup", "U2"}}));
  t.push_back(L(kS73, 100, "resync_finished", {{"partner", kS74}, {"role", "initiator"},
                                               {"outcome", "complete"}}));
  return t;
}

// The prepare phase of kD: S74 votes yes.
void Prepare(Trace& t) {
  t.push_back(L(kS73, 100, "txn_begun", {{"dtrid", kD}, {"participants", {kS74}},
                                         {"writes", {{kS74, {{"k", "v"}}}}}}));
  Call(t, kS73, 100, kS74, 200,
       Stamped({{"op", "prepare"}, {"dtrid", kD}, {"writes", {{"k", "v"}}}}, kS73, "S1", "U1"),
       {{"vote", "yes"}},
       {L(kS74, 200, "prepare_accepted", {{"dtrid", kD}, {"coordinator", kS73}}),
        L(kS74, 200, "record_forced", {{"type", "prepared"}, {"record_seq", 3}, {"dtrid", kD}}),
        L(kS74, 200, "vote", {{"dtrid", kD}, {"coordinator", kS73}, {"vote", "yes"}})});
  t.push_back(L(kS73, 100, "commit_decided", {{"dtrid", kD}}));
}

// A whole committed transaction kD, S73 coordinating, S74 participating.
Trace Committed() {
  Trace t = TwoSystemsSynced();
  Prepare(t);
  t.push_back(L(kS73, 100, "record_forced", {{"type", "commit"}, {"record_seq", 3}, {"dtrid", kD}}));
  Call(t, kS73, 100, kS74, 200, Stamped({{"op", "commit"}, {"dtrid", kD}}, kS73, "S1", "U1"),
       {{"result", "ack"}},
       {L(kS74, 200, "outcome_learned", {{"dtrid", kD}, {"outcome", "commit"}, {"via", "coordinator"}}),
        L(kS74, 200, "record_forced", {{"type", "outcome"}, {"record_seq", 4}, {"dtrid", kD},
                                       {"outcome", "commit"}})});
  t.push_back(L(kS73, 100, "end_decided", {{"dtrid", kD}, {"by_hand", false}}));
  t.push_back(L(kS73, 100, "record_forced", {{"type", "end"}, {"record_seq", 4}, {"dtrid", kD}}));
  t.push_back(L(kS73, 100, "txn_answered", {{"result", "committed"}, {"dtrid", kD}}));
  return t;
}

// S74 holds kD in doubt (crashed after its vote), restarted as pid 201, startup U3.
Trace InDoubtAtS74() {
  Trace t = TwoSystemsSynced();
  Prepare(t);
  Restart(t, kS74, 201, "S2", "U3", 1, 1);
  return t;
}

// ---- RS-8 forced writes first ------------------------------------------------------------

TEST(RsEventModel, AcceptsACommittedTransaction) { EXPECT_EQ(Explain(Committed()), "accepted"); }

TEST(RsEventModel, VoteYesNeedsThePreparedRecord) {
  const Trace t = Committed();
  EXPECT_EQ(PropertyOf(Without(t, Find(t, kS74, "record_forced", [](const json& j) {
              return Typed(j, "prepared");
            }))),
            "RS-8 at vote");
}

TEST(RsEventModel, CommitIsSentOnlyAfterTheCommitRecord) {
  const Trace t = Committed();
  const auto commit = Find(t, kS73, "record_forced", [](const json& j) { return Typed(j, "commit"); });
  const auto sent = Find(t, kS73, "request_sent", [](const json& j) {
    return j["request"].value("op", "") == "commit";
  });
  EXPECT_EQ(PropertyOf(MovedAfter(t, commit, sent)), "RS-8 at request_sent");
}

TEST(RsEventModel, AckOfCommitOnlyAfterTheOutcomeRecord) {
  const Trace t = Committed();
  const auto outcome = Find(t, kS74, "record_forced", [](const json& j) { return Typed(j, "outcome"); });
  const auto ack = Find(t, kS74, "answer_sent", [](const json& j) { return j.value("op", "") == "commit"; });
  EXPECT_EQ(PropertyOf(MovedAfter(t, outcome, ack)), "RS-8 at answer_sent");
}

TEST(RsEventModel, CommittedAnswerAndEndNeedTheCommitRecord) {
  Trace t;
  Boot(t, kS73, 100, "S1", "U1");
  t.push_back(L(kS73, 100, "commit_decided", {{"dtrid", kD}}));
  t.push_back(L(kS73, 100, "record_forced", {{"type", "commit"}, {"record_seq", 2}, {"dtrid", kD}}));
  Trace answered = t;
  answered.push_back(L(kS73, 100, "txn_answered", {{"result", "committed"}, {"dtrid", kD}}));
  EXPECT_EQ(PropertyOf(answered), "accepted");
  EXPECT_EQ(PropertyOf(Without(answered, answered.size() - 2)), "RS-8 at txn_answered");
  Trace ended = t;
  ended.push_back(L(kS73, 100, "record_forced", {{"type", "end"}, {"record_seq", 3}, {"dtrid", kD}}));
  EXPECT_EQ(PropertyOf(ended), "accepted");
  EXPECT_EQ(PropertyOf(Without(ended, ended.size() - 2)), "RS-8 at record_forced");
}

TEST(RsEventModel, AnOutcomeIsForcedOnlyForAnInDoubtBranch) {
  Trace t = Committed();
  t.push_back(L(kS74, 200, "record_forced", {{"type", "outcome"}, {"record_seq", 5}, {"dtrid", kD},
                                             {"outcome", "commit"}}));
  EXPECT_EQ(PropertyOf(t), "RS-8 at record_forced");
}

// ---- RS-1 atomic outcome -----------------------------------------------------------------

TEST(RsEventModel, NoAbortWhereTheCoordinatorCommitted) {
  Trace t = Committed();
  const auto outcome = Find(t, kS74, "record_forced", [](const json& j) { return Typed(j, "outcome"); });
  t[outcome].json["outcome"] = "abort";
  EXPECT_EQ(PropertyOf(t), "RS-1 at record_forced");
  Trace abort_sent = Committed();
  const auto sent = Find(abort_sent, kS73, "request_sent", [](const json& j) {
    return j["request"].value("op", "") == "commit";
  });
  abort_sent[sent].json["request"]["op"] = "abort";
  EXPECT_EQ(PropertyOf(abort_sent), "RS-1 at request_sent");
}

TEST(RsEventModel, NoCommitAfterTheClientWasToldAborted) {
  Trace t = TwoSystemsSynced();
  t.push_back(L(kS73, 100, "abort_decided", {{"dtrid", kD}, {"reason", "no"}}));
  t.push_back(L(kS73, 100, "txn_answered", {{"result", "aborted"}, {"dtrid", kD}}));
  EXPECT_EQ(PropertyOf(t), "accepted");
  t.push_back(L(kS73, 100, "record_forced", {{"type", "commit"}, {"record_seq", 3}, {"dtrid", kD}}));
  EXPECT_EQ(PropertyOf(t), "RS-1 at record_forced");
}

// ---- RS-6 durability ---------------------------------------------------------------------

TEST(RsEventModel, RecoveredCountsTheForcedRecords) {
  EXPECT_EQ(Explain(InDoubtAtS74()), "accepted");
  Trace lost = InDoubtAtS74();
  lost.back().json["in_doubt"] = 0;
  EXPECT_EQ(PropertyOf(lost), "RS-6 at recovered");
  Trace extra = InDoubtAtS74();
  extra.back().json["branches"] = 2;
  EXPECT_EQ(PropertyOf(extra), "RS-6 at recovered");
}

// Killed after prepare_accepted: PREPARED may or may not be durable; both restarts fit, a
// third branch does not.
TEST(RsEventModel, AKilledLifeMayHaveForcedItsNextRecord) {
  Trace t = TwoSystemsSynced();
  t.push_back(L(kS74, 200, "prepare_accepted", {{"dtrid", kD}, {"coordinator", kS73}}));
  for (int in_doubt : {0, 1}) {
    Trace restarted = t;
    Restart(restarted, kS74, 201, "S2", "U3", in_doubt, in_doubt);
    EXPECT_EQ(Explain(restarted), "accepted") << in_doubt;
  }
  Trace exited = t;
  exited.push_back(L(kS74, 200, "exiting", {{"status", 0}}));
  Restart(exited, kS74, 201, "S2", "U3", 1, 1);
  EXPECT_EQ(PropertyOf(exited), "RS-6 at recovered");  // a life that exited left nothing unlined
  Restart(t, kS74, 201, "S2", "U3", 2, 1);
  EXPECT_EQ(PropertyOf(t), "RS-6 at recovered");
}

TEST(RsEventModel, ACorruptedSetIsNeverOpened) {
  Trace t;
  Boot(t, kS74, 200, "S2", "U2");
  t.push_back(L(kS74, 200, "exiting", {{"status", 0}}));
  Trace one = t;  // the stamp is on set 1 or on set 2: corrupting one leaves the other
  one.push_back(H("journal_corrupted", {{"role", kS74}, {"set", 1}, {"record", 0}, {"damage", "crc"}}));
  Restart(one, kS74, 201, "S2", "U3", 0, 0);
  EXPECT_EQ(Explain(one), "accepted");
  for (int set : {1, 2}) {
    t.push_back(H("journal_corrupted", {{"role", kS74}, {"set", set}, {"record", 0}, {"damage", "crc"}}));
  }
  Trace refused = t;
  refused.push_back(L(kS74, 201, "started"));
  refused.push_back(L(kS74, 201, "exiting", {{"status", 3}}));
  EXPECT_EQ(Explain(refused), "accepted");
  Restart(t, kS74, 201, "S2", "U3", 0, 0);
  EXPECT_EQ(PropertyOf(t), "RS-6 at stamp_read");
}

// ---- RS-7 stamp lifecycle ----------------------------------------------------------------

TEST(RsEventModel, AStampIsReadBackUntilTheSetIsFormatted) {
  Trace t;
  Boot(t, kS74, 200, "S2", "U2");
  t.push_back(L(kS74, 200, "exiting", {{"status", 0}}));
  Trace read = t;
  Restart(read, kS74, 201, "S2", "U3", 0, 0);
  EXPECT_EQ(Explain(read), "accepted");
  Trace wrong = t;
  Restart(wrong, kS74, 201, "S9", "U3", 0, 0);
  EXPECT_EQ(PropertyOf(wrong), "RS-7 at stamp_read");
  Trace formatted = t;
  formatted.push_back(H("journal_formatted", {{"role", kS74}, {"set", 1}}));
  formatted.push_back(H("journal_formatted", {{"role", kS74}, {"set", 2}}));
  Trace fresh = formatted;
  Boot(fresh, kS74, 201, "S3", "U3");
  EXPECT_EQ(Explain(fresh), "accepted");
  Restart(formatted, kS74, 201, "S2", "U3", 0, 0);
  EXPECT_EQ(PropertyOf(formatted), "RS-7 at stamp_read");
}

TEST(RsEventModel, ANewStampIsNewAndOnlyOnAFreshSet) {
  Trace t;
  Boot(t, kS73, 100, "S1", "U1");
  Trace reused = t;
  Boot(reused, kS74, 200, "S1", "U2");
  EXPECT_EQ(PropertyOf(reused), "RS-7 at stamp_assigned");
  Trace both = t;  // both of S73's sets stamped: a third stamp has no fresh set
  both.push_back(L(kS73, 100, "exiting", {{"status", 0}}));
  Boot(both, kS73, 101, "S5", "U5");
  both.push_back(L(kS73, 101, "exiting", {{"status", 0}}));
  Trace read = both;
  Restart(read, kS73, 102, "S1", "U6", 0, 0);
  EXPECT_EQ(Explain(read), "accepted");
  Boot(both, kS73, 102, "S6", "U6");
  EXPECT_EQ(PropertyOf(both), "RS-7 at stamp_assigned");
}

// ---- RS-2, RS-3, RS-4: prompts, fences, IGNORE -----------------------------------------

// S73 comes back with a new stamp S7 (pid 101, startup U7); S74, holding kD in doubt,
// responds to its resync with a mismatch and prompts.
Trace Prompted() {
  Trace t = InDoubtAtS74();
  t.push_back(L(kS73, 100, "exiting", {{"status", 0}}));
  t.push_back(H("journal_formatted", {{"role", kS73}, {"set", 1}}));
  t.push_back(H("journal_formatted", {{"role", kS73}, {"set", 2}}));
  Boot(t, kS73, 101, "S7", "U7");
  const json request = Stamped({{"op", "resync"}, {"mode", "start"}, {"journal_fault", false},
                                {"saved_stamp", "S2"}}, kS73, "S7", "U7");
  Call(t, kS73, 101, kS74, 201, request, {{"result", "mismatch"}, {"stamp", "S2"}, {"startup", "U3"}},
       {L(kS74, 201, "resync_exchange", {{"partner", kS73}, {"role", "responder"}, {"mode", "start"},
                                         {"stamp", "S7"}, {"startup", "U7"}}),
        L(kS74, 201, "prompt_shown", {{"partner", kS73}, {"old_stamp", "S1"}, {"new_stamp", "S7"},
                                      {"dtrids", {kD}}}),
        L(kS74, 201, "resync_finished", {{"partner", kS73}, {"role", "responder"},
                                         {"outcome", "failed"}})});
  return t;
}

TEST(RsEventModel, APromptNamesTheSavedAndTheNewStampAndTheInDoubtBranches) {
  EXPECT_EQ(Explain(Prompted()), "accepted");
  const Trace t = Prompted();
  const auto prompt = Find(t, kS74, "prompt_shown");
  for (const auto& [field, value] : std::vector<std::pair<std::string, json>>{
           {"old_stamp", "S2"}, {"new_stamp", "S1"}, {"dtrids", json::array()}}) {
    Trace changed = t;
    changed[prompt].json[field] = value;
    EXPECT_EQ(PropertyOf(changed), "RS-2 at prompt_shown") << field;
  }
}

TEST(RsEventModel, AResyncCompletesOnlyWithTheSavedStamp) {
  Trace t = Prompted();
  t.resize(Find(t, kS74, "prompt_shown"));
  t.push_back(L(kS74, 201, "outcome_learned", {{"dtrid", kD}, {"outcome", "abort"}, {"via", "resync"}}));
  EXPECT_EQ(PropertyOf(t), "RS-2 at outcome_learned");
  Trace same = InDoubtAtS74();  // S73 back with its own stamp: completing is right
  same.push_back(L(kS74, 201, "resync_exchange", {{"partner", kS73}, {"role", "responder"},
                                                  {"mode", "start"}, {"stamp", "S1"}, {"startup", "U1"}}));
  same.push_back(L(kS74, 201, "outcome_learned", {{"dtrid", kD}, {"outcome", "abort"}, {"via", "resync"}}));
  same.push_back(L(kS74, 201, "record_forced", {{"type", "outcome"}, {"record_seq", 4},
                                                {"dtrid", kD}, {"outcome", "abort"}}));
  EXPECT_EQ(Explain(same), "accepted");
}

TEST(RsEventModel, AFencedPartnersRequestsAreRefused) {
  Trace t = Prompted();  // S73 takes S74 as resynchronized (as if S74 had not prompted)
  t.push_back(L(kS73, 101, "record_forced", {{"type", "partner"}, {"record_seq", 2},
                                             {"partner", kS74}, {"stamp", "S2"}, {"startup", "U3"}}));
  const json prepare = Stamped({{"op", "prepare"}, {"dtrid", kD + "2"}, {"writes", {{"j", "w"}}}},
                               kS73, "S7", "U7");
  Trace fenced = t;
  Call(fenced, kS73, 101, kS74, 201, prepare, {{"result", "fenced"}, {"error", "fenced"}},
       {L(kS74, 201, "access_fenced", {{"partner", kS73}, {"op", "prepare"}})});
  EXPECT_EQ(Explain(fenced), "accepted");
  Trace served = t;
  Call(served, kS73, 101, kS74, 201, prepare, {{"vote", "no"}, {"reason", "lock timeout on j"}});
  EXPECT_EQ(PropertyOf(served), "RS-3 at answer_sent");
  Trace sent = t;
  sent.push_back(L(kS74, 201, "request_sent", {{"to", kS73}, {"request", Stamped({{"op", "remote_read"}, {"key", "k"}}, kS74, "S2", "U3")}}));
  EXPECT_EQ(PropertyOf(sent), "RS-3 at request_sent");
}

TEST(RsEventModel, DeferKeepsTheFenceButLetsAVaryRmResyncIn) {
  Trace t = Prompted();
  t.push_back(L(kS74, 201, "reply_taken", {{"partner", kS73}, {"action", "defer"}, {"dtrids", {kD}}}));
  const json resync = Stamped({{"op", "resync"}, {"mode", "vary_rm"}, {"journal_fault", false},
                               {"saved_stamp", "S2"}}, kS73, "S7", "U7");
  Trace vary = t;
  Call(vary, kS73, 101, kS74, 201, resync, {{"result", "mismatch"}, {"stamp", "S2"}, {"startup", "U3"}});
  EXPECT_EQ(Explain(vary), "accepted");
  Trace access = t;
  json access_request = resync;
  access_request["mode"] = "access";
  Call(access, kS73, 101, kS74, 201, access_request, {{"result", "mismatch"}, {"stamp", "S2"}, {"startup", "U3"}});
  EXPECT_EQ(PropertyOf(access), "RS-3 at answer_sent");
  Trace withdrawn = t;  // a resync that succeeded lifts the fence
  withdrawn.push_back(L(kS74, 201, "record_forced", {{"type", "partner"}, {"record_seq", 4},
                                                     {"partner", kS73}, {"stamp", "S7"},
                                                     {"startup", "U7"}}));
  withdrawn.push_back(L(kS74, 201, "prompt_withdrawn", {{"partner", kS73}}));
  withdrawn.push_back(L(kS74, 201, "request_sent", {{"to", kS73}, {"request", Stamped({{"op", "remote_read"}, {"key", "k"}}, kS74, "S2", "U3")}}));
  EXPECT_EQ(Explain(withdrawn), "accepted");
}

// IGNORE: the record saves the NEW stamp, the branch is ManualPending, completed by hand.
Trace Ignored() {
  Trace t = Prompted();
  t.push_back(L(kS74, 201, "reply_taken", {{"partner", kS73}, {"action", "ignore"}, {"dtrids", {kD}}}));
  t.push_back(L(kS74, 201, "record_forced", {{"type", "ignore"}, {"record_seq", 4}, {"partner", kS73},
                                             {"stamp", "S7"}, {"startup", "U7"}}));
  t.push_back(L(kS74, 201, "completed_by_hand", {{"dtrid", kD}, {"action", "backout"}}));
  t.push_back(L(kS74, 201, "record_forced", {{"type", "manual"}, {"record_seq", 5}, {"dtrid", kD},
                                             {"outcome", "backout"}}));
  return t;
}

TEST(RsEventModel, IgnoreSavesTheNewStampAndCompletionIsByHand) {
  Trace t = Ignored();
  Restart(t, kS74, 202, "S2", "U8", 1, 0);
  EXPECT_EQ(Explain(t), "accepted");
  Trace no_prompt = Ignored();
  no_prompt.erase(no_prompt.begin() + static_cast<long>(Find(no_prompt, kS74, "prompt_shown")));
  EXPECT_EQ(PropertyOf(no_prompt), "RS-4 at reply_taken");
  Trace wrong_stamp = Ignored();
  wrong_stamp[Find(wrong_stamp, kS74, "record_forced", [](const json& j) { return Typed(j, "ignore"); })]
      .json["stamp"] = "S1";
  EXPECT_EQ(PropertyOf(wrong_stamp), "RS-4 at record_forced");
  Trace not_ignored = Ignored();  // without IGNORE the branch is InDoubt: no completion by hand
  not_ignored = Without(not_ignored, Find(not_ignored, kS74, "record_forced",
                                          [](const json& j) { return Typed(j, "ignore"); }));
  EXPECT_EQ(PropertyOf(not_ignored), "RS-4 at record_forced");
}

// ---- RS-5 recycle detection --------------------------------------------------------------

TEST(RsEventModel, AServedRequestCarriesTheSavedStartup) {
  Trace t = TwoSystemsSynced();
  t.push_back(L(kS73, 100, "exiting", {{"status", 0}}));
  Restart(t, kS73, 101, "S1", "U9", 0, 0);  // recycled: new startup, same stamp
  const json read = Stamped({{"op", "remote_read"}, {"key", "k"}}, kS73, "S1", "U9");
  Trace refused = t;
  Call(refused, kS73, 101, kS74, 200, read, {{"result", "resync_needed"}});
  EXPECT_EQ(Explain(refused), "accepted");
  Trace served = t;
  Call(served, kS73, 101, kS74, 200, read, {{"result", "not_found"}});
  EXPECT_EQ(PropertyOf(served), "RS-5 at answer_sent");
}

TEST(RsEventModel, ARequestGoesOnlyToTheProcessWhoseStartupIsSaved) {
  Trace t = TwoSystemsSynced();
  const json read = Stamped({{"op", "remote_read"}, {"key", "k"}}, kS74, "S2", "U2");
  Trace known = t;
  known.push_back(L(kS74, 200, "request_sent", {{"to", kS73}, {"request", read}}));
  EXPECT_EQ(Explain(known), "accepted");
  t.push_back(L(kS73, 100, "exiting", {{"status", 0}}));
  Restart(t, kS73, 101, "S1", "U9", 0, 0);  // recycled: S74 must resync before asking it
  t.push_back(L(kS74, 200, "request_sent", {{"to", kS73}, {"request", read}}));
  EXPECT_EQ(PropertyOf(t), "RS-5 at request_sent");
}

// ---- TRACE-1 causality -------------------------------------------------------------------

TEST(RsEventModel, EveryMessageReceivedWasSent) {
  const Trace t = Committed();
  EXPECT_EQ(PropertyOf(Without(t, Find(t, kS73, "request_sent", [](const json& j) {
              return j["request"].value("op", "") == "prepare";
            }))),
            "TRACE-1 at request_received");
  Trace changed = t;
  changed[Find(changed, kS73, "answer_received", [](const json& j) {
    return j.value("op", "") == "prepare";
  })].json["answer"] = {{"vote", "no"}};
  EXPECT_EQ(PropertyOf(changed), "TRACE-1 at answer_received");
}

// Waits (docs/trace.md, "Overlaps counted"; RS-3's measured wait): a line at `micros` past a
// fixed second, so that intervals are exact.
TraceLine At(TraceLine line, int micros) {
  line.json["time"] = "2026-12-04T05:00:00." + std::string(6 - std::to_string(micros).size(), '0') +
                      std::to_string(micros) + "Z";
  return line;
}

TraceLine WaitLine(const std::string& event, int id, const std::string& why, int micros) {
  json fields{{"wait", id}, {"kind", "remote read"}};
  if (event != "wait_granted") fields["why"] = why;
  if (event == "wait_started") fields["wait_ms"] = 150;
  return At(L(kS74, 201, event, std::move(fields)), micros);
}

std::map<std::string, std::uint64_t> Overlaps(const Trace& t) {
  auto model = ResyncProtocol::MakeEventModel();
  for (const TraceLine& line : t) EXPECT_EQ(model->Apply(line), std::nullopt) << line.Where();
  return model->Overlaps();
}

TEST(RsEventModel, AWaitIsRefusedNoEarlierThanItsWaitTime) {
  const std::string why = "lock timeout on k";
  Trace t = InDoubtAtS74();
  t.push_back(WaitLine("wait_started", 7, why, 0));
  Trace in_time = t;
  in_time.push_back(WaitLine("wait_refused", 7, why, 150'000));
  EXPECT_EQ(Explain(in_time), "accepted");
  Trace early = t;
  early.push_back(WaitLine("wait_refused", 7, why, 100'000));
  EXPECT_EQ(PropertyOf(early), "RS-3 at wait_refused");
  EXPECT_NE(Explain(early).find("after 100 ms, before its wait time of 150 ms"), std::string::npos)
      << Explain(early);
  Trace granted = t;  // a grant may come at any time
  granted.push_back(WaitLine("wait_granted", 7, why, 10));
  EXPECT_EQ(Explain(granted), "accepted");
}

TEST(RsEventModel, WaitsAreCountedByWhatTheyWaitFor) {
  const std::string lock = "lock timeout on k";
  const std::string fence = "fenced: resynchronization with SYSTEM73 pending";
  Trace t = Prompted();
  t.push_back(WaitLine("wait_started", 7, lock, 0));
  t.push_back(WaitLine("wait_refused", 7, lock, 200'000));
  t.push_back(WaitLine("wait_started", 8, fence, 200'000));
  t.push_back(WaitLine("wait_started", 9, fence, 200'000));
  t.push_back(WaitLine("wait_refused", 9, fence, 400'000));  // before the reply: not released
  t.push_back(L(kS74, 201, "reply_taken", {{"partner", kS73}, {"action", "ignore"}, {"dtrids", {kD}}}));
  t.push_back(WaitLine("wait_granted", 8, fence, 400'100));
  EXPECT_EQ(Overlaps(t), (std::map<std::string, std::uint64_t>{{"fenced_waits", 2},
                                                              {"lock_timeouts", 1},
                                                              {"lock_waits", 1},
                                                              {"waits_released_by_reply", 1}}));
}

}  // namespace
}  // namespace lockstep::harness::rs
