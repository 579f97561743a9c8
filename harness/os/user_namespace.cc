#include "harness/os/user_namespace.h"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <string>
#include <utility>

namespace lockstep::harness {
namespace {

// What usually forbids an unprivileged user namespace, for the error message.
constexpr const char* kWhyNot =
    " (user namespaces may be disabled for unprivileged users: sysctl user.max_user_namespaces, "
    "kernel.unprivileged_userns_clone, kernel.apparmor_restrict_unprivileged_userns, a seccomp "
    "filter of a container; or lockstep already runs in a namespace that allows no nested one)";

// Writes `text` to the /proc/self file `name` in one write(2), as the kernel requires.
Status WriteProcSelf(const char* name, const std::string& text) {
  const std::string path = std::string("/proc/self/") + name;
  const int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return FailErrno("cannot open " + path + " of the new user namespace");
  const ssize_t n = write(fd, text.data(), text.size());
  const int err = errno;
  close(fd);
  if (n != static_cast<ssize_t>(text.size())) {
    return FailErrno("cannot write \"" + text.substr(0, text.size() - 1) + "\" to " + path +
                         " of the new user namespace",
                     n < 0 ? err : EIO);
  }
  return {};
}

}  // namespace

Status UnshareUserNamespace(int also_unshare) {
  const uid_t uid = geteuid();
  const gid_t gid = getegid();
  if (unshare(CLONE_NEWUSER | also_unshare) != 0) {
    const int err = errno;
    Error e = Error::FromErrno(std::string("unshare(CLONE_NEWUSER") +
                                   ((also_unshare & CLONE_NEWNS) != 0 ? "|CLONE_NEWNS" : "") +
                                   ") as uid " + std::to_string(uid),
                               err);
    e.message += kWhyNot;
    return std::unexpected(std::move(e));
  }
  if (auto s = WriteProcSelf("setgroups", "deny\n"); !s) return s;
  if (auto s = WriteProcSelf("uid_map", "0 " + std::to_string(uid) + " 1\n"); !s) return s;
  return WriteProcSelf("gid_map", "0 " + std::to_string(gid) + " 1\n");
}

}  // namespace lockstep::harness
