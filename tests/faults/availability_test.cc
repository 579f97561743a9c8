#include "faults/availability.h"

#include <grp.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>

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

// As uid 65534 with no capabilities and no namespace (a forked child of this root test), the
// children's denial is real but the harness is denied as much: access-denied is unavailable,
// and says why, instead of every state-transfer observation of a denied side failing.
TEST(Availability, AccessDeniedIsUnavailableToAHarnessWithoutCapabilities) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root, to become uid 65534 in a child";
  std::string tmpl = (std::filesystem::temp_directory_path() / "lockstep-avail-XXXXXX").string();
  ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
  ASSERT_EQ(chown(tmpl.c_str(), 65534, 65534), 0);
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(fds[0]);
    std::string text = "cannot become uid 65534";
    if (setgroups(0, nullptr) == 0 && setresgid(65534, 65534, 65534) == 0 &&
        setresuid(65534, 65534, 65534) == 0 && setenv("TMPDIR", tmpl.c_str(), 1) == 0) {
      const FaultAvailability a = ProbeAvailability(false);
      text = (a.access_denied ? "available" : "unavailable: ") + a.access_denied_reason;
    }
    _exit(write(fds[1], text.data(), text.size()) == static_cast<ssize_t>(text.size()) ? 0 : 1);
  }
  close(fds[1]);
  std::string text;
  char buf[512];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) text.append(buf, static_cast<std::size_t>(n));
  close(fds[0]);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  std::error_code ec;
  EXPECT_TRUE(std::filesystem::is_empty(tmpl, ec)) << "the probe left files behind in " << tmpl;
  std::filesystem::remove_all(tmpl, ec);
  EXPECT_TRUE(text.starts_with("unavailable: ")) << text;
  EXPECT_NE(text.find("CAP_DAC_OVERRIDE"), std::string::npos) << text;
}

}  // namespace
}  // namespace lockstep::faults
