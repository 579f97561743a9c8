// PluginOf<P>: the ProtocolPlugin of a protocol's traits P (protocol.h). Each protocol
// instantiates it once, in its own folder (e.g. StateTransferPlugin()), and the registry
// (harness/protocols.cc) lists those instances.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "harness/property/plugin.h"
#include "harness/property/property_runner.h"
#include "harness/property/replay.h"
#include "harness/property/reproduce.h"
#include "harness/property/setting_fields.h"

namespace lockstep::harness {

// "correct" when the request names no variant.
inline std::string VariantName(const ModelCheckRequest& request) {
  return request.variant.empty() ? "correct" : request.variant;
}

// The error of a request naming a variant the protocol does not have.
inline std::string UnknownVariant(const ModelCheckRequest& request, const std::string& protocol) {
  return "unknown variant '" + VariantName(request) + "' for " + protocol +
         " (lockstep check-model --list-variants lists them)";
}

// Runs the search over `model` at `bounds` (their text, in full), timing it, and labels the
// result and its coverage set. For a protocol's P::SearchModel.
template <class Model>
ModelCheck TimedSearch(const Model& model, const std::string& protocol, std::string bounds,
                       const ModelCheckRequest& request) {
  ModelCheck out;
  out.bounds = std::move(bounds);
  out.variant = VariantName(request);
  const auto started = std::chrono::steady_clock::now();
  out.result = model::explore::Explore(model, request.options);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  out.result.coverage.protocol = protocol;
  out.result.coverage.bounds = out.bounds;
  return out;
}

template <class P>
class PluginOf final : public ProtocolPlugin {
 public:
  using Settings = typename P::Settings;

  const std::string& name() const override { return name_; }
  const std::vector<std::string>& binaries() const override { return binaries_; }
  const std::vector<model::PropertyInfo>& properties() const override {
    return P::Properties();
  }
  const std::vector<SeededBug>& bugs() const override { return P::Bugs(); }

  std::vector<std::pair<std::string, std::string>> settings_help() const override {
    std::vector<std::pair<std::string, std::string>> help;
    for (const auto& field : P::SettingFields()) help.emplace_back(field.name, field.help);
    return help;
  }

  Status CheckOptions(const std::map<std::string, std::string>& options,
                      bool exact) const override {
    auto own = DecodeFields(P::SettingFields(), options, exact);
    if (!own) return Fail(name_ + ": " + own.error().message);
    if (!exact) return {};
    for (const auto& [option, value] : options) {
      if (!Owns(option)) return Fail(name_ + " has no setting '" + option + "'");
    }
    return {};
  }

  using ProtocolPlugin::Run;
  Result<ProtocolRun> Run(const RunSettings& settings, Sandbox& sandbox,
                          const RunObserver& observer) const override {
    auto typed = Decode(settings, false);
    if (!typed) return std::unexpected(typed.error());
    return RunProtocol<P>(*typed, sandbox, observer);
  }

  Status CheckSteps(const std::vector<std::string>& steps) const override {
    auto commands = detail::ParseSteps<P>(steps);
    return commands ? Status{} : Status{std::unexpected(commands.error())};
  }

  Result<ReplayOutcome> Replay(const RunSettings& settings, Sandbox& sandbox,
                               const std::vector<std::string>& steps, std::ostream* out,
                               ReplayMode mode) const override {
    auto typed = Decode(settings, false);
    if (!typed) return std::unexpected(typed.error());
    return harness::Replay<P>(*typed, sandbox, steps, out, mode);
  }

  bool OwnsTraceRole(const std::string& role) const override { return P::OwnsTraceRole(role); }
  std::unique_ptr<trace::EventModel> MakeEventModel() const override {
    return P::MakeEventModel();
  }

  const std::vector<VariantInfo>& variants() const override { return P::Variants(); }
  std::string bounds_help() const override { return P::BoundsHelp(); }

  Result<ModelCheck> CheckModel(const ModelCheckRequest& request) const override {
    Settings replay{};
    auto check = P::SearchModel(request, replay);
    if (!check) return check;
    if (const auto& v = check->result.violation) {
      check->reproduce = EncodeReproduce(name_, replay,
                                         EncodeFields(P::SettingFields(), replay.protocol),
                                         v->path);
    }
    return check;
  }

 private:
  bool Owns(const std::string& option) const {
    for (const auto& field : P::SettingFields()) {
      if (field.name == option) return true;
    }
    return false;
  }

  // The common settings with this protocol's own decoded from their text.
  Result<Settings> Decode(const RunSettings& settings, bool exact) const {
    if (auto s = CheckOptions(settings.protocol_options, exact); !s) {
      return std::unexpected(s.error());
    }
    Settings typed;
    static_cast<RunSettings&>(typed) = settings;
    typed.protocol_options.clear();
    typed.protocol = *DecodeFields(P::SettingFields(), settings.protocol_options, exact);
    return typed;
  }

  const std::string name_ = P::kName;
  const std::vector<std::string> binaries_ = P::Binaries();
};

}  // namespace lockstep::harness
