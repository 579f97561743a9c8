#include "impl/resync/txsys.h"

#include "impl/common/control_answers.h"
#include "impl/common/crash_point.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "impl/common/seeded_bug.h"
#include "impl/common/unix_socket.h"
#include "impl/resync/exit_status.h"
#include "impl/resync/timestamp.h"

namespace lockstep::impl::resync {

namespace {
constexpr auto kCallTimeout = std::chrono::seconds(30);  // a partner that never answers
}  // namespace

TxSystem::TxSystem(TxConfig config) : config_(std::move(config)) {
  for (const auto& [name, socket] : config_.partners) links_[name].socket = socket;
}

int TxSystem::Run() {
  IgnoreSigpipe();
  if (!config_.trace_path.empty()) {
    if (auto s = trace_.Open(config_.trace_path, config_.name, &log_); !s) {
      std::fprintf(stderr, "txsys: argument --trace: %s\n", s.error().message.c_str());
      return kExitSetup;
    }
  }
  if (auto s = log_.Open(config_.log_path, config_.name); !s) {
    log_.Line(s.error().message);  // goes to stderr
    trace_.Discard();
    return kExitSetup;
  }
  log_.Line(config_.name + " starting, pid " + std::to_string(getpid()));
  Exit exit = Start();
  if (!exit) exit = Loop();
  trace_.Record("exiting", json{{"status", exit.value_or(kExitShutdown)}});
  for (auto& [id, c] : clients_) c.conn->FlushBlocking(kLastWordsTimeoutMs / 10);
  log_.Line(config_.name + " exiting with status " + std::to_string(exit.value_or(0)));
  return exit.value_or(kExitShutdown);
}

TxSystem::Exit TxSystem::Start() {
  auto journal = Journal::Open(config_.journal_dir);
  if (!journal) {
    trace_.Error("open journal", journal.error());
    log_.Line("Unable to open the journal set: " + journal.error().message);
    return kExitDataError;
  }
  journal_.emplace(std::move(*journal));
  if (journal_->torn_tail_offset() >= 0) {
    log_.Line("Ignored a torn last record in " + journal_->path() + " at offset " +
              std::to_string(journal_->torn_tail_offset()) + " (cut off)");
  }
  if (Exit e = Recover()) return e;
  if (auto s = listener_.Listen(config_.socket); !s) {
    trace_.Error("listen", s.error());
    log_.Line("Unable to open the control socket: " + s.error().message);
    return kExitSetup;
  }
  std::size_t in_doubt = 0;
  for (const auto& [d, b] : state_.branches) in_doubt += b.state == BranchState::kInDoubt;
  trace_.Record("recovered", json{{"startup", startup_}, {"stamp", state_.stamp},
                                  {"branches", state_.branches.size()}, {"in_doubt", in_doubt},
                                  {"torn_tail_offset", journal_->torn_tail_offset()}});
  log_.Line(config_.name + " started: startup time " + startup_ + ", journal stamp " +
            state_.stamp + ", " + std::to_string(state_.branches.size()) + " branches (" +
            std::to_string(in_doubt) + " InDoubt), listening on " + config_.socket);
  ResyncAtStart(0);
  return std::nullopt;
}

// Rebuilds the state from the journal, opens the database and redoes the committed writes it
// lacks, and reads (or assigns) the journal stamp.
TxSystem::Exit TxSystem::Recover() {
  std::vector<std::pair<std::uint64_t, Writes>> committed;
  for (const JournalRecord& r : journal_->recovered()) {
    auto applied = state_.Apply(r.body);
    if (!applied) {
      trace_.Error("recover journal", applied.error());
      log_.Line("Unable to recover journal " + journal_->path() + ": record at offset " +
                std::to_string(r.offset) + ": " + applied.error().message);
      return kExitDataError;
    }
    if (*applied) committed.emplace_back(r.seq, std::move(**applied));
  }
  auto db = LoadDatabase(config_.data_dir);
  if (!db) {
    trace_.Error("open database", db.error());
    log_.Line("Unable to open the database: " + db.error().message);
    return kExitDataError;
  }
  db_ = std::move(*db);
  startup_micros_ = NewTimestampMicros();
  startup_ = FormatTimestamp(startup_micros_);
  if (state_.stamp.empty() || BugEnabled("stamp-reassigned-at-start")) {
    const std::string stamp = NewTimestamp();
    trace_.Record("stamp_assigned", json{{"stamp", stamp}});
    if (auto s = Force(json{{"type", "stamp"}, {"stamp", stamp}}); !s) return kExitDataError;
    log_.Line("Journal stamp " + stamp + " assigned to journal set " + config_.journal_dir);
  } else {
    trace_.Record("stamp_read", json{{"stamp", state_.stamp}});
    log_.Line("Journal stamp " + state_.stamp + " read from journal set " + config_.journal_dir);
  }
  // Redo this set's committed writes the rows lack, even if the other set was used since.
  const auto mark = db_.applied.find(state_.stamp);
  const std::uint64_t applied = mark == db_.applied.end() ? 0 : mark->second;
  std::size_t redone = 0;
  for (const auto& [seq, writes] : committed) {
    if (seq <= applied || BugEnabled("recovery-skips-redo")) continue;
    for (const auto& [k, v] : writes) db_.rows[k] = v;
    ++redone;
  }
  if (redone > 0) {
    db_.applied[state_.stamp] = journal_->next_seq() - 1;
    if (auto s = StoreDatabase(config_.data_dir, db_); !s) {
      trace_.Error("write database", s.error());
      log_.Line("Unable to write the database: " + s.error().message);
      return kExitDataError;
    }
  }
  if (redone > 0) log_.Line("Redid the writes of " + std::to_string(redone) + " commit records");
  return std::nullopt;
}

TxSystem::Exit TxSystem::Loop() {
  for (;;) {
    std::vector<pollfd> fds{{listener_.fd(), POLLIN, 0}};
    std::vector<std::pair<bool, std::uint64_t>> owners{{false, 0}};  // (is call, id)
    for (const auto& [id, c] : clients_) {
      const short events = (c.conn->eof() ? 0 : POLLIN) | (c.conn->HasPendingOutput() ? POLLOUT : 0);
      fds.push_back({c.conn->fd(), events, 0});
      owners.emplace_back(false, id);
    }
    for (const auto& [id, c] : calls_) {
      const short events = (c.conn->eof() ? 0 : POLLIN) | (c.conn->HasPendingOutput() ? POLLOUT : 0);
      fds.push_back({c.conn->fd(), events, 0});
      owners.emplace_back(true, id);
    }
    if (poll(fds.data(), fds.size(), PollTimeoutMs()) < 0 && errno != EINTR) {
      const int errnum = errno;
      trace_.Error("poll", errnum, "poll failed");
      log_.Line(std::string("poll failed: ") + std::strerror(errnum) + " [" +
                std::to_string(errnum) + "]");
      return kExitSetup;
    }
    if (fds[0].revents != 0) AcceptClients();
    for (std::size_t i = 1; i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      const auto [is_call, id] = owners[i];
      if (is_call) {
        OnCallReadable(id);
      } else if (clients_.contains(id)) {
        if (Exit e = OnClientReadable(id)) return e;
      }
      if (fatal_) return fatal_;
    }
    ExpireCalls();
    for (auto pending = std::move(soon_); auto& f : pending) f();
    RunWaiters();
    Sweep();
    if (fatal_) return fatal_;
  }
}

int TxSystem::PollTimeoutMs() const {
  if (!soon_.empty()) return 0;
  std::optional<Clock::time_point> next;
  for (const Waiter& w : waiters_) next = std::min(next.value_or(w.deadline), w.deadline);
  for (const auto& [id, c] : calls_) next = std::min(next.value_or(c.deadline), c.deadline);
  if (!next) return -1;
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*next - Clock::now());
  return static_cast<int>(std::max<long long>(0, left.count() + 1));
}

