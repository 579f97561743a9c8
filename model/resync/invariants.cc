// The invariants RS-1..RS-8 over model states (properties.h says what each one promises).
#include <algorithm>
#include <string>

#include "model/resync/show.h"
#include "model/resync/model.h"
#include "model/resync/properties.h"

namespace lockstep::model::rs {
namespace {

using Reason = std::optional<std::string>;

std::string Where(int system, int set, int seq) {
  return SystemName(system) + " journal-" + std::to_string(set) + " txn " + std::to_string(seq);
}

// Calls f(system, set, seq, branch) for every branch of every journal set; stops at the first
// reason f returns.
template <class F>
Reason ForEachBranch(const State& s, F f) {
  for (int x = 0; x < s.size(); ++x) {
    for (int set = 1; set <= 2; ++set) {
      for (const auto& [seq, b] : s.at(x).journals[set - 1].branches) {
        if (auto why = f(x, set, seq, b)) return why;
      }
    }
  }
  return std::nullopt;
}

int SavedStamp(const SystemState& x, int partner) {
  const auto it = x.journal().partners.find(partner);
  return it == x.journal().partners.end() ? 0 : it->second.stamp;
}

}  // namespace

Reason CheckRS1AtomicOutcome(const State& s) {
  auto why = ForEachBranch(s, [&](int x, int set, int seq, const Branch& b) -> Reason {
    const TxnRecord& t = s.txn(seq);
    if (b.role == Role::kCoordinator && (x != t.coordinator || !t.committed)) {
      return Where(x, set, seq) + ": a coordinator branch without a forced COMMIT record";
    }
    if (b.by_hand) return std::nullopt;
    if (b.state == BranchState::kCommitted && !t.committed) {
      return Where(x, set, seq) + ": Committed although its coordinator never committed";
    }
    if (b.state == BranchState::kAborted && t.committed) {
      return Where(x, set, seq) + ": Aborted although its coordinator committed";
    }
    return std::nullopt;
  });
  if (why) return why;
  for (std::size_t i = 0; i < s.txns.size(); ++i) {
    const TxnRecord& t = s.txns[i];
    if ((t.reported == OpResult::kCommitted && !t.committed) ||
        (t.reported == OpResult::kAborted && t.committed)) {
      return "txn " + std::to_string(i + 1) + ": the client was told " + ToString(*t.reported) +
             " but the coordinator " + (t.committed ? "committed" : "did not commit");
    }
  }
  return std::nullopt;
}

Reason CheckRS2NoSilentCompletion(const State& s) {
  auto why = ForEachBranch(s, [&](int x, int set, int seq, const Branch& b) -> Reason {
    const bool completed = b.state == BranchState::kCommitted || b.state == BranchState::kAborted;
    if (b.role != Role::kParticipant || !completed || b.by_hand) return std::nullopt;
    if (b.resolver_stamp != s.txn(seq).coord_stamp) {
      return Where(x, set, seq) + ": completed from journal stamp " +
             std::to_string(b.resolver_stamp) + ", the transaction ran under stamp " +
             std::to_string(s.txn(seq).coord_stamp);
    }
    return std::nullopt;
  });
  if (why) return why;
  for (int x = 0; x < s.size(); ++x) {
    for (const auto& [y, p] : s.at(x).prompts) {
      const std::string who = SystemName(x) + " prompt about " + SystemName(y);
      if (p.old_stamp != SavedStamp(s.at(x), y) || p.old_stamp == p.new_stamp) {
        return who + ": OLD " + std::to_string(p.old_stamp) + " NEW " +
               std::to_string(p.new_stamp) + " are not the saved stamp and a different one";
      }
      if (p.txns != Outstanding(s, x, y)) {
        return who + " lists " + Show(p.txns) + ", outstanding are " +
               Show(Outstanding(s, x, y));
      }
    }
  }
  return std::nullopt;
}

Reason CheckRS3Fencing(const State& s) {
  for (int x = 0; x < s.size(); ++x) {
    const SystemState& a = s.at(x);
    for (int y = 0; y < s.size(); ++y) {
      if (!a.Fences(y)) continue;
      if (Has(a.synced, y) || Has(s.at(y).synced, x)) {
        return SystemName(x) + " fences " + SystemName(y) + " but the pair counts as resynchronized";
      }
      if (a.prompts.count(y) && Has(a.deferred, y)) {
        return SystemName(x) + " both prompts about and has deferred " + SystemName(y);
      }
    }
  }
  return std::nullopt;
}

Reason CheckRS4Ignore(const State& s) {
  return ForEachBranch(s, [&](int x, int set, int seq, const Branch& b) -> Reason {
    if (b.state == BranchState::kManualPending && b.by_hand) {
      return Where(x, set, seq) + ": ManualPending and completed by hand at once";
    }
    if (b.by_hand && b.state != BranchState::kCommitted && b.state != BranchState::kAborted) {
      return Where(x, set, seq) + ": completed by hand but " + ToString(b.state);
    }
    return std::nullopt;
  });
}

Reason CheckRS5RecycleDetection(const State& s) {
  for (int x = 0; x < s.size(); ++x) {
    for (int y = 0; y < s.size(); ++y) {
      if (x == y || !Has(s.at(x).synced, y)) continue;
      if (!s.at(x).up || !s.at(y).up || !Has(s.at(y).synced, x)) {
        return SystemName(x) + " counts " + SystemName(y) + " as resynchronized, not mutually";
      }
      const auto& partners = s.at(x).journal().partners;
      const auto it = partners.find(y);
      const PartnerEntry now{s.at(y).stamp(), s.at(y).startup, true};
      if (it == partners.end() || it->second != now) {
        return SystemName(x) + " is resynchronized with " + SystemName(y) +
               " without its current stamp and startup saved";
      }
    }
  }
  return std::nullopt;
}

Reason CheckRS6Durability(const State& s) {
  for (int x = 0; x < s.size(); ++x) {
    const SystemState& a = s.at(x);
    Rows replay;
    for (int seq : a.applied) {
      const auto& writes = s.txn(seq).writes;
      if (auto it = writes.find(x); it != writes.end()) {
        for (const auto& [k, v] : it->second) replay[k] = v;
      }
    }
    if (replay != a.rows) {
      return SystemName(x) + ": rows " + Show(a.rows) + " are not the replay of applied " +
             "writes " + Show(replay);
    }
  }
  auto why = ForEachBranch(s, [&](int x, int set, int seq, const Branch& b) -> Reason {
    const auto& applied = s.at(x).applied;
    const bool was_applied = std::find(applied.begin(), applied.end(), seq) != applied.end();
    if (b.state == BranchState::kCommitted && !b.redo && !was_applied) {
      return Where(x, set, seq) + ": Committed but its writes were never applied";
    }
    return std::nullopt;
  });
  if (why) return why;
  for (std::size_t i = 0; i < s.txns.size(); ++i) {
    for (const auto& [x, ref] : s.txns[i].prepared) {
      const Journal& j = s.at(x).journals[ref.journal_set - 1];
      if (j.generation == ref.generation && !j.branches.count(static_cast<int>(i + 1))) {
        return Where(x, ref.journal_set, static_cast<int>(i + 1)) +
               ": its forced PREPARED record is lost although the set was not formatted";
      }
    }
  }
  return std::nullopt;
}

Reason CheckRS7StampLifecycle(const State& s) {
  for (std::size_t i = 0; i < s.stamp_owners.size(); ++i) {
    for (std::size_t k = i + 1; k < s.stamp_owners.size(); ++k) {
      if (s.stamp_owners[i] == s.stamp_owners[k]) {
        return "stamps " + std::to_string(i + 1) + " and " + std::to_string(k + 1) +
               " were both assigned to one formatting of " + SystemName(s.stamp_owners[i].system) +
               " journal-" + std::to_string(s.stamp_owners[i].journal_set);
      }
    }
  }
  for (int x = 0; x < s.size(); ++x) {
    for (int set = 1; set <= 2; ++set) {
      const Journal& j = s.at(x).journals[set - 1];
      if (j.stamp == 0) continue;
      const bool known = j.stamp > 0 && j.stamp <= static_cast<int>(s.stamp_owners.size());
      if (!known || s.stamp_owners[j.stamp - 1] != JournalRef{x, set, j.generation}) {
        return SystemName(x) + " journal-" + std::to_string(set) + " holds stamp " +
               std::to_string(j.stamp) + " that was not assigned to its current formatting";
      }
    }
    if (s.at(x).up && s.at(x).stamp() == 0) return SystemName(x) + " runs on an unstamped set";
  }
  return std::nullopt;
}

Reason CheckRS8ForcedWritesFirst(const State& s) {
  for (std::size_t i = 0; i < s.txns.size(); ++i) {
    const TxnRecord& t = s.txns[i];
    for (const auto& [x, writes] : t.writes) {
      if (t.committed && x != t.coordinator && !t.prepared.count(x)) {
        return "txn " + std::to_string(i + 1) + " committed before " + SystemName(x) +
               " forced its PREPARED record";
      }
    }
  }
  for (int x = 0; x < s.size(); ++x) {
    for (int seq : s.at(x).applied) {
      const TxnRecord& t = s.txn(seq);
      if (!t.committed && !Has(t.hand_committed, x)) {
        return SystemName(x) + " applied the writes of txn " + std::to_string(seq) +
               " which was never committed";
      }
    }
  }
  return ForEachBranch(s, [&](int x, int set, int seq, const Branch& b) -> Reason {
    if (b.role == Role::kParticipant && !s.txn(seq).prepared.count(x)) {
      return Where(x, set, seq) + ": a participant branch without a forced PREPARED record";
    }
    return std::nullopt;
  });
}

}  // namespace lockstep::model::rs
