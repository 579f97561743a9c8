// Properties RS-1..RS-8 of journal-stamp resynchronization (spec/resync.md), in two forms:
//
//  * Invariants over model states, for the exhaustive explorer and for random model runs:
//    each is a named predicate returning the reason it fails, or nullopt. They read the
//    model's ghost variables (TxnRecord, Branch::resolver_stamp, SystemState::applied,
//    State::stamp_owners, Journal::generation).
//  * CheckStep, for property tests against the real systems: compares one observation at a
//    quiet point with the model's prediction and names the property that broke.
//
// Pure functions; safe from any thread.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/common/invariants.h"
#include "model/common/property.h"
#include "model/resync/commands.h"
#include "model/resync/model.h"
#include "model/resync/observation.h"
#include "model/resync/state.h"

namespace lockstep::model::rs {

using model::PropertyInfo;
using model::ToString;
using model::Violation;

inline constexpr std::array<PropertyInfo, 8> kRsProperties{{
    {"RS-1", "atomic outcome"},
    {"RS-2", "no silent completion"},
    {"RS-3", "fencing"},
    {"RS-4", "ignore"},
    {"RS-5", "recycle detection"},
    {"RS-6", "durability"},
    {"RS-7", "stamp lifecycle"},
    {"RS-8", "forced writes first"},
}};

// The name of property `id` ("RS-3" -> "fencing"); "" if `id` is not one of them.
const char* PropertyName(std::string_view id);

// ---- Invariants over model states -------------------------------------------------------
// Each returns nullopt when it holds in `s`, else a one-line reason.

// RS-1: every branch not completed by hand agrees with what the coordinator really decided
// (Committed only if its COMMIT record was forced, Aborted only if not; a coordinator branch
// only with that record), and so does the client's answer (committed / aborted).
std::optional<std::string> CheckRS1AtomicOutcome(const State& s);
// RS-2: every participant branch completed other than by hand learned its outcome from the
// very journal that ran the transaction (its resolver stamp is the coordinator's stamp of that
// time); every pending prompt shows the saved stamp as OLD, a different NEW, and exactly the
// system's outstanding transactions with that partner.
std::optional<std::string> CheckRS2NoSilentCompletion(const State& s);
// RS-3: a running system never counts a partner it fences as resynchronized (so no access
// passes), and never holds a prompt and a deferral for the same partner.
std::optional<std::string> CheckRS3Fencing(const State& s);
// RS-4: ManualPending branches are not completed by hand and are not outstanding; branches
// completed by hand are Committed or Aborted.
std::optional<std::string> CheckRS4Ignore(const State& s);
// RS-5: two running systems that count each other as resynchronized have saved each other's
// current stamp and startup, as open RMs.
std::optional<std::string> CheckRS5RecycleDetection(const State& s);
// RS-6: each database is the replay of the writes applied to it; every Committed branch with
// no pending redo was applied; every PREPARED record forced into a journal set that has not
// been formatted since is still there (with its locks: Locked() reads the same branches).
std::optional<std::string> CheckRS6Durability(const State& s);
// RS-7: every stamp in a journal set was assigned to that very set at its current formatting
// generation, at most one stamp per formatting, and a running system's set has one.
std::optional<std::string> CheckRS7StampLifecycle(const State& s);
// RS-8: a COMMIT record exists only once every participant forced PREPARED; a participant
// branch exists only where PREPARED was forced; writes are applied only for a committed
// transaction or an operator's commit.
std::optional<std::string> CheckRS8ForcedWritesFirst(const State& s);

using Invariant = model::InvariantOf<State>;

// The table of invariants RS-1 to RS-8, in property order (model/common/invariants.h).
const std::vector<Invariant>& Invariants();
// Its first invariant that fails in `s`, or nullopt.
std::optional<Violation> CheckInvariants(const State& s);

// ---- Step check against the real systems -----------------------------------------------

// Compares `observed` with Predict(after), where `after` is `before` with `cmd` applied (the
// step is re-run on `before` to learn its StepEvents). Every difference belongs to exactly one
// property; the first check in this order that finds one is reported:
//   1. RS-7 stamp lifecycle:   `stamp` of any system observed and predicted up.
//   2. RS-3 fencing (access):  the command is a Read or Transaction between a pair fenced
//                              before the step: last_outcome, rows, branches; a Read with a
//                              reply (released by it, or not): last_outcome, rows.
//   3. RS-8 forced writes:     the step had a forced write fail or a process die next to one:
//                              last_outcome, branches, rows; `up`/`last_exit` of a system with
//                              a journal fault.
//   3a. RS-6 durability:       the command starts a system on a damaged journal set: its
//                              `up`/`last_exit`.
//   4. RS-2 no silent compl.:  which prompts are pending and their OLD/NEW stamps; when the
//                              step found a stamp mismatch also branches, rows, partner
//                              tables, last_outcome.
//   5. RS-4 ignore:            the transactions listed by a prompt both sides show; when the
//                              command is Reply(ignore), Read(reply=ignore) or Complete
//                              also branches, rows, partner tables, fenced.
//   6. RS-3 fencing:           `fenced` of any system.
//   7. RS-5 recycle detection: `startup` and partner tables of any system observed and
//                              predicted up.
//   8. RS-1 atomic outcome:    a transaction's last_outcome; role, state or by-hand flag of a
//                              branch both sides show.
//   9. RS-6 durability:        rows; a branch shown on one side only; a read's last_outcome;
//                              up; last_exit; anything else.
// Returns nullopt when observation and prediction agree.
std::optional<Violation> CheckStep(const State& before, const Command& cmd, const State& after,
                                   const Observation& observed);
// The same with the StepEvents that Apply(before, cmd) recorded (so nothing is re-run).
// REQUIRES: `events` and `after` come from one Apply of `cmd` on `before`.
std::optional<Violation> CheckStep(const State& before, const Command& cmd, const State& after,
                                   const StepEvents& events, const Observation& observed);

}  // namespace lockstep::model::rs
