// The user namespace of an unprivileged harness: a uid-65534 process becomes uid 0 of its own
// namespace and can mount a tmpfs there, while a child that dropped its capabilities obeys a
// chmod 000 directory (EACCES), and one that did not would not: the drop is what makes the
// access-denied fault real inside the namespace.
//
// Each check runs in a forked child that becomes uid 65534 (so this test needs root) and
// reports one line through a pipe: "ok" or what went wrong.
#include "harness/os/user_namespace.h"

#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "harness/os/capabilities.h"
#include "tests/support/as_nobody.h"

namespace lockstep::harness {
namespace {

namespace fs = std::filesystem;

using testing::kNobody;
constexpr const char* kNoNamespace = "no user namespace: ";

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

// In a grandchild: optionally drop every capability, then try to create a file in `dir`.
// Returns 0 or the errno the kernel gave.
int CreateFileIn(const fs::path& dir, bool drop) {
  const pid_t pid = fork();
  if (pid < 0) return errno;
  if (pid == 0) {
    if (drop && !DropAllCapabilitiesInThisProcess()) _exit(250);
    const int fd = open((dir / "f").c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    _exit(fd >= 0 ? 0 : errno);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 251;
}

// As uid 65534: enter the namespace, check the maps, mount a tmpfs over `scratch`, deny a
// directory on it, and see who may still create a file there.
std::string CheckInNamespace(const fs::path& scratch) {
  if (auto s = UnshareUserNamespace(CLONE_NEWNS); !s) return kNoNamespace + s.error().message;
  std::ifstream map("/proc/self/uid_map");
  unsigned long inside = 1, outside = 0, count = 0;
  map >> inside >> outside >> count;
  if (inside != 0 || outside != kNobody || count != 1 || geteuid() != 0) {
    return "uid_map is not \"0 65534 1\" or euid is not 0";
  }
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return Errno("make-rprivate");
  if (mount("tmpfs", scratch.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "size=65536") != 0) {
    return Errno("mount tmpfs in the namespace");
  }
  const fs::path denied = scratch / "denied";
  if (mkdir(denied.c_str(), 0700) != 0 || chmod(denied.c_str(), 0) != 0) return Errno("mkdir/chmod");
  if (int err = CreateFileIn(denied, /*drop=*/true); err != EACCES) {
    return "a child without capabilities got " + std::string(std::strerror(err)) + ", not EACCES";
  }
  if (int err = CreateFileIn(denied, /*drop=*/false); err != 0) {
    return "the namespace's root (with capabilities) got " + std::string(std::strerror(err)) +
           ": the check above proves nothing";
  }
  return "ok";
}

TEST(UserNamespace, UnprivilegedRootOfItsNamespaceMountsAndACapabilityLessChildIsDenied) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root, to become uid 65534 in a child";
  std::string tmpl = (fs::temp_directory_path() / "lockstep-userns-XXXXXX").string();
  ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
  const fs::path scratch = tmpl;
  ASSERT_EQ(chown(scratch.c_str(), kNobody, kNobody), 0);
  const std::string result = testing::AsNobody([&] { return CheckInNamespace(scratch); });
  std::error_code ec;
  fs::remove_all(scratch, ec);  // the tmpfs and the denied directory died with the namespace
  if (result.starts_with(kNoNamespace)) GTEST_SKIP() << result;
  EXPECT_EQ(result, "ok");
  EXPECT_FALSE(ec) << ec.message();
}

}  // namespace
}  // namespace lockstep::harness
