// State: one state of the state-transfer reference model at a quiet point (docs/design.md,
// "State-transfer model"). It holds what the real system holds (both logger sides and the mds)
// plus a few ghost variables that only the properties read.
//
// Plain value: copy it freely; no thread may mutate one while another reads it. Equality is
// field-wise and Encode() is a canonical, injective encoding of it, so that an exhaustive
// explorer can deduplicate states (hash Encode(), or use StateHash).
//
// Invariants of every state reachable by Apply() from State{} (properties.h checks them):
//   1. No side is kReceiving (a transfer always ends within the command that started it).
//   2. A side that is kDown has empty memory, no armed crash point, and
//      temp_files_at_start == 0 (canonical form: nothing of a dead process survives).
//   3. history's update keys are strictly increasing; db equals the replay of history, and
//      db.log is a suffix of history (ghost, see SideState::history).
//   4. acked_keys is strictly increasing and high_water_key == acked_keys.back() (0 if none).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/state_transfer/commands.h"
#include "model/state_transfer/observation.h"

namespace lockstep::model::st {

// Everything the model tracks about one logger side, its directories and its mds record.
struct SideState {
  SideStatus status = SideStatus::kDown;           // never kReceiving at a quiet point
  ExitKind last_exit = ExitKind::kNone;            // how the most recent process ended
  Database db;                                     // durable; survives the process
  MemoryState memory;                              // volatile; empty while down
  std::array<std::optional<FaultKind>, 2> faults;  // active fault, indexed by Index(Dir)
  std::optional<CrashPoint> crash_point;           // armed at Start, disarmed when the process ends
  int temp_files = 0;                              // leftover state-transfer files in the temp dir
  // Ghost: temp_files right after this process's start-up cleanup (0 while down). A running
  // side never has more temp files than this: a failed send leaves nothing behind (ST-4).
  int temp_files_at_start = 0;
  // A staged database left in the data dir by a crash at receiver.mid_apply, removed by the
  // next start (unless the data dir is denied). Removing it frees space, so a data dir that
  // holds one cannot be made full (design decision 10).
  bool staged_db = false;
  std::vector<int> logged_send_errors;  // errno of every failed send, oldest first
  // Receiver bookkeeping, as the mds records it:
  std::uint32_t transfer_attempts = 0;
  std::optional<int> last_transfer_errno;
  std::optional<TransferRecord> last_transfer;
  // Ghost: every input applied to db, in order (an unbounded config message log). Travels
  // with db (transfer, offline sync); lets ST-2 and ST-7 see what db.log has forgotten.
  std::vector<LogEntry> history;

  bool operator==(const SideState&) const = default;

  std::optional<FaultKind> fault(Dir d) const { return faults[static_cast<int>(d)]; }
  bool HasDataFault() const { return fault(Dir::kData).has_value(); }
  bool IsRunning() const { return status != SideStatus::kDown; }
  bool IsInService() const { return status == SideStatus::kInService; }
};

struct State {
  std::array<SideState, 2> sides;
  // mds:
  std::uint64_t high_water_key = 0;     // highest acknowledged update key (durable)
  std::uint64_t last_assigned_key = 0;  // highest update key assigned to an accepted input
  std::optional<InputOutcome> last_outcome;
  // Answers to the inputs the last command (a Start) submitted during its transfer; cleared
  // by every command (Observation::transfer_input_outcomes).
  std::vector<InputOutcome> transfer_input_outcomes;
  // Ghost: update keys acknowledged to the client, ascending.
  std::vector<std::uint64_t> acked_keys;

  bool operator==(const State&) const = default;

  SideState& at(Side s) { return sides[Index(s)]; }
  const SideState& at(Side s) const { return sides[Index(s)]; }
};

// Canonical compact encoding: Encode(a) == Encode(b) if and only if a == b. Binary; strings
// are length-prefixed, so keys and values may hold any character (defined in symmetry.cc with
// the symmetry-renaming encoder it shares; EncodeCompact in explore.h).
std::string Encode(const State& s);

// Hash for unordered containers of states (hashes Encode()).
struct StateHash {
  std::size_t operator()(const State& s) const;
};

// Multi-line human-readable dump (counterexample paths, test failures). Not stable.
std::string DebugString(const State& s);

}  // namespace lockstep::model::st
