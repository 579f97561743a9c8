// ControlClient: the harness's side of the control protocol (impl/README.md): one JSON line
// request per connection over a Unix stream socket, one JSON line answer.
//
// Thread safety: stateless functions; safe from any thread.
#pragma once

#include <chrono>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace lockstep::harness {

// Sends `request` to the process listening on `socket` and returns its answer.
// Fails (naming the socket and errno) when nobody listens, when the peer closes without a
// complete line, when the answer is not JSON, or when `timeout` passes. An answer of the form
// {"error": "..."} is returned as a value: the caller decides what a refusal means.
Result<nlohmann::json> Request(const std::filesystem::path& socket, const nlohmann::json& request,
                               std::chrono::milliseconds timeout);

}  // namespace lockstep::harness
