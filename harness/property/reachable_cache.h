// ReachableCache: the reachable abstract states and transitions (coverage's N) kept on disk
// between lockstep processes, so that the workers of a campaign search each model once per
// campaign instead of once per seed (about 3.5 s of an 11.5 s seed, issue 16).
//
// `lockstep run --coverage-cache DIR` (the campaign passes its REPORT_DIR/coverage) sets the
// directory once, before any protocol runs. A protocol's N is then read from
// DIR/<protocol>-<digest>.coverage (model/explore/coverage.h's text form), <digest> the
// fingerprint of the running lockstep executable, so a cache written by another build of the
// models is never read. A file that is missing, unreadable, malformed or for other bounds is
// recomputed by the caller's search and written (to a temporary name, then renamed: workers
// that race write the same content, and a reader never sees half a file). A cache that cannot
// be written is said once on stderr and the run goes on with the computed set.
//
// Without a directory set, Load() just runs the search (the default of `lockstep run`).
//
// Thread safety: SetReachableCacheDir() before any Load(); Load() itself is reentrant.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include "model/explore/coverage.h"

namespace lockstep::harness {

// Where Load() reads and writes from now on; empty: no cache.
void SetReachableCacheDir(std::filesystem::path dir);

// The reachable set of `protocol` at `bounds` (their text form): from the cache when it holds
// that very set, else `search()`, then written to the cache.
model::explore::CoverageSet LoadReachable(
    const std::string& protocol, const std::string& bounds,
    const std::function<model::explore::CoverageSet()>& search);

// The cache file of `protocol` for this executable (empty without a directory).
std::filesystem::path ReachableCacheFile(const std::string& protocol);

}  // namespace lockstep::harness
