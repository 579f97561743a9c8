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

// A request sent and not yet answered: for commands that overlap (the answer comes only after
// the harness released a held process). Send() connects and writes the request; Answer()
// waits for the one answer line, with the errors of Request(). Move-only; closes its socket.
class PendingRequest {
 public:
  static Result<PendingRequest> Send(const std::filesystem::path& socket,
                                     const nlohmann::json& request);
  PendingRequest(PendingRequest&& other) noexcept;
  PendingRequest& operator=(PendingRequest&& other) noexcept;
  PendingRequest(const PendingRequest&) = delete;
  PendingRequest& operator=(const PendingRequest&) = delete;
  ~PendingRequest();

  // Waits up to `timeout` for the answer. Call once.
  Result<nlohmann::json> Answer(std::chrono::milliseconds timeout);
  // Whether Answer() would return without waiting: the answer (or the peer's close, or an
  // error) has arrived. Does not consume anything.
  bool Ready() const;

 private:
  PendingRequest(int fd, std::filesystem::path socket) : fd_(fd), socket_(std::move(socket)) {}
  int fd_ = -1;
  std::filesystem::path socket_;
};

}  // namespace lockstep::harness
