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

// The log entry of an accepted input given update key `key`.
LogEntry EntryOf(std::uint64_t key, const Submit& input);

// Delivers `entry` to a running side, in the order the logger meets things: the
// before-durable crash point, a data-directory fault (it exits), the write, the after-durable
// crash points. Returns whether the side acknowledged it.
bool DeliverInput(SideState& side, const LogEntry& entry, const Config& config);

// The mds's answer to the input of `key`: ok if a side acknowledged it (the high-water key
// is raised and the key joins acked_keys), else unavailable-after-accept.
InputOutcome Answer(State& s, std::uint64_t key, bool acked);

// Runs one state transfer from the in-service `sender` to the running `receiver` to its end:
// the receiver enters service, or dies (crash point, data error, or its timeout assert after
// the sender failed or died). `inputs` are submitted while the sender is held after taking
// the request (Start::inputs): accepted with keys after the transfer point, queued for the
// receiver, applied by it after the state, answered on the sender's strength; their answers
// go to s.transfer_input_outcomes. REQUIRES: sender in service, receiver running,
// sender != receiver.
void RunTransfer(State& s, Side sender, Side receiver, const Config& config,
                 const std::vector<Submit>& inputs = {});

// Whether Start `c` (with inputs) begins a transfer the harness can hold and whose end no race
// decides: the side registers (its data directory is not denied, no crash point before its
// registration), its peer is in service, and the peer cannot leave service while the receiver
// enters: no fault on its data directory and no crash point armed at an input; nor at
// send_state_received, the hold's own action.
bool TransferCanCarryInputs(const State& s, const Start& c);

// A transfer to `receiver` that the mds started and whose sender died before doing anything:
// one more attempt, and the receiver's timeout assert.
void AbandonTransfer(SideState& receiver);

void ApplySubmit(State& s, const Submit& cmd, const Config& config);
void ApplyStart(State& s, const Start& cmd, const Config& config);

}  // namespace lockstep::model::st::internal
