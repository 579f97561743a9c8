// AsNobody: runs a check in a forked child that has become uid and gid 65534 (nobody) with no
// supplementary groups, and returns the text the check produced there. Tests of what an
// unprivileged lockstep can do use it; the test itself must run as root.
//
// The child marks itself dumpable again after the uid change (which clears it), so its
// /proc/self files are its own, as they are for a lockstep that setpriv exec'ed as 65534.
#pragma once

#include <fcntl.h>
#include <grp.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <string>

namespace lockstep::testing {

inline constexpr uid_t kNobody = 65534;

// The text `check` returned in the uid-65534 child; "cannot become uid 65534: <strerror>" when
// the child could not drop to it, "pipe2: ..."/"fork: ..." when it could not be started, and
// "the uid-65534 child failed (<status>)" when it did not end with exit 0.
inline std::string AsNobody(const std::function<std::string()>& check) {
  auto failed = [](const std::string& what) { return what + ": " + std::strerror(errno); };
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return failed("pipe2");
  const pid_t pid = fork();
  if (pid < 0) return failed("fork");
  if (pid == 0) {
    close(fds[0]);
    const bool became = setgroups(0, nullptr) == 0 && setresgid(kNobody, kNobody, kNobody) == 0 &&
                        setresuid(kNobody, kNobody, kNobody) == 0 &&
                        prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) == 0;
    const std::string text = became ? check() : failed("cannot become uid 65534");
    _exit(write(fds[1], text.data(), text.size()) == static_cast<ssize_t>(text.size()) ? 0 : 1);
  }
  close(fds[1]);
  std::string text;
  char buf[512];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) text.append(buf, static_cast<std::size_t>(n));
  close(fds[0]);
  int status = 0;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return "the uid-65534 child failed (status " + std::to_string(status) + ")";
  }
  return text;
}

}  // namespace lockstep::testing
