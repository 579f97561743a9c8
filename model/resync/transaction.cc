// Transaction: presumed-abort two-phase commit run to a quiet point (spec "Two-phase commit";
// design decisions 2, 4, 8, 9, 14 and 15). Also the participant's and coordinator's halves of
// phase 2 that resynchronization reuses (DeliverOutcome, Acknowledge).
#include "model/resync/transitions.h"

namespace lockstep::model::rs::internal {

bool DeliverOutcome(Step& st, int system, int txn, bool commit, int coord_stamp) {
  if (HitCrashPoint(st, system, CrashPoint::kPartBeforeOutcomeRecord)) return false;
  if (!ForceWrite(st, system)) return false;  // stays InDoubt, no acknowledgement
  Branch& b = st.at(system).journal().branches[txn];
  b.state = commit ? BranchState::kCommitted : BranchState::kAborted;
  b.resolver_stamp = coord_stamp;
  b.redo = commit;  // the record is durable; the writes are applied below or at recovery
  if (HitCrashPoint(st, system, CrashPoint::kPartAfterOutcomeRecord)) return false;
  if (commit) ApplyWrites(st, system, txn);
  b.redo = false;
  return true;
}

bool Acknowledge(Step& st, int coordinator, int txn, int p) {
  SystemState& c = st.at(coordinator);
  auto it = c.journal().branches.find(txn);
  if (it == c.journal().branches.end()) return true;
  Branch& b = it->second;
  if (b.role != Role::kCoordinator || b.state != BranchState::kCommitted || b.ended) return true;
  b.acked |= Bit(p);
  if ((b.acked & b.participants) != b.participants) return true;
  if (HitCrashPoint(st, coordinator, CrashPoint::kCoordBeforeEndRecord)) return false;
  if (!c.fault) {  // END is not forced: on a journal fault it is simply written later
    b.ended = true;
    b.acked = 0;
  }
  return true;
}

namespace {

std::vector<int> Participants(const Transaction& t) {
  std::vector<int> out;
  for (const auto& [system, writes] : t.writes) {
    if (system != t.coordinator) out.push_back(system);
  }
  return out;
}

bool AnyLocked(const State& s, int system, const Transaction& t) {
  const auto it = t.writes.find(system);
  if (it == t.writes.end()) return false;
  for (const auto& [k, v] : it->second) {
    if (Locked(s, system, k)) return true;
  }
  return false;
}

// Phase 1 at participant p: the vote. A locked key or a failed PREPARED write is a no; a crash
// point before or after the PREPARED write is a vote that never arrives.
bool Prepare(Step& st, int p, int seq, const Transaction& t) {
  if (AnyLocked(st.s, p, t)) {
    st.ev.lock_timeout = true;
    return false;
  }
  if (HitCrashPoint(st, p, CrashPoint::kPartBeforePreparedRecord)) return false;
  if (!ForceWrite(st, p)) return false;
  SystemState& x = st.at(p);
  Branch b;
  b.role = Role::kParticipant;
  b.state = BranchState::kInDoubt;
  b.coordinator = t.coordinator;
  x.journal().branches[seq] = b;
  st.s.txn(seq).prepared[p] = JournalRef{p, x.journal_set, x.journal().generation};
  return !HitCrashPoint(st, p, CrashPoint::kPartAfterPreparedRecord);
}

// Presumed abort: the prepared participants are told ABORT; nothing is journaled here.
void AbortPrepared(Step& st, int seq, const std::vector<int>& prepared, int coord_stamp) {
  for (int p : prepared) {
    if (st.at(p).up) DeliverOutcome(st, p, seq, false, coord_stamp);
  }
}

// Phase 0: a session with every participant, in order. Returns the answer to give the client
// if the transaction cannot go on.
std::optional<OpResult> OpenSessions(Step& st, const Transaction& t) {
  for (int p : Participants(t)) {
    if (!st.at(p).up) return OpResult::kAborted;
    const SessionResult r = Session(st, t.coordinator, p);
    if (!st.at(t.coordinator).up) return OpResult::kUnknown;
    if (r != SessionResult::kOk) return OpResult::kAborted;
  }
  return std::nullopt;
}

// Phase 2 after every yes vote. Returns the client's answer.
OpResult Commit(Step& st, int seq, const Transaction& t, const std::vector<int>& prepared) {
  const int c = t.coordinator;
  const int coord_stamp = st.at(c).stamp();
  if (HitCrashPoint(st, c, CrashPoint::kCoordBeforeCommitRecord)) return OpResult::kUnknown;
  if (!ForceWrite(st, c)) {
    AbortPrepared(st, seq, prepared, coord_stamp);
    return OpResult::kAborted;
  }
  Branch& b = st.at(c).journal().branches[seq];
  b.role = Role::kCoordinator;
  b.state = BranchState::kCommitted;
  b.coordinator = c;
  for (int p : prepared) b.participants |= Bit(p);
  b.redo = true;
  st.s.txn(seq).committed = true;
  if (HitCrashPoint(st, c, CrashPoint::kCoordAfterCommitRecord)) return OpResult::kUnknown;
  ApplyWrites(st, c, seq);
  b.redo = false;
  for (int p : prepared) {
    if (DeliverOutcome(st, p, seq, true, coord_stamp) && !Acknowledge(st, c, seq, p)) {
      return OpResult::kUnknown;
    }
  }
  return OpResult::kCommitted;
}

OpResult Run2pc(Step& st, int seq, const Transaction& t) {
  if (AnyLocked(st.s, t.coordinator, t)) {
    st.ev.lock_timeout = true;
    return OpResult::kAborted;
  }
  if (auto refused = OpenSessions(st, t)) return *refused;
  const int coord_stamp = st.at(t.coordinator).stamp();
  std::vector<int> prepared;
  for (int p : Participants(t)) {
    if (!Prepare(st, p, seq, t)) {
      AbortPrepared(st, seq, prepared, coord_stamp);
      return OpResult::kAborted;
    }
    prepared.push_back(p);
  }
  return Commit(st, seq, t, prepared);
}

}  // namespace

void RunTransaction(Step& st, const Transaction& cmd) {
  TxnRecord record;
  record.coordinator = cmd.coordinator;
  record.writes = cmd.writes;
  record.coord_stamp = st.at(cmd.coordinator).stamp();
  st.s.txns.push_back(record);
  const int seq = static_cast<int>(st.s.txns.size());
  const OpResult answer = Run2pc(st, seq, cmd);
  st.s.last_outcome = OpOutcome{answer, ""};
  st.s.txn(seq).reported = answer;
}

}  // namespace lockstep::model::rs::internal
