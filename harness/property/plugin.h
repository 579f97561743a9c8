// ProtocolPlugin: everything the generic layers (harness/cli, the campaign, the catalogue of
// seeded bugs) can do with one protocol, behind one interface. PluginOf<P> (plugin_of.h)
// implements it from a protocol's traits (protocol.h); harness/protocols.h is the registry.
//
// Implementations are immutable after construction and safe to share; Run and Replay spawn
// children and must be called from the thread that owns them (PR_SET_PDEATHSIG).
#pragma once

#include <iostream>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "harness/os/sandbox.h"
#include "harness/property/property_runner.h"
#include "harness/property/protocol.h"
#include "harness/property/replay.h"
#include "harness/property/run_settings.h"
#include "harness/property/seeded_bug.h"
#include "harness/trace/event_model.h"
#include "model/common/property.h"
#include "model/explore/explorer.h"

namespace lockstep::harness {

// An exhaustive search of a protocol's model (lockstep check-model).
struct ModelCheckRequest {
  std::string bounds;   // "name=value,..." overriding the protocol's defaults ("" for none)
  std::string variant;  // "" or "correct" for the correct model
  model::explore::ExploreOptions options;
};

struct ModelCheck {
  std::string bounds;   // the bounds searched, in full
  std::string variant;  // "correct" or the variant's name
  model::explore::ExploreResult result;  // coverage labelled with the protocol and bounds
  double seconds = 0;
  std::string reproduce;  // of the counterexample path, when there is one
};

class ProtocolPlugin {
 public:
  virtual ~ProtocolPlugin() = default;

  virtual const std::string& name() const = 0;  // "state-transfer"
  // The executables its system needs in RunSettings::impl_dir.
  virtual const std::vector<std::string>& binaries() const = 0;
  virtual const std::vector<model::PropertyInfo>& properties() const = 0;
  virtual const std::vector<SeededBug>& bugs() const = 0;

  // Its own settings: name -> one line of help, in its order.
  virtual std::vector<std::pair<std::string, std::string>> settings_help() const = 0;
  // Whether the names of `options` that this protocol owns decode to valid settings. With
  // `exact` (a reproduce string), every setting of the protocol must be given and no name it
  // does not own may be. Fails naming the setting and what is wrong with it.
  virtual Status CheckOptions(const std::map<std::string, std::string>& options,
                              bool exact) const = 0;

  // A property test run (RunProtocol), telling `observer` of its progress and of a failure
  // as soon as it is found. Fails only when settings.protocol_options do not pass
  // CheckOptions(options, false).
  virtual Result<ProtocolRun> Run(const RunSettings& settings, Sandbox& sandbox,
                                  const RunObserver& observer) const = 0;
  // The same, its progress lines on stderr.
  Result<ProtocolRun> Run(const RunSettings& settings, Sandbox& sandbox) const {
    return Run(settings, sandbox, RunObserver{.progress = &std::cerr});
  }
  // Whether every step parses as one of its commands (text as Describe() writes it); fails
  // with the first one that does not. Checks text only: no sandbox, no process.
  virtual Status CheckSteps(const std::vector<std::string>& steps) const = 0;
  // Replays a step list (Replay). Fails for a bad setting, a step that does not parse or is
  // not valid in the model, or a system that cannot be driven.
  virtual Result<ReplayOutcome> Replay(const RunSettings& settings, Sandbox& sandbox,
                                       const std::vector<std::string>& steps, std::ostream* out,
                                       ReplayMode mode = ReplayMode::kChecked) const = 0;

  // Whether a trace file of role `role` ("mds", "logger-A", "SYSTEM73") belongs to this
  // protocol (validate-trace picks the protocol of a case by its files).
  virtual bool OwnsTraceRole(const std::string& role) const = 0;
  // A fresh event model of the protocol, for one case's traces (trace/event_model.h).
  virtual std::unique_ptr<trace::EventModel> MakeEventModel() const = 0;

  // The broken variants of its model, and the bounds its search takes (for --help).
  virtual const std::vector<VariantInfo>& variants() const = 0;
  virtual std::string bounds_help() const = 0;
  // The bounded search. Fails naming the bound or variant that is not valid.
  virtual Result<ModelCheck> CheckModel(const ModelCheckRequest& request) const = 0;
};

}  // namespace lockstep::harness
