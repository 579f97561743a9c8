// Crash: the "crash" fault. A process dies by SIGKILL, either sent by the harness at a quiet
// point (KillProcess) or sent by the process to itself at a named crash point or after a traced
// action, armed through its environment (CrashPointEnv, CrashAtActionEnv; see impl/README.md). "Remove" is a restart by the harness; the
// probe is the supervisor reaping the process and seeing WTERMSIG == SIGKILL.
//
// Thread safety: free functions without shared state.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <utility>

#include "base/result.h"

namespace lockstep::faults {

// The environment variables that arm a named crash point, and a crash at a traced action.
inline constexpr const char* kCrashPointVariable = "LOCKSTEP_CRASH_POINT";
inline constexpr const char* kCrashAtActionVariable = "LOCKSTEP_CRASH_AT_ACTION";

// Sends SIGKILL to pid. Does not reap: the process's supervisor does. Fails naming the process
// (name and pid) and errno, e.g. ESRCH when it no longer exists.
// REQUIRES: pid > 0 is a child of this process not yet reaped (so the pid cannot be reused).
Status KillProcess(pid_t pid, std::string_view name);

// {"LOCKSTEP_CRASH_POINT", "<point>:<hit>"}: the process kills itself with SIGKILL on the
// hit-th time it reaches the crash point named `point`.
// REQUIRES: point is non-empty and has no ':'; hit >= 1.
std::pair<std::string, std::string> CrashPointEnv(std::string_view point, int hit = 1);

// {"LOCKSTEP_CRASH_AT_ACTION", "<event>:<hit>"}: the process kills itself with SIGKILL right
// after writing the hit-th trace line of event kind `event` (docs/trace.md, rule 7).
// REQUIRES: event is non-empty and has no ':'; hit >= 1.
std::pair<std::string, std::string> CrashAtActionEnv(std::string_view event, int hit = 1);

// How crashes are made, for the report.
std::string CrashMechanism();

}  // namespace lockstep::faults
