// ResyncProtocol: the resync protocol's traits (harness/property/protocol.h): the model
// (model/resync), its exhaustive search and variants, its settings, seeded bugs (rs_bugs.cc)
// and its system driver (RsSystem), in one place.
//
// System count: the model always has RsOwnSettings::systems systems (3 by default), and the
// generator offers to start the third one (SYSTEM75) only with a low weight, so most cases are
// two-system cases and some are three-system cases (with transactions over all three). A
// system that is never started is observed as down, never started; shrinking removes it from
// a counterexample that does not need it.
//
// The driver observes in the model's identities: it binds the implementation's stamps,
// startups and DTRIDs at the places the model's prediction gives (rs_json.h, design decision
// 22), so Check() is a pure comparison.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <rapidcheck.h>

#include "harness/property/case_record.h"
#include "harness/property/model_binding.h"
#include "harness/property/setting_fields.h"
#include "harness/resync/rs_event_model.h"
#include "harness/resync/rs_settings.h"
#include "harness/resync/rs_system.h"
#include "harness/trace/event_model.h"
#include "model/resync/commands.h"
#include "model/resync/explore.h"
#include "model/resync/model.h"
#include "model/resync/state.h"

namespace lockstep::harness {

struct ResyncProtocol : ModelBinding<model::rs::State, model::rs::Command> {
  static constexpr const char* kName = "resync";
  using Own = RsOwnSettings;
  using Settings = RsSettings;
  using Events = model::rs::StepEvents;
  using System = rs::RsSystem;

  static std::vector<std::string> Binaries() { return {"txsys", "journal-format"}; }
  static const std::vector<model::PropertyInfo>& Properties();
  static const std::vector<SeededBug>& Bugs();
  static const std::vector<SettingField<Own>>& SettingFields();

  static State Initial(const Settings& settings);
  // Commands valid in `s`, drawn from the fault kinds the run allows.
  static rc::Gen<Command> GenCommand(const State& s, const Settings& settings);
  static Events Apply(State& s, const Command& c, const Settings& settings);
  static Result<Command> ParseCommand(const std::string& text);
  static std::optional<model::Violation> Check(const State& before, const Command& c,
                                               const State& after, const Events& events,
                                               const model::rs::Observation& observed);
  // Crash points that fired, reply kinds, prompts and three-system transactions.
  static StepNotes Notes(const Command& c, const Events& events);

  // N at the coverage bounds (model/resync/explore.h).
  static const model::explore::CoverageSet& Reachable();
  static std::map<std::string, std::vector<std::string>> CrashPoints();

  // Trace roles SYSTEMnn.
  static bool OwnsTraceRole(const std::string& role) { return role.starts_with("SYSTEM"); }

  static const std::vector<VariantInfo>& Variants();
  static std::string BoundsHelp();
  // The path replays with the default settings: three systems (a two-system path never
  // starts SYSTEM75, which the model then holds down throughout, as the search did).
  static Result<ModelCheck> SearchModel(const ModelCheckRequest& request, Settings& replay);

  // A new resync event model (rs_event_model.h) for one case's traces.
  static std::unique_ptr<trace::EventModel> MakeEventModel();

  static Result<std::unique_ptr<System>> MakeSystem(Sandbox& sandbox, const std::string& case_dir,
                                                    const Settings& settings,
                                                    CaseRecord* record);
};

// The resync entry of the registry (harness/protocols.h).
const ProtocolPlugin& ResyncPlugin();

}  // namespace lockstep::harness
