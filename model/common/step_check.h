// The vocabulary of a protocol's CheckStep (one observation of the real system at a quiet point
// against the model's prediction): StepOf is the step under check, StepViolation and Mismatch
// word what a check finds, the same way for every protocol.
//
// StepOf holds references: it lives no longer than the call that checks the step. Pure
// functions; safe from any thread.
#pragma once

#include <string>
#include <string_view>

#include "model/common/property.h"

namespace lockstep::model {

template <class State, class Command, class Observation>
struct StepOf {
  const State& before;            // the model state the command was applied to
  const Command& cmd;
  const Observation& predicted;   // Predict() of the model state after it
  const Observation& observed;    // what the harness saw of the real system
};

// Property `id` (called `name`) broken by the step `command` (its Describe() text); the
// message is "after <command>: <what>".
inline Violation StepViolation(const char* id, const char* name, const std::string& command,
                               const std::string& what) {
  return Violation{id, name, "after " + command + ": " + what};
}

// "<subject>: <field> observed <observed>, model predicts <predicted>".
inline std::string Mismatch(const std::string& subject, std::string_view field,
                            const std::string& observed, const std::string& predicted) {
  return subject + ": " + std::string(field) + " observed " + observed + ", model predicts " +
         predicted;
}

}  // namespace lockstep::model
