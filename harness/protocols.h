// The protocols lockstep can test, by name: the one place the CLI learns which exist.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "harness/os/sandbox.h"
#include "harness/property/property_runner.h"
#include "harness/property/replay.h"
#include "harness/property/run_settings.h"
#include "reports/property_result.h"

namespace lockstep::harness {

// Names accepted by --protocol, besides "all".
const std::vector<std::string>& ProtocolNames();

// The binaries a protocol's system needs in RunSettings::impl_dir.
std::vector<std::string> ProtocolBinaries(const std::string& protocol);

// A property test run of one protocol. REQUIRES: protocol is one of ProtocolNames().
ProtocolRun RunProtocolByName(const std::string& protocol,
                                                       const RunSettings& settings,
                                                       Sandbox& sandbox);

// Replays a step list of one protocol. REQUIRES: protocol is one of ProtocolNames().
Result<ReplayOutcome> ReplayByName(const std::string& protocol, const RunSettings& settings,
                                   Sandbox& sandbox, const std::vector<std::string>& steps,
                                   std::ostream* out);

}  // namespace lockstep::harness
