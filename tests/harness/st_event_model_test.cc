// The state-transfer event model (harness/state_transfer/st_event_model.h): a hand-built trace
// of a correct simplex start, input and transfer is explained line by line; each rule rejects
// the same trace with one line removed, moved or changed, naming its property; a killed life
// leaves both databases possible until the next start says which.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/state_transfer/st_event_model.h"

namespace lockstep::harness::st {
namespace {

using nlohmann::json;
using trace::TraceLine;

// One line of process `process` (pid by role, seq and clock left to the model's indifference).
TraceLine L(const std::string& process, const std::string& event, json fields = json::object(),
            long pid = 0) {
  TraceLine line;
  line.process = process;
  line.pid = pid ? pid : static_cast<long>(std::hash<std::string>{}(process) % 1000 + 1);
  line.event = event;
  line.json = std::move(fields);
  line.json["event"] = event;
  line.file = process + ".jsonl";
  return line;
}

// B starts alone, takes input 1, A starts and gets it by a transfer, input 2 goes to both.
std::vector<TraceLine> CorrectTrace() {
  return {
      L("mds", "started"),
      L("mds", "keys_loaded", {{"high_water_key", 0}, {"last_assigned_key", 0}}),
      L("logger-B", "started"),
      L("logger-B", "database_loaded", {{"last_update_key", 0}, {"rows", 0}, {"checksum", "x"}}),
      L("logger-B", "register_sent", {{"last_update_key", 0}}),
      L("mds", "register_received", {{"side", "B"}, {"last_update_key", 0}, {"high_water_key", 0}}),
      L("mds", "decision", {{"side", "B"}, {"decision", "simplex"}, {"last_update_key", 0},
                            {"high_water_key", 0}, {"peer_state", "down"}}),
      L("mds", "enter_service_sent", {{"side", "B"}, {"simplex", true}}),
      L("logger-B", "service_entered", {{"last_update_key", 0}, {"checksum", "x"}}),
      L("mds", "in_service_received", {{"side", "B"}, {"last_update_key", 0}}),
      L("mds", "assigned", {{"update_key", 1}}),
      L("mds", "input_sent", {{"side", "B"}, {"update_key", 1}, {"queued", false}}),
      L("logger-B", "input_received", {{"update_key", 1}, {"kind", "set"}, {"key", "k"}, {"value", "v"}}),
      L("logger-B", "input_durable", {{"update_key", 1}}),
      L("logger-B", "ack_sent", {{"update_key", 1}}),
      L("mds", "ack_received", {{"side", "B"}, {"update_key", 1}}),
      L("mds", "high_water_raised", {{"high_water_key", 1}}),
      L("mds", "submit_answered", {{"result", "ok"}, {"update_key", 1}}),
      L("logger-A", "started"),
      L("logger-A", "database_loaded", {{"last_update_key", 0}, {"rows", 0}, {"checksum", "y"}}),
      L("mds", "register_received", {{"side", "A"}, {"last_update_key", 0}, {"high_water_key", 1}}),
      L("mds", "transfer_started", {{"transfer", 1}, {"sender", "B"}, {"receiver", "A"},
                                    {"receiver_key", 0}, {"upto", 1}, {"attempt", 1}}),
      L("logger-A", "receiving", {{"upto", 1}}),
      L("logger-B", "send_state_received", {{"transfer", 1}, {"receiver", "A"}, {"receiver_key", 0}, {"upto", 1}}),
      L("logger-B", "temp_file_created", {{"transfer", 1}, {"path", "/t/1"}}),
      L("logger-B", "temp_file_written", {{"transfer", 1}, {"path", "/t/1"}, {"bytes", 9}}),
      L("logger-B", "state_sent", {{"transfer", 1}, {"receiver", "A"}, {"mode", "full"}, {"upto", 1},
                                   {"entries", 0}, {"memory_keys", 1}}),
      L("logger-B", "temp_file_deleted", {{"transfer", 1}, {"path", "/t/1"}}),
      L("mds", "state_forwarded", {{"transfer", 1}, {"sender", "B"}, {"receiver", "A"}, {"mode", "full"},
                                   {"entries", 0}, {"upto", 1}, {"queued", 0}}),
      L("mds", "enter_service_sent", {{"side", "A"}, {"simplex", false}}),
      L("logger-A", "state_received", {{"transfer", 1}, {"mode", "full"}, {"upto", 1}}),
      L("logger-A", "state_staged", {{"transfer", 1}}),
      L("logger-A", "state_applied", {{"transfer", 1}, {"mode", "full"}, {"upto", 1},
                                      {"last_update_key", 1}, {"checksum", "z"}}),
      L("logger-A", "service_entered", {{"last_update_key", 1}, {"checksum", "z"}}),
      L("mds", "in_service_received", {{"side", "A"}, {"last_update_key", 1}}),
      L("mds", "assigned", {{"update_key", 2}}),
      L("mds", "input_sent", {{"side", "A"}, {"update_key", 2}, {"queued", false}}),
      L("mds", "input_sent", {{"side", "B"}, {"update_key", 2}, {"queued", false}}),
      L("logger-A", "input_received", {{"update_key", 2}, {"kind", "del"}, {"key", "k"}, {"value", ""}}),
      L("logger-A", "input_durable", {{"update_key", 2}}),
      L("logger-A", "ack_sent", {{"update_key", 2}}),
      L("logger-B", "input_received", {{"update_key", 2}, {"kind", "del"}, {"key", "k"}, {"value", ""}}),
      L("logger-B", "input_durable", {{"update_key", 2}}),
      L("logger-B", "ack_sent", {{"update_key", 2}}),
      L("mds", "high_water_raised", {{"high_water_key", 2}}),
      L("mds", "submit_answered", {{"result", "ok"}, {"update_key", 2}}),
  };
}

// The first line of `lines` the model does not explain: its index and the violation.
struct Verdict {
  int at = -1;
  std::string property, message;
};
Verdict Replay(const std::vector<TraceLine>& lines) {
  auto model = MakeStEventModel();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (auto v = model->Apply(lines[i])) return {static_cast<int>(i), v->property_id, v->message};
  }
  return {};
}

int IndexOf(const std::vector<TraceLine>& lines, const std::string& process,
            const std::string& event, int nth = 1) {
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].process == process && lines[i].event == event && --nth == 0) {
      return static_cast<int>(i);
    }
  }
  ADD_FAILURE() << process << " " << event << " not in the trace";
  return 0;
}

