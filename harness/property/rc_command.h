// RcCommand<P>: adapts one model command of protocol P to RapidCheck's stateful testing
// (rc::state::Command). apply() is the model's transition only; run() is one CheckedStep on
// the real system. A step that fails the case leaves why in the case record (a violation or a
// harness error) before failing it with a readable message; the runner reads the record, never
// the message.
#pragma once

#include <ostream>

#include <rapidcheck.h>
#include <rapidcheck/state.h>

#include "harness/property/case_record.h"
#include "harness/property/checked_step.h"

namespace lockstep::harness {

template <class P>
class RcCommand final : public rc::state::Command<typename P::State, typename P::System> {
 public:
  using State = typename P::State;
  using System = typename P::System;

  RcCommand(typename P::Command command, const typename P::Settings* settings)
      : command_(std::move(command)), settings_(settings) {}

  void checkPreconditions(const State& s) const override { RC_PRE(P::Precondition(s, command_)); }

  void apply(State& s) const override { (void)P::Apply(s, command_, *settings_); }

  void run(const State& before, System& system) const override {
    State state = before;
    auto step = CheckedStep<P>(system, state, command_, *settings_);
    CaseRecord& record = system.record();
    if (!step) {
      record.harness_error = P::Describe(command_) + ": " + step.error().message;
      RC_FAIL(*record.harness_error);
    }
    if (step->violation) {
      record.violation = step->violation;
      RC_FAIL(model::ToString(*step->violation));
    }
  }

  void show(std::ostream& os) const override { os << P::Describe(command_); }

  const typename P::Command& command() const { return command_; }

 private:
  typename P::Command command_;
  const typename P::Settings* settings_;
};

}  // namespace lockstep::harness
