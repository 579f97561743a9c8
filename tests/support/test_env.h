// What test binaries learn from their build and environment: where the built binaries are
// (LOCKSTEP_TEST_BIN_DIR, set by lockstep_test() in CMake; LOCKSTEP_BIN_DIR overrides it), the
// source tree they were built from (LOCKSTEP_TEST_SOURCE_DIR), and how much to scale long property suites down by
// (LOCKSTEP_TEST_SCALE, e.g. 0.25 under the sanitizers).
#pragma once

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace lockstep::testing {

inline std::filesystem::path BinDir() {
  const char* dir = std::getenv("LOCKSTEP_BIN_DIR");
  return dir ? std::filesystem::path(dir) : std::filesystem::path(LOCKSTEP_TEST_BIN_DIR);
}

// The source tree the binaries were built from.
inline std::filesystem::path SourceDir() { return LOCKSTEP_TEST_SOURCE_DIR; }

// n scaled by LOCKSTEP_TEST_SCALE, at least 1.
inline int Scaled(int n) {
  const char* scale = std::getenv("LOCKSTEP_TEST_SCALE");
  const double f = scale ? std::atof(scale) : 1.0;
  return std::max(1, static_cast<int>(n * (f > 0 ? f : 1.0)));
}

}  // namespace lockstep::testing
