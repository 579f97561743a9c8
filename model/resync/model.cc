// Preconditions, command dispatch, the shared steps of transitions.h, the simple transitions
// (Crash, Format, faults, Read) and Predict. Transaction, Start, resynchronization and the
// operator commands live in transaction.cc, start.cc, resync.cc and operator.cc.
#include "model/resync/model.h"

#include <variant>

#include "model/resync/transitions.h"

namespace lockstep::model::rs {
namespace internal {

void EndProcess(Step& st, int system, ExitKind how) {
  SystemState& x = st.at(system);
  x.up = false;
  x.last_exit = how;
  x.startup = 0;
  x.crash_point.reset();
  x.synced = 0;
  x.deferred = 0;
  x.prompts.clear();
  for (auto& [seq, b] : x.journal().branches) b.acked = 0;
  for (SystemState& y : st.s.systems) y.synced &= static_cast<std::uint8_t>(~Bit(system));
}

bool HitCrashPoint(Step& st, int system, CrashPoint p) {
  SystemState& x = st.at(system);
  if (!x.up || x.crash_point != p) return false;
  st.ev.crash_points.push_back({system, p});
  if (p != CrashPoint::kCoordBeforeEndRecord && p != CrashPoint::kResyncAfterExchange) {
    st.ev.died_at_forced_write = true;
  }
  EndProcess(st, system, ExitKind::kKilled);
  return true;
}

bool ForceWrite(Step& st, int system) {
  if (!st.at(system).fault) return true;
  st.ev.forced_write_failed = true;
  return false;
}

void ApplyWrites(Step& st, int system, int txn) {
  SystemState& x = st.at(system);
  const auto& writes = st.s.txn(txn).writes;
  if (auto it = writes.find(system); it != writes.end()) {
    for (const auto& [k, v] : it->second) x.rows[k] = v;
  }
  x.applied.push_back(txn);
}

}  // namespace internal

std::vector<int> Outstanding(const State& s, int x, int y) {
  std::vector<int> out;
  for (const auto& [seq, b] : s.at(x).journal().branches) {
    const bool in_doubt = b.role == Role::kParticipant && b.state == BranchState::kInDoubt &&
                          b.coordinator == y;
    const bool unacked = b.role == Role::kCoordinator && b.state == BranchState::kCommitted &&
                         !b.ended && Has(b.participants, y) && !Has(b.acked, y);
    if (in_doubt || unacked) out.push_back(seq);
  }
  return out;
}

bool Fenced(const State& s, int x, int y) { return s.at(x).Fences(y) || s.at(y).Fences(x); }

bool Locked(const State& s, int x, const std::string& key) {
  for (const auto& [seq, b] : s.at(x).journal().branches) {
    if (b.role != Role::kParticipant) continue;
    if (b.state != BranchState::kInDoubt && b.state != BranchState::kManualPending) continue;
    const auto& writes = s.txn(seq).writes;
    if (auto it = writes.find(x); it != writes.end() && it->second.count(key)) return true;
  }
  return false;
}

namespace {

using internal::Step;

bool Valid(const State& s, int system) { return system >= 0 && system < s.size(); }
bool Up(const State& s, int system) { return Valid(s, system) && s.at(system).up; }
bool ValidSet(int set) { return set == 1 || set == 2; }

bool Allowed(const State& s, const Transaction& c) {
  if (!Up(s, c.coordinator)) return false;
  bool participant = false;
  for (const auto& [system, writes] : c.writes) {
    if (!Valid(s, system) || writes.empty()) return false;
    for (const auto& [k, v] : writes) {
      if (k.empty() || v.empty()) return false;
    }
    participant = participant || system != c.coordinator;
  }
  return participant;
}
bool Allowed(const State& s, const Start& c) {
  return Valid(s, c.system) && !s.at(c.system).up && ValidSet(c.journal_set);
}
bool Allowed(const State& s, const Crash& c) { return Up(s, c.system); }
bool Allowed(const State& s, const Format& c) {
  return Valid(s, c.system) && !s.at(c.system).up && !s.at(c.system).fault &&
         ValidSet(c.journal_set);
}
bool Allowed(const State& s, const Reply& c) {
  return Up(s, c.system) && Valid(s, c.partner) && s.at(c.system).prompts.count(c.partner) > 0;
}
bool Allowed(const State& s, const VaryRm& c) {
  return Up(s, c.system) && Valid(s, c.partner) && c.partner != c.system;
}
bool Allowed(const State& s, const Complete& c) {
  if (!Up(s, c.system)) return false;
  const auto& branches = s.at(c.system).journal().branches;
  const auto it = branches.find(c.txn);
  if (it == branches.end() || it->second.state != BranchState::kManualPending) return false;
  return c.action == CompleteAction::kCommit || it->second.role == Role::kParticipant;
}
// A read with a reply needs the prompt at `via` about `system` that fences it; a read with a
// completion, a local read of a key that the completed ManualPending participant branch locks.
bool Allowed(const State& s, const Read& c) {
  if (!Up(s, c.system) || !Up(s, c.via) || c.key.empty()) return false;
  if (c.reply && c.complete) return false;
  if (c.complete) {
    if (c.via != c.system || !Allowed(s, Complete{c.system, c.complete->txn, c.complete->action})) {
      return false;
    }
    const Branch& b = s.at(c.system).journal().branches.at(c.complete->txn);
    const auto& writes = s.txn(c.complete->txn).writes;
    const auto it = writes.find(c.system);
    return b.role == Role::kParticipant && it != writes.end() && it->second.count(c.key) > 0;
  }
  return !c.reply || (c.via != c.system && s.at(c.via).prompts.count(c.system) > 0);
}
bool Allowed(const State& s, const InjectFault& c) {
  return Valid(s, c.system) && !s.at(c.system).fault;
}
bool Allowed(const State& s, const RemoveFault& c) {
  return Valid(s, c.system) && s.at(c.system).fault.has_value();
}
// A stopped system without a directory fault, on a set that was opened (so it holds the
// format and the stamp record at least) and is not damaged yet.
bool Allowed(const State& s, const Corrupt& c) {
  if (!Valid(s, c.system) || !ValidSet(c.journal_set)) return false;
  if (c.record < 0 || c.record >= kCorruptRecords) return false;
  const SystemState& x = s.at(c.system);
  const Journal& j = x.journals[c.journal_set - 1];
  return !x.up && !x.fault && j.stamp != 0 && !j.damaged;
}

void RunRead(Step& st, const Read& c) {
  if (c.reply) internal::RunReply(st, Reply{c.via, c.system, *c.reply});
  if (c.complete) {
    internal::RunComplete(st, Complete{c.system, c.complete->txn, c.complete->action});
  }
  auto answer = [&](OpResult r, std::string value = "") {
    st.s.last_outcome = OpOutcome{r, std::move(value)};
  };
  if (c.via != c.system) {
    const auto session = internal::Session(st, c.via, c.system);
    if (session == internal::SessionResult::kFenced) return answer(OpResult::kFenced);
    if (session == internal::SessionResult::kFailed) return answer(OpResult::kUnavailable);
  }
  if (Locked(st.s, c.system, c.key)) {
    st.ev.lock_timeout = true;
    return answer(OpResult::kLockTimeout);
  }
  const Rows& rows = st.at(c.system).rows;
  const auto it = rows.find(c.key);
  if (it == rows.end()) return answer(OpResult::kNotFound);
  answer(OpResult::kValue, it->second);
}

void Run(Step& st, const Transaction& c) { internal::RunTransaction(st, c); }
void Run(Step& st, const Read& c) { RunRead(st, c); }
void Run(Step& st, const Start& c) { internal::RunStart(st, c); }
void Run(Step& st, const Crash& c) { internal::EndProcess(st, c.system, ExitKind::kKilled); }
void Run(Step& st, const Format& c) {
  Journal& j = st.at(c.system).journals[c.journal_set - 1];
  j = Journal{0, j.generation + 1, {}, {}};
}
void Run(Step& st, const Reply& c) { internal::RunReply(st, c); }
void Run(Step& st, const VaryRm& c) { internal::RunVaryRm(st, c); }
void Run(Step& st, const Complete& c) { internal::RunComplete(st, c); }
void Run(Step& st, const InjectFault& c) { st.at(c.system).fault = c.kind; }
void Run(Step& st, const RemoveFault& c) { st.at(c.system).fault.reset(); }
void Run(Step& st, const Corrupt& c) {
  st.at(c.system).journals[c.journal_set - 1].damaged = true;
}

SystemObservation PredictSystem(const SystemState& x) {
  SystemObservation o;
  o.up = x.up;
  o.last_exit = x.last_exit;
  if (!x.up) return o;
  o.stamp = x.stamp();
  o.startup = x.startup;
  for (const auto& [p, e] : x.journal().partners) o.partners[p] = {e.stamp, e.startup, e.open_rm};
  for (const auto& [seq, b] : x.journal().branches) o.branches[seq] = {b.role, b.state, b.by_hand};
  o.rows = x.rows;
  for (const auto& [p, prompt] : x.prompts) {
    o.prompts[p] = {prompt.old_stamp, prompt.new_stamp, prompt.txns};
  }
  for (int p = 0; p < kMaxSystems; ++p) {
    if (x.Fences(p)) o.fenced.push_back(p);
  }
  return o;
}

}  // namespace

bool Precondition(const State& s, const Command& cmd) {
  return std::visit([&](const auto& c) { return Allowed(s, c); }, cmd);
}

void Apply(State& s, const Command& cmd, StepEvents* events) { Apply(s, cmd, Config{}, events); }

void Apply(State& s, const Command& cmd, const Config& config, StepEvents* events) {
  if (!Precondition(s, cmd)) return;
  StepEvents local;
  Step st{s, events ? *events : local, config.variant};
  std::visit([&](const auto& c) { Run(st, c); }, cmd);
}

Observation Predict(const State& s) {
  Observation o;
  for (const SystemState& x : s.systems) o.systems.push_back(PredictSystem(x));
  o.last_outcome = s.last_outcome;
  return o;
}

}  // namespace lockstep::model::rs
