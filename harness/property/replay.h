// Replay<P>: runs a fixed command sequence (a shrunk counterexample, or a path found by the
// model checker) once on a fresh system, one CheckedStep per command (every property checked
// after every step, coverage and crash points recorded as in a run), and says what happened.
// No RapidCheck: the sequence is given, not generated.
//
// Single-threaded, like the runner.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "harness/os/sandbox.h"
#include "harness/property/case_record.h"
#include "harness/property/checked_step.h"
#include "model/common/property.h"

namespace lockstep::harness {

struct ReplayOutcome {
  std::optional<model::Violation> violation;  // first property broken, if any
  int steps_run = 0;
  CaseRecord record;  // commands, faults, crash points, exits and log excerpts
};

// Whether the model runs beside the system: kChecked is a replay; kSystemOnly runs the
// commands on the system without the model or property checks (the raw cost of the
// processes, for benchmarks).
enum class ReplayMode { kChecked, kSystemOnly };

namespace detail {

template <class P>
Result<std::vector<typename P::Command>> ParseSteps(const std::vector<std::string>& steps) {
  std::vector<typename P::Command> commands;
  for (const auto& text : steps) {
    auto c = P::ParseCommand(text);
    if (!c) return std::unexpected(c.error());
    commands.push_back(*c);
  }
  return commands;
}

}  // namespace detail

// Fails (harness problem, not a property) when a step does not parse, is not valid in the
// model's state at that point, or the system cannot be driven.
template <class P>
Result<ReplayOutcome> Replay(const typename P::Settings& settings, Sandbox& sandbox,
                             const std::vector<std::string>& steps, std::ostream* out,
                             ReplayMode mode = ReplayMode::kChecked,
                             const std::string& case_dir = "replay") {
  auto commands = detail::ParseSteps<P>(steps);
  if (!commands) return std::unexpected(commands.error());
  ReplayOutcome outcome;
  auto system = P::MakeSystem(sandbox, case_dir, settings, &outcome.record);
  if (!system) return std::unexpected(system.error());
  auto state = P::Initial(settings);
  Status status;
  for (const auto& command : *commands) {
    const int step = ++outcome.steps_run;
    if (mode == ReplayMode::kSystemOnly) {
      status = (*system)->Drive(command);
      if (!status) break;
      continue;
    }
    if (!P::Precondition(state, command)) {
      status = Fail("step " + std::to_string(step) + " (" + P::Describe(command) +
                    ") is not valid in the model's state at that point");
      break;
    }
    auto checked = CheckedStep<P>(**system, state, command, settings);
    if (!checked) {
      status = std::unexpected(checked.error());
      break;
    }
    if (out) *out << "step " << step << ": " << P::Describe(command) << "\n";
    outcome.violation = std::move(checked->violation);
    if (outcome.violation) break;
  }
  system->reset();
  (void)sandbox.RemoveDir(case_dir);
  if (!status) return std::unexpected(status.error());
  return outcome;
}

}  // namespace lockstep::harness
