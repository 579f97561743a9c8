// Start: a system's process starts on one of its journal sets (spec "Per system"; design
// decisions 3, 5, 9, 10, 11, 15 and 20): the stamp is assigned at the first open of a freshly
// formatted set, a startup identity at every start, recovery redoes forced outcomes whose
// writes were not applied, then the system resynchronizes with every running partner with
// which either side has outstanding transactions, unless that partner fences it (a prompt
// awaits its reply, or the operator deferred: only `vary rm` resumes a deferred resync).
#include "model/resync/transitions.h"

namespace lockstep::model::rs::internal {
namespace {

// Opens the journal set; false (exit 3, stays down) when it cannot be opened, is damaged, or
// cannot be stamped.
bool OpenJournal(Step& st, int system) {
  SystemState& x = st.at(system);
  if (x.fault == JournalFault::kAccessDenied) return false;
  Journal& j = x.journal();
  if (j.damaged) return false;
  if (j.stamp != 0) return true;
  if (x.fault) return false;  // the stamp cannot be written
  st.s.stamp_owners.push_back(JournalRef{system, x.journal_set, j.generation});
  j.stamp = static_cast<int>(st.s.stamp_owners.size());
  return true;
}

void Recover(Step& st, int system) {
  for (auto& [seq, b] : st.at(system).journal().branches) {
    if (!b.redo) continue;
    ApplyWrites(st, system, seq);
    b.redo = false;
  }
}

}  // namespace

void RunStart(Step& st, const Start& cmd) {
  const int x = cmd.system;
  SystemState& sys = st.at(x);
  sys.journal_set = cmd.journal_set;
  if (!OpenJournal(st, x)) {
    sys.last_exit = ExitKind::kJournalError;
    return;
  }
  sys.up = true;
  sys.last_exit = ExitKind::kNone;
  sys.startup = ++st.s.startups_issued;
  sys.crash_point = cmd.crash_point;
  Recover(st, x);
  for (int y = 0; y < st.s.size(); ++y) {
    if (y == x || !st.at(y).up) continue;
    if (!st.at(x).up) return;  // died during an earlier resynchronization
    if (st.at(y).Fences(x)) continue;  // awaits its reply, or deferred until `vary rm`
    if (Outstanding(st.s, x, y).empty() && Outstanding(st.s, y, x).empty()) continue;
    Resync(st, x, y);
  }
}

}  // namespace lockstep::model::rs::internal
