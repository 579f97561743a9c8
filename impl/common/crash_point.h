// Crash points: places in the implementation processes where a test can make the process die
// with SIGKILL, deterministically (design.md, "Decision: a crash can land at any traced
// action"). Two kinds, one mechanism:
//   - a named crash point, a CrashPoint("name") call placed in the code;
//   - a traced action: every Trace::Record passes CrashAtAction(event) right after its line is
//     written, so a process can die after the hit-th action of any event kind it traces.
//
// Arming: environment variable LOCKSTEP_CRASH_POINT=name[:hit] (hit defaults to 1), read once
// at the first call. The hit-th time the named point is reached, the process sends itself
// SIGKILL. Unset (or empty) means every crash point is inert. A malformed value (no name, a hit
// count that is not an integer >= 1) is refused at start: every process's main() calls
// CrashArmingProblem() and exits 2 with its message. (Should one get past, it disarms the
// point and says so on stderr once.)
// Arming a traced action: LOCKSTEP_CRASH_AT_ACTION=event[:hit], the same rules, counted over the
// lines of that event kind the process writes (only a process with an open trace counts).
//
// Thread safety: the processes that use this are single-threaded; not safe for concurrent use.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lockstep::impl {

// What is wrong with LOCKSTEP_CRASH_POINT or LOCKSTEP_CRASH_AT_ACTION, naming the variable and
// its value; std::nullopt when both are unset, empty or well-formed.
std::optional<std::string> CrashArmingProblem();

// For main(): when CrashArmingProblem() finds one, prints "<binary>: <problem>" on stderr and
// returns true (the caller exits 2 before doing anything else).
bool CrashArmingRefused(const char* binary);

// Counts a hit of the crash point `name`; kills the process with SIGKILL when it is the armed
// point and this is the armed hit. Returns normally otherwise.
void CrashPoint(std::string_view name);

// Counts a traced action of kind `event` (called by Trace::Record after the line is written);
// kills the process with SIGKILL when it is the armed kind and this is the armed hit.
void CrashAtAction(std::string_view event);

}  // namespace lockstep::impl