void TxSystem::AcceptClients() {
  listener_.AcceptAll(log_, [this](int fd) {
    clients_[next_id_++].conn = std::make_unique<LineConnection>(fd);
  });
}

TxSystem::Exit TxSystem::OnClientReadable(ClientId id) {
  Client& c = clients_.at(id);
  c.conn->Receive();
  if (c.request_taken) return std::nullopt;  // one request per connection
  const auto line = c.conn->NextLine();
  if (!line) return std::nullopt;
  c.request_taken = true;
  std::string error;
  auto request = ParseObject(*line, &error);
  if (!request) {
    Reply(id, json{{"error", "request is " + error}});
    return std::nullopt;
  }
  trace_.Receive(*request);
  if (const std::string from = StringField(*request, "from"); !from.empty()) {
    c.peer = from;
    c.op = StringField(*request, "op");
    trace_.Record("request_received", json{{"from", from}, {"request", *request}});
  }
  return Dispatch(id, *request);
}

void TxSystem::OnCallReadable(std::uint64_t id) {
  const auto it = calls_.find(id);
  if (it == calls_.end()) return;
  Call& call = it->second;
  call.conn->Flush();
  call.conn->Receive();
  std::optional<json> answer;
  if (const auto line = call.conn->NextLine()) {
    std::string error;
    answer = ParseObject(*line, &error);
    if (!answer) log_.Line("Bad answer from " + call.partner + " (" + error + "): " + *line);
  } else if (!call.conn->eof() && !call.conn->dead()) {
    return;  // the answer is not complete yet
  }
  if (answer) trace_.Receive(*answer);
  trace_.Record("answer_received", json{{"from", call.partner}, {"op", call.op},
                                        {"answer", answer ? *answer : json(nullptr)}});
  Answer done = std::move(call.done);
  calls_.erase(it);
  done(answer);
}

