#include "harness/state_transfer/st_protocol.h"

#include "harness/property/plugin_of.h"
#include "harness/property/shrinking_choice.h"
#include "harness/property/weighted_choice.h"
#include "model/explore/explorer.h"
#include "model/explore/fingerprint.h"
#include "model/state_transfer/command_text.h"
#include "model/state_transfer/explore.h"
#include "model/state_transfer/properties.h"
#include "model/state_transfer/variants.h"

namespace lockstep::harness {

namespace m = lockstep::model::st;

namespace {

m::Config ModelConfig(const StSettings& settings) {
  return m::Config{settings.protocol.log_capacity};
}


// Generators here draw uniformly (gen::elementOf): gen::inRange scales with the size
// parameter and would leave short sequences with almost no variety.
rc::Gen<m::Submit> GenInput() {
  static const std::vector<std::string> kKeys{"k0", "k1", "k2", "k3"};
  static const std::vector<std::string> kValues{"v0", "v1", "v2", "v3", "v4",
                                                "v5", "v6", "v7", "v8", "v9"};
  return rc::gen::apply(
      [](bool del, std::string key, std::string value) {
        return m::Submit{del ? m::OpKind::kDel : m::OpKind::kSet, key, del ? "" : value};
      },
      rc::gen::weightedElement<bool>({{4, false}, {1, true}}), rc::gen::elementOf(kKeys),
      rc::gen::elementOf(kValues));
}

rc::Gen<m::Command> GenSubmit() {
  return rc::gen::map(GenInput(), [](m::Submit input) { return m::Command(std::move(input)); });
}

// Inputs submitted during the transfer a start begins (Start::inputs): none as often as
// some; then one to three (two or more make their order visible), shrinking towards none.
rc::Gen<std::vector<m::Submit>> GenTransferInputs() {
  return rc::gen::mapcat(ChoiceShrinkingToFirst(std::vector<int>{0, 0, 0, 1, 2, 3}), [](int n) {
    return rc::gen::container<std::vector<m::Submit>>(static_cast<std::size_t>(n), GenInput());
  });
}

// `start` with inputs during its transfer when the model allows them there (and without when
// it does not: a start that makes no transfer, or one a race would decide).
rc::Gen<m::Command> WithTransferInputs(rc::Gen<m::Command> start, m::State s) {
  return rc::gen::mapcat(std::move(start), [s = std::move(s)](m::Command c) {
    return rc::gen::map(GenTransferInputs(), [s, c](std::vector<m::Submit> inputs) {
      m::Start with = std::get<m::Start>(c);
      with.inputs = std::move(inputs);
      if (with.inputs.empty() || !m::Precondition(s, with)) return c;
      return m::Command(std::move(with));
    });
  });
}

// A start without a crash point twice as often as one with (named points and traced actions
// alike). Points that can only fire in this start are drawn more often: the receiver's
// (3 times) when the start will make this side a receiver, and the start-up actions (9 times)
// when the side has a database to start from (with none, they leave nothing to see).
// `at_actions`: the traced actions are crash points too (RunSettings::crash_at_action).
rc::Gen<m::Command> GenStart(m::Side side, bool crash_points, bool at_actions, bool will_receive,
                             bool has_data) {
  if (!crash_points) return rc::gen::just(m::Command(m::Start{side, std::nullopt, {}}));
  std::vector<std::optional<m::CrashPoint>> points(m::kCrashPointCount * 2, std::nullopt);
  for (int p = 0; p < m::kCrashPointCount; ++p) {
    if (at_actions || !m::IsTracedAction(static_cast<m::CrashPoint>(p))) {
      points.push_back(static_cast<m::CrashPoint>(p));
    }
  }
  const auto favour = [&](std::initializer_list<m::CrashPoint> favoured, std::size_t extra) {
    for (auto p : favoured) {
      if (at_actions || !m::IsTracedAction(p)) points.insert(points.end(), extra, p);
    }
  };
  if (will_receive) {
    favour({m::CrashPoint::kReceiverBeforeApply, m::CrashPoint::kReceiverMidApply,
            m::CrashPoint::kReceiverAfterApply, m::CrashPoint::kActionServiceEntered}, 2);
  }
  if (has_data) favour({m::CrashPoint::kActionDatabaseLoaded, m::CrashPoint::kActionRegisterSent}, 8);
  return rc::gen::map(ChoiceShrinkingToFirst(std::move(points)), [side](std::optional<m::CrashPoint> p) {
    return m::Command(m::Start{side, p, {}});
  });
}

std::vector<m::FaultKind> DirectoryFaultKinds(const StSettings& settings) {
  std::vector<m::FaultKind> kinds;
  if (settings.faults.contains("disk-full")) kinds.push_back(m::FaultKind::kDiskFull);
  if (settings.faults.contains("access-denied")) kinds.push_back(m::FaultKind::kAccessDenied);
  return kinds;
}

}  // namespace

const std::vector<model::PropertyInfo>& StateTransferProtocol::Properties() {
  static const std::vector<model::PropertyInfo> kProperties = PropertyList(m::kStProperties);
  return kProperties;
}

const std::vector<SettingField<StOwnSettings>>& StateTransferProtocol::SettingFields() {
  static const std::vector<SettingField<StOwnSettings>> kFields{
      MillisecondsField<StOwnSettings>("transfer-timeout-ms",
                                       "receiver timeout given to the loggers",
                                       &StOwnSettings::transfer_timeout, 1, 3'600'000),
      IntegerField<StOwnSettings, std::size_t>("log-capacity", "config message log entries",
                                               &StOwnSettings::log_capacity, 1, 1'000'000),
  };
  return kFields;
}

rc::Gen<m::Command> StateTransferProtocol::GenCommand(const State& s,
                                                       const Settings& settings) {
  const bool crashes = settings.faults.contains("crash");
  const bool power_loss = settings.faults.contains("power-loss");
  const auto kinds = DirectoryFaultKinds(settings);
  std::vector<std::pair<std::size_t, rc::Gen<m::Command>>> options{{6, GenSubmit()}};
  for (m::Side side : m::kSides) {
    const auto& sd = s.at(side);
    if (!sd.IsRunning()) {
      const bool will_receive = s.at(m::Peer(side)).IsInService();
      auto start = GenStart(side, crashes, settings.crash_at_action, will_receive,
                            sd.db.last_update_key > 0);
      options.push_back({4, will_receive ? WithTransferInputs(std::move(start), s) : start});
    }
    if (sd.IsRunning() && crashes) options.push_back({1, rc::gen::just(m::Command(m::Crash{side}))});
    if (power_loss && m::Precondition(s, m::PowerLoss{side})) {
      options.push_back({1, rc::gen::just(m::Command(m::PowerLoss{side}))});
    }
    for (m::Dir dir : {m::Dir::kTemp, m::Dir::kData}) {
      if (sd.fault(dir)) {
        options.push_back({2, rc::gen::just(m::Command(m::RemoveFault{side, dir}))});
      } else {
        std::vector<m::FaultKind> allowed;
        for (m::FaultKind k : kinds) {
          if (m::Precondition(s, m::InjectFault{side, dir, k})) allowed.push_back(k);
        }
        if (allowed.empty()) continue;
        options.push_back({dir == m::Dir::kTemp ? std::size_t{2} : std::size_t{1},
                           rc::gen::map(rc::gen::elementOf(allowed), [side, dir](m::FaultKind k) {
                             return m::Command(m::InjectFault{side, dir, k});
                           })});
      }
    }
    m::OfflineSync sync{m::Peer(side), side};
    if (m::Precondition(s, sync)) options.push_back({1, rc::gen::just(m::Command(sync))});
  }
  return WeightedChoice<m::Command>(std::move(options));
}

m::StepEvents StateTransferProtocol::Apply(State& s, const Command& c,
                                          const Settings& settings) {
  m::StepEvents events;
  m::Apply(s, c, ModelConfig(settings), &events);
  return events;
}

Result<m::Command> StateTransferProtocol::ParseCommand(const std::string& text) {
  return m::ParseCommand(text);
}

std::optional<model::Violation> StateTransferProtocol::Check(const State& before,
                                                            const Command& c, const State& after,
                                                            const Events&,
                                                            const m::Observation& observed) {
  return m::CheckStep(before, c, after, observed);
}

std::map<std::string, std::vector<std::string>> StateTransferProtocol::CrashPoints() {
  const auto& names = m::kCrashPointNames.names;
  return {{"logger", {names.begin(), names.end()}}};
}

StepNotes StateTransferProtocol::Notes(const Command&, const Events& events) {
  StepNotes notes;
  for (const auto& fired : events.crash_points) {
    const std::string point = m::CrashPointName(fired.point);
    notes.crash_points.push_back({point, std::string("logger-") + m::SideName(fired.side) +
                                             " at " + point,
                                  m::SideName(fired.side)});
  }
  return notes;
}

const model::explore::CoverageSet& StateTransferProtocol::Reachable() {
  return CachedReachable<m::StExploreModel>(kName, m::CoverageBounds());
}

const std::vector<VariantInfo>& StateTransferProtocol::Variants() {
  static const std::vector<VariantInfo> kVariants = VariantList(m::BrokenVariants());
  return kVariants;
}

std::string StateTransferProtocol::BoundsHelp() {
  return "inputs=3,crashes=1,faults=2,starts=4,keys=2,values=2,log-capacity=2";
}

Result<ModelCheck> StateTransferProtocol::SearchModel(const ModelCheckRequest& request,
                                                      Settings& replay) {
  m::Bounds bounds;
  auto check = SearchExploreModel<m::StExploreModel>(
      request, kName, [](const std::string& text) { return m::ParseBounds(text); },
      [](const std::string& name) { return m::FindVariant(name); }, &bounds);
  replay.protocol.log_capacity = static_cast<std::size_t>(bounds.log_capacity);
  return check;
}

Result<std::unique_ptr<st::StSystem>> StateTransferProtocol::MakeSystem(
    Sandbox& sandbox, const std::string& case_dir, const Settings& settings,
    CaseRecord* record) {
  return st::StSystem::Create(sandbox, case_dir, settings, record);
}

const ProtocolPlugin& StateTransferPlugin() {
  static const PluginOf<StateTransferProtocol> kPlugin;
  return kPlugin;
}

}  // namespace lockstep::harness
