#include "impl/state_transfer/logger.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "impl/common/action_hold.h"
#include "impl/common/control_answers.h"
#include "impl/common/crash_point.h"
#include "impl/common/durable_file.h"
#include "impl/common/seeded_bug.h"
#include "impl/common/unix_socket.h"
#include "impl/state_transfer/exit_status.h"
#include "impl/state_transfer/receiver.h"

namespace lockstep::impl {

using nlohmann::json;

namespace {

constexpr int kMdsConnectTimeoutMs = 5000;

const char* StateName(int state) {
  static const char* const kNames[] = {"registering", "receiving", "in_service", "stale"};
  return kNames[state];
}

// Poll events for a connection: input until end of file, output while some is queued.
short Events(const LineConnection& conn) {
  return static_cast<short>((conn.eof() ? 0 : POLLIN) | (conn.HasPendingOutput() ? POLLOUT : 0));
}

std::string ErrnoText(int errnum) {
  return std::string(std::strerror(errnum)) + " [" + std::to_string(errnum) + "]";
}

}  // namespace

Logger::Logger(LoggerConfig config)
    : config_(std::move(config)), sender_(config_.temp_dir, &log_, &trace_) {}

int Logger::ExitWith(int status) {
  if (state_ == State::kInService) trace_.Record("service_left", json{{"status", status}});
  trace_.Record("exiting", json{{"status", status}});
  if (link_) link_->FlushBlocking(kLastWordsTimeoutMs);
  log_.Line("Logger exiting with status " + std::to_string(status));
  return status;
}

int Logger::Run() {
  IgnoreSigpipe();
  if (!config_.trace_path.empty()) {
    if (auto s = trace_.Open(config_.trace_path, "logger-" + config_.side, &log_); !s) {
      std::fprintf(stderr, "logger: argument --trace: %s\n", s.error().message.c_str());
      return kExitSetup;
    }
  }
  if (auto s = log_.Open(config_.log_path, config_.side); !s) {
    log_.Line(s.error().message);  // goes to stderr
    trace_.Discard();
    return kExitSetup;
  }
  log_.Line("Logger starting: side " + config_.side + ", pid " + std::to_string(getpid()));
  if (Exit e = Start()) return ExitWith(*e);
  return ExitWith(Loop().value_or(kExitShutdown));
}

void Logger::OverwriteInPlace(const std::string& path, const std::string& text) {
  const int fd = open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0) return log_.Line("Unable to rewrite " + path + ": " + ErrnoText(errno));
  if (auto s = WriteAll(fd, text, path); !s) log_.Line(s.error().message);
  fsync(fd);
  close(fd);
}

void Logger::CleanTempDir() {
  DIR* dir = opendir(config_.temp_dir.c_str());
  if (dir == nullptr) {
    const int errnum = errno;
    trace_.Error("clean temp directory", errnum, config_.temp_dir);
    log_.Line("Unable to clean temp directory " + config_.temp_dir + ": " + ErrnoText(errnum));
    return;
  }
  std::vector<std::string> leftovers;
  while (const dirent* entry = readdir(dir)) {
    if (std::string_view(entry->d_name).starts_with(kTempFilePrefix)) {
      leftovers.push_back(config_.temp_dir + "/" + entry->d_name);
    }
  }
  closedir(dir);
  for (const std::string& path : leftovers) {
    trace_.Record("temp_file_deleted", json{{"path", path}, {"leftover", true}});
    if (unlink(path.c_str()) != 0) {
      const int errnum = errno;
      trace_.Error("remove leftover temp file", errnum, path);
      log_.Line("Unable to remove leftover state transfer file " + path + ": " +
                ErrnoText(errnum));
    } else {
      log_.Line("Removed leftover state transfer file " + path);
    }
  }
}

