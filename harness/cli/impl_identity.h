// ImplIdentity: which implementation a run puts under test, told by its binaries themselves.
//
// Each binary answers `--version` with one line (impl/README.md, "Version"); the run reports
// that line as impl_version, and a replay compares digests of the binaries to say when it runs
// other binaries than the run did. The reference implementation is recognised by its version
// line ("lockstep reference implementation ..."): only it honours LOCKSTEP_BUG, so a seeded bug
// (--bug) is refused for any other.
//
// Thread safety: stateless functions (each query runs a child process and waits for it).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace lockstep::harness::cli {

struct ImplIdentity {
  // The binaries' version line; when they differ, "NAME: LINE; NAME: LINE" for each. A binary
  // that does not answer --version is described as such ("mds: no --version (exit 2)").
  std::string version;
  // "NAME:DIGEST,..." in the order given: a 64-bit hash of each binary's bytes, hex.
  std::string digests;
  bool reference = false;  // every binary says it is the reference implementation
};

// Asks each of `binaries` in `dir` for its version and hashes it.
// REQUIRES: every binary exists and is executable (CheckBinaries).
ImplIdentity IdentifyImpl(const std::filesystem::path& dir,
                          const std::vector<std::string>& binaries);

// What differs between the run's digest list and the replay's, over the binaries both name
// ("mds 1a2b, the run's 3c4d"); "" when nothing does (a list may cover more protocols'
// binaries than the other: a run of every protocol, a replay of one).
std::string DigestDifference(const std::string& run, const std::string& replay);

}  // namespace lockstep::harness::cli
