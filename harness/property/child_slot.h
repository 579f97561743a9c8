// The process currently playing one role of the system under test (a logger side, a
// transaction system), and how the previous one ended. Both System drivers keep one per role;
// these are the two things they do with it.
//
// Single-threaded, like the drivers.
#pragma once

#include <chrono>
#include <optional>

#include "base/result.h"
#include "harness/os/process.h"

namespace lockstep::harness {

// If the process has exited, reaps it: `process` becomes empty and `last_exit` says how it
// ended. A running process is left alone.
void ReapIfExited(std::optional<Process>& process, std::optional<ExitStatus>& last_exit);

// The Crash command at a quiet point: SIGKILLs the running process and waits (up to
// `deadline`) until it is reaped. Fails, naming the process, if none is running or it does
// not die in time.
Status CrashNow(std::optional<Process>& process, std::optional<ExitStatus>& last_exit,
                std::chrono::milliseconds deadline);

}  // namespace lockstep::harness
