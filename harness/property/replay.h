// Replay<P>: runs a fixed command sequence (a shrunk counterexample, or a path found by the
// model checker) once on a fresh system, checking every property after every step, and says
// what happened at each step. No RapidCheck: the sequence is given, not generated.
//
// Single-threaded, like the runner.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "harness/os/sandbox.h"
#include "harness/property/case_record.h"
#include "harness/property/protocol.h"
#include "harness/property/run_settings.h"

namespace lockstep::harness {

struct ReplayOutcome {
  std::optional<PropertyViolation> violation;  // first property broken, if any
  int steps_run = 0;
  CaseRecord record;                           // faults, exits and log excerpts
};

// Fails (harness problem, not a property) when a step does not parse, is not valid in the
// model's state at that point, or the system cannot be driven.
// `check` false runs the commands on the system without the model or property checks (the
// raw cost of the processes, for benchmarks).
template <class P>
Result<ReplayOutcome> Replay(const RunSettings& settings, Sandbox& sandbox,
                             const std::vector<std::string>& steps, std::ostream* out,
                             bool check = true, const std::string& case_dir = "replay") {
  ReplayOutcome outcome;
  std::vector<typename P::Command> commands;
  for (const auto& text : steps) {
    auto c = P::ParseCommand(text);
    if (!c) return std::unexpected(c.error());
    commands.push_back(*c);
  }
  auto system = P::MakeSystem(sandbox, case_dir, settings, &outcome.record);
  if (!system) return std::unexpected(system.error());
  auto state = P::Initial(settings);
  Status status;
  for (const auto& command : commands) {
    const int step = ++outcome.steps_run;
    if (check && !P::Precondition(state, command)) {
      status = Fail("step " + std::to_string(step) + " (" + P::Describe(command) +
                    ") is not valid in the model's state at that point");
      break;
    }
    if (!check) {
      status = (*system)->Drive(command);
      if (!status) break;
      continue;
    }
    auto observation = (*system)->Execute(command);
    if (!observation) {
      status = std::unexpected(observation.error());
      break;
    }
    if (out) *out << "step " << step << ": " << P::Describe(command) << "\n";
    auto before = state;
    P::Apply(state, command, settings);
    outcome.violation = P::Check(before, command, state, *observation);
    if (outcome.violation) break;
  }
  system->reset();
  (void)sandbox.RemoveDir(case_dir);
  if (!status) return std::unexpected(status.error());
  return outcome;
}

}  // namespace lockstep::harness
