// Internal to the model: the transition of each command and the shared steps they are built
// from. Only the model's own .cc files include this header; callers use model.h.
#pragma once

#include "model/resync/commands.h"
#include "model/resync/config.h"
#include "model/resync/model.h"
#include "model/resync/state.h"

namespace lockstep::model::rs::internal {

// The state of one Apply() and where it reports events (never null inside the model).
struct Step {
  State& s;
  StepEvents& ev;
  Variant variant = Variant::kCorrect;  // Config::variant: a broken model's hooks read it
  SystemState& at(int system) { return s.at(system); }
};

// The process of `system` ends (it was up): down, process memory lost (canonical form 1),
// every partner's synced bit for it cleared.
void EndProcess(Step& st, int system, ExitKind how);

// If `system` is up with `p` armed, it dies there (SIGKILL): returns true.
bool HitCrashPoint(Step& st, int system, CrashPoint p);

// Whether `system` can force-write its journal now (up, no fault on its journal directory).
// A failed attempt is recorded in the events.
bool ForceWrite(Step& st, int system);

// Applies this system's writes of `txn` to its rows (ghost: appends to `applied`).
void ApplyWrites(Step& st, int system, int txn);

// The outcome of `txn` reaches participant `system` (up, branch InDoubt), from the
// coordinator whose journal has stamp `coord_stamp`. The participant forces the outcome record,
// applies or drops its writes and acknowledges. Returns whether it acknowledged: false when it
// died at a crash point or could not force the record (the branch stays InDoubt).
bool DeliverOutcome(Step& st, int system, int txn, bool commit, int coord_stamp);

// The coordinator records participant `p`'s acknowledgement of `txn`; with every participant
// acknowledged it writes END (crash point coord.before_end_record first). Returns whether the
// coordinator is still up.
bool Acknowledge(Step& st, int coordinator, int txn, int p);

// Resynchronization between up systems x (initiator) and y: exchange, then either save both
// partner tables, or prompt on a stamp mismatch, or complete the outstanding transactions and
// save. Returns whether it succeeded (both tables saved, the pair synced).
// REQUIRES: both up, x != y, no prompt pending between them.
bool Resync(Step& st, int x, int y);

// A remote session between x and y for an access: refused when fenced, resynchronized first
// when the pair is not synced. REQUIRES: both up.
enum class SessionResult { kOk, kFenced, kFailed };
SessionResult Session(Step& st, int x, int y);

void RunTransaction(Step& st, const Transaction& cmd);
void RunStart(Step& st, const Start& cmd);
void RunReply(Step& st, const Reply& cmd);
void RunVaryRm(Step& st, const VaryRm& cmd);
void RunComplete(Step& st, const Complete& cmd);

}  // namespace lockstep::model::rs::internal
