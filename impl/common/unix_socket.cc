#include "impl/common/unix_socket.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <optional>

namespace lockstep::impl {
namespace {

Result<sockaddr_un> Address(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof addr.sun_path) {
    return Fail("socket path '" + path + "' is empty or longer than " +
                std::to_string(sizeof addr.sun_path - 1) + " bytes");
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  return addr;
}

Result<int> NewSocket(const std::string& path) {
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return FailErrno("cannot create a socket for " + path);
  return fd;
}

}  // namespace

Result<int> ListenUnix(const std::string& path) {
  auto addr = Address(path);
  if (!addr) return std::unexpected(addr.error());
  if (unlink(path.c_str()) != 0 && errno != ENOENT) {
    return FailErrno("cannot remove stale socket " + path);
  }
  auto fd = NewSocket(path);
  if (!fd) return fd;
  if (bind(*fd, reinterpret_cast<const sockaddr*>(&*addr), sizeof *addr) != 0 ||
      listen(*fd, 64) != 0) {
    const int err = errno;
    close(*fd);
    return FailErrno("cannot listen on " + path, err);
  }
  return fd;
}

Result<int> ConnectUnix(const std::string& path) {
  auto addr = Address(path);
  if (!addr) return std::unexpected(addr.error());
  // Connect blocking (a local connect completes at once or fails), then go non-blocking.
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return FailErrno("cannot create a socket for " + path);
  if (connect(fd, reinterpret_cast<const sockaddr*>(&*addr), sizeof *addr) != 0) {
    const int err = errno;
    close(fd);
    return FailErrno("cannot connect to " + path, err);
  }
  if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0) {
    const int err = errno;
    close(fd);
    return FailErrno("cannot make the connection to " + path + " non-blocking", err);
  }
  return fd;
}

Result<int> ConnectUnixWithRetry(const std::string& path, int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    auto fd = ConnectUnix(path);
    if (fd) return fd;
    const int err = fd.error().errnum;
    const bool retryable = err == ENOENT || err == ECONNREFUSED || err == EAGAIN;
    if (!retryable || std::chrono::steady_clock::now() >= deadline) return fd;
    const timespec pause{0, 10 * 1000 * 1000};  // the peer is starting: look again in 10 ms
    nanosleep(&pause, nullptr);
  }
}

Result<std::optional<int>> AcceptUnix(int listen_fd) {
  const int fd = accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
  if (fd >= 0) return std::optional<int>(fd);
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR || errno == ECONNABORTED) {
    return std::optional<int>();
  }
  return FailErrno("cannot accept a connection");
}

void IgnoreSigpipe() { signal(SIGPIPE, SIG_IGN); }

}  // namespace lockstep::impl
