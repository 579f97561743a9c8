#include "harness/control/control_client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <string>

namespace lockstep::harness {
namespace {

using Clock = std::chrono::steady_clock;

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

int RemainingMs(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

Status Connect(const Fd& fd, const std::filesystem::path& socket) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string path = socket.string();
  if (path.size() >= sizeof(addr.sun_path)) {
    return Fail("control socket path too long (" + std::to_string(path.size()) +
                " bytes, limit " + std::to_string(sizeof(addr.sun_path) - 1) + "): " + path);
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    return FailErrno("connect to control socket " + path);
  }
  return {};
}

Status SendAll(const Fd& fd, const std::string& line, const std::filesystem::path& socket) {
  std::size_t sent = 0;
  while (sent < line.size()) {
    ssize_t n = ::send(fd.get(), line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return FailErrno("send to control socket " + socket.string());
    sent += static_cast<std::size_t>(n);
  }
  return {};
}

Result<std::string> ReadLine(const Fd& fd, const std::filesystem::path& socket,
                             Clock::time_point deadline) {
  std::string buffer;
  char chunk[4096];
  while (buffer.find('\n') == std::string::npos) {
    pollfd p{fd.get(), POLLIN, 0};
    int ready = ::poll(&p, 1, RemainingMs(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return FailErrno("poll on control socket " + socket.string());
    if (ready == 0) return Fail("no answer from control socket " + socket.string() + " in time");
    ssize_t n = ::recv(fd.get(), chunk, sizeof(chunk), 0);
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
  Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return FailErrno("socket(AF_UNIX)");
  if (auto s = Connect(fd, socket); !s) return std::unexpected(s.error());
  if (auto s = SendAll(fd, request.dump() + "\n", socket); !s) return std::unexpected(s.error());
  auto line = ReadLine(fd, socket, deadline);
  if (!line) return std::unexpected(line.error());
  auto answer = nlohmann::json::parse(*line, nullptr, /*allow_exceptions=*/false);
  if (answer.is_discarded()) {
    return Fail("control socket " + socket.string() + " answered with invalid JSON: " +
                line->substr(0, 200));
  }
  return answer;
}

}  // namespace lockstep::harness
