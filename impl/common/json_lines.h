// LineConnection: one non-blocking Unix stream connection carrying JSON lines (one JSON object
// per '\n'-terminated line). Owns its descriptor.
//
// Reading: Receive() pulls what the socket has into a buffer; NextLine() hands out complete
// lines in order. Writing: Send() appends to an output buffer and writes as much as the socket
// takes; the owner polls for POLLOUT while HasPendingOutput() and calls Flush().
// End of file from the peer sets eof(): nothing more will be read, but an answer can still be
// written (a client may shut down its writing side after its request). A connection that can
// no longer be written (EPIPE, ECONNRESET, POLLHUP) or that broke the framing becomes dead().
//
// Thread safety: single-threaded use.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace lockstep::impl {

class LineConnection {
 public:
  // Largest line accepted; a peer that sends more without a newline is cut off.
  static constexpr std::size_t kMaxLine = 64u << 20;

  // REQUIRES: `fd` is an open, non-blocking stream socket; ownership passes to this object.
  explicit LineConnection(int fd) : fd_(fd) {}
  ~LineConnection();
  LineConnection(const LineConnection&) = delete;
  LineConnection& operator=(const LineConnection&) = delete;

  int fd() const { return fd_; }
  bool dead() const { return dead_; }
  bool eof() const { return eof_; }
  // Why the connection ended ("" while open): "end of file", or an OS error with errno.
  std::string death() const { return dead_ ? death_ : eof_ ? "end of file" : ""; }

  // Reads everything available now. Sets eof() at end of file; dead() on an error.
  void Receive();
  // The peer hung up both directions (POLLHUP/POLLERR): nothing can be written any more.
  void HangUp() { Die("hung up"); }
  // The next complete line, without its '\n'.
  std::optional<std::string> NextLine();

  // Queues `message` as one line and writes what the socket takes now.
  void Send(const nlohmann::json& message);
  // Writes queued output; marks the connection dead on EPIPE and similar.
  void Flush();
  // Writes queued output, waiting up to `timeout_ms` for the socket to take it all (used
  // just before the process exits, so that a last message is not lost).
  void FlushBlocking(int timeout_ms);
  bool HasPendingOutput() const { return out_offset_ < out_.size(); }

 private:
  void Die(std::string why);

  int fd_;
  bool dead_ = false;
  bool eof_ = false;
  std::string death_;
  std::string in_;
  std::string out_;
  std::size_t out_offset_ = 0;
};

// Parses one line into a JSON object. std::nullopt (and `*error` set) when the line is not
// valid JSON or not an object.
std::optional<nlohmann::json> ParseObject(const std::string& line, std::string* error);

// The string field `name` of `object`, or "" when absent or not a string.
std::string StringField(const nlohmann::json& object, const char* name);
// The non-negative integer field `name` of `object`, or std::nullopt.
std::optional<std::uint64_t> UintField(const nlohmann::json& object, const char* name);

}  // namespace lockstep::impl
