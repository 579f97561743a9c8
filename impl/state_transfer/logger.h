// Logger: one side (A or B) of the duplexed logger, run as its own process.
//
// Single-threaded around poll(2): the mds link (one connection, kept), the control socket
// (one request per connection) and the receiver timer. Holds the durable Database (rewritten
// atomically for every input and every received state) and the volatile MemoryState.
//
// Lifecycle (impl/README.md): open the database (exit 3 if the data directory cannot be
// opened), remove leftover "lockstep-st-*" temp files, log the checksum line, listen on the
// control socket, connect to the mds and register with last_update_key, then follow the mds:
// enter_service | stale | receive (+ state, queued inputs, enter_service). As a receiver it
// logs "Logger Waiting for MDS Messages" every quarter of --transfer-timeout-ms and exits 4 when
// the whole timeout has passed since `receive` without being in service.
//
// With --trace it records the actions of docs/trace.md ("logger") before acting on them.
//
// Thread safety: the object is driven by Run() on one thread.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "impl/common/json_lines.h"
#include "impl/common/log.h"
#include "impl/common/trace.h"
#include "impl/common/unix_listener.h"
#include "impl/state_transfer/database.h"
#include "impl/state_transfer/memory_state.h"
#include "impl/state_transfer/sender.h"

namespace lockstep::impl {

struct LoggerConfig {
  std::string side;  // "A" or "B"
  std::string mds_socket;
  std::string control_socket;
  std::string data_dir;
  std::string temp_dir;
  std::string log_path;
  std::string trace_path;  // empty: no trace
  std::size_t log_capacity = 1000;
  std::uint64_t transfer_timeout_ms = 180000;
};

class Logger {
 public:
  explicit Logger(LoggerConfig config);

  // Runs the side until it is told to shut down or must exit; returns the exit status.
  int Run();

 private:
  enum class State { kRegistering, kReceiving, kInService, kStale };
  // std::nullopt: keep running; a value: exit with that status.
  using Exit = std::optional<int>;
  using Clock = std::chrono::steady_clock;

  Exit Start();
  Exit Loop();
  Exit OnTimers(Clock::time_point now);
  int PollTimeoutMs(Clock::time_point now) const;
  Exit OnLinkReadable();
  Exit OnLinkMessage(const nlohmann::json& message);
  Exit OnInput(const nlohmann::json& message);
  Exit OnState(const nlohmann::json& message);
  void OnReceive(const nlohmann::json& message);
  void EnterService();
  struct Control {
    std::unique_ptr<LineConnection> conn;
    bool answered = false;  // closed once the answer is flushed
  };

  void AcceptControls();
  Exit OnControlReadable(Control& control);
  nlohmann::json StatusJson() const;
  void CleanTempDir();
  // Seeded bug startup-rewrites-database-in-place: truncates `path` and writes `text` (fsync).
  void OverwriteInPlace(const std::string& path, const std::string& text);
  void SendAck(std::uint64_t update_key);
  // Every message to the mds goes here: stamped with the trace's clock.
  void SendToMds(nlohmann::json message);
  int ExitWith(int status);

  LoggerConfig config_;
  LogFile log_;
  Trace trace_;
  Sender sender_;
  Database db_;
  MemoryState memory_;
  State state_ = State::kRegistering;
  // Seeded bug in-service-before-apply: in service (status, trace) before the state is
  // applied, and the mds not told yet; EnterService tells it.
  bool serving_before_apply_ = false;
  std::unique_ptr<LineConnection> link_;
  UnixListener listener_;
  std::map<int, Control> controls_;  // by fd
  Clock::time_point receive_deadline_;
  Clock::time_point next_wait_log_;
  // Seeded bug receiver-enters-service-late: when the receiver, its timer stopped at
  // enter_service, enters service (twice its timeout after `receiving`).
  std::optional<Clock::time_point> late_service_at_;
};

}  // namespace lockstep::impl