Logger::Exit Logger::Start() {
  auto db = LoadDatabase(config_.data_dir);
  if (!db) {
    trace_.Error("open database", db.error());
    log_.Line("Unable to open the configuration database: " + db.error().message);
    return kExitDataError;
  }
  db_ = std::move(*db);
  // Seeded bug: "upgrades" db.json at every start by rewriting it in place, reset to the empty
  // database first and refilled after, instead of through a staging file.
  const bool in_place =
      BugEnabled("startup-rewrites-database-in-place") && db_.last_update_key > 0;
  if (in_place) OverwriteInPlace(DatabasePath(config_.data_dir), Database{}.ToJson().dump());
  trace_.Record("database_loaded", json{{"last_update_key", db_.last_update_key},
                                        {"rows", db_.rows.size()},
                                        {"checksum", db_.Checksum()}});
  if (in_place) OverwriteInPlace(DatabasePath(config_.data_dir), db_.ToJson().dump());
  if (auto s = RemoveStaleStaging(config_.data_dir); !s) log_.Line(s.error().message);
  CleanTempDir();
  log_.Line("Checksum config complete: Rows = " + std::to_string(db_.rows.size()) +
            ", checksum = " + db_.Checksum() +
            ", updateKey = " + std::to_string(db_.last_update_key));
  if (auto s = listener_.Listen(config_.control_socket); !s) {
    trace_.Error("listen", s.error());
    log_.Line("Unable to open the control socket: " + s.error().message);
    return kExitSetup;
  }
  auto link = ConnectUnixWithRetry(config_.mds_socket, kMdsConnectTimeoutMs);
  if (!link) {
    trace_.Error("connect to mds", link.error());
    log_.Line("Unable to connect to the MDS: " + link.error().message);
    return kExitMdsLink;
  }
  link_ = std::make_unique<LineConnection>(*link);
  trace_.Record("register_sent", json{{"last_update_key", db_.last_update_key}});
  SendToMds(json{{"type", "register"},
                 {"side", config_.side},
                 {"last_update_key", db_.last_update_key}});
  log_.Line("Registered with the MDS, last update key " + std::to_string(db_.last_update_key));
  return std::nullopt;
}

int Logger::PollTimeoutMs(Clock::time_point now) const {
  if (state_ != State::kReceiving) return -1;
  Clock::time_point next = next_wait_log_;
  if (!BugEnabled("receiver-waits-forever")) next = std::min(next, receive_deadline_);
  if (late_service_at_) next = *late_service_at_;
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(next - now).count();
  return static_cast<int>(std::clamp<long long>(ms, 0, 60000));
}

Logger::Exit Logger::OnTimers(Clock::time_point now) {
  if (state_ != State::kReceiving) return std::nullopt;
  if (late_service_at_) {  // seeded bug receiver-enters-service-late: no timer but this one
    if (now >= *late_service_at_) {
      late_service_at_.reset();
      EnterService();
    }
    return std::nullopt;
  }
  const auto quarter = std::chrono::milliseconds(std::max<std::uint64_t>(
      1, config_.transfer_timeout_ms / 4));
  while (now >= next_wait_log_) {
    trace_.Record("waiting");
    log_.Line("Logger Waiting for MDS Messages");
    next_wait_log_ += quarter;
  }
  if (now >= receive_deadline_ && !BugEnabled("receiver-waits-forever")) {
    trace_.Record("receiver_assert", json{{"timeout_ms", config_.transfer_timeout_ms}});
    log_.Line("Receiver assert: not in service within " +
              std::to_string(config_.transfer_timeout_ms) + " ms of starting to receive");
    return kExitReceiverAssert;
  }
  return std::nullopt;
}

Logger::Exit Logger::Loop() {
  for (;;) {
    std::vector<pollfd> fds;
    fds.push_back({link_->fd(), Events(*link_), 0});
    fds.push_back({listener_.fd(), POLLIN, 0});
    for (const auto& [fd, control] : controls_) fds.push_back({fd, Events(*control.conn), 0});
    const int ready = poll(fds.data(), fds.size(), PollTimeoutMs(Clock::now()));
    if (ready < 0 && errno != EINTR) {
      const int errnum = errno;
      trace_.Error("poll", errnum, "poll failed");
      log_.Line("poll failed: " + ErrnoText(errnum));
      return kExitSetup;
    }
    if (Exit e = OnTimers(Clock::now())) return e;
    if (fds[0].revents != 0) {
      if (Exit e = OnLinkReadable()) return e;
    }
    if (fds[1].revents != 0) AcceptControls();
    for (std::size_t i = 2; i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      Control& control = controls_.at(fds[i].fd);
      if (Exit e = OnControlReadable(control)) return e;
      if (fds[i].revents & (POLLHUP | POLLERR)) control.conn->HangUp();
    }
    std::erase_if(controls_, [](const auto& item) {
      const Control& c = item.second;
      return c.conn->dead() || (c.answered && !c.conn->HasPendingOutput()) ||
             (c.conn->eof() && !c.answered);
    });
  }
}

