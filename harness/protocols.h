// The registry of protocols lockstep can test: the one place the CLI, the campaign and the
// seeded-bug catalogue learn which exist. Adding a protocol adds one line to protocols.cc
// (docs/design.md, "Adding a protocol").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "harness/property/plugin.h"

namespace lockstep::harness {

// Every protocol, in report order.
const std::vector<const ProtocolPlugin*>& Protocols();

// Their names (what --protocol accepts besides "all").
std::vector<std::string> ProtocolNames();

// The protocol of that name, or nullptr.
const ProtocolPlugin* FindProtocol(std::string_view name);

}  // namespace lockstep::harness
