// A case whose system cannot be set up ends every property `other`, with the reason, and the
// run's report still matches its schema (issue 11: an unprivileged run whose sandbox could not
// mount ended with "internal error: the report does not match its schema" and no report, as
// the counterexample listed the roles the system never got to make, without names).
//
// The setup is made to fail half-way for real: disk-full is among the faults and a faultable
// directory's tmpfs is asked for with size 0, which Sandbox::MakeDir refuses (in a namespace
// or out of one) after the case's first directories exist.
#include <gtest/gtest.h>

#include <string>

#include "harness/os/sandbox.h"
#include "harness/property/property_runner.h"
#include "harness/resync/rs_protocol.h"
#include "harness/state_transfer/st_protocol.h"
#include "reports/ctrf.h"
#include "reports/schema.h"
#include "tests/support/test_env.h"

namespace lockstep::harness {
namespace {

template <class P>
void ExpectEveryPropertyOtherAndAValidReport() {
  auto sandbox = Sandbox::Create();
  ASSERT_TRUE(sandbox) << sandbox.error().message;
  typename P::Settings settings;
  settings.seed = 5;
  settings.tests = 2;
  settings.impl_dir = testing::BinDir();
  settings.fault_dir_bytes = 0;  // MakeDir refuses a tmpfs of size 0
  ASSERT_TRUE(settings.faults.contains("disk-full"));
  const auto run = RunProtocol<P>(settings, *sandbox);
  ASSERT_FALSE(run.properties.empty());
  for (const auto& p : run.properties) {
    EXPECT_EQ(p.verdict, reports::Verdict::kOther) << p.id;
    EXPECT_NE(p.reason.find("must be > 0"), std::string::npos) << p.id << ": " << p.reason;
  }
  reports::RunInfo info;
  info.kind = "run";
  info.seed = settings.seed;
  const auto report = reports::ToCtrf(info, run.properties);
  const Status valid = reports::ValidateReport(report);
  EXPECT_TRUE(valid) << valid.error().message;
}

TEST(SetupFailure, ResyncPropertiesAreOtherAndTheReportMatchesItsSchema) {
  ExpectEveryPropertyOtherAndAValidReport<ResyncProtocol>();
}

TEST(SetupFailure, StateTransferPropertiesAreOtherAndTheReportMatchesItsSchema) {
  ExpectEveryPropertyOtherAndAValidReport<StateTransferProtocol>();
}

}  // namespace
}  // namespace lockstep::harness
