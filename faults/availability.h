// FaultAvailability: which fault kinds this process can inject for real, found by trying them
// once at start-up. A kind that is unavailable is reported with its reason, never silently
// skipped: the harness refuses a campaign that needs it, and the report says why.
//
// Thread safety: ProbeAvailability forks short-lived children and mounts/unmounts a scratch
// tmpfs in a temporary directory; call it once, from the main thread, before spawning.
#pragma once

#include <string>

namespace lockstep::faults {

struct FaultAvailability {
  bool disk_full = false;
  bool access_denied = false;
  bool crash = false;
  std::string disk_full_reason;      // why not, when unavailable; empty when available
  std::string access_denied_reason;
  std::string crash_reason;
};

// disk-full: needs a private mount namespace (pass InPrivateMountNamespace()) and a trial
//   mount of a small tmpfs in a temporary directory that succeeds. Without the namespace, the
//   reason says so and quotes namespace_error (why entering it failed) when given.
// access-denied: a chmod 000 scratch directory must refuse a capability-less child with EACCES,
//   and this process must still open a file in it (the harness observes denied directories
//   with its own privileges: root, or the root of its own user namespace).
// crash: SIGKILL of one's own children always works.
FaultAvailability ProbeAvailability(bool in_private_mount_namespace,
                                    const std::string& namespace_error = "");

}  // namespace lockstep::faults
