// The answers every process's control protocol gives alike (impl/README.md, "Control
// protocol"): the error for a request without a known op, and the shutdown answer.
//
// Thread safety: stateless functions.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "impl/common/json_lines.h"
#include "impl/common/log.h"

namespace lockstep::impl {

// How long a process waits for its last messages to be written before it exits.
inline constexpr int kLastWordsTimeoutMs = 1000;

// The error answer to a request whose "op" (`op`, "" when it has none) is missing or unknown.
nlohmann::json UnknownOpAnswer(const std::string& op);

// Answers a shutdown request "ok" on `conn`, waits up to kLastWordsTimeoutMs for the answer
// to be written (the process exits next), and logs the shutdown.
void AnswerShutdown(LineConnection& conn, LogFile& log);

}  // namespace lockstep::impl
