// LogFile: the human-readable log of one process. Each line is written with one write(2)
// to a file opened O_APPEND, so it survives a SIGKILL right after the call and lines from
// successive runs of the same side accumulate in order (the harness counts lines over a side's
// whole life).
//
// Line format: "<ISO-8601 UTC time with microseconds>Z <tag> <text>\n", e.g.
// "2026-11-21T10:00:00.123456Z A PrepareToSendState".
//
// A LogFile that could not be opened, or whose writes fail, drops lines silently: logging is
// never a reason for the system under test to change behaviour.
//
// Thread safety: single-threaded use.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "base/utc_timestamp.h"

namespace lockstep::impl {

// The current time as the log prefixes it: "2026-11-21T10:00:00.123456Z" (base/utc_timestamp.h).
using lockstep::UtcTimestamp;

class LogFile {
 public:
  LogFile() = default;
  ~LogFile();
  LogFile(const LogFile&) = delete;
  LogFile& operator=(const LogFile&) = delete;

  // Opens (creating, appending) `path`; every line is prefixed by `tag`.
  [[nodiscard]] Status Open(const std::string& path, std::string tag);

  // Appends one line. Also copied to stderr when the file is not open.
  void Line(std::string_view text);

 private:
  int fd_ = -1;
  std::string tag_;
};

}  // namespace lockstep::impl
