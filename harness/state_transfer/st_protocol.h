// StateTransferProtocol: binds the state-transfer model (model/state_transfer) to the real
// system (StSystem) for the generic property runner (harness/property/protocol.h).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <rapidcheck.h>

#include "harness/property/case_record.h"
#include "harness/property/protocol.h"
#include "harness/property/run_settings.h"
#include "harness/state_transfer/st_system.h"
#include "model/state_transfer/commands.h"
#include "model/state_transfer/state.h"

namespace lockstep::harness {

struct StateTransferProtocol {
  static constexpr const char* kName = "state-transfer";
  using State = model::st::State;
  using Command = model::st::Command;
  using System = st::StSystem;

  static const std::vector<PropertyInfo>& Properties();
  static State Initial(const RunSettings&) { return State{}; }
  // Commands valid in `s`, drawn from the fault kinds the run allows.
  static rc::Gen<Command> GenCommand(const State& s, const RunSettings& settings);
  static bool Precondition(const State& s, const Command& c);
  static void Apply(State& s, const Command& c, const RunSettings& settings);
  static std::string Describe(const Command& c);
  static Result<Command> ParseCommand(const std::string& text);
  static std::optional<PropertyViolation> Check(const State& before, const Command& c,
                                                const State& after,
                                                const model::st::Observation& observed);
  // Counts the crash points that fired in this step.
  static void CoverageEvents(const State& before, const Command& c, const State& after,
                             CaseRecord& record);
  static Result<std::unique_ptr<System>> MakeSystem(Sandbox& sandbox, const std::string& case_dir,
                                                    const RunSettings& settings,
                                                    CaseRecord* record);
};

}  // namespace lockstep::harness
