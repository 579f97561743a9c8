#include "faults/access_denied.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>

#include "faults/capability_less_child.h"

namespace lockstep::faults {
namespace {

std::string Octal(mode_t mode) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

// The capability-less child's attempt: create a file in the directory.
int CreateFile(const std::filesystem::path& path) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return errno;
  close(fd);
  unlink(path.c_str());
  return 0;
}

}  // namespace

AccessDenied::AccessDenied(std::filesystem::path dir) : dir_(std::move(dir)) {
  if (auto s = CheckFaultTarget(dir_); !s) throw std::invalid_argument("access-denied: " + s.error().message);
}

AccessDenied::~AccessDenied() {
  if (!active_) return;
  if (auto s = Remove(); !s) std::fprintf(stderr, "lockstep: %s\n", s.error().message.c_str());
}

Status AccessDenied::Inject() {
  if (active_) return Fail("access-denied fault on " + dir_.string() + " is already injected", EALREADY);
  struct stat st {};
  if (lstat(dir_.c_str(), &st) != 0) return FailErrno("access-denied: cannot stat " + dir_.string());
  if (!S_ISDIR(st.st_mode)) return Fail("access-denied: " + dir_.string() + " is no longer a directory", ENOTDIR);
  if (chmod(dir_.c_str(), 0) != 0) return FailErrno("access-denied: cannot chmod 000 " + dir_.string());
  saved_mode_ = st.st_mode & 07777;
  active_ = true;
  return {};
}

Status AccessDenied::Remove() {
  if (!active_) return Fail("access-denied fault on " + dir_.string() + " is not injected", EINVAL);
  if (chmod(dir_.c_str(), saved_mode_) != 0) {
    return FailErrno("access-denied: cannot restore mode " + Octal(saved_mode_) + " of " + dir_.string());
  }
  active_ = false;
  return {};
}

Status AccessDenied::Probe() const {
  const std::filesystem::path path = dir_ / ProbeFileName();
  auto err = RunWithoutCapabilities([&path] { return CreateFile(path); }, "access-denied on " + dir_.string());
  if (!err) return std::unexpected(err.error());
  if (*err == EACCES) return {};
  if (*err == 0) {
    return Fail("probe access-denied on " + dir_.string() +
                ": a capability-less process could create a file there (expected EACCES)");
  }
  return FailErrno("probe access-denied on " + dir_.string() + ": expected EACCES, the capability-less process got", *err);
}

std::string AccessDenied::mechanism() const {
  return "chmod 000 (mode " + Octal(saved_mode_) +
         " restored on removal); the process runs with an empty capability bounding set, so root "
         "cannot bypass it";
}

}  // namespace lockstep::faults
