// The resync reference model: preconditions, the transition function and the prediction of
// what the harness observes. Pure functions of their arguments: no I/O, no clocks, no
// randomness; safe to call from any thread on distinct or unshared states.
//
// Semantics: spec/resync.md and docs/design.md ("Resync (protocol 2)", decisions 1-10 shared
// with the implementation, 11-23 taken for the model). Every command runs to a quiet point.
// Where several systems act in one step, they act in ascending system order.
#pragma once

#include <vector>

#include "model/resync/commands.h"
#include "model/resync/config.h"
#include "model/resync/observation.h"
#include "model/resync/state.h"

namespace lockstep::model::rs {

// What happened inside one Apply(), beyond what the resulting state shows. CheckStep uses it
// to attribute a difference to a property; harnesses use it for coverage probes.
struct FiredCrashPoint {
  int system;        // the system whose process it killed
  CrashPoint point;
};

struct StepEvents {
  std::vector<FiredCrashPoint> crash_points;  // crash points that fired, in order
  // A forced write failed on a journal fault (and was not acted on), or a process died at a
  // crash point just before or just after a forced write (PREPARED, COMMIT, outcome).
  bool forced_write_failed = false;
  bool died_at_forced_write = false;
  bool fenced_access = false;  // an access was refused because its pair was fenced
  bool mismatch = false;       // a resynchronization found a stamp mismatch and prompted
  bool lock_timeout = false;   // a read or a vote failed on a locked key
  int resyncs_completed = 0;   // resynchronizations that succeeded
  int branches_resolved = 0;   // in-doubt branches completed by resynchronization
};

// Whether `cmd` may be generated for / applied to `s` (systems must be below s.size()):
//   Transaction  coordinator up; at least one participant; every Writes non-empty.
//   Read         system and via up; key non-empty.
//   Start        system down; journal set 1 or 2.
//   Crash        system up.
//   Format       system down, no fault on its journal directory; journal set 1 or 2.
//   Reply        system up with a prompt pending about partner.
//   VaryRm       system up; partner != system.
//   Complete     system up; its branch of txn (current journal set) is ManualPending; backout
//                only of a participant branch (a coordinator's COMMIT record already applied
//                its writes: design decision 18).
//   InjectFault  no fault on that journal directory.   RemoveFault  a fault on it.
//   Corrupt      system down, no fault on its journal directory; the set was opened (it has
//                a stamp) and is not damaged; record below kCorruptRecords.
bool Precondition(const State& s, const Command& cmd);

// Applies `cmd` to `s` and runs the systems to the next quiet point, recording what happened
// in `events` if given. REQUIRES: Precondition(s, cmd). If it does not hold, `s` is unchanged.
void Apply(State& s, const Command& cmd, StepEvents* events = nullptr);
// The same with `config.variant`'s hooks (variants.h); config.systems is not read (the state
// has its systems). Apply(s, cmd, events) is Apply(s, cmd, Config{}, events).
void Apply(State& s, const Command& cmd, const Config& config, StepEvents* events = nullptr);

// What the harness will observe at the quiet point `s` (observation.h).
Observation Predict(const State& s);

// The transactions outstanding at system `x` with partner `y`: in x's current journal set,
// x's in-doubt participant branches whose coordinator is y, and x's committed, not yet ended
// coordinator branches still waiting for y's acknowledgement. Ascending.
std::vector<int> Outstanding(const State& s, int x, int y);

// Whether access between x and y is refused: either one has a prompt pending about, or has
// deferred, the other.
bool Fenced(const State& s, int x, int y);

// Whether `key` of system x is locked: an in-doubt or manual-pending participant branch of x's
// current journal set writes it.
bool Locked(const State& s, int x, const std::string& key);

}  // namespace lockstep::model::rs
