#include "impl/common/json_lines.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace lockstep::impl {

LineConnection::~LineConnection() {
  if (fd_ >= 0) close(fd_);
}

void LineConnection::Die(std::string why) {
  if (dead_) return;
  dead_ = true;
  death_ = std::move(why);
}

void LineConnection::Receive() {
  char buf[65536];
  while (!dead_ && !eof_) {
    const ssize_t n = recv(fd_, buf, sizeof buf, 0);
    if (n > 0) {
      in_.append(buf, static_cast<std::size_t>(n));
      if (in_.size() > kMaxLine && in_.find('\n') == std::string::npos) {
        Die("line longer than " + std::to_string(kMaxLine) + " bytes");
      }
      continue;
    }
    if (n == 0) {
      eof_ = true;
    } else if (errno == EINTR) {
      continue;
    } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
      Die(std::string("read error: ") + std::strerror(errno) + " [" + std::to_string(errno) + "]");
    }
    return;
  }
}

std::optional<std::string> LineConnection::NextLine() {
  const auto newline = in_.find('\n');
  if (newline == std::string::npos) return std::nullopt;
  std::string line = in_.substr(0, newline);
  in_.erase(0, newline + 1);
  return line;
}

void LineConnection::Send(const nlohmann::json& message) {
  if (dead_) return;
  if (out_offset_ == out_.size()) {
    out_.clear();
    out_offset_ = 0;
  }
  out_ += message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  out_.push_back('\n');
  Flush();
}

void LineConnection::Flush() {
  while (!dead_ && HasPendingOutput()) {
    const ssize_t n = send(fd_, out_.data() + out_offset_, out_.size() - out_offset_,
                           MSG_NOSIGNAL);
    if (n >= 0) {
      out_offset_ += static_cast<std::size_t>(n);
    } else if (errno == EINTR) {
      continue;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
      return;
    } else {
      Die(std::string("write error: ") + std::strerror(errno) + " [" + std::to_string(errno) +
          "]");
    }
  }
}

void LineConnection::FlushBlocking(int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  Flush();
  while (!dead_ && HasPendingOutput()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return;
    pollfd p{fd_, POLLOUT, 0};
    poll(&p, 1, static_cast<int>(left.count()));
    Flush();
  }
}

std::optional<nlohmann::json> ParseObject(const std::string& line, std::string* error) {
  nlohmann::json value = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) {
    *error = "not valid JSON";
    return std::nullopt;
  }
  if (!value.is_object()) {
    *error = "not a JSON object";
    return std::nullopt;
  }
  return value;
}

std::string StringField(const nlohmann::json& object, const char* name) {
  const auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<std::uint64_t> UintField(const nlohmann::json& object, const char* name) {
  const auto it = object.find(name);
  if (it == object.end() || !it->is_number_unsigned()) return std::nullopt;
  return it->get<std::uint64_t>();
}

}  // namespace lockstep::impl
