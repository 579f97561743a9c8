// Crash points: named places in the logger where a test can make the process die with
// SIGKILL, deterministically (design.md, "crashes happen at quiet points or at named crash
// points").
//
// Arming: environment variable LOCKSTEP_CRASH_POINT=name[:hit] (hit defaults to 1), read once
// at the first call. The hit-th time the named point is reached, the process sends itself
// SIGKILL. Unset (or empty) means every crash point is inert. A malformed hit count disarms the
// point (and says so on stderr once).
//
// Thread safety: the processes that use this are single-threaded; not safe for concurrent use.
#pragma once

#include <string_view>

namespace lockstep::impl {

// Counts a hit of the crash point `name`; kills the process with SIGKILL when it is the armed
// point and this is the armed hit. Returns normally otherwise.
void CrashPoint(std::string_view name);

}  // namespace lockstep::impl
