// Compact one-line renderings of observation values, for violation messages and debug dumps.
// Pure functions; the output is meant for people and is not a stable format (Encode() in
// state.h is the canonical form).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/state_transfer/observation.h"

namespace lockstep::model::st {

// "{rows={k1=v1,k2=v2} last_update_key=3 log=[2:set k1=v1,3:del k2]}"
std::string Format(const Database& db);
// "{k1:2,k2:1}"
std::string Format(const MemoryState& m);
// "[28,13]"
std::string Format(const std::vector<int>& errnos);
// "incremental 2 entries upto 5" / "none"
std::string Format(const std::optional<TransferRecord>& t);
// "ok 3" / "unavailable" / "none"
std::string Format(const std::optional<InputOutcome>& o);
// "[ok 5, unavailable-after-accept 6]"
std::string Format(const std::vector<InputOutcome>& outcomes);
// "28" / "none"
std::string Format(const std::optional<int>& errnum);
// "2:set k1=v1"
std::string Format(const LogEntry& e);

}  // namespace lockstep::model::st
