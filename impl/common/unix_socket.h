// Unix stream socket helpers: the processes' only route to sockets. Every descriptor returned
// is close-on-exec and non-blocking. Errors name the socket path and carry the errno.
//
// Thread safety: stateless functions.
#pragma once

#include <optional>
#include <string>

#include "base/result.h"

namespace lockstep::impl {

// Binds and listens on `path`, removing a stale socket file left there by an earlier run.
// REQUIRES: `path` fits in sockaddr_un::sun_path (107 bytes).
[[nodiscard]] Result<int> ListenUnix(const std::string& path);

// Connects to `path`.
[[nodiscard]] Result<int> ConnectUnix(const std::string& path);

// Connects to `path`, retrying refused/missing sockets until `timeout_ms` has passed (the
// peer may still be starting up).
[[nodiscard]] Result<int> ConnectUnixWithRetry(const std::string& path, int timeout_ms);

// Accepts one pending connection. std::nullopt when none is pending (EAGAIN).
[[nodiscard]] Result<std::optional<int>> AcceptUnix(int listen_fd);

// Ignores SIGPIPE for the whole process: a peer that went away shows up as EPIPE.
void IgnoreSigpipe();

}  // namespace lockstep::impl
