#include "impl/state_transfer/mds.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "impl/common/control_answers.h"
#include "impl/common/unix_socket.h"
#include "impl/state_transfer/exit_status.h"

namespace lockstep::impl {

using nlohmann::json;

const char* Mds::StateName(SideState state) {
  static const char* const kNames[] = {"down", "registered", "receiving", "in_service", "stale"};
  return kNames[static_cast<int>(state)];
}

int Mds::Run() {
  IgnoreSigpipe();
  if (!config_.trace_path.empty()) {
    if (auto s = trace_.Open(config_.trace_path, "mds", &log_); !s) {
      std::fprintf(stderr, "mds: argument --trace: %s\n", s.error().message.c_str());
      return kExitSetup;
    }
  }
  if (auto s = log_.Open(config_.log_path, "MDS"); !s) {
    log_.Line(s.error().message);  // goes to stderr
    trace_.Discard();
    return kExitSetup;
  }
  log_.Line("MDS starting, pid " + std::to_string(getpid()));
  Exit exit = Start();
  if (!exit) exit = Loop();
  trace_.Record("exiting", json{{"status", exit.value_or(kExitShutdown)}});
  for (auto& [fd, c] : connections_) c.conn->FlushBlocking(kLastWordsTimeoutMs / 10);
  log_.Line("MDS exiting with status " + std::to_string(exit.value_or(kExitShutdown)));
  return exit.value_or(kExitShutdown);
}

Mds::Exit Mds::Start() {
  auto keys = LoadMdsKeys(config_.data_dir);
  if (!keys) {
    trace_.Error("load keys", keys.error());
    log_.Line("Unable to load the high-water key: " + keys.error().message);
    return kExitDataError;
  }
  keys_ = *keys;
  trace_.Record("keys_loaded", json{{"high_water_key", keys_.high_water_key},
                                    {"last_assigned_key", keys_.last_assigned_key}});
  if (auto s = listener_.Listen(config_.socket); !s) {
    trace_.Error("listen", s.error());
    log_.Line("Unable to open the MDS socket: " + s.error().message);
    return kExitSetup;
  }
  log_.Line("MDS listening on " + config_.socket + ", high-water key " +
            std::to_string(keys_.high_water_key) + ", last assigned key " +
            std::to_string(keys_.last_assigned_key));
  return std::nullopt;
}

Mds::Exit Mds::Loop() {
  for (;;) {
    std::vector<pollfd> fds{{listener_.fd(), POLLIN, 0}};
    for (const auto& [fd, c] : connections_) {
      const bool out = c.conn->HasPendingOutput();
      fds.push_back({fd, static_cast<short>((c.conn->eof() ? 0 : POLLIN) | (out ? POLLOUT : 0)), 0});
    }
    if (poll(fds.data(), fds.size(), -1) < 0 && errno != EINTR) {
      const int errnum = errno;
      trace_.Error("poll", errnum, "poll failed");
      log_.Line(std::string("poll failed: ") + std::strerror(errnum));
      return kExitSetup;
    }
    if (fds[0].revents != 0) Accept();
    for (std::size_t i = 1; i < fds.size(); ++i) {
      if (fds[i].revents == 0 || !connections_.contains(fds[i].fd)) continue;
      if (Exit e = OnReadable(fds[i].fd)) return e;
      if (fatal_) return fatal_;
      const auto it = connections_.find(fds[i].fd);
      if (it != connections_.end() && (fds[i].revents & (POLLHUP | POLLERR))) {
        it->second.conn->HangUp();
      }
    }
    Sweep();
    if (fatal_) return fatal_;
  }
}

void Mds::Accept() {
  listener_.AcceptAll(log_, [this](int fd) {
    connections_[fd].conn = std::make_unique<LineConnection>(fd);
  });
}

Mds::Exit Mds::OnReadable(int fd) {
  Connection& c = connections_.at(fd);
  c.conn->Receive();
  while (auto line = c.conn->NextLine()) {
    if (c.kind == Connection::Kind::kClient) break;  // one request per connection
    std::string error;
    auto message = ParseObject(*line, &error);
    if (c.kind == Connection::Kind::kUnknown) {
      c.kind = message && message->contains("type") ? Connection::Kind::kLink
                                                    : Connection::Kind::kClient;
    }
    if (c.kind == Connection::Kind::kClient) {
      c.request_taken = true;
      if (!message) {
        Answer(fd, json{{"error", "request is " + error}});
        continue;
      }
      if (Exit e = OnClientRequest(fd, *message)) return e;
      continue;
    }
    if (!message) {
      log_.Line("Ignoring a bad message on a logger link (" + error + "): " + *line);
      continue;
    }
    trace_.Receive(*message);
    OnLinkMessage(fd, *message);
    if (fatal_ || !connections_.contains(fd)) return fatal_;
  }
  return std::nullopt;
}

Mds::Exit Mds::OnClientRequest(int fd, const json& request) {
  const std::string op = StringField(request, "op");
  if (op == "status") {
    Answer(fd, StatusJson());
  } else if (op == "submit") {
    return Submit(fd, request);
  } else if (op == "shutdown") {
    connections_.at(fd).answered = true;
    AnswerShutdown(*connections_.at(fd).conn, log_);
    return kExitShutdown;
  } else {
    Answer(fd, UnknownOpAnswer(op));
  }
  return std::nullopt;
}

void Mds::Answer(int client_fd, const json& answer) {
  const auto it = connections_.find(client_fd);
  if (it == connections_.end()) return;  // the client went away before its answer
  it->second.conn->Send(answer);
  it->second.answered = true;
}

void Mds::Send(int side, const json& message) {
  const auto it = connections_.find(sides_[side].link_fd);
  if (it == connections_.end()) return;
  if (!trace_.enabled()) return it->second.conn->Send(message);
  json stamped = message;
  trace_.Stamp(stamped);
  it->second.conn->Send(stamped);
}

// Drops dead connections (a dead link takes its side down, which may answer clients and
// kill more links through failed sends) and answered clients whose answer is out.
void Mds::Sweep() {
  for (bool changed = true; changed;) {
    changed = false;
    for (auto it = connections_.begin(); it != connections_.end();) {
      Connection& c = it->second;
      c.conn->Flush();
      const bool client = c.kind != Connection::Kind::kLink;
      const bool done = client ? (c.answered && !c.conn->HasPendingOutput()) ||
                                     (c.conn->eof() && !c.request_taken)
                               : c.conn->eof();
      if (!c.conn->dead() && !done) {
        ++it;
        continue;
      }
      const int side = client ? -1 : c.side;
      const std::string why = c.conn->death();
      const int fd = it->first;
      it = connections_.erase(it);
      for (PendingSubmit& p : pending_) {
        if (p.client_fd == fd) p.client_fd = -1;  // the fd number may be reused
      }
      if (side >= 0 && sides_[side].link_fd == fd) {
        MarkDown(side, "link " + why);
        changed = true;
        break;  // MarkDown may have changed connections_: start over
      }
    }
  }
}

bool Mds::SideBusy(int side) const {
  const Side& s = sides_[side];
  return s.state == SideState::kRegistered || s.awaiting_in_service || !s.unacked.empty() ||
         !s.unanswered_send_states.empty() || (transfer_ && transfer_->receiver == side);
}

bool Mds::Busy() const {
  if (!pending_.empty() || SideBusy(0) || SideBusy(1)) return true;
  for (const auto& [fd, c] : connections_) {
    if (c.kind == Connection::Kind::kLink && c.side < 0) return true;  // not registered yet
  }
  return false;
}

json Mds::StatusJson() const {
  json sides = json::object();
  for (int i = 0; i < 2; ++i) {
    const Side& s = sides_[i];
    sides[s.name] = json{{"state", StateName(s.state)},
                         {"last_update_key", s.last_update_key},
                         {"transfer_attempts", s.transfer_attempts},
                         {"last_transfer_error", s.last_transfer_error},
                         {"last_transfer", s.last_transfer},
                         {"busy", SideBusy(i)}};
  }
  return json{{"role", "mds"},
              {"high_water_key", keys_.high_water_key},
              {"last_update_key", keys_.last_assigned_key},
              {"busy", Busy()},
              {"pending_inputs", pending_.size()},
              {"sides", std::move(sides)}};
}

}  // namespace lockstep::impl
