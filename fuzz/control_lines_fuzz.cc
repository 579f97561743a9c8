// Fuzz target: bytes a peer sends on a control connection, read as every process reads them
// (impl/common/json_lines.h): LineConnection::Receive over a real non-blocking Unix socket
// pair, NextLine, ParseObject, StringField/UintField, and the unknown-op answer
// (impl/common/control_answers.h) sent back. Checks, besides never crashing:
//   - the lines handed out, each with its '\n', are exactly the input up to its last '\n';
//   - what ParseObject accepts is an object, what it refuses has an error;
//   - every answer arrives at the peer as one line that ParseObject accepts, with "error".
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "fuzz/fuzz_check.h"
#include "impl/common/control_answers.h"
#include "impl/common/json_lines.h"

using lockstep::impl::LineConnection;
using lockstep::impl::ParseObject;

namespace {

std::string ReadAll(int fd) {
  std::string out;
  char buf[65536];
  for (;;) {
    const ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n > 0) {
      out.append(buf, static_cast<std::size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      return out;  // end of file, or EAGAIN: nothing more now
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  int fds[2];
  FUZZ_CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) == 0,
             "socketpair: errno %d", errno);
  const int peer = fds[1];
  // The whole input fits the socket buffer: libFuzzer's inputs are a few KB.
  FUZZ_CHECK(send(peer, input.data(), input.size(), MSG_NOSIGNAL) ==
                 static_cast<ssize_t>(input.size()),
             "send: errno %d", errno);
  FUZZ_CHECK(shutdown(peer, SHUT_WR) == 0, "shutdown: errno %d", errno);

  std::string lines;
  int answers = 0;
  {
    LineConnection conn(fds[0]);
    conn.Receive();
    FUZZ_CHECK(conn.eof() && !conn.dead(), "the connection did not read to end of file: %s",
               conn.death().c_str());
    while (auto line = conn.NextLine()) {
      FUZZ_CHECK(line->find('\n') == std::string::npos, "a line holds a newline");
      lines += *line + "\n";
      std::string error;
      auto message = ParseObject(*line, &error);
      FUZZ_CHECK(message.has_value() == error.empty(), "ParseObject's result and error disagree");
      if (!message) continue;
      FUZZ_CHECK(message->is_object(), "ParseObject accepted a non-object");
      const std::string op = lockstep::impl::StringField(*message, "op");
      (void)lockstep::impl::UintField(*message, "id");
      conn.Send(lockstep::impl::UnknownOpAnswer(op));
      ++answers;
    }
    FUZZ_CHECK(!conn.HasPendingOutput() && !conn.dead(), "answers not written: %s",
               conn.death().c_str());
  }
  FUZZ_CHECK(lines == input.substr(0, input.rfind('\n') + 1),
             "lines do not add up to the input");

  const std::string out = ReadAll(peer);
  close(peer);
  std::size_t at = 0;
  for (int i = 0; i < answers; ++i) {
    const std::size_t newline = out.find('\n', at);
    FUZZ_CHECK(newline != std::string::npos, "answer %d missing", i);
    std::string error;
    auto answer = ParseObject(out.substr(at, newline - at), &error);
    FUZZ_CHECK(answer.has_value() && answer->contains("error"), "answer %d unreadable: %s", i,
               error.c_str());
    at = newline + 1;
  }
  FUZZ_CHECK(at == out.size(), "more answers than requests");
  return 0;
}
