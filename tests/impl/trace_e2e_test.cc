// End-to-end tests of the event traces (docs/trace.md): the real `mds`, `logger` and `txsys`
// processes run with --trace (StCluster, RsCluster), and their traces are read back. Every line
// of every process must satisfy the schema, the sequence numbers of each process life must be
// 1..n without gaps, and the events of a state transfer, of inputs and of a resync exchange must
// appear in an order consistent with causality by the Lamport clock. Also: a bad --trace is
// refused with a message naming it, leaving nothing behind; and a hold at a traced action
// stops the process right after its line.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "harness/control/control_client.h"
#include "harness/os/deadline.h"
#include "reports/trace_schema.h"
#include "tests/impl/rs_cluster.h"
#include "tests/impl/st_cluster.h"

namespace lockstep::testing {
namespace {

namespace fs = std::filesystem;
using harness::PollUntil;
using nlohmann::json;
using std::chrono::seconds;

// The traces of one directory, one file per role, each line parsed.
class Traces {
 public:
  explicit Traces(const fs::path& dir) {
    for (const auto& entry : fs::directory_iterator(dir)) {
      std::ifstream in(entry.path());
      std::vector<json>& lines = files_[entry.path().stem().string()];
      for (std::string line; std::getline(in, line);) {
        json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
        EXPECT_TRUE(j.is_object()) << entry.path() << ": not a JSON object: " << line;
        if (j.is_object()) lines.push_back(std::move(j));
      }
    }
  }

  // Every line validates; per file, each life (a run of lines with one pid) starts with
  // `started` at seq 1 and counts up by one, and the clock only grows, across lives too.
  void ExpectWellFormed() const {
    std::size_t total = 0;
    for (const auto& [role, lines] : files_) {
      EXPECT_FALSE(lines.empty()) << role;
      long pid = 0;
      std::uint64_t seq = 0, clock = 0;
      for (const json& line : lines) {
        ++total;
        const Status valid = reports::ValidateTraceLine(line);
        EXPECT_TRUE(valid) << role << ": " << valid.error().message << "\n" << line.dump();
        EXPECT_EQ(line.value("process", ""), role) << line.dump();
        if (line["pid"].get<long>() != pid) {
          pid = line["pid"].get<long>();
          seq = 0;
          EXPECT_EQ(line["event"], "started") << role << ": a life starts with started";
        }
        EXPECT_EQ(line["seq"].get<std::uint64_t>(), seq + 1) << role << ": " << line.dump();
        seq = line["seq"].get<std::uint64_t>();
        EXPECT_GT(line["clock"].get<std::uint64_t>(), clock) << role << ": " << line.dump();
        clock = line["clock"].get<std::uint64_t>();
      }
    }
    EXPECT_GT(total, 0u);
  }

  const std::vector<json>& of(const std::string& role) const {
    static const std::vector<json> kNone;
    const auto it = files_.find(role);
    return it == files_.end() ? kNone : it->second;
  }
  // The first line of `role` with `event`, a clock above `after`, and the values `fields`
  // (a key starting with '/' is a JSON pointer into the line: "/request/op"); a test failure
  // and an empty object when there is none.
  json Find(const std::string& role, const std::string& event, const json& fields = {},
            std::uint64_t after = 0) const {
    for (const json& line : of(role)) {
      if (line["event"] != event || line["clock"].get<std::uint64_t>() <= after) continue;
      bool match = true;
      for (const auto& [k, v] : fields.items()) {
        const json::json_pointer at(k.starts_with("/") ? k : "/" + k);
        match = match && line.contains(at) && line[at] == v;
      }
      if (match) return line;
    }
    ADD_FAILURE() << role << " has no " << event << " " << fields.dump() << " after clock "
                  << after;
    return json::object();
  }
  std::size_t Count(const std::string& role, const std::string& event) const {
    std::size_t n = 0;
    for (const json& line : of(role)) n += line["event"] == event;
    return n;
  }