Logger::Exit Logger::OnLinkReadable() {
  link_->Receive();
  while (auto line = link_->NextLine()) {
    std::string error;
    auto message = ParseObject(*line, &error);
    if (!message) {
      log_.Line("Ignoring a bad message from the MDS (" + error + "): " + *line);
      continue;
    }
    trace_.Receive(*message);
    if (Exit e = OnLinkMessage(*message)) return e;
  }
  link_->Flush();
  if (link_->dead() || link_->eof()) {
    trace_.Error("mds link", 0, "lost the MDS link: " + link_->death());
    log_.Line("Lost the MDS link: " + link_->death());
    return kExitMdsLink;
  }
  return std::nullopt;
}

Logger::Exit Logger::OnLinkMessage(const json& message) {
  const std::string type = StringField(message, "type");
  if (type == "input") return OnInput(message);
  if (type == "state") return OnState(message);
  if (type == "enter_service") {
    // Seeded bug receiver-enters-service-late (impl/README.md): the receiver stops its timer
    // and enters service only at twice its timeout after it began receiving.
    if (BugEnabled("receiver-enters-service-late") && state_ == State::kReceiving) {
      late_service_at_ = receive_deadline_ + std::chrono::milliseconds(config_.transfer_timeout_ms);
    } else {
      EnterService();
    }
  } else if (type == "stale") {
    trace_.Record("stale");
    state_ = State::kStale;
    log_.Line("Stale: behind the high-water key and the peer is not in service; waiting");
  } else if (type == "receive") {
    OnReceive(message);
  } else if (type == "send_state") {
    auto request = SendRequestFromJson(message);
    if (!request) {
      log_.Line("Ignoring a bad send_state: " + request.error().message);
      return std::nullopt;
    }
    sender_.Answer(*request, db_, memory_, [this](const json& m) { SendToMds(m); });
  } else {
    log_.Line("Ignoring an unknown message from the MDS: " + message.dump());
  }
  return std::nullopt;
}

void Logger::OnReceive(const json& message) {
  if (state_ == State::kReceiving) return;
  trace_.Record("receiving", json{{"upto", UintField(message, "upto").value_or(0)},
                                   {"timeout_ms", config_.transfer_timeout_ms}});
  state_ = State::kReceiving;
  const auto now = Clock::now();
  const auto timeout = std::chrono::milliseconds(config_.transfer_timeout_ms);
  receive_deadline_ = now + timeout;
  if (BugEnabled("receiver-asserts-late")) receive_deadline_ += timeout;  // seeded bug
  next_wait_log_ = now + std::max(timeout / 4, std::chrono::milliseconds(1));
  log_.Line("Receiving a state transfer up to update key " +
            std::to_string(UintField(message, "upto").value_or(0)));
}

void Logger::EnterService() {
  if (state_ == State::kInService && !serving_before_apply_) return;
  if (!serving_before_apply_) {
    trace_.Record("service_entered", json{{"last_update_key", db_.last_update_key},
                                          {"checksum", db_.Checksum()}});
  }
  serving_before_apply_ = false;
  state_ = State::kInService;
  log_.Line("Entering service, last update key " + std::to_string(db_.last_update_key));
  SendToMds(json{{"type", "in_service"}, {"last_update_key", db_.last_update_key}});
}

void Logger::SendAck(std::uint64_t update_key) {
  trace_.Record("ack_sent", json{{"update_key", update_key}});
  SendToMds(json{{"type", "ack"}, {"update_key", update_key}});
}

void Logger::SendToMds(json message) {
  trace_.Stamp(message);
  link_->Send(message);
}

