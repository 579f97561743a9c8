// Reading the state-transfer control protocol's JSON answers (impl/README.md) into the model's
// observation vocabulary. Every function fails with a message naming the field that is missing
// or malformed, so a non-conforming implementation is reported, not crashed on.
#pragma once

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "model/state_transfer/commands.h"
#include "model/state_transfer/observation.h"

namespace lockstep::harness::st {

Result<model::st::SideStatus> ParseSideStatus(const std::string& text);  // mds/logger state
Result<model::st::Database> ParseDatabase(const nlohmann::json& j);      // rows, last_update_key, log
Result<model::st::MemoryState> ParseMemory(const nlohmann::json& j);
Result<model::st::InputOutcome> ParseOutcome(const nlohmann::json& j);   // answer to submit
nlohmann::json SubmitRequest(const model::st::Submit& s);

}  // namespace lockstep::harness::st
