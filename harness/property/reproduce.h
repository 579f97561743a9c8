// Reproduce strings: everything needed to re-run a failing case exactly, as one line that a
// user can paste after `lockstep replay --reproduce`.
//
//   lockstep1|protocol=state-transfer|seed=42|bug=temp-file-left-behind|fault-dir-bytes=1048576|
//   quiet-deadline-ms=5000|transfer-timeout-ms=250|log-capacity=4|steps=Start(A);Submit(...);...
//
// The common settings that change what a case observes come first (seed, bug, fault-dir-bytes,
// quiet-deadline-ms), then every one of the protocol's own settings (SettingFields(), all of
// them, defaults included, so that a replay never falls back on a default that may since have
// changed), then the command list: the shrunk sequence itself (each command's Describe()
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
  // seed, bug, fault_dir_bytes and quiet_deadline decoded; every other field of the string in
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