Logger::Exit Logger::OnInput(const json& message) {
  auto entry = LogEntryFromJson(message);
  if (!entry) {
    log_.Line("Ignoring a bad input: " + entry.error().message);
    return std::nullopt;
  }
  trace_.Record("input_received", ToJson(*entry));
  CrashPoint("logger.input.before_durable");
  const bool ack_first = BugEnabled("ack-before-durable");
  if (ack_first) {
    SendAck(entry->update_key);
    link_->FlushBlocking(kLastWordsTimeoutMs);
  }
  Database next = db_;
  next.Apply(*entry, config_.log_capacity);
  if (auto s = StoreDatabase(config_.data_dir, next); !s) {
    trace_.Error("make input " + std::to_string(entry->update_key) + " durable", s.error());
    log_.Line("Unable to make update key " + std::to_string(entry->update_key) +
              " durable: " + s.error().message);
    return kExitDataError;
  }
  trace_.Record("input_durable", json{{"update_key", entry->update_key}});
  CrashPoint("logger.input.after_durable");
  db_ = std::move(next);
  ++memory_[entry->key];
  if (!ack_first) SendAck(entry->update_key);
  return std::nullopt;
}

Logger::Exit Logger::OnState(const json& message) {
  if (state_ != State::kReceiving) {
    log_.Line("Ignoring a state message: this side is not receiving");
    return std::nullopt;
  }
  // Seeded bug in-service-before-apply (impl/README.md): the receiver puts itself in service
  // (its status and its trace say so) as soon as the state arrives, then applies it, and
  // tells the mds when enter_service comes, as the correct one does. By the next quiet point
  // it is whole and in service; only its trace shows the moment it served its old database.
  if (BugEnabled("in-service-before-apply")) {
    trace_.Record("service_entered", json{{"last_update_key", db_.last_update_key},
                                          {"checksum", db_.Checksum()}});
    state_ = State::kInService;
    serving_before_apply_ = true;
  }
  auto received = ReceiveState(message, db_, config_.data_dir, config_.log_capacity, trace_);
  if (!received) {
    if (received.error().durable) {
      trace_.Error("apply received state", received.error().error);
      log_.Line("Unable to apply the received state: " + received.error().error.message);
      return kExitDataError;
    }
    log_.Line("Ignoring a malformed state message: " + received.error().error.message);
    return std::nullopt;
  }
  db_ = std::move(received->db);
  memory_ = std::move(received->memory);
  log_.Line("Applied " + received->mode + " state up to update key " +
            std::to_string(received->upto) + ": Rows = " + std::to_string(db_.rows.size()) +
            ", checksum = " + db_.Checksum() +
            ", updateKey = " + std::to_string(db_.last_update_key));
  return std::nullopt;
}

void Logger::AcceptControls() {
  listener_.AcceptAll(log_, [this](int fd) {
    controls_[fd] = Control{std::make_unique<LineConnection>(fd)};
  });
}

json Logger::StatusJson() const {
  json log = json::array();
  for (const LogEntry& e : db_.log) log.push_back(ToJson(e));
  return json{{"role", "logger"},
              {"side", config_.side},
              {"state", StateName(static_cast<int>(state_))},
              {"last_update_key", db_.last_update_key},
              {"checksum", db_.Checksum()},
              {"rows", db_.rows},
              {"memory", MemoryToJson(memory_)},
              {"log", std::move(log)}};
}

Logger::Exit Logger::OnControlReadable(Control& control) {
  LineConnection& conn = *control.conn;
  conn.Receive();
  if (control.answered) {
    conn.Flush();
    return std::nullopt;
  }
  const auto line = conn.NextLine();
  if (!line) return std::nullopt;
  control.answered = true;
  std::string error;
  const auto request = ParseObject(*line, &error);
  const std::string op = request ? StringField(*request, "op") : "";
  if (op == "status") {
    conn.Send(StatusJson());
  } else if (op == "hold") {
    conn.Send(ArmHold(*request, trace_.enabled()));
  } else if (op == "disarm_hold") {
    conn.Send(DisarmHold());
  } else if (op == "shutdown") {
    AnswerShutdown(conn, log_);
    return kExitShutdown;
  } else {
    conn.Send(request ? UnknownOpAnswer(op) : json{{"error", "request is " + error}});
  }
  return std::nullopt;
}

}  // namespace lockstep::impl
