#include "harness/state_transfer/st_protocol.h"

#include "harness/property/weighted_choice.h"

#include "faults/crash.h"
#include "model/state_transfer/command_text.h"
#include "model/state_transfer/model.h"
#include "model/state_transfer/properties.h"

namespace lockstep::harness {

namespace m = lockstep::model::st;

namespace {

m::Config ModelConfig(const RunSettings& settings) { return m::Config{settings.log_capacity}; }


// Generators here draw uniformly (gen::elementOf): gen::inRange scales with the size
// parameter and would leave short sequences with almost no variety.
rc::Gen<m::Command> GenSubmit() {
  static const std::vector<std::string> kKeys{"k0", "k1", "k2", "k3"};
  static const std::vector<std::string> kValues{"v0", "v1", "v2", "v3", "v4",
                                                "v5", "v6", "v7", "v8", "v9"};
  return rc::gen::apply(
      [](bool del, std::string key, std::string value) -> m::Command {
        return m::Submit{del ? m::OpKind::kDel : m::OpKind::kSet, key, del ? "" : value};
      },
      rc::gen::weightedElement<bool>({{4, false}, {1, true}}), rc::gen::elementOf(kKeys),
      rc::gen::elementOf(kValues));
}

// A start without a crash point twice as often as one with; when the start will make this
// side a receiver, the receiver's own crash points are drawn three times as often, since
// that is the only moment they can fire.
rc::Gen<m::Command> GenStart(m::Side side, bool crash_points, bool will_receive) {
  if (!crash_points) return rc::gen::just(m::Command(m::Start{side, std::nullopt}));
  std::vector<std::optional<m::CrashPoint>> points(m::kCrashPointCount * 2, std::nullopt);
  for (int p = 0; p < m::kCrashPointCount; ++p) points.push_back(static_cast<m::CrashPoint>(p));
  if (will_receive) {
    for (auto p : {m::CrashPoint::kReceiverBeforeApply, m::CrashPoint::kReceiverMidApply,
                   m::CrashPoint::kReceiverAfterApply}) {
      points.insert(points.end(), 2, p);
    }
  }
  return rc::gen::map(rc::gen::elementOf(points), [side](std::optional<m::CrashPoint> p) {
    return m::Command(m::Start{side, p});
  });
}

std::vector<m::FaultKind> DirectoryFaultKinds(const RunSettings& settings) {
  std::vector<m::FaultKind> kinds;
  if (settings.faults.contains("disk-full")) kinds.push_back(m::FaultKind::kDiskFull);
  if (settings.faults.contains("access-denied")) kinds.push_back(m::FaultKind::kAccessDenied);
  return kinds;
}

}  // namespace

const std::vector<PropertyInfo>& StateTransferProtocol::Properties() {
  static const std::vector<PropertyInfo> kProperties = [] {
    std::vector<PropertyInfo> v;
    for (const auto& p : m::kStProperties) v.push_back({p.id, p.name});
    return v;
  }();
  return kProperties;
}

rc::Gen<m::Command> StateTransferProtocol::GenCommand(const State& s,
                                                       const RunSettings& settings) {
  const bool crashes = settings.faults.contains("crash");
  const auto kinds = DirectoryFaultKinds(settings);
  std::vector<std::pair<std::size_t, rc::Gen<m::Command>>> options{{6, GenSubmit()}};
  for (m::Side side : m::kSides) {
    const auto& sd = s.at(side);
    if (!sd.IsRunning()) {
      options.push_back({4, GenStart(side, crashes, s.at(m::Peer(side)).IsInService())});
    }
    if (sd.IsRunning() && crashes) options.push_back({1, rc::gen::just(m::Command(m::Crash{side}))});
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

bool StateTransferProtocol::Precondition(const State& s, const Command& c) {
  return m::Precondition(s, c);
}

void StateTransferProtocol::Apply(State& s, const Command& c, const RunSettings& settings) {
  m::Apply(s, c, ModelConfig(settings));
}

std::string StateTransferProtocol::Describe(const Command& c) { return m::Describe(c); }

Result<m::Command> StateTransferProtocol::ParseCommand(const std::string& text) {
  return m::ParseCommand(text);
}

std::optional<PropertyViolation> StateTransferProtocol::Check(const State& before,
                                                             const Command& c, const State& after,
                                                             const m::Observation& observed) {
  auto v = m::CheckStep(before, c, after, observed);
  if (!v) return std::nullopt;
  return PropertyViolation{v->property_id, v->message};
}

void StateTransferProtocol::CoverageEvents(const State& before, const Command& c,
                                           const State& after, CaseRecord& record) {
  if (std::holds_alternative<m::Crash>(c)) return;  // a harness SIGKILL, not a crash point
  for (m::Side side : m::kSides) {
    const auto& was = before.at(side);
    const auto& now = after.at(side);
    // A crash point armed before this step (or by it) that the model says fired.
    std::optional<m::CrashPoint> armed = was.crash_point;
    if (const auto* start = std::get_if<m::Start>(&c); start && start->side == side) {
      armed = start->crash_point;
    }
    if (armed && !now.crash_point && now.last_exit == m::ExitKind::kKilled) {
      record.crash_point_counts[m::CrashPointName(*armed)]++;
      record.AddFault("crash",
                      std::string("logger-") + m::SideName(side) + " at " +
                          m::CrashPointName(*armed),
                      faults::CrashMechanism(), m::SideName(side));
    }
  }
}

Result<std::unique_ptr<st::StSystem>> StateTransferProtocol::MakeSystem(
    Sandbox& sandbox, const std::string& case_dir, const RunSettings& settings,
    CaseRecord* record) {
  return st::StSystem::Create(sandbox, case_dir, settings, record);
}

}  // namespace lockstep::harness
