#include "faults/availability.h"

#include <grp.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "harness/os/mount_namespace.h"
#include "tests/support/as_nobody.h"

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

// As uid 65534 with no capabilities and no namespace (a forked child of this root test), the
// children's denial is real but the harness is denied as much: access-denied is unavailable,
// and says why, instead of every state-transfer observation of a denied side failing.
TEST(Availability, AccessDeniedIsUnavailableToAHarnessWithoutCapabilities) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root, to become uid 65534 in a child";
  std::string tmpl = (std::filesystem::temp_directory_path() / "lockstep-avail-XXXXXX").string();
  ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
  ASSERT_EQ(chown(tmpl.c_str(), 65534, 65534), 0);
  const std::string text = lockstep::testing::AsNobody([&]() -> std::string {
    if (setenv("TMPDIR", tmpl.c_str(), 1) != 0) return "cannot set TMPDIR";
    const FaultAvailability a = ProbeAvailability(false);
    return (a.access_denied ? "available" : "unavailable: ") + a.access_denied_reason;
  });
  std::error_code ec;
  EXPECT_TRUE(std::filesystem::is_empty(tmpl, ec)) << "the probe left files behind in " << tmpl;
  std::filesystem::remove_all(tmpl, ec);
  EXPECT_TRUE(text.starts_with("unavailable: ")) << text;
  EXPECT_NE(text.find("CAP_DAC_OVERRIDE"), std::string::npos) << text;
}

}  // namespace
}  // namespace lockstep::faults
