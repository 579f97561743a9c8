// Receiver: the registering side's half of a state transfer (spec "State transfer", step 4).
//
// ReceiveState() takes the `state` message forwarded by the mds and the receiver's current
// database, and leaves on disk either the old database or the complete new one — never a mix:
//   crash point "receiver.before_apply"; build the new database (incremental: the entries
//   applied to the current one; full: the copy); write it to the staging file and fsync;
//   crash point "receiver.mid_apply"; rename over db.json and fsync the directory; crash point
//   "receiver.after_apply".
// The caller then takes the returned database and memory state as its own.
// Traced (docs/trace.md), each just before the crash point of the same place: state_received,
// state_staged, state_applied.
//
// Seeded bug non-atomic-apply: the new rows are made durable first (with the old key and log),
// then, after "receiver.mid_apply", the new key and log in a second durable write.
// Thread safety: single-threaded use.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

#include "base/result.h"
#include "impl/common/trace.h"
#include "impl/state_transfer/database.h"
#include "impl/state_transfer/memory_state.h"

namespace lockstep::impl {

struct ReceivedState {
  Database db;
  MemoryState memory;
  std::string mode;               // "incremental" or "full"
  std::uint64_t entries_sent = 0; // 0 for "full"
  std::uint64_t upto = 0;
};

struct ReceiveError {
  bool durable = false;  // true: the database could not be made durable (exit 3); false: the
                         // message was malformed (nothing was written)
  Error error;
};

// REQUIRES: `current` is the database as stored in `data_dir`.
[[nodiscard]] std::expected<ReceivedState, ReceiveError> ReceiveState(
    const nlohmann::json& state, const Database& current, const std::string& data_dir,
    std::size_t log_capacity, Trace& trace);

}  // namespace lockstep::impl
