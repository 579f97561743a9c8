// A transient violation: seeded bug in-service-before-apply makes a receiver report itself in
// service before its state is applied, and be whole again by the quiet point. The quiet-point
// checks alone (trace validation and crash-at-action off) cannot see it; trace validation
// alone catches it (ST-7), naming the trace line; and a default run catches it too.
#include <gtest/gtest.h>

#include <string>

#include "harness/os/sandbox.h"
#include "harness/property/property_runner.h"
#include "harness/state_transfer/st_protocol.h"
#include "tests/support/test_env.h"

namespace lockstep::harness {
namespace {

// Not scaled: every seed's first transfers happen within a few cases, and the run that must
// pass has to hold many transfers to mean anything.
StSettings TransientSettings(bool validate_traces, bool crash_at_action) {
  StSettings s;
  s.seed = 20261204;
  s.tests = 40;
  s.max_steps = 20;
  s.bug = "in-service-before-apply";
  s.impl_dir = testing::BinDir();
  s.validate_traces = validate_traces;
  s.crash_at_action = crash_at_action;
  s.shrink = false;
  return s;
}

SearchOutcome Search(const StSettings& settings) {
  auto sandbox = Sandbox::Create();
  EXPECT_TRUE(sandbox) << sandbox.error().message;
  if (!sandbox) return {};
  return SearchProtocol<StateTransferProtocol>(settings, *sandbox);
}

TEST(StTransientBug, QuietPointChecksAloneDoNotSeeIt) {
  const auto outcome = Search(TransientSettings(false, false));
  EXPECT_EQ(outcome.kind, SearchOutcome::Kind::kPassed)
      << outcome.message << "\nreproduce: " << outcome.reproduce;
  EXPECT_GT(outcome.totals.command_counts.count("Start") ? outcome.totals.command_counts.at("Start")
                                                         : 0u,
            0u);
  EXPECT_EQ(outcome.totals.trace_events, 0u) << "validation was off: nothing is validated";
}

TEST(StTransientBug, TraceValidationAloneCatchesItNamingTheLine) {
  const auto outcome = Search(TransientSettings(true, false));
  ASSERT_EQ(outcome.kind, SearchOutcome::Kind::kFailed) << outcome.message;
  ASSERT_TRUE(outcome.violation);
  EXPECT_EQ(outcome.violation->property_id, "ST-7");
  const std::string& message = outcome.violation->message;
  EXPECT_NE(message.find("service_entered"), std::string::npos) << message;
  EXPECT_NE(message.find("before its state was applied"), std::string::npos) << message;
  EXPECT_NE(message.find("model states it was compared with"), std::string::npos) << message;
}

TEST(StTransientBug, CorrectImplementationPassesTheSameRunValidatingEveryEvent) {
  auto settings = TransientSettings(true, true);
  settings.bug.clear();
  const auto outcome = Search(settings);
  EXPECT_EQ(outcome.kind, SearchOutcome::Kind::kPassed)
      << outcome.message << "\nreproduce: " << outcome.reproduce;
  EXPECT_GT(outcome.totals.trace_events, 100u * static_cast<unsigned>(settings.tests) / 10);
}

}  // namespace
}  // namespace lockstep::harness
