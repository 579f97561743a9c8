// ResyncProtocol: binds the resync model (model/resync) to the real txsys processes
// (RsSystem) for the generic property runner (harness/property/protocol.h).
//
// System count: the model always has RunSettings::systems systems (3 by default), and the
// generator offers to start the third one (SYSTEM75) only with a low weight, so most cases are
// two-system cases and some are three-system cases (with transactions over all three). A
// system that is never started is observed as down, never started; shrinking removes it from
// a counterexample that does not need it.
//
// Observations carry the implementation's strings; Check() maps them onto the model's
// identities at the places Predict(after) gives (rs_json.h, design decision 22) before
// model::rs::CheckStep compares them.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <rapidcheck.h>

#include "harness/property/case_record.h"
#include "harness/property/protocol.h"
#include "harness/property/run_settings.h"
#include "harness/resync/rs_system.h"
#include "model/resync/commands.h"
#include "model/resync/state.h"

namespace lockstep::harness {

struct ResyncProtocol {
  static constexpr const char* kName = "resync";
  using State = model::rs::State;
  using Command = model::rs::Command;
  using System = rs::RsSystem;

  static const std::vector<PropertyInfo>& Properties();
  static State Initial(const RunSettings& settings);
  // Commands valid in `s`, drawn from the fault kinds the run allows.
  static rc::Gen<Command> GenCommand(const State& s, const RunSettings& settings);
  // The model's precondition: the harness excludes no path (docs/design.md).
  static bool Precondition(const State& s, const Command& c);
  static void Apply(State& s, const Command& c, const RunSettings& settings);
  static std::string Describe(const Command& c);
  static Result<Command> ParseCommand(const std::string& text);
  static std::optional<PropertyViolation> Check(const State& before, const Command& c,
                                                const State& after,
                                                const rs::RawObservation& observed);
  // Counts crash points that fired, reply kinds, prompts and three-system transactions.
  static void CoverageEvents(const State& before, const Command& c, const State& after,
                             CaseRecord& record);
  static Result<std::unique_ptr<System>> MakeSystem(Sandbox& sandbox, const std::string& case_dir,
                                                    const RunSettings& settings,
                                                    CaseRecord* record);
};

}  // namespace lockstep::harness
