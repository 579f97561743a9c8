// CheckedStep<P>: the one step pipeline of every protocol, shared by the property runner
// (rc_command.h), replay (replay.h) and the benchmarks. For one command it
//   1. applies it to the model (the prediction and what happened in the step: P::Events),
//   2. executes it on the real system to a quiet point and observes (System::Execute),
//   3. records the step's coverage in the case record: crash points fired (as crash faults of
//      the step), the protocol's counters, and the abstract states and transition visited,
//   4. checks every property (P::Check, a pure function of before, command, after, events and
//      observation),
//   5. validates the trace lines the step's processes wrote (System::CheckTraces, the event
//      model of docs/trace.md, "Validation"): a line the model cannot explain is a violation of
//      the property its rule protects, found even when the quiet point looks right; a line that
//      breaks the trace contract (causality included) fails the step as the implementation's
//      fault.
//
// Single-threaded, like the System it drives.
#pragma once

#include <optional>
#include <string>

#include "base/result.h"
#include "faults/crash.h"
#include "harness/property/case_record.h"
#include "harness/property/protocol.h"
#include "harness/trace/trace_validator.h"
#include "model/common/property.h"
#include "model/explore/coverage.h"

namespace lockstep::harness {

// The abstract states before and after a step and the transition between them (k of N).
template <class P>
void RecordModelCoverage(const typename P::State& before, const typename P::State& after,
                         const typename P::Command& command, CaseRecord& record) {
  const std::uint64_t from = P::StateKey(before), to = P::StateKey(after);
  record.visited_states.insert(from);
  record.visited_states.insert(to);
  record.visited_transitions.insert(
      model::explore::TransitionKey(from, to, P::CommandKind(command)));
}

// What the step did, as the protocol names it, into the case record.
inline void RecordNotes(const StepNotes& notes, CaseRecord& record) {
  for (const auto& fired : notes.crash_points) {
    record.crash_point_counts[fired.point]++;
    record.AddFault("crash", fired.target, faults::CrashMechanism(), fired.side);
  }
  for (const auto& counter : notes.counters) record.command_counts[counter]++;
}

template <class P>
struct StepOutcome {
  typename P::System::Observation observation;  // what the system showed at the quiet point
  std::optional<model::Violation> violation;    // the property it broke, if any
};

// Runs `command` on the model state `state` (which becomes the state after it) and on
// `system`, records the step and checks every property. Fails (a harness problem, not a
// property) when the system cannot be driven or observed.
// REQUIRES: P::Precondition(state, command).
template <class P>
Result<StepOutcome<P>> CheckedStep(typename P::System& system, typename P::State& state,
                                   const typename P::Command& command,
                                   const typename P::Settings& settings) {
  const typename P::State before = state;
  const typename P::Events events = P::Apply(state, command, settings);
  auto observation = system.Execute(command, state);
  if (!observation) return std::unexpected(observation.error());
  RecordNotes(P::Notes(command, events), system.record());
  RecordModelCoverage<P>(before, state, command, system.record());
  auto violation = P::Check(before, command, state, events, *observation);
  if (!violation && settings.validate_traces) {
    auto failure = system.CheckTraces();
    if (!failure) return std::unexpected(failure.error());
    if (*failure && !(*failure)->violation) {
      return Fail("the implementation's trace breaks its contract: " + (*failure)->breach);
    }
    if (*failure) {
      const trace::TraceFailure& f = **failure;
      violation = *f.violation;
      violation->message = "trace " + (f.line ? f.line->Where() : std::string("end")) + ": " +
                           violation->message + "\nmodel states it was compared with:\n" +
                           f.model_states;
    }
  }
  return StepOutcome<P>{std::move(*observation), std::move(violation)};
}

}  // namespace lockstep::harness
