// The invariants ST-1..ST-7 over model states (properties.h says what each one promises).
#include <algorithm>
#include <string>

#include "model/state_transfer/format.h"
#include "model/state_transfer/model.h"
#include "model/state_transfer/properties.h"
#include "model/state_transfer/transitions.h"

namespace lockstep::model::st {
namespace {

std::string SideText(Side s) { return std::string("side ") + SideName(s); }

bool HoldsKey(const std::vector<LogEntry>& history, std::uint64_t key) {
  return std::any_of(history.begin(), history.end(),
                     [&](const LogEntry& e) { return e.update_key == key; });
}

bool IsSenderCrashPoint(const std::optional<CrashPoint>& p) {
  return p == CrashPoint::kSenderAfterTempCreate || p == CrashPoint::kSenderBeforeSend ||
         p == CrashPoint::kActionSendStateReceived ||
         p == CrashPoint::kActionDatabaseSynchronized || p == CrashPoint::kActionStateSent;
}

Database Replay(const std::vector<LogEntry>& history) {
  Database db;
  for (const LogEntry& e : history) {
    if (e.kind == OpKind::kSet) {
      db.rows[e.key] = e.value;
    } else {
      db.rows.erase(e.key);
    }
    db.last_update_key = e.update_key;
  }
  return db;
}

// Why `x`'s database is not the whole replay of its own history, or nullopt.
std::optional<std::string> WholeDatabase(const SideState& x, std::uint64_t last_assigned) {
  for (std::size_t i = 0; i < x.history.size(); ++i) {
    const std::uint64_t key = x.history[i].update_key;
    if (key == 0 || key > last_assigned || (i > 0 && key <= x.history[i - 1].update_key)) {
      return "history key " + std::to_string(key) + " out of order or never assigned";
    }
  }
  const Database replay = Replay(x.history);
  if (x.db.rows != replay.rows || x.db.last_update_key != replay.last_update_key) {
    return "db " + Format(x.db) + " is not the replay of its inputs " + Format(replay);
  }
  // A tail, possibly empty: a log capacity of 0 keeps no log.
  const bool log_ok = x.db.log.size() <= x.history.size() &&
                      std::equal(x.db.log.rbegin(), x.db.log.rend(), x.history.rbegin());
  if (!log_ok) return "db log of " + Format(x.db) + " is not a tail of its inputs";
  return std::nullopt;
}

}  // namespace

std::optional<std::string> CheckST1Agreement(const State& s) {
  const SideState& a = s.at(Side::kA);
  const SideState& b = s.at(Side::kB);
  if (!a.IsInService() || !b.IsInService()) return std::nullopt;
  if (a.db != b.db) return "both in service, db A " + Format(a.db) + " != db B " + Format(b.db);
  if (a.memory != b.memory) {
    return "both in service, memory A " + Format(a.memory) + " != memory B " + Format(b.memory);
  }
  if (a.history != b.history) return std::string("both in service with different input histories");
  return std::nullopt;
}

std::optional<std::string> CheckST2NoLostAcknowledgement(const State& s) {
  const std::uint64_t last_acked = s.acked_keys.empty() ? 0 : s.acked_keys.back();
  if (s.high_water_key != last_acked) {
    return "high-water key " + std::to_string(s.high_water_key) +
           " is not the last acknowledged key " + std::to_string(last_acked);
  }
  for (Side side : kSides) {
    const SideState& x = s.at(side);
    if (!x.IsInService()) continue;
    for (std::uint64_t key : s.acked_keys) {
      if (!HoldsKey(x.history, key)) {
        return SideText(side) + " is in service without acknowledged input " + std::to_string(key);
      }
    }
  }
  return std::nullopt;
}

std::optional<std::string> CheckST3NoStaleService(const State& s) {
  for (Side side : kSides) {
    const SideState& x = s.at(side);
    if (x.IsInService() && x.db.last_update_key < s.high_water_key) {
      return SideText(side) + " is in service with last_update_key " +
             std::to_string(x.db.last_update_key) + " behind the high-water key " +
             std::to_string(s.high_water_key);
    }
  }
  return std::nullopt;
}

std::optional<std::string> CheckST4CleanFailure(const State& s) {
  const auto is_cause = [](int e) { return e == internal::kEnospc || e == internal::kEacces; };
  for (Side side : kSides) {
    const SideState& x = s.at(side);
    if (x.IsRunning() && x.temp_files > x.temp_files_at_start) {
      return SideText(side) + " is running with " + std::to_string(x.temp_files) + " temp files, " +
             std::to_string(x.temp_files_at_start) +
             " left when it started: a send left its file behind";
    }
    if (!std::all_of(x.logged_send_errors.begin(), x.logged_send_errors.end(), is_cause) ||
        (x.last_transfer_errno && !is_cause(*x.last_transfer_errno))) {
      return SideText(side) + " records a transfer error that is not ENOSPC or EACCES";
    }
  }
  return std::nullopt;
}

std::optional<std::string> CheckST5Recovery(const State& s) {
  for (Side side : kSides) {
    const SideState& x = s.at(side);
    const SideState& peer = s.at(Peer(side));
    if (!peer.IsInService() || x.IsInService()) continue;
    if (x.IsRunning()) return SideText(side) + " waits while its peer is in service";
    const bool unblocked =
        !x.HasDataFault() && !peer.fault(Dir::kTemp) && !IsSenderCrashPoint(peer.crash_point);
    if (!unblocked) continue;
    // Whether Start puts it in service does not depend on the log capacity.
    State next = s;
    Apply(next, Start{side, std::nullopt}, Config{});
    if (!next.at(side).IsInService()) {
      return SideText(side) +
             " does not enter service on Start although nothing blocks "
             "a transfer from its in-service peer";
    }
  }
  return std::nullopt;
}

std::optional<std::string> CheckST6BoundedWait(const State& s) {
  for (Side side : kSides) {
    if (s.at(side).status == SideStatus::kReceiving) {
      return SideText(side) + " is still receiving at a quiet point";
    }
  }
  return std::nullopt;
}

std::optional<std::string> CheckST7AtomicTransfer(const State& s) {
  for (Side side : kSides) {
    if (auto why = WholeDatabase(s.at(side), s.last_assigned_key)) {
      return SideText(side) + ": " + *why;
    }
  }
  for (const LogEntry& a : s.at(Side::kA).history) {
    for (const LogEntry& b : s.at(Side::kB).history) {
      if (a.update_key == b.update_key && a != b) {
        return "sides hold different inputs under update key " + std::to_string(a.update_key);
      }
    }
  }
  return std::nullopt;
}

}  // namespace lockstep::model::st
