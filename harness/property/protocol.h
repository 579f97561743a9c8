// What a protocol provides to be tested by the generic layers: the traits struct P that
// PluginOf<P> (plugin_of.h) turns into a ProtocolPlugin (plugin.h), the one object through
// which run, replay, check-model, bugs and campaign reach a protocol.
//
// A protocol P is a struct of static functions and types binding a pure model (model/) to its
// real system (a System driver in harness/<protocol>/):
//
//   P::kName                         "state-transfer" | "resync"
//   P::Binaries()                    the executables its System needs in impl_dir
//   P::Properties()                  its properties, in report order (model::PropertyInfo)
//   P::Bugs()                        its seeded bugs (seeded_bug.h)
//   P::Own, P::Settings              its own typed settings, and SettingsFor<Own>
//   P::SettingFields()               one SettingField per member of Own (setting_fields.h)
//   P::State, P::Command, P::Events  the model's state, command and step-event types
//   P::System                        drives the real processes of one test case:
//       Result<Observation> Execute(const Command&, const State& predicted)
//           run to a quiet point and observe in the model's terms (implementation strings
//           bound to model identities at the places `predicted` gives); fails only for
//           harness problems
//       Status Drive(const Command&)            run to a quiet point only (benchmarks)
//       CaseRecord& record()
//   P::MakeSystem(sandbox, case_dir, settings, record) -> Result<std::unique_ptr<System>>
//   P::Initial(settings)             model state at the start of a case
//   P::GenCommand(state, settings)   rc::Gen<Command> valid in that state
//   P::Precondition(state, cmd)      may cmd run in state (checked again while shrinking)
//   P::Apply(state, cmd, settings) -> Events   the model's transition and what happened in it
//   P::Describe(cmd), P::ParseCommand(text)    one stable line, and back
//   P::Check(before, cmd, after, events, observation) -> std::optional<model::Violation>
//                                    a pure function of its arguments
//   P::Notes(cmd, events) -> StepNotes         what the step did, for coverage and the record
//   P::StateKey(state), P::CommandKind(cmd)    model coverage abstraction (k of N)
//   P::Reachable() -> const CoverageSet&       N, computed once per process
//   P::CrashPoints() -> map<process kind, names>  every crash point the model can arm, the N
//                                    of "crash points k of N" per process kind in the report
//   P::OwnsTraceRole(role)           whether a trace file of that role is one of its cases
//   P::MakeEventModel()              its model at the granularity of the event trace
//                                    (trace/event_model.h), for one case's traces
//   P::Variants()                    broken model variants the exhaustive search must catch
//   P::BoundsHelp()                  the search bounds, for --help
//   P::SearchModel(request, Settings& replay) -> Result<ModelSearch>
//                                    the bounded search; `replay` gets the settings its
//                                    counterexample path replays with
#pragma once

#include <string>
#include <vector>

#include "model/common/property.h"

namespace lockstep::harness {

// What one step did beyond the state it left, in the protocol's words: crash points that
// fired (each recorded as a crash fault of the step) and named counters for coverage
// ("Reply(ignore)", "(stamp mismatch prompt)").
struct StepNotes {
  struct CrashPointFired {
    std::string point;   // "receiver.mid_apply"
    std::string target;  // how the report names it, e.g. "logger-B at receiver.mid_apply"
    std::string side;    // the process it fired in, where the report shows one ("" if none)
  };
  std::vector<CrashPointFired> crash_points;
  std::vector<std::string> counters;
};

// A broken variant of a protocol's model, and the property it must break.
struct VariantInfo {
  std::string name;      // "no-stamp-comparison"
  std::string property;  // "RS-2"
};

}  // namespace lockstep::harness
