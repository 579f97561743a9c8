// The harness gives every role of a case a trace (docs/trace.md): the drivers of both protocols
// pass --trace <case dir>/traces/<role>.jsonl, the traces exist and validate while the case
// runs, and they go with the case directory when it is removed.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "harness/os/sandbox.h"
#include "harness/property/checked_step.h"
#include "harness/resync/rs_protocol.h"
#include "harness/state_transfer/st_protocol.h"
#include "model/resync/command_text.h"
#include "model/state_transfer/command_text.h"
#include "reports/trace_schema.h"
#include "tests/support/test_env.h"

namespace lockstep::harness {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Runs `steps` (Describe() texts) on a fresh case of protocol P through the step pipeline;
// returns the events of each role's trace, by role, read while the case still runs. Every
// line must validate. Afterwards the case directory is removed, traces included. The case
// record is `*record` when given.
template <class P, class Parse>
std::map<std::string, std::vector<std::string>> RunCase(const std::vector<std::string>& steps,
                                                        Parse parse, CaseRecord* out = nullptr) {
  std::map<std::string, std::vector<std::string>> events;
  auto sandbox = Sandbox::Create();
  EXPECT_TRUE(sandbox) << sandbox.error().message;
  if (!sandbox) return events;
  typename P::Settings settings;
  settings.impl_dir = testing::BinDir();
  CaseRecord local;
  CaseRecord& record = out ? *out : local;
  auto system = P::MakeSystem(*sandbox, "case-traces", settings, &record);
  EXPECT_TRUE(system) << system.error().message;
  if (!system) return events;
  auto state = P::Initial(settings);
  for (const std::string& text : steps) {
    auto command = parse(text);
    EXPECT_TRUE(command) << text;
    if (!command) return events;
    auto step = CheckedStep<P>(**system, state, *command, settings);
    EXPECT_TRUE(step && !step->violation) << text;
  }
  const fs::path dir = (*system)->trace_dir();
  EXPECT_EQ(dir, sandbox->dir() / "case-traces" / "traces");
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::ifstream in(entry.path());
    for (std::string line; std::getline(in, line);) {
      const json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
      const Status valid = reports::ValidateTraceLine(j);
      EXPECT_TRUE(valid) << entry.path() << ": " << (valid ? "" : valid.error().message);
      events[entry.path().stem().string()].push_back(j.value("event", ""));
    }
  }
  system->reset();
  EXPECT_TRUE(sandbox->RemoveDir("case-traces"));
  EXPECT_FALSE(fs::exists(dir));
  return events;
}

bool Has(const std::vector<std::string>& events, const std::string& event) {
  return std::find(events.begin(), events.end(), event) != events.end();
}

TEST(CaseTraces, StateTransferDriverTracesEveryRole) {
  const auto events = RunCase<StateTransferProtocol>(
      {"Start(A)", "Submit(set k0=v0)", "Start(B)", "Submit(set k1=v1)"},
      [](const std::string& t) { return model::st::ParseCommand(t); });
  ASSERT_EQ(events.size(), 3u);
  EXPECT_TRUE(Has(events.at("mds"), "transfer_started"));
  EXPECT_TRUE(Has(events.at("logger-A"), "state_sent"));
  EXPECT_TRUE(Has(events.at("logger-B"), "state_applied"));
  EXPECT_TRUE(Has(events.at("logger-B"), "ack_sent"));
}

// Overlaps counted (docs/trace.md): a Start whose inputs were submitted while its transfer was
// held counts once as an overlapping command, beside the queue the traces showed; a case
// without one counts none.
TEST(CaseTraces, AStartWithInputsHeldInItsTransferCountsAsAnOverlappingCommand) {
  const auto parse = [](const std::string& t) { return model::st::ParseCommand(t); };
  CaseRecord record;
  const auto events = RunCase<StateTransferProtocol>(
      {"Start(A)", "Submit(set k0=v0)", "Start(B, inputs=[set k1=a, del k0])"}, parse, &record);
  EXPECT_TRUE(Has(events.at("mds"), "input_queued"));
  EXPECT_EQ(record.overlaps["overlapping_commands.Start(inputs)"], 1u);
  EXPECT_EQ(record.overlaps["inputs_queued_in_transfer"], 2u);
  EXPECT_EQ(record.overlaps["queued_inputs_applied"], 2u);

  EXPECT_FALSE(record.overlaps.contains("overlapping_commands.Start(inputs, sender temp fault)"));
  EXPECT_FALSE(record.overlaps.contains("overlapping_commands.Start(inputs, receiver crash armed)"));

  CaseRecord quiet;
  RunCase<StateTransferProtocol>({"Start(A)", "Submit(set k0=v0)", "Start(B)"}, parse, &quiet);
  EXPECT_FALSE(quiet.overlaps.contains("overlapping_commands.Start(inputs)"));
  EXPECT_EQ(quiet.overlaps["inputs_queued_in_transfer"], 0u);
}