void TxSystem::ExpireCalls() {
  const auto now = Clock::now();
  for (auto it = calls_.begin(); it != calls_.end();) {
    if (it->second.deadline > now) {
      ++it;
      continue;
    }
    trace_.Record("answer_received", json{{"from", it->second.partner}, {"op", it->second.op},
                                          {"answer", nullptr}, {"why", "timeout"}});
    log_.Line("No answer from " + it->second.partner + " in time: giving up the request");
    Answer done = std::move(it->second.done);
    it = calls_.erase(it);
    done(std::nullopt);
  }
}

void TxSystem::RunWaiters() {
  for (bool progress = true; progress;) {
    progress = false;
    for (auto it = waiters_.begin(); it != waiters_.end();) {
      const auto current = it++;
      // Seeded bug: a task waiting on a fence is looked at again only when its wait time is up,
      // so an operator reply that lifts the fence does not release it.
      if (BugEnabled("reply-leaves-fenced-waits") && current->why.starts_with("fenced") &&
          Clock::now() < current->deadline) {
        continue;
      }
      // Seeded bug: a task waiting on a lock never sees the lock released; it fails with the
      // lock timeout when its wait time is up.
      const bool blind = BugEnabled("lock-waits-miss-release") &&
                         current->why.starts_with("lock timeout");
      if (blind && Clock::now() < current->deadline) continue;
      if (auto why = blind ? std::optional<std::string>(current->why) : current->attempt()) {
        current->why = *why;
        if (Clock::now() < current->deadline) continue;
        trace_.Record("wait_refused",
                      json{{"wait", current->id}, {"kind", current->kind}, {"why", *why}});
        Expire expire = std::move(current->expire);
        waiters_.erase(current);
        expire(*why);
      } else {
        trace_.Record("wait_granted", json{{"wait", current->id}, {"kind", current->kind}});
        waiters_.erase(current);
      }
      progress = true;
    }
    for (auto pending = std::move(soon_); auto& f : pending) f();
  }
}

void TxSystem::Sweep() {
  for (auto it = clients_.begin(); it != clients_.end();) {
    Client& c = it->second;
    c.conn->Flush();
    const bool done = (c.answered && !c.conn->HasPendingOutput()) ||
                      (c.conn->eof() && !c.request_taken);
    if (c.conn->dead() || done) {
      it = clients_.erase(it);
    } else {
      ++it;
    }
  }
}

void TxSystem::Reply(ClientId id, const json& answer) {
  const auto it = clients_.find(id);
  if (it == clients_.end() || it->second.answered) return;  // the client went away
  Client& c = it->second;
  c.answered = true;
  if (c.peer.empty() || !trace_.enabled()) return c.conn->Send(answer);
  trace_.Record("answer_sent", json{{"to", c.peer}, {"op", c.op}, {"answer", answer}});
  json stamped = answer;
  trace_.Stamp(stamped);
  c.conn->Send(stamped);
}

bool TxSystem::Reachable(const std::string& partner) const {
  auto fd = ConnectUnix(links_.at(partner).socket);
  if (!fd) return false;
  close(*fd);
  return true;
}

