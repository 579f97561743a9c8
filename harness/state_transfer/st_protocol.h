// StateTransferProtocol: the state-transfer protocol's traits (harness/property/protocol.h):
// the model (model/state_transfer), its exhaustive search and variants, its settings, seeded
// bugs (st_bugs.cc) and its system driver (StSystem), in one place.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <rapidcheck.h>

#include "harness/property/case_record.h"
#include "harness/property/model_binding.h"
#include "harness/property/setting_fields.h"
#include "harness/state_transfer/st_event_model.h"
#include "harness/state_transfer/st_settings.h"
#include "harness/state_transfer/st_system.h"
#include "model/state_transfer/commands.h"
#include "model/state_transfer/explore.h"
#include "model/state_transfer/model.h"
#include "model/state_transfer/state.h"

namespace lockstep::harness {

struct StateTransferProtocol : ModelBinding<model::st::State, model::st::Command> {
  static constexpr const char* kName = "state-transfer";
  using Own = StOwnSettings;
  using Settings = StSettings;
  using Events = model::st::StepEvents;
  using System = st::StSystem;

  static std::vector<std::string> Binaries() { return {"mds", "logger"}; }
  static const std::vector<model::PropertyInfo>& Properties();
  static const std::vector<SeededBug>& Bugs();
  static const std::vector<SettingField<Own>>& SettingFields();

  static State Initial(const Settings&) { return State{}; }
  // Commands valid in `s`, drawn from the fault kinds the run allows.
  static rc::Gen<Command> GenCommand(const State& s, const Settings& settings);
  static Events Apply(State& s, const Command& c, const Settings& settings);
  static Result<Command> ParseCommand(const std::string& text);
  static std::optional<model::Violation> Check(const State& before, const Command& c,
                                               const State& after, const Events& events,
                                               const model::st::Observation& observed);
  // The crash points that fired in this step.
  static StepNotes Notes(const Command& c, const Events& events);

  // N at the coverage bounds (model/state_transfer/explore.h), with the default log capacity.
  static const model::explore::CoverageSet& Reachable();
  static std::map<std::string, std::vector<std::string>> CrashPoints();

  // Trace roles mds, logger-A, logger-B; the event model of st_event_model.h.
  static bool OwnsTraceRole(const std::string& role) {
    return role == "mds" || role == "logger-A" || role == "logger-B";
  }
  static std::unique_ptr<trace::EventModel> MakeEventModel() { return st::MakeStEventModel(); }

  static const std::vector<VariantInfo>& Variants();
  static std::string BoundsHelp();
  // The path of a counterexample replays with the searched log capacity.
  static Result<ModelCheck> SearchModel(const ModelCheckRequest& request, Settings& replay);

  static Result<std::unique_ptr<System>> MakeSystem(Sandbox& sandbox, const std::string& case_dir,
                                                    const Settings& settings,
                                                    CaseRecord* record);
};

// The state-transfer entry of the registry (harness/protocols.h).
const ProtocolPlugin& StateTransferPlugin();

}  // namespace lockstep::harness
