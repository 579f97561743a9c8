// Exit statuses of the resync processes, `txsys` and `journal-format` (impl/resync/README.md,
// "Exit statuses").
#pragma once

namespace lockstep::impl::resync {

inline constexpr int kExitShutdown = 0;   // shut down on request; journal-format: formatted
inline constexpr int kExitSetup = 1;      // control socket, log or poll could not be used
inline constexpr int kExitUsage = 2;      // bad command line
inline constexpr int kExitDataError = 3;  // journal or database unusable (path and errno logged)
inline constexpr int kExitInUse = 4;      // journal-format: the set is held by a running txsys

}  // namespace lockstep::impl::resync
