// RcCommand<P>: adapts one model command of protocol P to RapidCheck's stateful testing
// (rc::state::Command). apply() is the model's transition only; run() executes the command on
// the real system, observes it at the quiet point and checks every property of P against the
// model's prediction. A violation fails the case with "[<property id>] <message>", which the
// runner parses back; a harness failure uses kHarnessErrorId.
#pragma once

#include <ostream>

#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include "harness/property/case_record.h"
#include "harness/property/protocol.h"
#include "harness/property/run_settings.h"
#include "model/explore/coverage.h"
// The CoverageOf specializations must be seen wherever RcCommand is instantiated: each model
// that provides one adds its header here.
#include "model/resync/coverage.h"
#include "model/state_transfer/coverage.h"

namespace lockstep::harness {

template <class P>
class RcCommand final : public rc::state::Command<typename P::State, typename P::System> {
 public:
  using State = typename P::State;
  using System = typename P::System;

  RcCommand(typename P::Command command, const RunSettings* settings)
      : command_(std::move(command)), settings_(settings) {}

  void checkPreconditions(const State& s) const override { RC_PRE(P::Precondition(s, command_)); }

  void apply(State& s) const override { P::Apply(s, command_, *settings_); }

  void run(const State& before, System& system) const override {
    State after = before;
    P::Apply(after, command_, *settings_);
    auto observation = system.Execute(command_);
    if (!observation) {
      RC_FAIL("[" + std::string(kHarnessErrorId) + "] " + P::Describe(command_) + ": " +
              observation.error().message);
    }
    P::CoverageEvents(before, command_, after, system.record());
    RecordModelCoverage(before, after, system.record());
    if (auto violation = P::Check(before, command_, after, *observation)) {
      RC_FAIL("[" + violation->id + "] " + violation->message);
    }
  }

  void show(std::ostream& os) const override { os << P::Describe(command_); }

  const typename P::Command& command() const { return command_; }

 private:
  // The abstract states and transition this step passed through (k of N in the report).
  void RecordModelCoverage(const State& before, const State& after, CaseRecord& record) const {
    using Coverage = model::explore::CoverageOf<State>;
    if constexpr (Coverage::kEnabled) {
      const std::uint64_t from = Coverage::StateKey(before), to = Coverage::StateKey(after);
      record.visited_states.insert(from);
      record.visited_states.insert(to);
      record.visited_transitions.insert(
          model::explore::TransitionKey(from, to, Coverage::CommandKind(command_)));
    }
  }

  typename P::Command command_;
  const RunSettings* settings_;
};

}  // namespace lockstep::harness
