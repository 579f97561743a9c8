// Holding a process at a traced action (docs/design.md, "Decision: overlapping commands hold a
// process at a traced action"): how the harness makes two things happen at once, every time in
// the same order.
//
// The harness arms a hold over the control protocol, {"op":"hold","event":E}. The next time
// the process records a trace line of kind E (Trace::Record, after the line is written), it
// stops itself with SIGSTOP: that line is the last it wrote, and it does nothing more (no
// message read, no timer, no answer) until the harness sends SIGCONT. While it is stopped the
// harness issues the commands that must overlap the held action; they queue in the kernel's
// socket buffers as they would behind a slow process.
//
// A hold fires once and is then disarmed; arming again replaces the armed one;
// {"op":"disarm_hold"} disarms a hold that did not fire (the action never came), so that it
// cannot stop the process later. Only a process with an open trace can hold (there is no
// Record without one): arming is refused otherwise.
//
// Thread safety: the processes that use this are single-threaded; not safe for concurrent use.
#pragma once

#include <nlohmann/json.hpp>

#include <string_view>

namespace lockstep::impl {

// The answer to a control request {"op":"hold","event":E}: {"result":"armed","event":E}
// once armed; {"error": ...} naming what was wrong (no trace, "event" missing, not a
// non-empty string) with nothing armed.
nlohmann::json ArmHold(const nlohmann::json& request, bool traced);

// The answer to {"op":"disarm_hold"}: {"result":"disarmed","event":E} with the event that was
// armed, or null when none was; nothing is armed afterwards.
nlohmann::json DisarmHold();

// Called by Trace::Record after the line of `event` is written: stops the process (SIGSTOP)
// when a hold is armed for `event`, disarming it first. Returns once the process is continued.
void HoldAtAction(std::string_view event);

}  // namespace lockstep::impl
