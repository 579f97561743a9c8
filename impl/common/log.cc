#include "impl/common/log.h"

#include <fcntl.h>
#include <unistd.h>

namespace lockstep::impl {
LogFile::~LogFile() {
  if (fd_ >= 0) close(fd_);
}

Status LogFile::Open(const std::string& path, std::string tag) {
  tag_ = std::move(tag);
  fd_ = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) return FailErrno("cannot open log file " + path);
  return {};
}

void LogFile::Line(std::string_view text) {
  std::string line = UtcTimestamp() + " " + tag_ + " ";
  line.append(text);
  line.push_back('\n');
  const int fd = fd_ >= 0 ? fd_ : STDERR_FILENO;
  // One write: O_APPEND keeps the line whole; a short write to a full disk loses the rest.
  [[maybe_unused]] const ssize_t n = write(fd, line.data(), line.size());
}

}  // namespace lockstep::impl
