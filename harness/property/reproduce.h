// Reproduce strings: everything needed to re-run a failing case exactly, as one line that a
// user can paste after `lockstep replay --reproduce`.
//
//   lockstep1|protocol=state-transfer|seed=42|bug=temp-file-left-behind|fault-dir-bytes=1048576|
//   quiet-deadline-ms=5000|impl-dir=/opt/lockstep/bin|impl-digest=mds:9f3c...,logger:5e1a...|
//   transfer-timeout-ms=250|log-capacity=4|steps=Start(A);Submit(...);...
//
// The common settings that change what a case observes come first (seed, bug, fault-dir-bytes,
// quiet-deadline-ms), then the implementation run (impl-dir, absolute, with '%' and '|'
// written %25 and %7C; impl-digest, the binaries' digests; both optional when decoding, for
// strings written before they existed: a replay then uses its own --impl-dir), then every one of the protocol's own settings (SettingFields(), all of
// them, defaults included, so that a replay never falls back on a default that may since have
// changed), then `faults=` (the run's fault kinds, comma-separated) only when they include
// power-loss, which changes how a case is set up (its data directories are FUSE mounts:
// a replay without it could not run PowerLoss), then the command list: the shrunk sequence itself (each command's Describe()
// text), so a replay needs neither RapidCheck nor the seed; the seed tells where it came from.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "harness/property/run_settings.h"

namespace lockstep::harness {

struct Reproduction {
  std::string protocol;
  // seed, bug, fault_dir_bytes, quiet_deadline, impl_dir, impl_digest and faults (the
  // default set when the string has none) decoded (impl_dir
  // empty when the string has none); every other field of the string in
  // protocol_options, for the protocol to decode and judge (ProtocolPlugin::CheckOptions).
  RunSettings settings;
  std::vector<std::string> steps;  // Describe() text of each command
};

// `protocol_fields` are the protocol's own settings as EncodeFields() gives them.
std::string EncodeReproduce(const std::string& protocol, const RunSettings& settings,
                            const std::vector<std::pair<std::string, std::string>>& protocol_fields,
                            const std::vector<std::string>& steps);

// Fails with a message naming the first field that is missing or malformed.
Result<Reproduction> DecodeReproduce(const std::string& text);

}  // namespace lockstep::harness
