// What a protocol must provide to be property-tested by RunProtocol<P> (property_runner.h).
//
// A protocol P is a struct of static functions and types binding a pure model (model/) to the
// real system (a System driver in harness/). The runner is the same for every protocol.
//
//   P::kName                      "state-transfer" | "resync"
//   P::State, P::Command          the model's state and command value types
//   P::System                     drives the real processes of one test case:
//       Result<Observation> Execute(const Command&)   run to a quiet point and observe
//       Status Drive(const Command&)                  run to a quiet point only (benchmarks)
//       CaseRecord& record()
//   P::Properties()               the protocol's properties, in report order
//   P::Initial(settings)          model state at the start of a case
//   P::GenCommand(state, settings)  rc::Gen<Command> valid in that state
//   P::Precondition(state, cmd)   may cmd run in state (checked again while shrinking)
//   P::Apply(state, cmd, settings)  the model's transition
//   P::Describe(cmd)              one stable line, parseable by P::ParseCommand
//   P::Check(before, cmd, after, observation) -> std::optional<PropertyViolation>
//   P::CoverageEvents(before, cmd, after, record)  counts crash points fired etc.
//   P::MakeSystem(sandbox, case_dir, settings, record) -> Result<std::unique_ptr<System>>
#pragma once

#include <string>

namespace lockstep::harness {

struct PropertyInfo {
  std::string id;    // "ST-4"
  std::string name;  // "clean failure"
};

struct PropertyViolation {
  std::string id;       // property identifier, e.g. "ST-4"
  std::string message;  // names the process, the field, predicted and observed
};

// Identifier used for failures of the harness itself (a fault that could not be proven, a
// process that could not be started): the run's verdict becomes "other", never "failed".
inline constexpr const char* kHarnessErrorId = "harness-error";

}  // namespace lockstep::harness
