// `--version`: every implementation binary answers it (impl/README.md, "Version"). Run as
// `PROGRAM --version` and nothing else, it prints one line on stdout and exits 0:
//
//   lockstep reference implementation 0.1.0 (a1b2c3d)
//
// The harness reports that line as the run's impl_version, and recognises the reference
// implementation (the one that honours LOCKSTEP_BUG) by its first words, kReferenceName.
//
// Thread safety: stateless functions.
#pragma once

namespace lockstep::impl {

inline constexpr const char* kReferenceName = "lockstep reference implementation";

// True iff the command line is exactly `PROGRAM --version`.
bool VersionRequested(int argc, const char* const* argv);

// Prints the version line on stdout; returns the exit status (0).
int PrintVersion();

}  // namespace lockstep::impl
