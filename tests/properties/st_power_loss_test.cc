// The power-loss fault on the state-transfer protocol: the correct implementation passes every
// property with power cuts among its faults, each cut is recorded with its mechanism, and
// nothing of the filesystem (mount or process) outlives the run.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "harness/os/sandbox.h"
#include "harness/property/property_runner.h"
#include "harness/state_transfer/st_protocol.h"
#include "tests/support/test_env.h"

namespace lockstep::harness {
namespace {

// Lines of /proc/self/mountinfo naming the power-loss filesystem's type.
int PowerLossMounts() {
  std::ifstream in("/proc/self/mountinfo");
  int n = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.find("fuse.lockstep-powerloss") != std::string::npos) ++n;
  }
  return n;
}

// `tests` cases on a fixed seed. The runs that must see a power cut are not scaled down (the
// sanitizer build runs a quarter of the cases): 6 cases of this seed with every fault on hold
// no cut at all; 25 hold cuts in both runs.
StSettings PowerLossSettings(std::set<std::string> faults, int tests = 25) {
  StSettings s;
  s.seed = 20261203;
  s.tests = tests;
  s.max_steps = 25;
  s.faults = std::move(faults);
  s.impl_dir = testing::BinDir();
  return s;
}

void ExpectPassesWithCuts(const StSettings& settings) {
  ASSERT_EQ(PowerLossMounts(), 0);
  {
    auto sandbox = Sandbox::Create();
    ASSERT_TRUE(sandbox) << sandbox.error().message;
    const auto outcome = SearchProtocol<StateTransferProtocol>(settings, *sandbox);
    ASSERT_EQ(outcome.kind, SearchOutcome::Kind::kPassed)
        << outcome.message << "\nreproduce: " << outcome.reproduce;
    EXPECT_EQ(outcome.cases, settings.tests);
    const auto& counts = outcome.totals.fault_counts;
    EXPECT_GT(counts.count("power-loss") ? counts.at("power-loss") : 0u, 0u)
        << "no power cut in " << outcome.cases << " cases";
    ASSERT_TRUE(outcome.totals.mechanisms.count("power-loss"));
    EXPECT_NE(outcome.totals.mechanisms.at("power-loss").find("FUSE lockstep-powerloss-fs"),
              std::string::npos)
        << outcome.totals.mechanisms.at("power-loss");
    EXPECT_EQ(PowerLossMounts(), 0) << "a case left its power-loss filesystem mounted";
  }
  EXPECT_EQ(PowerLossMounts(), 0);
}

TEST(StPowerLossRun, CorrectImplementationPassesWithPowerCutsAlone) {
  ExpectPassesWithCuts(PowerLossSettings({"power-loss"}));
}

// With every other fault too: disk-full then fills the backing tmpfs under the mount, and
// access-denied acts on the mount itself.
TEST(StPowerLossRun, CorrectImplementationPassesWithPowerCutsAndEveryOtherFault) {
  ExpectPassesWithCuts(
      PowerLossSettings({"power-loss", "crash", "disk-full", "access-denied"}));
}

// The seeded bugs only a power cut catches: a SIGKILL keeps the page cache, so without
// power-loss every property holds (with power-loss, seeded_bugs_test.cc catches them).
TEST(StPowerLossRun, FsyncBugsAreInvisibleWithoutPowerCuts) {
  for (const char* bug : {"ack-without-fsync", "rename-without-dir-fsync"}) {
    auto sandbox = Sandbox::Create();
    ASSERT_TRUE(sandbox) << sandbox.error().message;
    auto settings =
        PowerLossSettings({"crash", "disk-full", "access-denied"}, testing::Scaled(25));
    settings.bug = bug;
    const auto outcome = SearchProtocol<StateTransferProtocol>(settings, *sandbox);
    EXPECT_EQ(outcome.kind, SearchOutcome::Kind::kPassed)
        << bug << ": " << outcome.message << "\nreproduce: " << outcome.reproduce;
  }
}

}  // namespace
}  // namespace lockstep::harness
