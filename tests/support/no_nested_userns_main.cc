// lockstep-no-nested-userns PROGRAM [ARGS...]: runs PROGRAM (exec'd, same pid) as uid 0 of a
// fresh user namespace in which no further user namespace can be made, so that a lockstep run
// inside meets a host without user namespaces for real.
//
// Why this mechanism: the kernel's own switch for user namespaces, user.max_user_namespaces,
// is a limit per user namespace. Set to 0 inside a namespace made for the test, it makes every
// unshare(CLONE_NEWUSER) there fail (ENOSPC), as the same sysctl set to 0 on a host would
// (distributions' kernel.unprivileged_userns_clone=0 gives EPERM: lockstep handles both by the
// same path). The host's own limit is never touched, so other users of the machine are not
// affected, and the namespace dies with the process. An environment variable telling lockstep
// to pretend would test a pretence, not the fallback.
//
// The namespace maps host uid and gid 0 and 65534 (nobody) to themselves, nothing else, so
// PROGRAM may drop to 65534 (e.g. setpriv --reuid=65534 --regid=65534 --clear-groups) and then
// sees the host's files as that user does. The maps are written by a helper child left in the
// host's namespace (only a process with CAP_SETUID there may map more than its own uid).
//
// Exit status: PROGRAM's; 125 (with a message on stderr) if the namespace cannot be made
// (not root, or user namespaces unavailable even to root), before PROGRAM runs.
#include <fcntl.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>

namespace {

constexpr int kSetupFailed = 125;
constexpr const char* kIdMap = "0 0 1\n65534 65534 1\n";

[[noreturn]] void Die(const std::string& what, int err = errno) {
  std::fprintf(stderr, "lockstep-no-nested-userns: %s: %s\n", what.c_str(), std::strerror(err));
  _exit(kSetupFailed);
}

void WriteFile(const std::string& path, const std::string& text) {
  const int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) Die("cannot open " + path);
  if (write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) Die("cannot write " + path);
  close(fd);
}

// The mapper: waits until its parent has unshared (one byte on `ready`; EOF means the parent
// gave up), then writes the parent's uid and gid maps from the host's namespace.
[[noreturn]] void MapParent(int ready) {
  char byte = 0;
  ssize_t n;
  while ((n = read(ready, &byte, 1)) < 0 && errno == EINTR) {
  }
  if (n != 1) _exit(kSetupFailed);
  const std::string proc = "/proc/" + std::to_string(getppid());
  WriteFile(proc + "/uid_map", kIdMap);
  WriteFile(proc + "/gid_map", kIdMap);
  _exit(0);
}

void EnterNamespaceWithoutNesting() {
  int ready[2];
  if (pipe2(ready, O_CLOEXEC) != 0) Die("pipe2");
  const pid_t mapper = fork();
  if (mapper < 0) Die("fork");
  if (mapper == 0) {
    close(ready[1]);
    (void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    MapParent(ready[0]);
  }
  close(ready[0]);
  if (unshare(CLONE_NEWUSER) != 0) Die("unshare(CLONE_NEWUSER)");
  if (write(ready[1], "x", 1) != 1) Die("cannot wake the mapper");
  close(ready[1]);
  int status = 0;
  while (waitpid(mapper, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) Die("the mapper could not write the id maps", EPERM);
  // uid 0 here, with every capability of the new namespace: CAP_SYS_RESOURCE sets its limit.
  WriteFile("/proc/sys/user/max_user_namespaces", "0\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: lockstep-no-nested-userns PROGRAM [ARGS...]\n");
    return kSetupFailed;
  }
  if (geteuid() != 0) Die("needs root (to map uid 65534 into the new user namespace)", EPERM);
  EnterNamespaceWithoutNesting();
  execv(argv[1], argv + 1);
  Die(std::string("cannot exec ") + argv[1]);
}