 private:
  std::map<std::string, std::vector<json>> files_;
};

std::uint64_t Clock(const json& line) { return line.value("clock", std::uint64_t{0}); }

// The last line the process `pid` wrote among `lines` (one role's trace over its restarts):
// for a process killed at a crash point, the event just before it. Null if it wrote none.
json LastLineOf(const std::vector<json>& lines, long pid) {
  json last;
  for (const json& line : lines) {
    if (line["pid"].get<long>() == pid) last = line;
  }
  return last;
}

// `events` happened in this order by the Lamport clock (each a line from Traces::Find).
void ExpectCausalOrder(const std::vector<json>& events) {
  for (std::size_t i = 1; i < events.size(); ++i) {
    EXPECT_LT(Clock(events[i - 1]), Clock(events[i]))
        << events[i - 1].dump() << "\n  should come before\n" << events[i].dump();
  }
}

// Every process of `c` traces into <case dir>/traces, which is returned.
template <class Cluster>
fs::path TraceInto(Cluster& c) {
  const fs::path dir = c.dir() / "traces";
  fs::create_directories(dir);
  c.TraceTo(dir);
  return dir;
}

// Starts the mds and side A with `variable`=`value` (a crash arming), up to in service.
void StartArmedSideA(StCluster& c, const std::string& variable, const std::string& value) {
  c.StartMds();
  LoggerOptions crash;
  crash.env[variable] = value;
  ASSERT_TRUE(c.StartLogger('A', crash));
  ASSERT_TRUE(c.WaitSideState('A', "in_service"));
}

TEST(StateTransferTrace, TransferAndInputsAreTracedInCausalOrder) {
  StCluster c;
  const fs::path dir = TraceInto(c);
  c.StartMds();
  ASSERT_TRUE(c.StartLogger('A'));
  ASSERT_TRUE(c.WaitSideState('A', "in_service"));
  ASSERT_EQ(c.Submit("a", "1")["result"], "ok");
  ASSERT_EQ(c.Submit("b", "2")["result"], "ok");
  ASSERT_TRUE(c.StartLogger('B'));
  ASSERT_TRUE(c.WaitSideState('B', "in_service"));
  c.WaitQuiet();
  const json third = c.Submit("c", "3");
  ASSERT_EQ(third["result"], "ok");
  c.WaitQuiet();

  const Traces t(dir);
  t.ExpectWellFormed();
  // Registration and the mds's decision.
  ExpectCausalOrder({t.Find("logger-B", "register_sent"),
                     t.Find("mds", "register_received", {{"side", "B"}}),
                     t.Find("mds", "decision", {{"side", "B"}, {"decision", "transfer"}})});
  // The transfer, from the mds over the sender to the receiver and back.
  const json started = t.Find("mds", "transfer_started", {{"sender", "A"}, {"receiver", "B"}});
  const json id = started.value("transfer", json());
  ExpectCausalOrder({t.Find("mds", "decision", {{"side", "B"}}), started,
                     t.Find("logger-A", "send_state_received", {{"transfer", id}}),
                     t.Find("logger-A", "database_synchronized", {{"transfer", id}}),
                     t.Find("logger-A", "temp_file_created", {{"transfer", id}}),
                     t.Find("logger-A", "temp_file_written", {{"transfer", id}}),
                     t.Find("logger-A", "state_sent", {{"transfer", id}, {"upto", 2}}),
                     t.Find("logger-A", "temp_file_deleted", {{"transfer", id}})});
  ExpectCausalOrder({t.Find("logger-A", "state_sent", {{"transfer", id}}),
                     t.Find("mds", "state_forwarded", {{"transfer", id}}),
                     t.Find("logger-B", "state_received", {{"transfer", id}}),
                     t.Find("logger-B", "state_staged", {{"transfer", id}}),
                     t.Find("logger-B", "state_applied", {{"transfer", id}, {"last_update_key", 2}}),
                     t.Find("logger-B", "service_entered", {{"last_update_key", 2}}),
                     t.Find("mds", "in_service_received", {{"side", "B"}})});
  EXPECT_EQ(t.Find("logger-B", "receiving").value("upto", -1), 2);
  // An input after the transfer, to both sides: assigned, delivered, durable, acknowledged.
  const json key = third["update_key"];
  const json assigned = t.Find("mds", "assigned", {{"update_key", key}});
  const json answered = t.Find("mds", "submit_answered", {{"result", "ok"}, {"update_key", key}});
  for (const char* side : {"A", "B"}) {
    const std::string logger = std::string("logger-") + side;
    ExpectCausalOrder({t.Find("mds", "submit_received", {{"key", "c"}}), assigned,
                       t.Find("mds", "input_sent", {{"side", side}, {"update_key", key}}),
                       t.Find(logger, "input_received", {{"update_key", key}, {"value", "3"}}),
                       t.Find(logger, "input_durable", {{"update_key", key}}),
                       t.Find(logger, "ack_sent", {{"update_key", key}}),
                       t.Find("mds", "ack_received", {{"side", side}, {"update_key", key}}),
                       answered});
  }
  EXPECT_EQ(t.Count("logger-A", "error") + t.Count("logger-B", "error") + t.Count("mds", "error"),
            0u);
}

// A killed logger's last action is in its trace, and its next life continues the file.
TEST(StateTransferTrace, CrashPointLeavesTheActionBeforeItInTheTrace) {
  StCluster c;
  const fs::path dir = TraceInto(c);
  ASSERT_NO_FATAL_FAILURE(StartArmedSideA(c, "LOCKSTEP_CRASH_POINT", "logger.input.after_durable"));
  c.Submit("a", "1");  // A dies before its ack
  ASSERT_TRUE(c.WaitExit('A', seconds(5)).has_value());
  ASSERT_TRUE(c.StartLogger('A'));
  ASSERT_TRUE(c.WaitSideState('A', "in_service"));
  c.WaitQuiet();

  const Traces t(dir);
  t.ExpectWellFormed();
  const std::vector<json>& a = t.of("logger-A");
  ASSERT_FALSE(a.empty());
  const long first_pid = a.front()["pid"].get<long>();
  const json last_of_first = LastLineOf(a, first_pid);
  EXPECT_EQ(last_of_first["event"], "input_durable") << last_of_first.dump();
  EXPECT_NE(t.Find("logger-A", "database_loaded", {{"last_update_key", 1}}).value("pid", 0L),
            first_pid);
}

// Every traced action is a crash point: armed at the 2nd `ack_sent`, the logger dies right
// after writing that line, so the second input is durable but never acknowledged by it.
TEST(StateTransferTrace, CrashAtActionKillsRightAfterTheHitThLineOfThatKind) {
  StCluster c;
  const fs::path dir = TraceInto(c);
  ASSERT_NO_FATAL_FAILURE(StartArmedSideA(c, "LOCKSTEP_CRASH_AT_ACTION", "ack_sent:2"));
  c.Submit("a", "1");
  c.Submit("b", "2");  // A dies after its trace line for this ack, before sending it
  ASSERT_TRUE(c.WaitExit('A', seconds(5)).has_value());
  c.WaitQuiet();

  const Traces t(dir);
  t.ExpectWellFormed();
  const std::vector<json>& a = t.of("logger-A");
  ASSERT_FALSE(a.empty());
  const json last = LastLineOf(a, a.front()["pid"].get<long>());
  EXPECT_EQ(last["event"], "ack_sent") << last.dump();
  EXPECT_EQ(last["update_key"], 2) << last.dump();
  EXPECT_EQ(t.Count("logger-A", "ack_sent"), 2u);
  EXPECT_EQ(t.Count("logger-A", "exiting"), 0u);  // killed, not exited
  EXPECT_EQ(t.Count("mds", "ack_received"), 1u);  // the second ack was never sent
}

// The state of process `pid` as /proc shows it ('T' stopped, 'S' sleeping, ...), '?' if gone.
char ProcState(long pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  std::getline(in, stat);
  const auto close = stat.rfind(')');
  return close == std::string::npos || close + 2 >= stat.size() ? '?' : stat[close + 2];
}

// A hold (impl/README.md, "Holding a process at an action"): armed at input_received, the
// logger stops itself right after that line, with the input accepted by the mds and not made
// durable; continued, it goes on and the input is answered.
TEST(StateTransferTrace, AHoldStopsTheProcessRightAfterTheArmedLineUntilContinued) {
  StCluster c;
  const fs::path dir = TraceInto(c);
  c.StartMds();
  ASSERT_TRUE(c.StartLogger('A'));
  ASSERT_TRUE(c.WaitSideState('A', "in_service"));
  auto armed = harness::Request(c.SideSocket('A'), {{"op", "hold"}, {"event", "input_received"}},
                                seconds(5));
  ASSERT_TRUE(armed) << armed.error().message;
  EXPECT_EQ(*armed, (json{{"result", "armed"}, {"event", "input_received"}}));
  const int pending = SendRequest(c.MdsSocket(), {{"op", "submit"}, {"kind", "set"}, {"key", "a"},
                                                  {"value", "1"}});
  ASSERT_GE(pending, 0);
  long pid = 0;
  ASSERT_TRUE(PollUntil([&] {
    const Traces t(dir);
    if (t.Count("logger-A", "input_received") == 0) return false;
    pid = t.Find("logger-A", "input_received", {{"update_key", 1}}).value("pid", 0L);
    return pid != 0 && ProcState(pid) == 'T';
  }, seconds(5))) << "logger A did not stop at its hold";
  EXPECT_EQ(Traces(dir).Count("logger-A", "input_durable"), 0u);
  EXPECT_EQ(c.MdsStatus().value("pending_inputs", 0), 1);
  c.Signal('A', SIGCONT);
  const auto answer = ReadAnswer(pending, seconds(5));
  ASSERT_TRUE(answer);
  EXPECT_EQ((*answer)["result"], "ok");
  EXPECT_EQ(Traces(dir).Count("logger-A", "input_durable"), 1u);
  EXPECT_EQ(c.MdsStatus().value("pending_inputs", -1), 0);
}

TEST(StateTransferTrace, AHoldIsRefusedWithoutAnEventOrATrace) {
  StCluster traced;
  TraceInto(traced);
  traced.StartMds();
  ASSERT_TRUE(traced.StartLogger('A'));
  ASSERT_TRUE(traced.WaitSideState('A', "in_service"));
  for (const json& bad : {json{{"op", "hold"}}, json{{"op", "hold"}, {"event", ""}},
                          json{{"op", "hold"}, {"event", 7}}}) {
    auto answer = harness::Request(traced.SideSocket('A'), bad, seconds(5));
    ASSERT_TRUE(answer) << answer.error().message;
    EXPECT_NE(answer->value("error", "").find("event"), std::string::npos) << answer->dump();
  }
  StCluster untraced;
  untraced.StartMds();
  ASSERT_TRUE(untraced.StartLogger('A'));
  ASSERT_TRUE(untraced.WaitSideState('A', "in_service"));
  auto answer = harness::Request(untraced.SideSocket('A'), {{"op", "hold"}, {"event", "waiting"}},
                                 seconds(5));
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_NE(answer->value("error", "").find("trace"), std::string::npos) << answer->dump();
}

TEST(ResyncTrace, TwoPhaseCommitAndResyncExchangeAreTracedInCausalOrder) {
  RsCluster c(2);
  const fs::path dir = TraceInto(c);
  const std::string k73 = "SYSTEM73", k74 = "SYSTEM74";
  TxOptions crash;
  crash.env["LOCKSTEP_CRASH_POINT"] = "coord.after_commit_record";
  ASSERT_TRUE(c.Start(k73, crash));
  ASSERT_TRUE(c.Start(k74));
  EXPECT_EQ(c.Txn(k73, {{k74, {{"a", "1"}}}, {k73, {{"b", "2"}}}}), json::object());
  ASSERT_TRUE(c.WaitExit(k73).has_value());
  EXPECT_EQ(c.WaitQuiet(k74)["branches"][0]["state"], "InDoubt");
  ASSERT_TRUE(c.Start(k73));  // resynchronizes at start: its COMMIT is outstanding with 74
  ASSERT_TRUE(PollUntil([&] { return c.Status(k73)["branches"][0]["ended"] == true; }, seconds(5)));
  c.WaitQuiet(k74);

  const Traces t(dir);
  t.ExpectWellFormed();
  const std::vector<json>& s73 = t.of(k73);
  ASSERT_FALSE(s73.empty());
  const long first_pid = s73.front()["pid"].get<long>();
  const json begun = t.Find(k73, "txn_begun");
  const json dtrid = begun.value("dtrid", json());
  // Two-phase commit up to the coordinator's crash right after its COMMIT record.
  ExpectCausalOrder({begun,
                     t.Find(k73, "request_sent", {{"to", k74}, {"/request/op", "prepare"}}),
                     t.Find(k74, "request_received", {{"from", k73}, {"/request/op", "prepare"}}),
                     t.Find(k74, "prepare_accepted", {{"dtrid", dtrid}}),
                     t.Find(k74, "record_forced", {{"type", "prepared"}, {"dtrid", dtrid}}),
                     t.Find(k74, "vote", {{"dtrid", dtrid}, {"vote", "yes"}}),
                     t.Find(k74, "answer_sent", {{"to", k73}, {"op", "prepare"}}),
                     t.Find(k73, "answer_received", {{"from", k74}, {"op", "prepare"}}),
                     t.Find(k73, "commit_decided", {{"dtrid", dtrid}}),
                     t.Find(k73, "record_forced", {{"type", "commit"}, {"dtrid", dtrid}})});
  const json last_of_first = LastLineOf(s73, first_pid);
  EXPECT_EQ(last_of_first["event"], "record_forced") << "the crash point follows the record";
  EXPECT_EQ(last_of_first.value("type", ""), "commit");
  // The resync exchange at the restart: 74 learns commit from 73's COMMIT record.
  // (Earlier resyncs of this case, at the first starts and before the transaction, are
  // looked past by the clock.)
  const json resync =
      t.Find(k73, "resync_started", {{"partner", k74}, {"mode", "start"}}, Clock(last_of_first));
  EXPECT_NE(resync.value("pid", 0L), first_pid);
  const std::uint64_t after = Clock(resync);
  ExpectCausalOrder(
      {last_of_first, resync,
       t.Find(k74, "resync_exchange", {{"partner", k73}, {"role", "responder"}}, after),
       t.Find(k74, "outcome_learned", {{"dtrid", dtrid}, {"outcome", "commit"}, {"via", "resync"}},
              after),
       t.Find(k74, "record_forced", {{"type", "outcome"}, {"dtrid", dtrid}}, after),
       t.Find(k74, "answer_sent", {{"to", k73}, {"op", "resync"}}, after),
       t.Find(k73, "resync_exchange", {{"partner", k74}, {"role", "initiator"}, {"result", "ok"}},
              after),
       // 74's resolution counts as its acknowledgement: END, before the resync is done.
       t.Find(k73, "record_forced", {{"type", "end"}, {"dtrid", dtrid}}, after),
       t.Find(k73, "resync_finished", {{"partner", k74}, {"outcome", "complete"}}, after)});
}

// A hold at wait_started on a txsys (impl/resync/README.md, "Holding a read at its wait"): the
// remote read waits on the fence of SYSTEM74's prompt about SYSTEM73; the process stops right
// after that line; the IGNORE sent meanwhile is taken once it is continued, in time to release
// the read, which then reads at SYSTEM73.
TEST(ResyncTrace, AReplyGivenWhileAReadIsHeldAtItsWaitReleasesIt) {
  RsCluster c(2);
  const fs::path dir = TraceInto(c);
  const std::string k73 = "SYSTEM73", k74 = "SYSTEM74";
  TxOptions crash;
  crash.env["LOCKSTEP_CRASH_POINT"] = "coord.before_commit_record";
  ASSERT_TRUE(c.Start(k73, crash));
  ASSERT_TRUE(c.Start(k74));
  EXPECT_EQ(c.Txn(k73, {{k74, {{"a", "1"}}}}), json::object());
  ASSERT_TRUE(c.WaitExit(k73).has_value());
  ASSERT_EQ(c.Format(k73), 0);
  ASSERT_TRUE(c.Start(k73));  // a new stamp: SYSTEM74, in doubt, prompts about SYSTEM73
  ASSERT_TRUE(PollUntil([&] { return c.WaitQuiet(k74)["prompts"].size() == 1; }, seconds(5)));

  auto armed = harness::Request(c.Socket(k74), {{"op", "hold"}, {"event", "wait_started"}},
                                seconds(5));
  ASSERT_TRUE(armed) << armed.error().message;
  ASSERT_EQ(armed->value("result", ""), "armed") << armed->dump();
  auto read = harness::PendingRequest::Send(c.Socket(k74),
                                            {{"op", "read"}, {"key", "b"}, {"at", k73}});
  ASSERT_TRUE(read) << read.error().message;
  long pid = 0;
  ASSERT_TRUE(PollUntil([&] {
    const Traces t(dir);
    if (t.Count(k74, "wait_started") == 0) return false;
    pid = t.Find(k74, "wait_started", {{"kind", "remote read"}}).value("pid", 0L);
    return pid != 0 && ProcState(pid) == 'T';
  }, seconds(5))) << "SYSTEM74 did not stop at its hold";
  EXPECT_FALSE(read->Ready()) << "the read waits";
  auto reply = harness::PendingRequest::Send(
      c.Socket(k74), {{"op", "reply"}, {"partner", k73}, {"action", "ignore"}});
  ASSERT_TRUE(reply) << reply.error().message;
  c.Signal(k74, SIGCONT);
  auto replied = reply->Answer(seconds(5));
  ASSERT_TRUE(replied) << replied.error().message;
  EXPECT_EQ(replied->value("result", ""), "ok") << replied->dump();
  auto answer = read->Answer(seconds(5));
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(answer->value("result", ""), "not_found") << "released, not fenced: " << answer->dump();

  const Traces t(dir);
  t.ExpectWellFormed();
  const json started = t.Find(k74, "wait_started", {{"kind", "remote read"}});
  EXPECT_TRUE(started.value("why", "").starts_with("fenced")) << started.dump();
  EXPECT_EQ(started.value("wait_ms", 0), TxOptions{}.lock_wait_ms) << started.dump();
  ExpectCausalOrder({started, t.Find(k74, "reply_taken", {{"partner", k73}, {"action", "ignore"}}),
                     t.Find(k74, "wait_granted", {{"wait", started.value("wait", json())}})});
  EXPECT_EQ(t.Count(k74, "wait_refused"), 0u);
}

// A hold that did not fire is disarmed: it reports what was armed, and nothing stops later.
TEST(ResyncTrace, ADisarmedHoldNeverFires) {
  RsCluster c(2);
  TraceInto(c);
  const std::string k73 = "SYSTEM73";
  ASSERT_TRUE(c.Start(k73));
  c.WaitQuiet(k73);
  auto armed = harness::Request(c.Socket(k73), {{"op", "hold"}, {"event", "read_answered"}},
                                seconds(5));
  ASSERT_TRUE(armed) << armed.error().message;
  auto disarmed = harness::Request(c.Socket(k73), {{"op", "disarm_hold"}}, seconds(5));
  ASSERT_TRUE(disarmed) << disarmed.error().message;
  EXPECT_EQ(*disarmed, (json{{"result", "disarmed"}, {"event", "read_answered"}}));
  EXPECT_EQ(c.Read(k73, "a")["result"], "not_found") << "answered: no hold stopped it";
  auto again = harness::Request(c.Socket(k73), {{"op", "disarm_hold"}}, seconds(5));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(*again, (json{{"result", "disarmed"}, {"event", nullptr}}));
}

// A lock wait at a participant: waiting, then granted, in order.
TEST(ResyncTrace, LockWaitsAreTraced) {
  RsCluster c(2);
  const fs::path dir = TraceInto(c);
  const std::string k73 = "SYSTEM73", k74 = "SYSTEM74";
  // An InDoubt branch at 74 holds key a: 73 dies before deciding.
  TxOptions crash;
  crash.env["LOCKSTEP_CRASH_POINT"] = "coord.before_commit_record";
  ASSERT_TRUE(c.Start(k73, crash));
  ASSERT_TRUE(c.Start(k74));
  EXPECT_EQ(c.Txn(k73, {{k74, {{"a", "1"}}}}), json::object());
  ASSERT_TRUE(c.WaitExit(k73).has_value());
  const json read = c.Read(k74, "a");  // waits for the lock, then times out
  EXPECT_EQ(read["result"], "lock_timeout") << read.dump();

  const Traces t(dir);
  t.ExpectWellFormed();
  const json started = t.Find(k74, "wait_started", {{"kind", "read"}});
  ExpectCausalOrder({started,
                     t.Find(k74, "wait_refused", {{"wait", started.value("wait", json())},
                                                  {"why", "lock timeout on a"}})});
}

// --trace naming a file that cannot be created: exit 1, a message naming --trace and the path
// with its errno, and no log file, trace or socket left behind.
TEST(TraceOption, AnUnwritableTraceIsRefusedAndLeavesNothing) {
  StCluster c;
  const fs::path bad = c.dir() / "no-such-dir" / "t.jsonl";
  const fs::path work = c.dir() / "bad-trace";
  fs::create_directories(work / "data");
  fs::create_directories(work / "temp");
  struct Binary {
    std::string name;
    std::vector<std::string> args;
  };
  const std::vector<Binary> binaries{
      {"mds", {"--socket", (work / "mds.sock").string(), "--data-dir", (work / "data").string(),
               "--log", (work / "mds.log").string()}},
      {"logger", {"--side", "A", "--mds", (work / "mds.sock").string(), "--socket",
                  (work / "A.sock").string(), "--data-dir", (work / "data").string(),
                  "--temp-dir", (work / "temp").string(), "--log", (work / "A.log").string()}},
      {"txsys", {"--name", "SYSTEM73", "--socket", (work / "73.sock").string(), "--data-dir",
                 (work / "data").string(), "--journal", (work / "journal").string(), "--log",
                 (work / "73.log").string(), "--partners", "SYSTEM74=" + (work / "74.sock").string()}},
  };
  for (const Binary& b : binaries) {
    std::vector<std::string> args = b.args;
    args.insert(args.end(), {"--trace", bad.string()});
    auto run = RunTool(BinDir() / b.name, args, work / (b.name + ".out"));
    ASSERT_TRUE(run) << run.error().message;
    EXPECT_EQ(run->exit.code, 1) << b.name << ": " << run->output;
    EXPECT_NE(run->output.find("argument --trace"), std::string::npos) << run->output;
    EXPECT_NE(run->output.find(bad.string()), std::string::npos) << run->output;
    EXPECT_NE(run->output.find("No such file or directory [2]"), std::string::npos)
        << run->output;
    fs::remove(work / (b.name + ".out"));
    // An empty value is a usage error (exit 2), like any argument without its value.
    args.back() = "";
    auto empty = RunTool(BinDir() / b.name, args, work / (b.name + ".out"));
    ASSERT_TRUE(empty) << empty.error().message;
    EXPECT_EQ(empty->exit.code, 2) << b.name << ": " << empty->output;
    EXPECT_NE(empty->output.find("--trace"), std::string::npos) << empty->output;
    fs::remove(work / (b.name + ".out"));
  }
  std::vector<std::string> left;
  for (const auto& entry : fs::recursive_directory_iterator(work)) {
    if (!entry.is_directory()) left.push_back(entry.path().string());
  }
  EXPECT_TRUE(left.empty()) << "left behind: " << ::testing::PrintToString(left);
}

}  // namespace
}  // namespace lockstep::testing
