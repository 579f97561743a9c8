// Reproduce strings: everything needed to re-run a failing case exactly, as one line that a
// user can paste after `lockstep replay --reproduce`.
//
//   lockstep1|protocol=state-transfer|seed=42|bug=temp-file-left-behind|transfer-timeout-ms=250|
//   log-capacity=4|fault-dir-bytes=1048576|steps=Start(A);Submit(set k1=v2);...
//
// The command list is the shrunk sequence itself (each command's Describe() text), so a
// replay needs neither RapidCheck nor the seed; the seed is kept to tell where it came from.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "harness/property/run_settings.h"

namespace lockstep::harness {

struct Reproduction {
  std::string protocol;
  RunSettings settings;            // seed, bug and every timing that matters
  std::vector<std::string> steps;  // Describe() text of each command
};

std::string EncodeReproduce(const std::string& protocol, const RunSettings& settings,
                            const std::vector<std::string>& steps);

// Fails with a message naming the first field that is missing or malformed.
Result<Reproduction> DecodeReproduce(const std::string& text);

}  // namespace lockstep::harness
