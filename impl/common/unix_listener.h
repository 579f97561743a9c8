// UnixListener: a process's listening Unix socket and the accept loop over it.
//
// Owns the listening descriptor and the socket file: both go when the listener goes (the
// descriptor closed, the socket file unlinked), so a process that exits normally leaves no
// socket behind.
//
// Running out of descriptors is bounded. A listening socket with a connection pending stays
// readable, so a process that cannot accept (EMFILE, ENFILE) would wake from poll(2) at once,
// fail again and spin. The listener keeps one spare descriptor for that case: when accept fails
// for lack of descriptors it frees the spare, accepts the pending connection, closes it at once
// (the client sees its connection closed, unanswered) and takes the spare back. Each such
// condition is logged once when it begins and once when it ends, never per connection.
//
// Thread safety: single-threaded use.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "base/result.h"
#include "impl/common/log.h"

namespace lockstep::impl {

class UnixListener {
 public:
  UnixListener() = default;  // not listening: fd() is -1
  ~UnixListener();
  UnixListener(const UnixListener&) = delete;
  UnixListener& operator=(const UnixListener&) = delete;

  // Binds and listens on `path` (ListenUnix), and takes the spare descriptor.
  // REQUIRES: not listening yet.
  [[nodiscard]] Status Listen(const std::string& path);

  // The listening descriptor, to poll for POLLIN; -1 before Listen().
  int fd() const { return fd_; }

  // Accepts every pending connection and hands each new descriptor (non-blocking,
  // close-on-exec; ownership passes) to `on_connection`. Errors and the begin and end of a
  // descriptor shortage go to `log`. Returns when no connection is pending or accept fails.
  void AcceptAll(LogFile& log, const std::function<void(int fd)>& on_connection);

  // Connections closed unanswered because no descriptor was free (for tests and status).
  std::uint64_t shed() const { return shed_; }

 private:
  // Accepts one pending connection and closes it, using the spare descriptor's slot. False
  // when even that failed (after a short pause, so that the caller's poll loop cannot spin).
  bool Shed();

  int fd_ = -1;
  int spare_fd_ = -1;
  std::string path_;
  bool short_of_descriptors_ = false;
  std::uint64_t shed_ = 0;
};

}  // namespace lockstep::impl
