// Preconditions, command dispatch, the simple transitions (Crash, faults, OfflineSync), the
// shared steps of transitions.h, and Predict. Submit, Start and the transfer itself live in
// submit.cc, start.cc and transfer.cc.
#include "model/state_transfer/model.h"

#include <type_traits>
#include <variant>

#include "model/state_transfer/transitions.h"

namespace lockstep::model::st {
namespace internal {

void EndProcess(SideState& side, ExitKind how) {
  side.status = SideStatus::kDown;
  side.last_exit = how;
  side.memory.clear();
  side.crash_point.reset();
  side.temp_files_at_start = 0;
}

bool Armed(const SideState& side, CrashPoint p) {
  return side.IsRunning() && side.crash_point == p;
}

void ApplyInput(SideState& side, const LogEntry& entry, const Config& config) {
  Database& db = side.db;
  if (entry.kind == OpKind::kSet) {
    db.rows[entry.key] = entry.value;
  } else {
    db.rows.erase(entry.key);
  }
  db.last_update_key = entry.update_key;
  db.log.push_back(entry);
  if (db.log.size() > config.log_capacity) {
    db.log.erase(db.log.begin(), db.log.end() - static_cast<std::ptrdiff_t>(config.log_capacity));
  }
  side.history.push_back(entry);
}

LogEntry EntryOf(std::uint64_t key, const Submit& input) {
  return LogEntry{key, input.kind, input.key, input.kind == OpKind::kDel ? "" : input.value};
}

InputOutcome Answer(State& s, std::uint64_t key, bool acked) {
  if (!acked) return InputOutcome{InputResult::kUnavailableAfterAccept, key};
  s.high_water_key = key;
  s.acked_keys.push_back(key);
  return InputOutcome{InputResult::kOk, key};
}

}  // namespace internal

namespace {

bool Allowed(const State&, const Submit&) { return true; }
bool Allowed(const State& s, const Start& c) {
  return !s.at(c.side).IsRunning() &&
         (c.inputs.empty() || internal::TransferCanCarryInputs(s, c));
}
bool Allowed(const State& s, const Crash& c) { return s.at(c.side).IsRunning(); }
// A directory holding a file the side will remove at its next start cannot be made full: the
// removal frees the space the next write needs (design decision 10).
bool Allowed(const State& s, const InjectFault& c) {
  const SideState& side = s.at(c.side);
  if (side.fault(c.dir)) return false;
  if (c.kind != FaultKind::kDiskFull) return true;
  return c.dir == Dir::kTemp ? side.temp_files == 0 : !side.staged_db;
}
bool Allowed(const State& s, const RemoveFault& c) { return s.at(c.side).fault(c.dir).has_value(); }
bool Allowed(const State& s, const PowerLoss& c) {
  const SideState& side = s.at(c.side);
  return side.IsRunning() && !side.HasDataFault();
}
bool Allowed(const State& s, const OfflineSync& c) {
  return c.from != c.to && !s.at(c.to).IsRunning() && !s.at(c.from).HasDataFault() &&
         !s.at(c.to).HasDataFault();
}

void Run(State& s, const Submit& c, const Config& config) { internal::ApplySubmit(s, c, config); }
void Run(State& s, const Start& c, const Config& config) { internal::ApplyStart(s, c, config); }
void Run(State& s, const Crash& c, const Config&) {
  internal::EndProcess(s.at(c.side), ExitKind::kKilled);
}
// Everything a correct logger has done is durable at a quiet point (design.md, "Decision:
// power loss for state transfer"), so a cut loses nothing a SIGKILL keeps.
void Run(State& s, const PowerLoss& c, const Config&) {
  internal::EndProcess(s.at(c.side), ExitKind::kKilled);
}
void Run(State& s, const InjectFault& c, const Config&) {
  s.at(c.side).faults[static_cast<int>(c.dir)] = c.kind;
}
void Run(State& s, const RemoveFault& c, const Config&) {
  s.at(c.side).faults[static_cast<int>(c.dir)].reset();
}
void Run(State& s, const OfflineSync& c, const Config&) {
  // The database travels whole; its ghost history travels with it.
  s.at(c.to).db = s.at(c.from).db;
  s.at(c.to).history = s.at(c.from).history;
}

SideObservation PredictSide(const SideState& x) {
  SideObservation o;
  o.status = x.status;
  o.last_exit = x.last_exit;
  o.db = x.db;
  o.memory = x.memory;
  o.temp_files = x.temp_files;
  o.logged_send_errors = x.logged_send_errors;
  o.transfer_attempts = x.transfer_attempts;
  o.last_transfer_errno = x.last_transfer_errno;
  o.last_transfer = x.last_transfer;
  return o;
}

// A crash point fired in this step where one was armed before it (or by it, at a Start) and
// the side ended killed with its crash point disarmed. A Crash or PowerLoss command is a
// harness SIGKILL, not a crash point.
void RecordCrashPoints(const State& before, const Command& cmd, const State& after,
                       StepEvents& events) {
  if (std::holds_alternative<Crash>(cmd) || std::holds_alternative<PowerLoss>(cmd)) return;
  for (Side side : kSides) {
    std::optional<CrashPoint> armed = before.at(side).crash_point;
    if (const auto* start = std::get_if<Start>(&cmd); start && start->side == side) {
      armed = start->crash_point;
    }
    const SideState& now = after.at(side);
    if (armed && !now.crash_point && now.last_exit == ExitKind::kKilled) {
      events.crash_points.push_back({side, *armed});
    }
  }
}

}  // namespace

bool Precondition(const State& s, const Command& cmd) {
  return std::visit([&](const auto& c) { return Allowed(s, c); }, cmd);
}

void Apply(State& s, const Command& cmd, const Config& config, StepEvents* events) {
  if (!Precondition(s, cmd)) return;
  s.transfer_input_outcomes.clear();
  if (events == nullptr) {
    std::visit([&](const auto& c) { Run(s, c, config); }, cmd);
    return;
  }
  const State before = s;
  std::visit([&](const auto& c) { Run(s, c, config); }, cmd);
  RecordCrashPoints(before, cmd, s, *events);
}

Observation Predict(const State& s) {
  Observation o;
  for (Side side : kSides) o.at(side) = PredictSide(s.at(side));
  o.high_water_key = s.high_water_key;
  o.last_outcome = s.last_outcome;
  o.transfer_input_outcomes = s.transfer_input_outcomes;
  return o;
}

}  // namespace lockstep::model::st