TEST(StEventModel, ExplainsACorrectTrace) {
  const Verdict v = Replay(CorrectTrace());
  EXPECT_EQ(v.at, -1) << v.property << ": " << v.message;
}

// ST-6 measured (st_event_model.h): logger A's lines from `receiving` on get times `ms` apart
// from it; the receiving line says a timeout of 250 ms (tolerance 125 ms).
std::vector<TraceLine> TimedFromReceiving(std::vector<TraceLine> lines, int at_ms,
                                          const std::string& event) {
  const int receiving = IndexOf(lines, "logger-A", "receiving");
  lines[receiving].json["timeout_ms"] = 250;
  lines[receiving].json["time"] = "2026-12-04T05:00:00.000000Z";
  const int later = IndexOf(lines, "logger-A", event);
  lines[later].json["time"] = "2026-12-04T05:00:0" + std::to_string(at_ms / 1000) + "." +
                              std::to_string(1000000 + at_ms % 1000 * 1000).substr(1) + "Z";
  return lines;
}

// Logger A's `event` 370 ms after its `receiving` (timeout 250 ms, tolerance 125 ms) is in
// time; 500 ms after, it breaks `property`, the message saying what the receiver was `doing`.
void ExpectLateReceiverLineBreaks(const std::string& event, const std::string& property,
                                  const std::string& doing) {
  EXPECT_EQ(Replay(TimedFromReceiving(CorrectTrace(), 370, event)).at, -1)
      << event << " within the timeout plus the tolerance";
  const Verdict v = Replay(TimedFromReceiving(CorrectTrace(), 500, event));
  EXPECT_EQ(v.property, property) << event;
  EXPECT_NE(v.message.find("receiving for 500 ms " + doing +
                           ", past its timeout of 250 ms plus the tolerance of 125 ms"),
            std::string::npos)
      << v.message;
}

