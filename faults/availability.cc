#include "faults/availability.h"

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

// Empty if a chmod 000 directory refuses a capability-less child; else the reason.
std::string TryAccessDenied() {
  const std::filesystem::path dir = MakeScratchDir();
  if (dir.empty()) return Errno("cannot create a scratch directory for a trial access-denied fault", errno);
  std::string reason;
  {
    AccessDenied fault(dir);
    if (auto s = fault.Inject(); !s) {
      reason = s.error().message;
    } else {
      if (auto p = fault.Probe(); !p) reason = p.error().message;
      if (auto r = fault.Remove(); !r && reason.empty()) reason = r.error().message;
    }
  }
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
