#include "harness/os/mount_namespace.h"

#include <sched.h>
#include <sys/mount.h>

namespace lockstep::harness {
namespace {
bool g_private = false;
}

Status EnterPrivateMountNamespace() {
  if (g_private) return {};
  if (unshare(CLONE_NEWNS) != 0) {
    return FailErrno("unshare(CLONE_NEWNS) for the private mount namespace");
  }
  // Stop propagation both ways: nothing mounted here shows on the host and vice versa.
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    return FailErrno("mount --make-rprivate /");
  }
  g_private = true;
  return {};
}

bool InPrivateMountNamespace() { return g_private; }

}  // namespace lockstep::harness
