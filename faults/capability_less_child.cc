#include "faults/capability_less_child.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

namespace lockstep::faults {
namespace {

// What the child reports through the pipe.
struct Report {
  int stage;  // kDropFailed or kRan
  int value;  // errno of the failed drop, or op()'s result
};
constexpr int kDropFailed = 1;
constexpr int kRan = 2;

// Returns 0 or the errno of the first step that failed.
int DropEveryCapability() {
  for (int cap = 0; cap <= 63; ++cap) {
    if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) < 0) break;  // EINVAL: past the kernel's last
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0) continue;
    // EPERM: no CAP_SETPCAP. Harmless if we hold nothing: this child does not exec.
    if (errno != EPERM) return errno;
    break;
  }
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) return errno;
  cap_t none = cap_init();
  if (none == nullptr) return errno;
  int rc = cap_set_proc(none);
  int err = errno;
  cap_free(none);
  if (rc != 0) return err;
  // Whatever happened to the bounding set, the child must now hold nothing.
  cap_t now = cap_get_proc();
  if (now == nullptr) return errno;
  cap_t empty = cap_init();
  rc = empty == nullptr ? -1 : cap_compare(now, empty);
  err = errno;
  cap_free(now);
  cap_free(empty);
  if (rc < 0) return err;
  return rc == 0 ? 0 : EPERM;
}

[[noreturn]] void ChildMain(int sink, const std::function<int()>& op) {
  Report report{kDropFailed, DropEveryCapability()};
  if (report.value == 0) report = Report{kRan, op()};
  ssize_t n;
  while ((n = write(sink, &report, sizeof report)) < 0 && errno == EINTR) {
  }
  _exit(n == sizeof report ? 0 : 1);
}

// Reads the child's report, waiting at most timeout. Returns false on timeout or short read.
bool ReadReport(int source, std::chrono::milliseconds timeout, Report* report) {
  pollfd pfd{source, POLLIN, 0};
  int rc;
  while ((rc = poll(&pfd, 1, static_cast<int>(timeout.count()))) < 0 && errno == EINTR) {
  }
  if (rc <= 0) return false;
  ssize_t n;
  while ((n = read(source, report, sizeof *report)) < 0 && errno == EINTR) {
  }
  return n == sizeof *report;
}

void Reap(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace

Result<int> RunWithoutCapabilities(const std::function<int()>& op, const std::string& what,
                                   std::chrono::milliseconds timeout) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return FailErrno("probe " + what + ": pipe2");
  const pid_t pid = fork();
  if (pid < 0) {
    const int err = errno;
    close(fds[0]);
    close(fds[1]);
    return FailErrno("probe " + what + ": fork", err);
  }
  if (pid == 0) {
    close(fds[0]);
    ChildMain(fds[1], op);
  }
  close(fds[1]);
  Report report{};
  const bool answered = ReadReport(fds[0], timeout, &report);
  close(fds[0]);
  if (!answered) kill(pid, SIGKILL);
  Reap(pid);
  if (!answered) {
    return Fail("probe " + what + ": the capability-less child did not answer within " +
                    std::to_string(timeout.count()) + " ms",
                ETIMEDOUT);
  }
  if (report.stage == kDropFailed) {
    return FailErrno("probe " + what + ": the child could not drop its capabilities", report.value);
  }
  return report.value;
}

std::string ProbeFileName() {
  static std::atomic<unsigned> counter{0};
  return ".lockstep-probe-" + std::to_string(getpid()) + "-" + std::to_string(counter++);
}

}  // namespace lockstep::faults