// The sub-kinds: the inputs queued while the sender's temp directory is full (the transfer
// fails with a queue), and while the receiver has a crash point armed.
TEST(CaseTraces, AStartWithInputsCountsItsSubKinds) {
  const auto parse = [](const std::string& t) { return model::st::ParseCommand(t); };
  CaseRecord full;
  RunCase<StateTransferProtocol>({"Start(A)", "Submit(set k0=v0)", "InjectFault(A, temp, disk-full)",
                                  "Start(B, inputs=[set k1=a])"},
                                 parse, &full);
  EXPECT_EQ(full.overlaps["overlapping_commands.Start(inputs)"], 1u);
  EXPECT_EQ(full.overlaps["overlapping_commands.Start(inputs, sender temp fault)"], 1u);
  CaseRecord crash;
  RunCase<StateTransferProtocol>({"Start(A)", "Submit(set k0=v0)",
                                  "Start(B, crash=receiver.mid_apply, inputs=[set k1=a])"},
                                 parse, &crash);
  EXPECT_EQ(crash.overlaps["overlapping_commands.Start(inputs)"], 1u);
  EXPECT_EQ(crash.overlaps["overlapping_commands.Start(inputs, receiver crash armed)"], 1u);
}

const auto ParseRs = [](const std::string& t) { return model::rs::ParseCommand(t); };

// The spec's scenario up to SYSTEM74's prompt about SYSTEM73 (txn 1, k1=v1, in doubt at
// SYSTEM74; SYSTEM73 reformatted and restarted), then `then`.
std::vector<std::string> PromptAtSystem74(std::vector<std::string> then) {
  std::vector<std::string> steps{"Start(SYSTEM73, journal-1, crash=coord.after_commit_record)",
                                 "Start(SYSTEM74, journal-1)",
                                 "Transaction(SYSTEM73: SYSTEM74{k1=v1})",
                                 "Format(SYSTEM73, journal-1)", "Start(SYSTEM73, journal-1)"};
  steps.insert(steps.end(), then.begin(), then.end());
  return steps;
}

// A read held at its fenced wait while the operator's IGNORE is given counts once as an
// overlapping command, and the trace shows the wait released by the reply.
TEST(CaseTraces, AReadReleasedByAReplyDuringItsWaitCountsAsAnOverlappingCommand) {
  CaseRecord record;
  RunCase<ResyncProtocol>(
      PromptAtSystem74({"Read(SYSTEM73, k1, via=SYSTEM74, reply=ignore)"}), ParseRs, &record);
  EXPECT_EQ(record.overlaps["overlapping_commands.Read(reply)"], 1u);
  EXPECT_EQ(record.overlaps["fenced_waits"], 1u);
  EXPECT_EQ(record.overlaps["waits_released_by_reply"], 1u);
}

// A read held at its lock wait while the operator completes the ManualPending branch holding
// the lock counts once as an overlapping command; the trace shows the lock wait granted.
TEST(CaseTraces, AReadReleasedByACompletionDuringItsLockWaitCountsAsAnOverlappingCommand) {
  CaseRecord record;
  RunCase<ResyncProtocol>(
      PromptAtSystem74({"Reply(SYSTEM74, SYSTEM73, ignore)",
                        "Read(SYSTEM74, k1, via=SYSTEM74, complete=commit of txn 1)"}),
      ParseRs, &record);
  EXPECT_EQ(record.overlaps["overlapping_commands.Read(complete)"], 1u);
  EXPECT_EQ(record.overlaps["lock_waits"], 1u);
  EXPECT_EQ(record.overlaps["lock_waits_granted"], 1u);
  EXPECT_EQ(record.overlaps["lock_timeouts"], 0u);
}

TEST(CaseTraces, ResyncDriverTracesEveryRole) {
  const auto events = RunCase<ResyncProtocol>(
      {"Start(SYSTEM73, journal-1)", "Start(SYSTEM74, journal-1)",
       "Transaction(SYSTEM73: SYSTEM74{k1=v1})"},
      [](const std::string& t) { return model::rs::ParseCommand(t); });
  ASSERT_EQ(events.size(), 2u);
  EXPECT_TRUE(Has(events.at("SYSTEM73"), "commit_decided"));
  EXPECT_TRUE(Has(events.at("SYSTEM74"), "vote"));
}

}  // namespace
}  // namespace lockstep::harness
