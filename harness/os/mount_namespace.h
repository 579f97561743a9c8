// The private mount namespace every lockstep process lives in.
//
// Every mount the harness makes (sandbox tmpfs, size-limited fault directories) is made inside
// this namespace, so the host never sees it and it vanishes with the last process in the
// namespace, even if the harness is killed with SIGKILL.
//
// REQUIRES: called from main() before any thread is started (the kernel refuses to unshare
// the mount namespace of a multi-threaded process).
#pragma once

#include "base/result.h"

namespace lockstep::harness {

// Moves this process into a new mount namespace whose mounts are all private (no propagation
// to or from the host). On failure (no privilege, no user namespaces) returns an error that
// names the syscall and errno; the process is unchanged and mount-based faults are unavailable.
Status EnterPrivateMountNamespace();

// True once EnterPrivateMountNamespace() has succeeded in this process.
bool InPrivateMountNamespace();

}  // namespace lockstep::harness
