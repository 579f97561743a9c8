// Resynchronization between two running systems (spec "Resynchronization"; design decisions
// 5-7 and 11-12, 17-18) and the remote session that triggers it before an access.
#include <algorithm>

#include "model/resync/transitions.h"

namespace lockstep::model::rs::internal {
namespace {

int SavedStamp(const SystemState& x, int partner) {
  const auto it = x.journal().partners.find(partner);
  return it == x.journal().partners.end() ? 0 : it->second.stamp;
}

// Both sides save each other's stamp and startup and mark each other an open RM.
void SaveBoth(Step& st, int x, int y) {
  SystemState& a = st.at(x);
  SystemState& b = st.at(y);
  a.journal().partners[y] = PartnerEntry{b.stamp(), b.startup, true};
  b.journal().partners[x] = PartnerEntry{a.stamp(), a.startup, true};
  a.synced |= Bit(y);
  b.synced |= Bit(x);
  a.deferred &= static_cast<std::uint8_t>(~Bit(y));
  b.deferred &= static_cast<std::uint8_t>(~Bit(x));
  ++st.ev.resyncs_completed;
}

void RaisePrompt(Step& st, int x, int y, const std::vector<int>& txns) {
  SystemState& a = st.at(x);
  a.prompts[y] = Prompt{SavedStamp(a, y), st.at(y).stamp(), st.at(y).startup, txns};
  a.deferred &= static_cast<std::uint8_t>(~Bit(y));
  st.ev.mismatch = true;
}

// Completes one outstanding transaction between x and y (stamps matched): the coordinator's
// journal decides (a coordinator branch is a COMMIT record; none means abort), the in-doubt
// participant is told, and the coordinator records its acknowledgement. A participant branch
// already completed, manual-pending or completed by hand counts as acknowledged. Returns
// whether both are still up.
bool CompleteOne(Step& st, int seq, int x, int y) {
  const int c = st.s.txn(seq).coordinator;
  const int p = c == x ? y : x;
  const auto& coord_branches = st.at(c).journal().branches;
  const auto cb = coord_branches.find(seq);
  const bool commit = cb != coord_branches.end() && cb->second.role == Role::kCoordinator;
  const auto& part_branches = st.at(p).journal().branches;
  const auto pb = part_branches.find(seq);
  if (pb != part_branches.end() && pb->second.state == BranchState::kInDoubt) {
    const bool acked = DeliverOutcome(st, p, seq, commit, st.at(c).stamp());
    if (!st.at(p).up) return false;
    if (!acked) return true;
    ++st.ev.branches_resolved;
  }
  return !commit || Acknowledge(st, c, seq, p);
}

}  // namespace

bool Resync(Step& st, int x, int y) {
  const bool x_died = HitCrashPoint(st, x, CrashPoint::kResyncAfterExchange);
  const bool y_died = HitCrashPoint(st, y, CrashPoint::kResyncAfterExchange);
  if (x_died || y_died) return false;
  if (st.at(x).fault || st.at(y).fault) return false;  // partner tables cannot be saved
  const std::vector<int> ox = Outstanding(st.s, x, y);
  const std::vector<int> oy = Outstanding(st.s, y, x);
  const bool mx = !ox.empty() && SavedStamp(st.at(x), y) != st.at(y).stamp();
  const bool my = !oy.empty() && SavedStamp(st.at(y), x) != st.at(x).stamp();
  if (mx || my) {
    if (mx) RaisePrompt(st, x, y, ox);
    if (my) RaisePrompt(st, y, x, oy);
    return false;
  }
  std::vector<int> all = ox;
  all.insert(all.end(), oy.begin(), oy.end());
  std::sort(all.begin(), all.end());
  for (int seq : all) {
    if (!CompleteOne(st, seq, x, y)) return false;
  }
  SaveBoth(st, x, y);
  return true;
}

SessionResult Session(Step& st, int x, int y) {
  if (Fenced(st.s, x, y)) {
    st.ev.fenced_access = true;
    return SessionResult::kFenced;
  }
  if (Has(st.at(x).synced, y)) return SessionResult::kOk;
  if (Resync(st, x, y)) return SessionResult::kOk;
  if (st.at(x).up && st.at(y).up && Fenced(st.s, x, y)) {
    st.ev.fenced_access = true;
    return SessionResult::kFenced;
  }
  return SessionResult::kFailed;
}

}  // namespace lockstep::model::rs::internal
