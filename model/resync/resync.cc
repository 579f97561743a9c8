// Resynchronization between two running systems (spec "Resynchronization"; design decisions
// 5-7 and 11-12, 17-18) and the remote session that triggers it before an access.
#include <algorithm>

#include "model/resync/transitions.h"
#include "model/resync/variants.h"

namespace lockstep::model::rs::internal {
namespace {

int SavedStamp(const SystemState& x, int partner) {
  const auto it = x.journal().partners.find(partner);
  return it == x.journal().partners.end() ? 0 : it->second.stamp;
}

// `self` saves the partner's stamp and startup (as exchanged) as an open RM and lifts a
// deferral of it.
void Save(Step& st, int self, int partner, int stamp, int startup) {
  SystemState& a = st.at(self);
  a.journal().partners[partner] = PartnerEntry{stamp, startup, true};
  a.deferred &= static_cast<std::uint8_t>(~Bit(partner));
}

void RaisePrompt(Step& st, int x, int y, const std::vector<int>& txns) {
  SystemState& a = st.at(x);
  a.prompts[y] = Prompt{SavedStamp(a, y), st.at(y).stamp(), st.at(y).startup, txns};
  a.deferred &= static_cast<std::uint8_t>(~Bit(y));
  st.ev.mismatch = true;
}

bool HasCoordinatorBranch(const SystemState& c, int seq) {
  const auto it = c.journal().branches.find(seq);
  return it != c.journal().branches.end() && it->second.role == Role::kCoordinator;
}

bool HoldsInDoubt(const SystemState& p, int seq) {
  const auto it = p.journal().branches.find(seq);
  return it != p.journal().branches.end() && it->second.state == BranchState::kInDoubt;
}

// One side's half of completing the outstanding transactions (stamps matched). Its in-doubt
// branches for the other's transactions get the outcome (the other's COMMIT record means
// commit, none means abort); the initiator acknowledges each commit to the coordinator. Then
// its COMMITs count as acknowledged by the other, except (responder) those the other still
// holds in doubt: the initiator acknowledges those itself. Returns whether `self` is still up.
bool CompleteSide(Step& st, int self, int other, const std::vector<int>& outstanding,
                  bool initiator) {
  for (int seq : outstanding) {
    if (st.s.txn(seq).coordinator != other || !HoldsInDoubt(st.at(self), seq)) continue;
    const bool commit = HasCoordinatorBranch(st.at(other), seq);
    const bool acked = DeliverOutcome(st, self, seq, commit, st.at(other).stamp());
    if (!st.at(self).up) return false;
    if (!acked) continue;
    ++st.ev.branches_resolved;
    if (initiator && commit && st.at(other).up) Acknowledge(st, other, seq, self);
  }
  for (int seq : outstanding) {
    if (st.s.txn(seq).coordinator != self) continue;
    if (!initiator && HoldsInDoubt(st.at(other), seq)) continue;
    if (!Acknowledge(st, self, seq, other)) return false;
  }
  return true;
}

}  // namespace

// The exchange is a request from x and y's answer (impl/resync/README.md): y's crash point
// fires on receipt; a journal fault on either side makes y answer an error; y prompts on its
// own mismatch, or completes its half and saves x's values, before it answers; x's crash point
// fires on an answer that is not an error; then x prompts, or completes its half and saves.
bool Resync(Step& st, int x, int y) {
  if (HitCrashPoint(st, y, CrashPoint::kResyncAfterExchange)) return false;
  if (st.at(x).fault || st.at(y).fault) {  // partner tables cannot be saved
    // A failed resync leaves the pair not resynchronized: the next access tries again.
    st.at(x).synced &= static_cast<std::uint8_t>(~Bit(y));
    st.at(y).synced &= static_cast<std::uint8_t>(~Bit(x));
    return false;
  }
  const std::vector<int> ox = Outstanding(st.s, x, y);
  const std::vector<int> oy = Outstanding(st.s, y, x);
  const bool mx = !ox.empty() && SavedStamp(st.at(x), y) != st.at(y).stamp();
  const bool my = !oy.empty() && SavedStamp(st.at(y), x) != st.at(x).stamp();
  const int x_stamp = st.at(x).stamp(), x_startup = st.at(x).startup;
  const int y_stamp = st.at(y).stamp(), y_startup = st.at(y).startup;
  if ((mx || my) && st.variant != Variant::kNoStampComparison) {  // the variant never sees one
    if (my) RaisePrompt(st, y, x, oy);
    if (HitCrashPoint(st, x, CrashPoint::kResyncAfterExchange)) return false;
    if (mx) RaisePrompt(st, x, y, ox);
    return false;
  }
  if (!CompleteSide(st, y, x, oy, false)) return false;
  Save(st, y, x, x_stamp, x_startup);
  if (HitCrashPoint(st, x, CrashPoint::kResyncAfterExchange)) return false;
  if (!CompleteSide(st, x, y, ox, true)) return false;
  Save(st, x, y, y_stamp, y_startup);
  if (!st.at(y).up) return false;
  st.at(x).synced |= Bit(y);
  st.at(y).synced |= Bit(x);
  ++st.ev.resyncs_completed;
  return true;
}

SessionResult Session(Step& st, int x, int y) {
  if (Fenced(st.s, x, y)) {
    st.ev.fenced_access = true;
    return SessionResult::kFenced;
  }
  if (Has(st.at(x).synced, y)) return SessionResult::kOk;
  if (st.variant == Variant::kNoStartupComparison && RecycledPartnerPasses(st.s, x, y)) {
    return SessionResult::kOk;  // variants.h
  }
  if (Resync(st, x, y)) return SessionResult::kOk;
  if (st.at(x).up && st.at(y).up && Fenced(st.s, x, y)) {
    st.ev.fenced_access = true;
    return SessionResult::kFenced;
  }
  return SessionResult::kFailed;
}

}  // namespace lockstep::model::rs::internal