// Sends `request` (stamped with this system's name, journal stamp and startup time) to
// `partner` on a fresh connection; `done` gets the answer, or nullopt when there is none.
void TxSystem::CallPartner(const std::string& partner, json request, Answer done) {
  request["from"] = config_.name;
  request["stamp"] = state_.stamp;
  request["startup"] = startup_;
  const std::string op = StringField(request, "op");
  trace_.Record("request_sent", json{{"to", partner}, {"request", request}});
  auto fd = ConnectUnix(links_.at(partner).socket);
  if (!fd) {
    trace_.Error("reach " + partner, fd.error());
    log_.Line("Unable to reach " + partner + ": " + fd.error().message);
    soon_.push_back([done = std::move(done)] { done(std::nullopt); });
    return;
  }
  trace_.Stamp(request);
  Call& call = calls_[next_id_++];
  call.conn = std::make_unique<LineConnection>(*fd);
  call.partner = partner;
  call.op = op;
  call.done = std::move(done);
  call.deadline = Clock::now() + kCallTimeout;
  call.conn->Send(request);
}

// CallPartner, plus: a partner that answers "resync_needed" is resynchronized with, and the
// request sent once more.
void TxSystem::CallPeer(const std::string& partner, const json& request, Answer done) {
  CallPartner(partner, request, [this, partner, request, done](std::optional<json> answer) {
    if (!answer || StringField(*answer, "result") != "resync_needed") return done(answer);
    links_.at(partner).resynced = false;
    Resync(partner, [this, partner, request, done](const Status& outcome) {
      if (!outcome) return done(json{{"result", "error"}, {"error", outcome.error().message}});
      CallPartner(partner, request, done);
    });
  });
}

// The wait time counts from after the wait_started line: a process held there by the harness
// (impl/common/action_hold.h) starts its wait when it is continued.
void TxSystem::Wait(std::string kind, Attempt attempt, Expire expire) {
  auto why = attempt();
  if (!why) return;
  const std::uint64_t id = next_id_++;
  trace_.Record("wait_started", json{{"wait", id}, {"kind", kind}, {"why", *why},
                                     {"wait_ms", config_.lock_wait_ms}});
  const auto now = Clock::now();
  auto wait = std::chrono::milliseconds(config_.lock_wait_ms);
  if (BugEnabled("lock-wait-cut-short")) wait /= 3;  // seeded bug: gives up at a third
  waiters_.push_back(Waiter{id, std::move(kind), std::move(attempt), std::move(expire), *why,
                            now, now + wait});
}

// A forced write: append + fdatasync first, then act on it (state, then database).
Status TxSystem::Force(const json& record, const char* crash_after) {
  const std::string type = record["type"];
  auto seq = journal_->Append(record);
  if (!seq) {
    trace_.Error("force " + type + " record", seq.error());
    log_.Line("Unable to force-write the " + type + " record: " + seq.error().message);
    return std::unexpected(seq.error());
  }
  json forced{{"type", type}, {"record_seq", *seq}};
  for (const char* field : {"dtrid", "partner", "outcome", "stamp", "startup"}) {
    if (const auto it = record.find(field); it != record.end()) forced[field] = *it;
  }
  trace_.Record("record_forced", std::move(forced));
  if (crash_after != nullptr) CrashPoint(crash_after);
  auto applied = state_.Apply(record);
  if (!applied) {
    log_.Line("Internal error applying a " + type + " record: " + applied.error().message);
    fatal_ = kExitDataError;
    return std::unexpected(applied.error());
  }
  if (!*applied) return {};
  for (const auto& [k, v] : **applied) db_.rows[k] = v;
  db_.applied[state_.stamp] = *seq;
  if (auto s = StoreDatabase(config_.data_dir, db_); !s) {
    trace_.Error("write database", s.error());
    log_.Line("Unable to write the database (the journal holds the change; exiting): " +
              s.error().message);
    fatal_ = kExitDataError;
  }
  return {};
}

bool TxSystem::Busy() const {
  if (!calls_.empty() || !waiters_.empty() || !txns_.empty() || !soon_.empty()) return true;
  return std::any_of(links_.begin(), links_.end(),
                     [](const auto& l) { return l.second.resync_running; });
}

}  // namespace lockstep::impl::resync
