// The state-transfer property suite: RapidCheck command sequences on the model and on real
// mds/logger processes, under every fault kind. The correct implementation must pass every
// property, and the run must actually have injected each kind of fault.
#include <gtest/gtest.h>

#include "harness/os/sandbox.h"
#include "harness/property/property_runner.h"
#include "harness/state_transfer/st_protocol.h"
#include "reports/ctrf.h"
#include "reports/schema.h"
#include "tests/support/test_env.h"

namespace lockstep::harness {
namespace {

StSettings SuiteSettings() {
  StSettings s;
  s.seed = 20261121;
  s.tests = testing::Scaled(60);
  s.max_steps = 25;
  s.impl_dir = testing::BinDir();
  return s;
}

TEST(StateTransferProperties, CorrectImplementationPassesEveryProperty) {
  auto sandbox = Sandbox::Create();
  ASSERT_TRUE(sandbox) << sandbox.error().message;
  const auto settings = SuiteSettings();
  const auto outcome = SearchProtocol<StateTransferProtocol>(settings, *sandbox);
  ASSERT_EQ(outcome.kind, SearchOutcome::Kind::kPassed)
      << outcome.message << "\nreproduce: " << outcome.reproduce;
  EXPECT_EQ(outcome.cases, settings.tests);
  for (const char* kind : {"disk-full", "access-denied", "crash"}) {
    EXPECT_GT(outcome.totals.fault_counts.count(kind) ? outcome.totals.fault_counts.at(kind) : 0u,
              0u)
        << "no " << kind << " fault was injected in " << outcome.cases << " cases";
  }
  EXPECT_FALSE(outcome.totals.crash_point_counts.empty()) << "no named crash point fired";
}

TEST(StateTransferProperties, RunReportValidatesAgainstTheSchema) {
  auto sandbox = Sandbox::Create();
  ASSERT_TRUE(sandbox) << sandbox.error().message;
  auto settings = SuiteSettings();
  settings.tests = 3;
  const auto run = RunProtocol<StateTransferProtocol>(settings, *sandbox);
  ASSERT_EQ(run.properties.size(), 7u);
  reports::RunInfo info;
  info.kind = "run";
  info.seed = settings.seed;
  const auto report = reports::ToCtrf(info, run.properties);
  auto valid = reports::ValidateReport(report);
  EXPECT_TRUE(valid) << valid.error().message;
  EXPECT_EQ(report["results"]["tests"][3]["name"], "ST-4 clean failure");
}

}  // namespace
}  // namespace lockstep::harness
