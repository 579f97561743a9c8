// Trace: the event trace of one implementation process (`mds`, `logger`, `txsys`), a JSON-lines
// file the harness names with `--trace FILE`. docs/trace.md is the contract (every event kind
// and its fields); reports/schema/lockstep-trace.schema.json is the schema of one line.
//
// Each line is one externally meaningful action of the process:
//   {"process":"logger-A","pid":N,"seq":N,"clock":N,"time":"<ISO-8601 UTC, µs>Z",
//    "event":"input_received", ...the event's fields}
//
// Promises:
//  1. Write before act. Record() returns only after the line went to the file with ONE
//     write(2) on a descriptor opened O_APPEND: a SIGKILL after Record() returns cannot lose
//     the line, and lines of several writers of one file never interleave. Callers record an
//     action before they act on it (send the message, answer, rename), so an effect that
//     anybody can observe always has its line in the trace.
//  2. Sequence: `seq` is 1, 2, ... over one process's life; line 1 of every life is `started`
//     (written by Open).
//  3. Order across processes: `clock` is a Lamport clock. Every Record() increments it;
//     Stamp() puts the current clock on a message to another process ("clock" field) and
//     Receive() takes the maximum of the own clock and the message's (and removes the field),
//     so an event that causally follows another has a larger clock. Open() continues above
//     the largest clock already in the file, so a role's later lives follow its earlier ones.
//  4. Cost zero when off: a Trace that was never opened writes nothing and stamps nothing.
//  5. Errors are not silent: a write that fails is logged to the process's LogFile (once
//     until a write succeeds again, then the number of lines lost). A line cut short (disk
//     full) is ended with a newline before the next line, so it stands alone and a reader can
//     report it.
//
// Record() is the one place every traced action passes through: after the write it calls
// CrashAtAction(event) (crash_point.h), so LOCKSTEP_CRASH_AT_ACTION=event:hit kills the process
// right after the hit-th line of that kind, with the line in the file; then HoldAtAction(event)
// (action_hold.h), so a hold armed over the control protocol stops the process there.
//
// Thread safety: single-threaded use, like the processes.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "impl/common/log.h"

namespace lockstep::impl {

class Trace {
 public:
  Trace() = default;
  ~Trace();
  Trace(const Trace&) = delete;
  Trace& operator=(const Trace&) = delete;

  // Opens (creating, appending) `path` for the process named `process` ("mds", "logger-A",
  // "SYSTEM73"), continues the clock above the file's largest, and records `started`.
  // Write errors go to `log` (may be null: stderr).
  // Fails naming the path and errno; nothing is created then.
  [[nodiscard]] Status Open(const std::string& path, std::string process, LogFile* log);
  // Closes the trace; removes its file if Open created it (a process that cannot start after
  // all leaves nothing behind).
  void Discard();

  bool enabled() const { return fd_ >= 0; }
  std::uint64_t seq() const { return seq_; }
  std::uint64_t clock() const { return clock_; }

  // Records one action `event` with `fields` (a JSON object; the common fields are added).
  // No-op when not enabled.
  // REQUIRES: no field of `fields` is named like a common one (process, pid, seq, clock, time,
  // event).
  void Record(std::string_view event, nlohmann::json fields = nlohmann::json::object());
  // Records an `error` event: what failed (`op`), its errno (0 if none) and the message.
  void Error(std::string_view op, const lockstep::Error& error);
  void Error(std::string_view op, int errnum, std::string_view message);

  // Puts the current clock on an outgoing message (field "clock"). No-op when not enabled.
  void Stamp(nlohmann::json& message) const;
  // Takes an incoming message's clock into the own clock and removes the field, so the
  // message is handled (and forwarded) as without a trace. Always removes it.
  void Receive(nlohmann::json& message);

 private:
  void Write(const std::string& line);

  int fd_ = -1;
  bool created_ = false;
  std::string path_;
  std::string process_;
  LogFile* log_ = nullptr;
  long pid_ = 0;
  std::uint64_t seq_ = 0;
  std::uint64_t clock_ = 0;
  bool cut_short_ = false;           // the last write was partial: start the next on a new line
  std::uint64_t failed_writes_ = 0;  // lines lost since the last write that succeeded
};

}  // namespace lockstep::impl
