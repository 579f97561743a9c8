#include "impl/state_transfer/sender.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "impl/common/crash_point.h"
#include "impl/common/durable_file.h"
#include "impl/common/seeded_bug.h"

namespace lockstep::impl {

using nlohmann::json;

Result<SendRequest> SendRequestFromJson(const json& j) {
  SendRequest request;
  const auto receiver = j.find("receiver");
  if (receiver == j.end() || !receiver->is_string()) return Fail("send_state needs a receiver");
  request.receiver = receiver->get<std::string>();
  for (const auto& [name, field] : {std::pair{"receiver_key", &request.receiver_key},
                                    std::pair{"upto", &request.upto},
                                    std::pair{"transfer", &request.transfer}}) {
    const auto it = j.find(name);
    if (it == j.end() || !it->is_number_unsigned()) {
      return Fail(std::string("send_state needs a non-negative integer ") + name);
    }
    *field = it->get<std::uint64_t>();
  }
  return request;
}

void Sender::SynchronizeDatabase(const SendRequest& request, const Database& db, json& message) {
  const std::uint64_t k_r = request.receiver_key;
  bool incremental = k_r == db.last_update_key;
  for (const LogEntry& e : db.log) incremental = incremental || e.update_key == k_r;
  if (!incremental) {
    trace_->Record("database_synchronized",
                   json{{"transfer", request.transfer}, {"mode", "full"}, {"entries", 0}});
    message["mode"] = "full";
    message["database"] = db.ToJson();
    log_->Line("Config Message Log does not hold update key " + std::to_string(k_r) +
               ": sending a full copy of the database");
    return;
  }
  json entries = json::array();
  for (const LogEntry& e : db.log) {
    if (e.update_key > k_r) entries.push_back(ToJson(e));
  }
  trace_->Record("database_synchronized", json{{"transfer", request.transfer},
                                               {"mode", "incremental"},
                                               {"entries", entries.size()}});
  message["mode"] = "incremental";
  log_->Line("completed Database Synchronization, " + std::to_string(entries.size()) +
             " Config Message Log Entries Sent");
  message["entries"] = std::move(entries);
}

Result<std::string> Sender::RoundTrip(const SendRequest& request, const std::string& text,
                                     std::string* path) {
  std::string name = temp_dir_ + "/" + kTempFilePrefix + "XXXXXX";
  const int fd = mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) {
    auto failed = FailErrno("cannot create a temporary file in " + temp_dir_);
    trace_->Error("create temp file", failed.error());
    return failed;
  }
  trace_->Record("temp_file_created", json{{"transfer", request.transfer}, {"path", name}});
  CrashPoint("sender.after_temp_create");
  std::string back(text.size(), '\0');
  Status status = WriteAll(fd, text, name);
  if (status && fsync(fd) != 0) status = FailErrno("cannot fsync " + name);
  if (status && lseek(fd, 0, SEEK_SET) != 0) status = FailErrno("cannot rewind " + name);
  if (status) {
    const ssize_t n = read(fd, back.data(), back.size());
    if (n < 0) status = FailErrno("cannot read back " + name);
    else if (static_cast<std::size_t>(n) != back.size()) status = Fail("short read of " + name, EIO);
  }
  if (close(fd) != 0 && status) status = FailErrno("cannot close " + name);
  if (!status) {
    trace_->Error("write temp file", status.error());
    const bool remove = !BugEnabled("temp-file-left-behind");
    if (remove) {
      trace_->Record("temp_file_deleted", json{{"transfer", request.transfer}, {"path", name}});
    }
    if (remove && unlink(name.c_str()) != 0) {
      const int errnum = errno;
      trace_->Error("remove temp file", errnum, name);
      log_->Line("Unable to remove temporary state transfer file " + name + ": " +
                 std::strerror(errnum) + " [" + std::to_string(errnum) + "]");
    }
    return std::unexpected(status.error());
  }
  *path = name;
  return back;
}

void Sender::FailTransfer(const SendRequest& request, int errnum,
                          const std::function<void(const json&)>& send) {
  const std::string cause = std::strerror(errnum);
  log_->Line("Unable to create temporary state transfer file: " + cause + " [" +
             std::to_string(errnum) + "]");
  log_->Line("Unable to setup to use file in sending state");
  log_->Line("CleanupPreparedState");
  if (BugEnabled("sticky-transfer-failure")) sticky_errno_ = errnum;
  trace_->Record("transfer_failed_sent",
                 json{{"transfer", request.transfer}, {"errno", errnum}, {"cause", cause}});
  send(json{{"type", "transfer_failed"},
            {"transfer", request.transfer},
            {"errno", errnum},
            {"cause", cause}});
}

void Sender::Answer(const SendRequest& request, const Database& db, const MemoryState& memory,
                    const std::function<void(const json&)>& send) {
  trace_->Record("send_state_received",
                 json{{"transfer", request.transfer}, {"receiver", request.receiver},
                      {"receiver_key", request.receiver_key}, {"upto", request.upto}});
  log_->Line("PrepareToSendState");
  log_->Line("LastUpdateKey for " + request.receiver + " is " +
             std::to_string(request.receiver_key));
  json message{{"type", "state"}, {"transfer", request.transfer}, {"upto", request.upto}};
  SynchronizeDatabase(request, db, message);
  if (sticky_errno_) return FailTransfer(request, *sticky_errno_, send);
  const MemoryState sent = BugEnabled("memory-not-transferred") ? MemoryState{} : memory;
  std::string path;
  auto text = RoundTrip(request, MemoryToJson(sent).dump(), &path);
  if (!text) return FailTransfer(request, text.error().errnum ? text.error().errnum : EIO, send);
  const json read_back = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  message["memory"] = read_back.is_discarded() ? MemoryToJson(sent) : read_back;
  trace_->Record("temp_file_written", json{{"transfer", request.transfer}, {"path", path},
                                           {"bytes", text->size()}});
  CrashPoint("sender.before_send");
  const auto entries = message.find("entries");
  trace_->Record("state_sent",
                 json{{"transfer", request.transfer}, {"receiver", request.receiver},
                      {"mode", message["mode"]}, {"upto", request.upto},
                      {"entries", entries != message.end() ? entries->size() : 0},
                      {"memory_keys", message["memory"].size()}});
  send(message);
  trace_->Record("temp_file_deleted", json{{"transfer", request.transfer}, {"path", path}});
  if (unlink(path.c_str()) != 0) {
    const int errnum = errno;
    trace_->Error("remove temp file", errnum, path);
    log_->Line("Unable to remove temporary state transfer file " + path + ": " +
               std::strerror(errnum) + " [" + std::to_string(errnum) + "]");
  }
  log_->Line("Sent state to " + request.receiver + " up to update key " +
             std::to_string(request.upto) + " (" + message["mode"].get<std::string>() + ")");
}

}  // namespace lockstep::impl
