// UtcTimestamp: the current time as logs and event traces write it,
// "2026-11-21T10:00:00.123456Z" (UTC, microseconds). Shared by the implementation's logs and
// traces (impl/common) and the harness's own trace lines (harness/trace/harness_lines.h).
//
// Thread safety: safe from any thread (gmtime_r).
#pragma once

#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

namespace lockstep {

inline std::string UtcTimestamp() {
  const auto now = std::chrono::system_clock::now();
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(micros / 1000000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buf[64];
  const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(buf + n, sizeof buf - n, ".%06lldZ", static_cast<long long>(micros % 1000000));
  return buf;
}

}  // namespace lockstep
