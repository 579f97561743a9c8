#include "impl/common/trace.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <sstream>

#include "impl/common/action_hold.h"
#include "impl/common/crash_point.h"
#include "impl/common/durable_file.h"

namespace lockstep::impl {

using nlohmann::json;

namespace {

// A "clock" value: a non-negative integer, or std::nullopt.
std::optional<std::uint64_t> ClockValue(const json& value) {
  if (value.is_number_unsigned()) return value.get<std::uint64_t>();
  if (value.is_number_integer() && value.get<std::int64_t>() >= 0) {
    return static_cast<std::uint64_t>(value.get<std::int64_t>());
  }
  return std::nullopt;
}

// The largest "clock" of the lines in `text`; 0 when none parses.
std::uint64_t LargestClock(const std::string& text) {
  std::uint64_t largest = 0;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    const json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object()) continue;
    const auto clock = j.find("clock");
    if (clock != j.end()) largest = std::max(largest, ClockValue(*clock).value_or(0));
  }
  return largest;
}

std::string ErrnoText(int errnum) {
  return std::string(std::strerror(errnum)) + " [" + std::to_string(errnum) + "]";
}

}  // namespace

Trace::~Trace() {
  if (fd_ >= 0) close(fd_);
}

Status Trace::Open(const std::string& path, std::string process, LogFile* log) {
  // O_EXCL first, to know whether this Open made the file (Discard removes only that).
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
  bool created = fd >= 0;
  if (fd < 0 && errno == EEXIST) fd = open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) return FailErrno("cannot open trace file " + path);
  auto previous = ReadWholeFile(path);
  if (!previous) {
    close(fd);
    if (created) unlink(path.c_str());
    return std::unexpected(previous.error());
  }
  fd_ = fd;
  created_ = created;
  path_ = path;
  process_ = std::move(process);
  log_ = log;
  pid_ = static_cast<long>(getpid());
  seq_ = 0;
  clock_ = previous->has_value() ? LargestClock(**previous) : 0;
  Record("started");
  return {};
}

void Trace::Discard() {
  if (fd_ < 0) return;
  close(fd_);
  fd_ = -1;
  if (created_) unlink(path_.c_str());
}

void Trace::Record(std::string_view event, json fields) {
  if (fd_ < 0) return;
  ++seq_;
  ++clock_;
  // Ordered: the common fields first, as docs/trace.md shows them, then the event's own.
  nlohmann::ordered_json line{{"process", process_}, {"pid", pid_},     {"seq", seq_},
                              {"clock", clock_},     {"time", UtcTimestamp()}, {"event", event}};
  for (const auto& [name, value] : fields.items()) line[name] = nlohmann::ordered_json(value);
  Write(line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n");
  CrashAtAction(event);  // every traced action is a crash point (crash_point.h)
  HoldAtAction(event);   // and a place the harness can hold the process (action_hold.h)
}

void Trace::Error(std::string_view op, const lockstep::Error& error) {
  Error(op, error.errnum, error.message);
}

void Trace::Error(std::string_view op, int errnum, std::string_view message) {
  Record("error", json{{"op", op},
                       {"errno", errnum},
                       {"cause", errnum != 0 ? std::strerror(errnum) : ""},
                       {"message", message}});
}

void Trace::Stamp(json& message) const {
  if (fd_ >= 0) message["clock"] = clock_;
}

void Trace::Receive(json& message) {
  const auto clock = message.find("clock");
  if (clock == message.end()) return;
  clock_ = std::max(clock_, ClockValue(*clock).value_or(0));
  message.erase(clock);
}

void Trace::Write(const std::string& line) {
  const std::string text = cut_short_ ? "\n" + line : line;
  // One write: O_APPEND puts the whole line at the end, after any other writer's line.
  const ssize_t n = write(fd_, text.data(), text.size());
  if (n == static_cast<ssize_t>(text.size())) {
    if (failed_writes_ > 0 && log_ != nullptr) {
      log_->Line("Trace file " + path_ + " writable again; " + std::to_string(failed_writes_) +
                 " trace lines were lost or cut short");
    }
    cut_short_ = false;
    failed_writes_ = 0;
    return;
  }
  const int errnum = n < 0 ? errno : ENOSPC;  // a short write: the file system is full
  cut_short_ = cut_short_ || n > 0;
  if (failed_writes_++ > 0) return;
  const std::string message =
      "Unable to write trace file " + path_ + " (line " + std::to_string(seq_) +
      (n > 0 ? " cut short" : " lost") + "): " + ErrnoText(errnum);
  if (log_ != nullptr) {
    log_->Line(message);
  } else {
    [[maybe_unused]] const ssize_t e = write(STDERR_FILENO, (message + "\n").data(),
                                             message.size() + 1);
  }
}

}  // namespace lockstep::impl