TEST(StEventModel, AReceiverThatAppliesItsStatePastItsTimeoutBreaksST6) {
  ExpectLateReceiverLineBreaks("state_applied", "ST-6", "without asserting");
}

// ST-5 measured: the state applied in time, the receiver enters service late.
TEST(StEventModel, AReceiverThatEntersServicePastItsTimeoutBreaksST5) {
  ExpectLateReceiverLineBreaks("service_entered", "ST-5", "before entering service");
}

// The report states each measured rule's tolerance (docs/trace.md, "Timing tolerances"): a
// receiving line with a timeout of 250 ms makes both receiver rules allow 125 ms.
TEST(StEventModel, StatesTheTolerancesOfTheReceiverRulesItApplied) {
  auto model = MakeStEventModel();
  EXPECT_TRUE(model->TolerancesMs().empty()) << "nothing measured yet";
  for (const TraceLine& line : TimedFromReceiving(CorrectTrace(), 100, "service_entered")) {
    ASSERT_FALSE(model->Apply(line));
  }
  EXPECT_EQ(model->TolerancesMs(),
            (std::map<std::string, std::uint64_t>{{"ST-5 receiver in service past its timeout", 125},
                                                  {"ST-6 receiver past its timeout", 125}}));
}

TEST(StEventModel, AReceiverThatAssertsLateBreaksST6) {
  std::vector<TraceLine> lines = CorrectTrace();
  lines.resize(IndexOf(lines, "logger-A", "receiving") + 1);
  lines.push_back(L("logger-A", "waiting"));
  lines.push_back(L("logger-A", "receiver_assert", {{"timeout_ms", 250}}));
  EXPECT_EQ(Replay(TimedFromReceiving(lines, 300, "receiver_assert")).at, -1);
  EXPECT_EQ(Replay(TimedFromReceiving(lines, 600, "receiver_assert")).property, "ST-6");
  EXPECT_EQ(Replay(TimedFromReceiving(lines, 600, "waiting")).property, "ST-6")
      << "still waiting, long past its timeout";
  EXPECT_EQ(Replay(lines).at, -1) << "lines without times are not measured";
}

TEST(StEventModel, AnAckBeforeItsInputIsDurableBreaksST2) {
  auto lines = CorrectTrace();
  const int durable = IndexOf(lines, "logger-B", "input_durable");
  std::swap(lines[durable], lines[durable + 1]);  // ack_sent first
  const Verdict v = Replay(lines);
  EXPECT_EQ(v.at, durable);
  EXPECT_EQ(v.property, "ST-2") << v.message;
  EXPECT_NE(v.message.find("before making it durable"), std::string::npos) << v.message;
}

TEST(StEventModel, RaisingTheHighWaterKeyBeforeASideInServiceHoldsItBreaksST2) {
  auto lines = CorrectTrace();
  const int raised = IndexOf(lines, "mds", "high_water_raised", 2);
  const int b_received = IndexOf(lines, "logger-B", "input_received", 2);
  lines.erase(lines.begin() + b_received, lines.begin() + b_received + 3);  // B never makes 2 durable
  const Verdict v = Replay(lines);
  EXPECT_EQ(v.at, raised - 3);
  EXPECT_EQ(v.property, "ST-2") << v.message;
  EXPECT_NE(v.message.find("side B"), std::string::npos) << v.message;
}

TEST(StEventModel, AnswerOkAboveTheHighWaterKeyBreaksST2) {
  auto lines = CorrectTrace();
  const int raised = IndexOf(lines, "mds", "high_water_raised");
  lines.erase(lines.begin() + raised);
  EXPECT_EQ(Replay(lines).property, "ST-2");
}

TEST(StEventModel, SimplexBehindTheHighWaterKeyBreaksST3) {
  auto lines = CorrectTrace();
  const int reg = IndexOf(lines, "mds", "register_received", 2);
  lines[reg + 1] = L("mds", "decision", {{"side", "A"}, {"decision", "simplex"}, {"last_update_key", 0},
                                         {"high_water_key", 1}, {"peer_state", "down"}});
  const Verdict v = Replay(lines);
  EXPECT_EQ(v.at, reg + 1);
  EXPECT_EQ(v.property, "ST-3") << v.message;
}

