// Submit: a client input through the mds (spec "Input").
#include "model/state_transfer/transitions.h"

namespace lockstep::model::st::internal {

// Order matters and mirrors the logger: the before-durable crash point fires before the
// database is touched, a data-directory fault fails the write, the after-durable crash point
// fires once the input is durable but before the acknowledgement.
bool DeliverInput(SideState& side, const LogEntry& entry, const Config& config) {
  if (Armed(side, CrashPoint::kInputBeforeDurable)) {
    EndProcess(side, ExitKind::kKilled);
    return false;
  }
  if (side.HasDataFault()) {
    EndProcess(side, ExitKind::kDataError);
    return false;
  }
  ApplyInput(side, entry, config);
  side.memory[entry.key] += 1;
  if (Armed(side, CrashPoint::kInputAfterDurable) || Armed(side, CrashPoint::kActionAckSent)) {
    EndProcess(side, ExitKind::kKilled);  // durable, never acknowledged
    return false;
  }
  return true;
}

void ApplySubmit(State& s, const Submit& cmd, const Config& config) {
  if (!s.at(Side::kA).IsInService() && !s.at(Side::kB).IsInService()) {
    s.last_outcome = InputOutcome{InputResult::kUnavailable, 0};
    return;
  }
  const std::uint64_t key = ++s.last_assigned_key;
  const LogEntry entry = EntryOf(key, cmd);
  bool acked = false;
  for (Side side : kSides) {
    if (s.at(side).IsInService() && DeliverInput(s.at(side), entry, config)) acked = true;
  }
  // Accepted but nobody acknowledged: the outcome is unknown to the client.
  s.last_outcome = Answer(s, key, acked);
}

}  // namespace lockstep::model::st::internal
