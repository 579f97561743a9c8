// CapabilityLessChild: runs one file-system operation in a forked child that holds no
// capabilities, and reports the errno the kernel gave it. This is how every fault probe sees
// the system as the implementation under test sees it: a root harness would otherwise bypass
// permissions (CAP_DAC_OVERRIDE) and limits (CAP_SYS_RESOURCE) and probe nothing.
//
// (The capability dropping repeats harness/os/capabilities.cc on purpose: faults/ depends on
// base/ only.)
//
// Thread safety: may be called from any thread; the child runs only `op` after dropping its
// capabilities (with glibc, allocation in the child of a multi-threaded parent is safe).
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "base/result.h"

namespace lockstep::faults {

// Forks; the child empties its bounding and ambient sets, clears effective, permitted and
// inheritable (libcap), runs op() and reports its result: 0 if the operation succeeded, else
// its errno. Returns that value. Fails naming `what` if the child cannot be forked, cannot drop
// its capabilities, or does not answer within `timeout` (it is then SIGKILLed and reaped).
Result<int> RunWithoutCapabilities(const std::function<int()>& op, const std::string& what,
                                   std::chrono::milliseconds timeout = std::chrono::seconds(10));

// For probes: a name for a scratch file in dir that no other probe uses at the same time.
std::string ProbeFileName();

}  // namespace lockstep::faults
