#include "harness/control/control_client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

namespace lockstep::harness {
namespace {

using Clock = std::chrono::steady_clock;

int RemainingMs(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

Status Connect(int fd, const std::filesystem::path& socket) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string path = socket.string();
  if (path.size() >= sizeof(addr.sun_path)) {
    return Fail("control socket path too long (" + std::to_string(path.size()) +
                " bytes, limit " + std::to_string(sizeof(addr.sun_path) - 1) + "): " + path);
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    return FailErrno("connect to control socket " + path);
  }
  return {};
}

Status SendAll(int fd, const std::string& line, const std::filesystem::path& socket) {
  std::size_t sent = 0;
  while (sent < line.size()) {
    ssize_t n = ::send(fd, line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return FailErrno("send to control socket " + socket.string());
    sent += static_cast<std::size_t>(n);
  }
  return {};
}

Result<std::string> ReadLine(int fd, const std::filesystem::path& socket,
                             Clock::time_point deadline) {
  std::string buffer;
  char chunk[4096];
  while (buffer.find('\n') == std::string::npos) {
    pollfd p{fd, POLLIN, 0};
    int ready = ::poll(&p, 1, RemainingMs(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return FailErrno("poll on control socket " + socket.string());
    if (ready == 0) return Fail("no answer from control socket " + socket.string() + " in time");
    ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return FailErrno("recv from control socket " + socket.string());
    if (n == 0) {
      return Fail("control socket " + socket.string() + " closed before a complete answer");
    }
    buffer.append(chunk, static_cast<std::size_t>(n));
  }
  buffer.resize(buffer.find('\n'));
  return buffer;
}

}  // namespace

Result<nlohmann::json> Request(const std::filesystem::path& socket, const nlohmann::json& request,
                               std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  auto pending = PendingRequest::Send(socket, request);
  if (!pending) return std::unexpected(pending.error());
  return pending->Answer(std::chrono::duration_cast<std::chrono::milliseconds>(
      std::max(deadline - Clock::now(), Clock::duration::zero())));
}

Result<PendingRequest> PendingRequest::Send(const std::filesystem::path& socket,
                                            const nlohmann::json& request) {
  PendingRequest pending(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), socket);
  if (pending.fd_ < 0) return FailErrno("socket(AF_UNIX)");
  if (auto s = Connect(pending.fd_, socket); !s) return std::unexpected(s.error());
  if (auto s = SendAll(pending.fd_, request.dump() + "\n", socket); !s) {
    return std::unexpected(s.error());
  }
  return pending;
}

PendingRequest::PendingRequest(PendingRequest&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), socket_(std::move(other.socket_)) {}

PendingRequest& PendingRequest::operator=(PendingRequest&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    socket_ = std::move(other.socket_);
  }
  return *this;
}

PendingRequest::~PendingRequest() {
  if (fd_ >= 0) ::close(fd_);
}

bool PendingRequest::Ready() const {
  pollfd p{fd_, POLLIN, 0};
  return ::poll(&p, 1, 0) != 0;
}

Result<nlohmann::json> PendingRequest::Answer(std::chrono::milliseconds timeout) {
  auto line = ReadLine(fd_, socket_, Clock::now() + timeout);
  if (!line) return std::unexpected(line.error());
  auto answer = nlohmann::json::parse(*line, nullptr, /*allow_exceptions=*/false);
  if (answer.is_discarded()) {
    return Fail("control socket " + socket_.string() + " answered with invalid JSON: " +
                line->substr(0, 200));
  }
  return answer;
}

}  // namespace lockstep::harness
