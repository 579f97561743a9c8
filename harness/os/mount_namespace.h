// The private mount namespace every lockstep process lives in.
//
// Every mount the harness makes (sandbox tmpfs, size-limited fault directories) is made inside
// this namespace, so the host never sees it and it vanishes with the last process in the
// namespace, even if the harness is killed with SIGKILL.
//
// As root, the namespace is a plain unshare(CLONE_NEWNS). As any other user, it is a mount
// namespace owned by a user namespace of the process's own (harness/os/user_namespace.h), so
// that tmpfs mounts, and with them disk-full, work unprivileged; the process is then uid 0 of
// that namespace. Where neither can be had, the process stays as it was and mount-based faults
// are unavailable (PrivateMountNamespaceError() says why).
//
// REQUIRES: called from main() before any thread is started (the kernel refuses to unshare
// the mount or user namespace of a multi-threaded process).
#pragma once

#include <string>

#include "base/result.h"

namespace lockstep::harness {

// Moves this process into a new mount namespace whose mounts are all private (no propagation
// to or from the host); when not root, together with a new user namespace. The unprivileged
// sequence is first tried in a forked child, so that a step refused half-way (a uid_map or a
// mount an LSM denies) leaves this process unchanged. On failure returns an error naming the
// syscall and errno (also kept for PrivateMountNamespaceError()); the process is unchanged
// and mount-based faults are unavailable. Calling it again after a success does nothing.
Status EnterPrivateMountNamespace();

// True once EnterPrivateMountNamespace() has succeeded in this process.
bool InPrivateMountNamespace();

// Why the last EnterPrivateMountNamespace() failed; empty if it was never called or succeeded.
const std::string& PrivateMountNamespaceError();

}  // namespace lockstep::harness