TEST(StEventModel, AReceiverInServiceBeforeItsStateIsAppliedBreaksST7) {
  auto lines = CorrectTrace();
  const int entered = IndexOf(lines, "logger-A", "service_entered");
  const int received = IndexOf(lines, "logger-A", "state_received");
  TraceLine early = lines[entered];
  early.json["last_update_key"] = 0;
  lines.erase(lines.begin() + entered);
  lines.insert(lines.begin() + received, early);
  const Verdict v = Replay(lines);
  EXPECT_EQ(v.at, received);
  EXPECT_EQ(v.property, "ST-7") << v.message;
  EXPECT_NE(v.message.find("before its state was applied"), std::string::npos) << v.message;
}

TEST(StEventModel, AStateSentBeforeItsMemoryFileIsWrittenBreaksST7) {
  auto lines = CorrectTrace();
  lines.erase(lines.begin() + IndexOf(lines, "logger-B", "temp_file_written"));
  EXPECT_EQ(Replay(lines).property, "ST-7");
}

TEST(StEventModel, AnInputTheMdsNeverSentBreaksST7) {
  auto lines = CorrectTrace();
  lines.erase(lines.begin() + IndexOf(lines, "mds", "input_sent"));
  const Verdict v = Replay(lines);
  EXPECT_EQ(v.property, "ST-7");
  EXPECT_NE(v.message.find("never sent"), std::string::npos) << v.message;
}

TEST(StEventModel, AFailedTransferLeavingItsTempFileOrWithAnotherErrnoBreaksST4) {
  auto lines = CorrectTrace();
  const int sent = IndexOf(lines, "logger-B", "state_sent");
  lines.resize(sent);  // after temp_file_written: the send fails instead
  lines.push_back(L("logger-B", "transfer_failed_sent", {{"transfer", 1}, {"errno", 28}, {"cause", "full"}}));
  Verdict v = Replay(lines);
  EXPECT_EQ(v.property, "ST-4") << v.message;
  EXPECT_NE(v.message.find("leaving its temp file /t/1"), std::string::npos) << v.message;
  lines.insert(lines.end() - 1, L("logger-B", "temp_file_deleted", {{"transfer", 1}, {"path", "/t/1"}}));
  EXPECT_EQ(Replay(lines).at, -1);
  lines.back().json["errno"] = 5;
  EXPECT_EQ(Replay(lines).property, "ST-4");
}

// A life killed between input_received and input_durable may have made the input durable or
// not: the next start may load either, and nothing else.
TEST(StEventModel, AKilledLifeLeavesBothDatabasesPossible) {
  auto base = CorrectTrace();
  base.resize(IndexOf(base, "logger-B", "input_durable"));  // B killed after input_received 1
  for (const int loaded : {0, 1, 2}) {
    auto lines = base;
    lines.push_back(L("logger-B", "started", json::object(), 4242));
    lines.push_back(L("logger-B", "database_loaded",
                      {{"last_update_key", loaded}, {"rows", 0}, {"checksum", "x"}}, 4242));
    const Verdict v = Replay(lines);
    if (loaded < 2) {
      EXPECT_EQ(v.at, -1) << "loaded " << loaded << ": " << v.message;
    } else {
      EXPECT_EQ(v.property, "ST-7") << v.message;
      EXPECT_NE(v.message.find("{0, 1}"), std::string::npos) << v.message;
    }
  }
}

// An offline synchronize is a harness line: the synced side may then load the source's key.
TEST(StEventModel, AnOfflineSyncMakesTheSourcesDatabaseTheTargets) {
  auto lines = CorrectTrace();
  lines.resize(IndexOf(lines, "logger-A", "started"));
  lines.push_back(L("harness", "offline_sync", {{"from", "B"}, {"to", "A"}, {"role", "logger-A"}}));
  lines.push_back(L("logger-A", "started"));
  lines.push_back(L("logger-A", "database_loaded", {{"last_update_key", 1}, {"rows", 1}, {"checksum", "x"}}));
  EXPECT_EQ(Replay(lines).at, -1);
  lines.erase(lines.end() - 3);  // without the sync, key 1 is not A's
  EXPECT_EQ(Replay(lines).property, "ST-7");
}

}  // namespace
}  // namespace lockstep::harness::st
