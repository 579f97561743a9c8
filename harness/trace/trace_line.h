// TraceLine: one line of an event trace (docs/trace.md), as the trace reader hands it to a
// protocol's event model: where it came from, the common fields decoded, and the whole line.
//
// Plain value; safe to copy across threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace lockstep::harness::trace {

// The process name of lines the harness writes itself (docs/trace.md, "Lines of the
// harness"): what it did to the system between two steps that no process can trace, such as
// an offline synchronize or a journal set formatted.
inline constexpr const char* kHarnessProcess = "harness";

struct TraceLine {
  std::string file;         // the trace file it was read from, as given
  std::size_t line_no = 0;  // 1-based line number in that file
  std::string process;      // "mds", "logger-A", "SYSTEM73", "harness"
  long pid = 0;
  std::uint64_t seq = 0;
  std::uint64_t clock = 0;
  std::string event;        // "input_durable"
  nlohmann::json json;      // the whole line, the event's fields included

  bool from_harness() const { return process == kHarnessProcess; }
  // The event's field `name` (json null when absent).
  const nlohmann::json& field(const char* name) const {
    static const nlohmann::json kNull;
    const auto it = json.find(name);
    return it == json.end() ? kNull : *it;
  }
  // Its `time` ("2026-11-21T10:00:00.123456Z") in microseconds since the epoch; nullopt when
  // absent or not in that form. For intervals within one process life (same clock).
  std::optional<std::int64_t> micros() const {
    const nlohmann::json& t = field("time");
    if (!t.is_string()) return std::nullopt;
    std::tm tm{};
    int micro = 0;
    char zone = 0;
    if (std::sscanf(t.get_ref<const std::string&>().c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%6d%c",
                    &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec,
                    &micro, &zone) != 8 || zone != 'Z') {
      return std::nullopt;
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return static_cast<std::int64_t>(timegm(&tm)) * 1'000'000 + micro;
  }
  // "logger-B seq 12 (pid 4711) state_applied, traces/logger-B.jsonl:14"
  std::string Where() const {
    std::string where = process;
    if (!from_harness()) where += " seq " + std::to_string(seq) + " (pid " + std::to_string(pid) + ")";
    return where + " " + event + ", " + file + ":" + std::to_string(line_no);
  }
};

}  // namespace lockstep::harness::trace
