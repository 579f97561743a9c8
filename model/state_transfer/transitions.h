// Internal to the model: the transition of each command and the shared steps they are built
// from. Only the model's own .cc files include this header; callers use model.h.
#pragma once

#include "model/state_transfer/commands.h"
#include "model/state_transfer/config.h"
#include "model/state_transfer/state.h"

namespace lockstep::model::st::internal {

inline constexpr int kEnospc = 28;  // ENOSPC on Linux; the model has no <cerrno> dependency
inline constexpr int kEacces = 13;  // EACCES on Linux

// The process of `side` ends (it was running): status down, memory lost, crash point disarmed.
void EndProcess(SideState& side, ExitKind how);

// Whether `side` is running with crash point `p` armed.
bool Armed(const SideState& side, CrashPoint p);

// Appends `entry` to `db` (rows, last_update_key, log trimmed to capacity) and to `history`.
void ApplyInput(SideState& side, const LogEntry& entry, const Config& config);

// Runs one state transfer from the in-service `sender` to the running `receiver` to its end:
// the receiver enters service, or dies (crash point, data error, or its timeout assert after
// the sender failed or died). REQUIRES: sender in service, receiver running, sender != receiver.
void RunTransfer(State& s, Side sender, Side receiver, const Config& config);

// A transfer to `receiver` that the mds started and whose sender died before doing anything:
// one more attempt, and the receiver's timeout assert.
void AbandonTransfer(SideState& receiver);

void ApplySubmit(State& s, const Submit& cmd, const Config& config);
void ApplyStart(State& s, const Start& cmd, const Config& config);

}  // namespace lockstep::model::st::internal
