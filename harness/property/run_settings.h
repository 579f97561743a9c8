// RunSettings: everything that decides what a property run does, common to every protocol;
// SettingsFor<Own>: the same plus one protocol's own typed settings (setting_fields.h says how
// they are named, validated and encoded). Every timing that matters is a setting, so the same
// settings and seed give the same observations.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>

namespace lockstep::harness {

// Fault kinds a run injects unless told otherwise (--faults default, and "all"). Crash covers
// both SIGKILL at a quiet point and named crash points. Reformat (resync only) covers
// journal-format on a stopped system's journal set and a start on another journal set.
inline const std::set<std::string> kAllFaultKinds{"disk-full", "access-denied", "crash",
                                                  "reformat", "corrupt"};
// Every fault kind --faults accepts: the default ones and power-loss (state transfer only so
// far), which is opt-in: it serves each side's data directory through a FUSE filesystem for
// the whole case (docs/design.md, "Decision: power loss for state transfer"), which needs
// /dev/fuse and costs two mounts per case, and adding it to the default would change the
// command streams every existing seed and seeded bug is known to produce.
inline const std::set<std::string> kKnownFaultKinds{"disk-full", "access-denied", "crash",
                                                    "reformat", "corrupt", "power-loss"};

struct RunSettings {
  std::uint64_t seed = 1;
  int tests = 100;           // RapidCheck cases (maxSuccess)
  int max_steps = 30;        // RapidCheck maxSize: bounds the command sequence length
  std::set<std::string> faults = kAllFaultKinds;
  std::string bug;           // seeded bug to enable in the implementation (LOCKSTEP_BUG)
  std::filesystem::path impl_dir;  // where the protocol's binaries are
  // "NAME:DIGEST,..." of the binaries in impl_dir (harness/cli/impl_identity.h), carried in
  // the reproduce string so that a replay against other binaries says so; "" if unknown.
  std::string impl_digest;
  std::uint64_t fault_dir_bytes = 1 << 20;  // size of each faultable tmpfs directory
  std::chrono::milliseconds quiet_deadline{5000};  // beyond the protocol's own timeouts
  bool shrink = true;
  // Whether every step's trace lines are replayed through the protocol's event model
  // (CheckedStep, docs/trace.md "Validation"). Off only to show what the quiet-point checks
  // alone see; not part of a reproduce string: a replay always validates (it can only find
  // more).
  bool validate_traces = true;
  // Whether crash faults may land at any traced action (docs/design.md, "Decision: a crash can
  // land at any traced action") or only at quiet points and named crash points. Off only to
  // show what the named points alone find; like validate_traces, not part of a reproduce
  // string (the steps name their crash points).
  bool crash_at_action = true;
  // Where each case's traces are copied before its directory is removed (lockstep run
  // --keep-traces): <dir>/<protocol>/case-<n>/, for validate-trace. Empty: nowhere.
  std::filesystem::path keep_traces_dir;
  // How long a failure may be shrunk. Once spent, the best counterexample found so far is
  // reported (its `shrink_stopped` says so). Not part of a reproduce string: a replay does
  // not shrink.
  std::chrono::milliseconds shrink_budget{std::chrono::minutes(5)};
  std::size_t log_excerpt_lines = 30;  // lines of each process log kept in the report
  // Protocol settings given as text, name -> value ({"transfer-timeout-ms", "300"} for
  // --transfer-timeout-ms 300). Each protocol decodes the names it owns into its own typed
  // settings when its run starts (ProtocolPlugin::CheckOptions says which it owns); a name
  // no protocol of the run owns is a usage error. Empty: every protocol's defaults.
  std::map<std::string, std::string> protocol_options;
};

// The size of the tmpfs a faultable directory gets of its own (Sandbox::MakeDir), or none when
// the run injects no disk-full: that tmpfs exists only for disk-full to fill, and needs a
// private mount namespace, which an unprivileged run without user namespaces lacks (disk-full
// is then dropped from the faults as unavailable, and the directory is a plain one).
inline std::optional<std::uint64_t> FaultDirTmpfsBytes(const RunSettings& s) {
  if (!s.faults.contains("disk-full")) return std::nullopt;
  return s.fault_dir_bytes;
}

// The power-loss filesystem (faults/power_loss/): a harness tool, built next to the running
// executable (lockstep, or a test binary) whatever --impl-dir says; "" if that cannot be read.
inline std::filesystem::path PowerLossProgram() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path() : exe.parent_path() / "lockstep-powerloss-fs";
}

// A protocol's view of the settings: the common ones plus its own, typed. `protocol` is the
// only copy of the protocol's settings (protocol_options is empty in a decoded SettingsFor).
template <class Own>
struct SettingsFor : RunSettings {
  Own protocol;
};

}  // namespace lockstep::harness
