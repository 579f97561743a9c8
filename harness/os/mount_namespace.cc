#include "harness/os/mount_namespace.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "harness/os/user_namespace.h"

namespace lockstep::harness {
namespace {

bool g_private = false;
std::string g_error;

// The whole change of namespaces: unshare (with a user namespace unless root), then stop
// propagation both ways, so nothing mounted here shows on the host and vice versa.
Status EnterNamespaces(bool as_root) {
  if (as_root) {
    if (unshare(CLONE_NEWNS) != 0) return FailErrno("unshare(CLONE_NEWNS) for the private mount namespace");
  } else if (auto s = UnshareUserNamespace(CLONE_NEWNS); !s) {
    return s;
  }
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    return FailErrno("mount --make-rprivate / in the new mount namespace");
  }
  return {};
}

// Reads everything from fd until EOF (EINTR retried).
std::string ReadAll(int fd) {
  std::string text;
  char buf[512];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) != 0) {
    if (n > 0) text.append(buf, static_cast<std::size_t>(n));
    else if (errno != EINTR) break;
  }
  return text;
}

// EnterNamespaces (unprivileged) in a forked child, which reports its error through a pipe and
// exits: what it did dies with it. Its result is what the same steps will do in this process.
Status TryInChild() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return FailErrno("pipe2 for the user namespace trial");
  const pid_t pid = fork();
  if (pid < 0) {
    const int err = errno;
    close(fds[0]);
    close(fds[1]);
    return FailErrno("fork for the user namespace trial", err);
  }
  if (pid == 0) {
    close(fds[0]);
    const Status s = EnterNamespaces(/*as_root=*/false);
    // The errno first (as 4 bytes), then the message.
    const std::string text = s ? "" : std::string(reinterpret_cast<const char*>(&s.error().errnum),
                                                  sizeof(int)) + s.error().message;
    const bool sent = text.empty() || write(fds[1], text.data(), text.size()) == static_cast<ssize_t>(text.size());
    _exit(s ? 0 : (sent ? 1 : 2));
  }
  close(fds[1]);
  const std::string text = ReadAll(fds[0]);
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
  if (text.size() <= sizeof(int)) return Fail("the namespace trial child failed without saying why", EPERM);
  int err = 0;
  text.copy(reinterpret_cast<char*>(&err), sizeof err);
  return Fail(text.substr(sizeof err), err);
}

}  // namespace

Status EnterPrivateMountNamespace() {
  if (g_private) return {};
  const bool as_root = geteuid() == 0;
  Status s = as_root ? Status{} : TryInChild();
  if (s) s = EnterNamespaces(as_root);
  if (!s) {
    g_error = s.error().message;
    return s;
  }
  g_error.clear();
  g_private = true;
  return {};
}

bool InPrivateMountNamespace() { return g_private; }

const std::string& PrivateMountNamespaceError() { return g_error; }

}  // namespace lockstep::harness
