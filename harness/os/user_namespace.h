// The user namespace an unprivileged lockstep process makes for itself, so that it may mount.
//
// A process that is not root cannot unshare a mount namespace or mount a tmpfs. In a user
// namespace of its own it can: it is uid 0 there, with every capability over the namespace's
// own resources and none over the host's (files of users the namespace does not map stay
// closed to it). The namespace maps exactly one user and one group, the caller's effective
// ones, to 0; the host sees everything the process creates as owned by the caller.
//
// Capabilities inside: the harness holds all of them in its namespace, so the existing drop
// before exec (harness/os/capabilities.h) empties the bounding set as it does for real root,
// and a child execs as uid 0 of the namespace with no capabilities: a chmod 000 directory
// refuses it with EACCES, a full tmpfs with ENOSPC.
//
// REQUIRES: the calling process is single-threaded (the kernel refuses CLONE_NEWUSER to a
// multi-threaded process) and its effective uid is not 0 (root takes no user namespace: the
// root path of lockstep is unchanged).
#pragma once

#include "base/result.h"

namespace lockstep::harness {

// unshare(CLONE_NEWUSER | also_unshare), then writes "deny" to /proc/self/setgroups (required
// before an unprivileged gid_map), "0 <euid> 1" to uid_map and "0 <egid> 1" to gid_map.
// On success the caller is uid 0 and gid 0 with a full capability set in the new namespace.
// On failure returns an error naming the step, its errno and what may forbid it (a sysctl, an
// LSM). A failure after the unshare leaves the caller in a half-made namespace that cannot be
// left: try the whole sequence in a forked child first where that matters
// (EnterPrivateMountNamespace does).
Status UnshareUserNamespace(int also_unshare);

}  // namespace lockstep::harness
