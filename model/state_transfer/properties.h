// Properties ST-1..ST-7 of the state-transfer protocol (spec/state-transfer.md), in two forms:
//
//  * Invariants over model states, for the exhaustive explorer and for random model runs:
//    each is a named predicate returning the reason it fails, or nullopt. They read the
//    model's ghost variables (State::acked_keys, SideState::history, temp_files_at_start).
//  * CheckStep, for property tests against the real system: compares one observation at a
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
#include "model/state_transfer/commands.h"
#include "model/state_transfer/observation.h"
#include "model/state_transfer/state.h"

namespace lockstep::model::st {

// Shared with the resync model (model/common/property.h).
using model::PropertyInfo;
using model::ToString;
using model::Violation;

inline constexpr std::array<PropertyInfo, 7> kStProperties{{
    {"ST-1", "agreement"},
    {"ST-2", "no lost acknowledgement"},
    {"ST-3", "no stale service"},
    {"ST-4", "clean failure"},
    {"ST-5", "recovery"},
    {"ST-6", "bounded wait"},
    {"ST-7", "atomic transfer"},
}};

// The name of property `id` ("ST-3" -> "no stale service"); "" if `id` is not one of them.
const char* PropertyName(std::string_view id);

// ---- Invariants over model states -------------------------------------------------------
// Each returns nullopt when it holds in `s`, else a one-line reason.

// ST-1: when both sides are in service they hold equal databases, memory states and
// histories.
std::optional<std::string> CheckST1Agreement(const State& s);
// ST-2: the high-water key is the last acknowledged key, and every in-service side's
// history holds every acknowledged input.
std::optional<std::string> CheckST2NoLostAcknowledgement(const State& s);
// ST-3: no in-service side's last_update_key is behind the high-water key.
std::optional<std::string> CheckST3NoStaleService(const State& s);
// ST-4: a running side has no more temp files than were left when it started (a failed send
// leaves nothing behind), and every recorded send error is ENOSPC (28) or EACCES (13).
std::optional<std::string> CheckST4CleanFailure(const State& s);
// ST-5: a running side whose peer is in service is in service itself (a waiting side gets its
// transfer as soon as there is a sender), and a down side whose peer is in service enters
// service on one Start when nothing blocks the transfer (no data fault on it, no temp fault
// and no sender crash point on the peer).
std::optional<std::string> CheckST5Recovery(const State& s);
// ST-6: no side is receiving at a quiet point (every transfer ends in service or an assert).
std::optional<std::string> CheckST6BoundedWait(const State& s);
// ST-7: every side's database, down ones included, is whole: it equals the replay of its
// history (rows, last_update_key, and a log that is a tail of that history), history keys
// rise and were assigned by the mds, and the two sides agree on every input they both hold.
// A mix of an old and a new database fails this.
std::optional<std::string> CheckST7AtomicTransfer(const State& s);

using Invariant = model::InvariantOf<State>;

// The table of invariants ST-1 to ST-7, in property order (model/common/invariants.h).
const std::vector<Invariant>& Invariants();
// Its first invariant that fails in `s`, or nullopt.
std::optional<Violation> CheckInvariants(const State& s);

// ---- Step check against the real system ------------------------------------------------

// Compares `observed` with Predict(after), where `after` is `before` with `cmd` applied.
// Checksums are ignored, except that two sides observed in service must report equal ones.
// Every difference belongs to exactly one property; the first property in this order that has
// one is reported:
//   ST-5 recovery (first):  the side started by this step is predicted in service and is not.
//   ST-4 clean failure:     temp_files, logged_send_errors, last_transfer_errno,
//                           transfer_attempts; the status of a side whose send failed in
//                           this step, and the status of its receiver if observed in service.
//   ST-3 no stale service:  a side observed in service that the model does not predict in
//                           service; a side observed in service behind the observed
//                           high-water key.
//   ST-6 bounded wait:      a side observed receiving; the model predicts a transfer_timeout
//                           exit and another is observed.
//   ST-7 atomic transfer:   db of a side observed and predicted down (unreadable, or not the
//                           predicted one); last_transfer.
//   ST-5 recovery:          a side predicted in service but observed not in service.
//   ST-2 no lost ack.:      last_outcome; high_water_key; db of a side observed and predicted
//                           in service; any other last_exit difference.
//   ST-1 agreement:         memory; checksums of two in-service sides; anything else.
// Returns nullopt when observation and prediction agree.
std::optional<Violation> CheckStep(const State& before, const Command& cmd, const State& after,
                                   const Observation& observed);

}  // namespace lockstep::model::st
