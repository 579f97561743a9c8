#include "impl/resync/timestamp.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <regex>

namespace lockstep::impl::resync {
namespace {

long long NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string FormatTimestamp(long long micros) {
  const std::time_t seconds = static_cast<std::time_t>(micros / 1000000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buf[64];
  const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%d-%H.%M.%S", &utc);
  std::snprintf(buf + n, sizeof buf - n, ".%06lld", micros % 1000000);
  return buf;
}

namespace {

std::string LockPath() {
  const char* tmp = std::getenv("TMPDIR");
  return std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/lockstep-timestamp.lock";
}

}  // namespace

std::string NewTimestamp() { return FormatTimestamp(NewTimestampMicros()); }

long long NewTimestampMicros() {
  static long long last = 0;  // uniqueness within the process, whatever the lock file does
  const int fd = open(LockPath().c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  const bool locked = fd >= 0 && flock(fd, LOCK_EX) == 0;
  long long now = NowMicros();
  while (now <= last) now = NowMicros();
  // Hold the machine-wide lock until the clock has passed `now`: the next holder reads later.
  while (locked && NowMicros() <= now) {
  }
  if (fd >= 0) close(fd);  // releases the flock
  last = now;
  return now;
}

bool IsTimestamp(const std::string& text) {
  static const std::regex kPattern(R"(\d{4}-\d{2}-\d{2}-\d{2}\.\d{2}\.\d{2}\.\d{6})");
  return std::regex_match(text, kPattern);
}

}  // namespace lockstep::impl::resync
