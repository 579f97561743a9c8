#include "faults/availability.h"

#include <gtest/gtest.h>

#include "harness/os/mount_namespace.h"

namespace lockstep::faults {
namespace {

TEST(Availability, EveryFaultIsAvailableInAPrivateMountNamespace) {
  if (!harness::InPrivateMountNamespace()) GTEST_SKIP() << "needs a private mount namespace (run as root)";
  const FaultAvailability a = ProbeAvailability(true);
  EXPECT_TRUE(a.disk_full) << a.disk_full_reason;
  EXPECT_TRUE(a.access_denied) << a.access_denied_reason;
  EXPECT_TRUE(a.crash) << a.crash_reason;
  EXPECT_TRUE(a.disk_full_reason.empty());
}

TEST(Availability, DiskFullIsReportedUnavailableWithoutAMountNamespace) {
  const FaultAvailability a = ProbeAvailability(false);
  EXPECT_FALSE(a.disk_full);
  EXPECT_NE(a.disk_full_reason.find("private mount namespace"), std::string::npos) << a.disk_full_reason;
  EXPECT_TRUE(a.crash);
}

}  // namespace
}  // namespace lockstep::faults
