// Capabilities: how lockstep makes a process that runs as root obey file permissions.
//
// The implementation under test and every fault probe run without capabilities, so a child of
// a root harness cannot bypass a revoked permission (CAP_DAC_OVERRIDE), a full tmpfs
// (CAP_SYS_RESOURCE) or anything else a fault sets up. Two entry points:
//
//  * DropCapabilitiesBeforeExec(): async-signal-safe, for the window between fork() and
//    execve() of a supervised child. It empties the bounding, inheritable and ambient sets;
//    execve() then computes empty permitted and effective sets, even for uid 0.
//  * DropAllCapabilitiesInThisProcess(): for a forked probe child that does not exec; clears
//    every set of the calling process at once (libcap).
//
// Thread safety: both act on the calling thread's credentials only (capabilities are
// per-thread on Linux); call them in a single-threaded child.
#pragma once

#include "base/result.h"

namespace lockstep::harness {

// Empties the bounding set (every capability the kernel knows), the ambient set and the
// inheritable set of the calling thread; leaves permitted/effective alone so that later
// pre-exec steps keep working. Returns 0 on success, else the errno of the failing call.
// Only async-signal-safe calls (prctl, capget/capset syscalls): safe after fork() in a
// multi-threaded parent.
// A process that holds no capabilities at all (an unprivileged harness) cannot shrink the
// bounding set; it sets no_new_privs instead, so that execve grants no file capabilities.
// Fails (EPERM) for a process that holds capabilities but not CAP_SETPCAP.
[[nodiscard]] int DropCapabilitiesBeforeExec() noexcept;

// Drops every capability of the calling process: bounding and ambient sets emptied, then
// effective, permitted and inheritable cleared with cap_set_proc(). On failure names the
// step and errno; the process may then hold a subset of its capabilities.
// Not async-signal-safe (libcap allocates); fine in a forked child with glibc.
Status DropAllCapabilitiesInThisProcess();

}  // namespace lockstep::harness
