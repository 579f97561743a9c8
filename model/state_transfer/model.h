// The state-transfer reference model: preconditions, the transition function and the
// prediction of what the harness observes. Pure functions of their arguments: no I/O, no
// clocks, no randomness; safe to call from any thread on distinct or unshared states.
//
// Semantics (spec/state-transfer.md, docs/design.md "State-transfer model"): every command
// runs to a quiet point. Update keys are assigned by the mds (last_assigned_key + 1 for each
// accepted input, acknowledged or not). Where both sides take part in one step, side A is
// processed before side B.
#pragma once

#include <vector>

#include "model/state_transfer/commands.h"
#include "model/state_transfer/config.h"
#include "model/state_transfer/observation.h"
#include "model/state_transfer/state.h"

namespace lockstep::model::st {

// Whether `cmd` may be generated for / applied to `s`:
//   Submit       always (with no side in service it is refused, see Apply).
//   Start        the side is down.
//   Crash        the side is running (in service or stale).
//   InjectFault  no fault is active on that side's directory.
//   RemoveFault  a fault is active on that side's directory.
//   OfflineSync  from != to, `to` is down, and neither side's data directory has a fault.
//   PowerLoss    the side is running and its data directory has no fault.
bool Precondition(const State& s, const Command& cmd);

// What happened inside one Apply(), beyond what the resulting state shows: harnesses record
// it as coverage and as the crash faults of the step.
struct StepEvents {
  struct CrashPointFired {
    Side side;
    CrashPoint point;
  };
  std::vector<CrashPointFired> crash_points;  // in side order (A before B)
};

// Applies `cmd` to `s` and runs the system to the next quiet point, recording what happened
// in `events` if given. REQUIRES: Precondition(s, cmd). If it does not hold, `s` is left
// unchanged and no event is recorded.
void Apply(State& s, const Command& cmd, const Config& config, StepEvents* events = nullptr);

// What the harness will observe at the quiet point `s`: every field of Observation except
// the checksums, which are left empty (the model does not predict them; CheckStep only
// requires two in-service sides to agree). temp_files is the leftover-file count.
Observation Predict(const State& s);

}  // namespace lockstep::model::st
