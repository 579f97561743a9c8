// RunSettings: everything that decides what a property run does. Every timing that matters is
// here, so the same settings and seed give the same observations.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <set>
#include <string>

namespace lockstep::harness {

// Fault kinds a run may inject (--faults). Crash covers both SIGKILL at a quiet point and
// named crash points. Reformat (resync only) covers journal-format on a stopped system's
// journal set and a start on another journal set.
inline const std::set<std::string> kAllFaultKinds{"disk-full", "access-denied", "crash",
                                                  "reformat"};

struct RunSettings {
  std::uint64_t seed = 1;
  int tests = 100;           // RapidCheck cases (maxSuccess)
  int max_steps = 30;        // RapidCheck maxSize: bounds the command sequence length
  std::set<std::string> faults = kAllFaultKinds;
  std::string bug;           // seeded bug to enable in the implementation (LOCKSTEP_BUG)
  std::filesystem::path impl_dir;  // where mds/logger/txsys binaries are
  std::chrono::milliseconds transfer_timeout{250};
  std::size_t log_capacity = 4;
  std::uint64_t fault_dir_bytes = 1 << 20;  // size of each faultable tmpfs directory
  std::chrono::milliseconds quiet_deadline{5000};  // beyond the protocol's own timeouts
  // resync: txsys --lock-wait-ms (how long a locked or fenced access waits before failing)
  std::chrono::milliseconds lock_wait{150};
  // resync: systems in the model (SYSTEM73..); the generator starts the last of three only in
  // some cases, so most cases are two-system ones (docs/design.md, resync harness).
  int systems = 3;
  bool shrink = true;
  std::size_t log_excerpt_lines = 30;  // lines of each process log kept in the report
};

}  // namespace lockstep::harness
