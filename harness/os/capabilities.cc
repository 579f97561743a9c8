#include "harness/os/capabilities.h"

#include <linux/capability.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace lockstep::harness {
namespace {

// The highest capability number PR_CAPBSET_DROP is tried with. The kernel answers EINVAL past
// its own last capability, which ends the loop; 63 bounds it for any future kernel.
constexpr int kMaxCapability = 63;

// True iff the calling thread has empty permitted and effective sets (raw syscall: no libcap).
bool HoldsNoCapabilities() noexcept {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  if (syscall(SYS_capget, &header, data) != 0) return false;
  for (const auto& d : data) {
    if (d.permitted != 0 || d.effective != 0) return false;
  }
  return true;
}

// Empties the bounding set; returns 0 or errno. A process without capabilities (an
// unprivileged harness) may not shrink it (EPERM); it has nothing to lose, so instead it sets
// no_new_privs, which stops execve from granting file capabilities or set-user-ID privileges.
int DropBoundingSet() noexcept {
  for (int cap = 0; cap <= kMaxCapability; ++cap) {
    if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) < 0) {
      if (errno == EINVAL) return 0;  // past the kernel's last capability
      return errno;
    }
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0) continue;
    if (errno != EPERM || !HoldsNoCapabilities()) return errno;
    return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 ? 0 : errno;
  }
  return 0;
}

int ClearAmbientSet() noexcept {
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) {
    return errno;  // EINVAL: kernel without ambient capabilities, nothing to clear
  }
  return 0;
}

// Clears the inheritable set with raw capget/capset (libcap would allocate).
int ClearInheritableSet() noexcept {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  if (syscall(SYS_capget, &header, data) != 0) return errno;
  for (auto& d : data) d.inheritable = 0;
  if (syscall(SYS_capset, &header, data) != 0) return errno;
  return 0;
}

}  // namespace

int DropCapabilitiesBeforeExec() noexcept {
  if (int err = DropBoundingSet(); err != 0) return err;
  if (int err = ClearAmbientSet(); err != 0) return err;
  return ClearInheritableSet();
}

Status DropAllCapabilitiesInThisProcess() {
  // The bounding set first: dropping from it needs CAP_SETPCAP, which cap_set_proc removes.
  if (int err = DropBoundingSet(); err != 0) {
    return FailErrno("cannot empty the capability bounding set (prctl PR_CAPBSET_DROP)", err);
  }
  if (int err = ClearAmbientSet(); err != 0) {
    return FailErrno("cannot clear the ambient capability set", err);
  }
  cap_t none = cap_init();  // every flag of every capability clear
  if (none == nullptr) return FailErrno("cap_init");
  const int rc = cap_set_proc(none);
  const int err = errno;
  cap_free(none);
  if (rc != 0) return FailErrno("cannot clear this process's capabilities (cap_set_proc)", err);
  return {};
}

}  // namespace lockstep::harness
