#include "faults/availability.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "faults/access_denied.h"

namespace lockstep::faults {
namespace {

// A fresh scratch directory under $TMPDIR (or /tmp); empty path on failure, with errno set.
std::filesystem::path MakeScratchDir() {
  const char* tmpdir = std::getenv("TMPDIR");
  std::string templ = std::string(tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp") +
                      "/lockstep-probe-XXXXXX";
  if (mkdtemp(templ.data()) == nullptr) return {};
  return templ;
}

std::string Errno(const std::string& what, int err) {
  return what + ": " + std::strerror(err) + " [" + std::to_string(err) + "]";
}

// Empty if a tmpfs can be mounted here and now; else the reason.
std::string TryMountTmpfs() {
  const std::filesystem::path dir = MakeScratchDir();
  if (dir.empty()) return Errno("cannot create a scratch directory for a trial tmpfs mount", errno);
  std::string reason;
  if (mount("tmpfs", dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "size=65536") != 0) {
    reason = Errno("trial mount of a tmpfs on " + dir.string() + " failed", errno);
  } else if (umount2(dir.c_str(), 0) != 0) {
    reason = Errno("trial tmpfs on " + dir.string() + " could not be unmounted", errno);
  }
  rmdir(dir.c_str());
  return reason;
}

// Empty if this process (the harness, with the capabilities its operator tools keep) can still
// open a file in the denied directory `dir`: it must, to observe what a side left in a denied
// data directory. Needs CAP_DAC_OVERRIDE or CAP_DAC_READ_SEARCH: root, or the root of a user
// namespace of its own; a plain unprivileged process is as denied as its children.
std::string TryObserveDenied(const std::filesystem::path& dir, const std::filesystem::path& canary) {
  const int fd = open(canary.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    close(fd);
    return "";
  }
  return Errno("the harness itself cannot open a file in the denied directory " + dir.string() +
                   " (it holds no CAP_DAC_OVERRIDE: not root, and no user namespace of its own), so "
                   "it could not observe what a process left there",
               errno);
}

// Empty if a chmod 000 directory refuses a capability-less child with EACCES and this process
// can still look inside it; else the reason.
std::string TryAccessDenied() {
  const std::filesystem::path dir = MakeScratchDir();
  if (dir.empty()) return Errno("cannot create a scratch directory for a trial access-denied fault", errno);
  const std::filesystem::path canary = dir / "canary";
  std::string reason;
  const int fd = open(canary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) reason = Errno("cannot create " + canary.string(), errno);
  else close(fd);
  if (reason.empty()) {
    AccessDenied fault(dir);
    if (auto s = fault.Inject(); !s) {
      reason = s.error().message;
    } else {
      if (auto p = fault.Probe(); !p) reason = p.error().message;
      if (reason.empty()) reason = TryObserveDenied(dir, canary);
      if (auto r = fault.Remove(); !r && reason.empty()) reason = r.error().message;
    }
  }
  unlink(canary.c_str());
  rmdir(dir.c_str());
  return reason;
}

}  // namespace

FaultAvailability ProbeAvailability(bool in_private_mount_namespace,
                                    const std::string& namespace_error) {
  FaultAvailability a;
  if (!in_private_mount_namespace) {
    a.disk_full_reason =
        "needs a private mount namespace for its size-limited tmpfs (run as root, or where "
        "unprivileged user namespaces are allowed)";
    if (!namespace_error.empty()) a.disk_full_reason += ", which could not be entered: " + namespace_error;
  } else {
    a.disk_full_reason = TryMountTmpfs();
  }
  a.disk_full = a.disk_full_reason.empty();
  a.access_denied_reason = TryAccessDenied();
  a.access_denied = a.access_denied_reason.empty();
  a.crash = true;
  return a;
}

}  // namespace lockstep::faults
