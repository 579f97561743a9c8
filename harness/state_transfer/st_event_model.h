// StEventModel: the state-transfer model at the granularity of the event trace (EventModel,
// harness/trace/event_model.h; docs/trace.md, "Validation of state-transfer traces").
//
// State it reconstructs, from the lines of mds, logger-A and logger-B (and the harness):
//  * per side, the current process life: its database's last update key as the life's own
//    lines say (database_loaded, input_durable, state_applied), an input received and not yet
//    durable, a state received or staged and not yet applied, whether it is receiving or in
//    service, and its temp files;
//  * per side, across lives, the durable database: the set of last update keys it may hold
//    (model State::sides[].db). It is one key while a process runs; a life that ends with an
//    effect started and not traced as done (input_received without input_durable, state_staged
//    without state_applied: rule 1 of docs/trace.md traces an effect right after it is made
//    durable) leaves both keys possible ("maybe happened"), and the next database_loaded says
//    which;
//  * the mds: its high-water and last assigned keys (State::high_water_key,
//    last_assigned_key), the sides it holds in service, the sides each assigned input waits
//    for, the inputs it sent, the transfers it started and forwarded, its durable keys across
//    lives.
//
// Rules, each a transition guard of the model and named by the property it protects:
//  ST-2  a logger acknowledges an input only after its own input_durable of it; the mds raises
//        the high-water key to h only when every side it waits for holds h durably; answers
//        ok only for a key at or below the high-water key; a restarted mds loads a high-water
//        key no lower than the one it raised.
//  ST-3  a side enters service only after the mds sent it enter_service, with a database no
//        older than the high-water key at that moment; the mds decides simplex only for a side
//        at or beyond the high-water key.
//  ST-4  a transfer_failed is sent only after every temp file of that transfer was deleted,
//        and only with ENOSPC (28) or EACCES (13).
//  ST-5  measured on the receiver's own clock: a receiver's `service_entered` comes no later
//        than the `timeout_ms` of its `receiving` line plus ReceiverWaitToleranceMs(timeout)
//        after that line (the transfer that succeeds brings it into service within its
//        timeout; that the Start after a fault's removal is that transfer is the quiet-point
//        check's).
//  ST-6  measured on the receiver's own clock: a receiver's `waiting`, `receiver_assert` or
//        `state_applied` line comes no later than the `timeout_ms` of its `receiving` line
//        plus the tolerance ReceiverWaitToleranceMs(timeout) after that line (it asserts in
//        time, and does not wait past its timeout without asserting).
//  ST-7  an input is received only as the mds sent it, and made durable only after it was
//        received, with a rising key; the mds assigns rising keys and a restarted mds never
//        reuses one; a sender sends its state only after the memory file was written, and
//        only the database it holds; a receiver applies only a state it received in this
//        life, and enters service only after applying it (a side that reports in service
//        before its state is applied breaks this even when it is whole again at the quiet
//        point); a start loads one of the databases the side may durably hold.
//
// Not thread-safe; one per case.
#pragma once

#include <cstdint>
#include <memory>

#include "harness/trace/event_model.h"

namespace lockstep::harness::st {

std::unique_ptr<trace::EventModel> MakeStEventModel();

// How late past its timeout a receiver may assert or enter service (ST-5, ST-6 above): half the
// timeout, at least 50 ms — a poll wakeup and one turn of the logger's loop on a loaded
// machine, and less than the timeout itself, so a receiver that waits twice its timeout fails.
inline std::int64_t ReceiverWaitToleranceMs(std::int64_t timeout_ms) {
  return timeout_ms / 2 > 50 ? timeout_ms / 2 : 50;
}

}  // namespace lockstep::harness::st
