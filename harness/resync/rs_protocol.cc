#include "harness/resync/rs_protocol.h"

#include <algorithm>

#include "harness/property/plugin_of.h"
#include "harness/property/shrinking_choice.h"
#include "harness/property/weighted_choice.h"
#include "harness/resync/rs_event_model.h"
#include "model/explore/explorer.h"
#include "model/explore/fingerprint.h"
#include "model/resync/command_text.h"
#include "model/resync/explore.h"
#include "model/resync/properties.h"
#include "model/resync/variants.h"

namespace lockstep::harness {

namespace m = lockstep::model::rs;

namespace {

using Option = std::pair<std::size_t, rc::Gen<m::Command>>;

const std::vector<std::string> kKeys{"k0", "k1", "k2"};
const std::vector<std::string> kValues{"v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7"};

std::vector<int> UpSystems(const m::State& s) {
  std::vector<int> up;
  for (int x = 0; x < s.size(); ++x) {
    if (s.at(x).up) up.push_back(x);
  }
  return up;
}

rc::Gen<m::Writes> GenWrites() {
  return rc::gen::apply([](std::string k, std::string v) { return m::Writes{{k, v}}; },
                        rc::gen::elementOf(kKeys), rc::gen::elementOf(kValues));
}

// A coordinator among the running systems; participants: every other running system with
// probability 3/4 each (at least one). REQUIRES: two systems up.
rc::Gen<m::Command> GenTransaction(const m::State& s, std::vector<int> up) {
  const int n = s.size();
  return rc::gen::mapcat(rc::gen::elementOf(up), [n, up](int c) {
    return rc::gen::apply(
        [n, c, up](std::vector<int> dice, std::vector<m::Writes> writes, bool coord_writes) {
          m::Transaction t{c, {}};
          for (int x = 0; x < n; ++x) {
            const bool is_up = std::find(up.begin(), up.end(), x) != up.end();
            if (x != c && is_up && dice[x] < 6) t.writes[x] = writes[x];
          }
          for (int x : up) {
            if (t.writes.empty() && x != c) t.writes[x] = writes[x];
          }
          if (coord_writes) t.writes[c] = writes[c];
          return m::Command(t);
        },
        rc::gen::container<std::vector<int>>(n, rc::gen::inRange(0, 8)),
        rc::gen::container<std::vector<m::Writes>>(n, GenWrites()),
        rc::gen::elementOf(std::vector<bool>{false, true}));
  });
}

rc::Gen<m::Command> GenRead(std::vector<int> up) {
  return rc::gen::apply(
      [](int system, int via, std::string key) { return m::Command(m::Read{system, key, via}); },
      rc::gen::elementOf(up), rc::gen::elementOf(up), rc::gen::elementOf(kKeys));
}

// Without a crash point half the time; on the set it last ran on three times in four.
rc::Gen<m::Command> GenStart(const m::State& s, int x, bool crash_points, bool swaps) {
  std::vector<std::optional<m::CrashPoint>> points(crash_points ? m::kCrashPointCount : 1,
                                                   std::nullopt);
  for (int p = 0; crash_points && p < m::kCrashPointCount; ++p) {
    points.push_back(static_cast<m::CrashPoint>(p));
  }
  const int set = s.at(x).journal_set;
  std::vector<int> sets{set, set, set};
  if (swaps) sets.push_back(3 - set);
  return rc::gen::apply(
      [x](int journal_set, std::optional<m::CrashPoint> p) {
        return m::Command(m::Start{x, journal_set, p});
      },
      rc::gen::elementOf(sets), ChoiceShrinkingToFirst(std::move(points)));
}

// Whether `prompt` at x lists a branch of which x is a participant.
bool ListsParticipantBranch(const m::SystemState& x, const m::Prompt& prompt) {
  const auto& branches = x.journal().branches;
  return std::any_of(prompt.txns.begin(), prompt.txns.end(), [&](int seq) {
    const auto it = branches.find(seq);
    return it != branches.end() && it->second.role == m::Role::kParticipant;
  });
}

bool NeverStarted(const m::SystemState& x) {
  return !x.up && x.last_exit == m::ExitKind::kNone && x.journal().stamp == 0;
}

// A stopped system's opened, undamaged journal sets may be corrupted (any record, any damage).
void AddCorruptOption(const m::State& s, int x, const RsSettings& settings,
                      std::vector<Option>& options) {
  if (!settings.faults.contains("corrupt")) return;
  std::vector<int> sets;
  for (int set : {1, 2}) {
    if (m::Precondition(s, m::Corrupt{x, set, 0, m::Damage::kLength})) sets.push_back(set);
  }
  if (sets.empty()) return;
  std::vector<int> records;
  for (int r = 0; r < m::kCorruptRecords; ++r) records.push_back(r);
  std::vector<m::Damage> damages;
  for (int d = 0; d < static_cast<int>(m::kDamageNames.size()); ++d) {
    damages.push_back(static_cast<m::Damage>(d));
  }
  options.push_back({2, rc::gen::apply(
                            [x](int set, int record, m::Damage damage) {
                              return m::Command(m::Corrupt{x, set, record, damage});
                            },
                            rc::gen::elementOf(sets), rc::gen::elementOf(records),
                            rc::gen::elementOf(damages))});
}

void AddSystemOptions(const m::State& s, int x, const RsSettings& settings,
                      std::vector<Option>& options) {
  const auto& sys = s.at(x);
  const bool reformat = settings.faults.contains("reformat");
  if (!sys.up) {
    const bool third = x == 2 && NeverStarted(sys);
    options.push_back({third ? 1u : 5u, GenStart(s, x, settings.faults.contains("crash"), reformat)});
    // A partner holds transactions outstanding with x: a swapped or formatted journal is
    // what makes resynchronization interesting, so offer it more often.
    bool awaited = false;
    for (int y = 0; y < s.size(); ++y) awaited = awaited || (y != x && !m::Outstanding(s, y, x).empty());
    if (reformat && awaited) {
      options.push_back({4, rc::gen::just(m::Command(m::Start{x, 3 - sys.journal_set, std::nullopt}))});
    }
    if (reformat && !sys.fault) {
      options.push_back({1, rc::gen::map(rc::gen::elementOf(std::vector<int>{1, 2}), [x](int set) {
                           return m::Command(m::Format{x, set});
                         })});
    }
  } else if (settings.faults.contains("crash")) {
    options.push_back({1, rc::gen::just(m::Command(m::Crash{x}))});
  }
  const std::vector<m::ReplyAction> replies{m::ReplyAction::kIgnore, m::ReplyAction::kDefer};
  for (const auto& [partner, prompt] : sys.prompts) {
    options.push_back({4, rc::gen::map(rc::gen::elementOf(replies),
                                       [x, partner](m::ReplyAction a) {
                                         return m::Command(m::Reply{x, partner, a});
                                       })});
    // IGNORE at a participant in doubt makes its branches ManualPending, holding locks that
    // only a completion by hand releases (Read(.., complete=..) below): offered more often.
    if (ListsParticipantBranch(sys, prompt)) {
      options.push_back({6, rc::gen::just(m::Command(m::Reply{x, partner, m::ReplyAction::kIgnore}))});
    }
    // The same reply given while a read from the partner waits on the prompt's fence: more
    // often than alone, as it exercises both (a wait released by a reply).
    if (!s.at(partner).up) continue;
    options.push_back({8, rc::gen::apply(
                              [x, partner](m::ReplyAction a, std::string key) {
                                return m::Command(m::Read{partner, key, x, a});
                              },
                              rc::gen::elementOf(replies), rc::gen::elementOf(kKeys))});
  }
  for (const auto& [seq, b] : sys.journal().branches) {
    if (!sys.up || b.state != m::BranchState::kManualPending) continue;
    std::vector<m::CompleteAction> actions{m::CompleteAction::kCommit};
    if (b.role == m::Role::kParticipant) actions.push_back(m::CompleteAction::kBackout);
    options.push_back({3, rc::gen::map(rc::gen::elementOf(actions), [x, seq](m::CompleteAction a) {
                         return m::Command(m::Complete{x, seq, a});
                       })});
    // The same completion made while a read of a key the branch locks waits on the lock,
    // almost always the next step: it exercises both (a lock wait released by a completion),
    // a branch is completed once, and ManualPending participant branches are rare (an IGNORE
    // at a participant in doubt): a default run must see one on any seed.
    const auto writes = s.txn(seq).writes.find(x);
    if (b.role != m::Role::kParticipant || writes == s.txn(seq).writes.end()) continue;
    std::vector<std::string> keys;
    for (const auto& [key, value] : writes->second) keys.push_back(key);
    options.push_back({40, rc::gen::apply(
                              [x, seq](m::CompleteAction a, std::string key) {
                                return m::Command(m::Read{x, key, x, std::nullopt,
                                                          m::HandCompletion{seq, a}});
                              },
                              rc::gen::elementOf(actions), rc::gen::elementOf(keys))});
  }
  AddCorruptOption(s, x, settings, options);
  std::vector<m::JournalFault> kinds;
  if (settings.faults.contains("disk-full")) kinds.push_back(m::JournalFault::kDiskFull);
  if (settings.faults.contains("access-denied")) kinds.push_back(m::JournalFault::kAccessDenied);
  if (sys.fault) {
    options.push_back({3, rc::gen::just(m::Command(m::RemoveFault{x}))});
  } else if (!kinds.empty() && !NeverStarted(sys)) {
    options.push_back({1, rc::gen::map(rc::gen::elementOf(kinds), [x](m::JournalFault k) {
                         return m::Command(m::InjectFault{x, k});
                       })});
  }
}

}  // namespace

const std::vector<model::PropertyInfo>& ResyncProtocol::Properties() {
  static const std::vector<model::PropertyInfo> kProperties = PropertyList(m::kRsProperties);
  return kProperties;
}

const std::vector<SettingField<RsOwnSettings>>& ResyncProtocol::SettingFields() {
  static const std::vector<SettingField<RsOwnSettings>> kFields{
      MillisecondsField<RsOwnSettings>("lock-wait-ms",
                                       "how long a locked or fenced access waits (txsys)",
                                       &RsOwnSettings::lock_wait, 1, 600'000),
      IntegerField<RsOwnSettings, int>("systems", "transaction systems in the model (2 or 3)",
                                       &RsOwnSettings::systems, 2, 3),
  };
  return kFields;
}

m::State ResyncProtocol::Initial(const Settings& settings) {
  return m::InitialState(m::Config{settings.protocol.systems});
}

rc::Gen<m::Command> ResyncProtocol::GenCommand(const State& s, const Settings& settings) {
  std::vector<Option> options;
  const std::vector<int> up = UpSystems(s);
  if (up.size() >= 2) options.push_back({8, GenTransaction(s, up)});
  if (!up.empty()) options.push_back({2, GenRead(up)});
  // A key an in-doubt branch holds: a read of it waits on the lock, then times out.
  for (int x : up) {
    std::vector<std::string> locked;
    for (const std::string& k : kKeys) {
      if (m::Locked(s, x, k)) locked.push_back(k);
    }
    if (locked.empty()) continue;
    options.push_back({2, rc::gen::apply(
                              [x](std::string key, int via) {
                                return m::Command(m::Read{x, key, via});
                              },
                              rc::gen::elementOf(locked), rc::gen::elementOf(up))});
  }
  for (int x = 0; x < s.size(); ++x) AddSystemOptions(s, x, settings, options);
  for (int x : up) {
    for (int y : up) {
      if (x == y) continue;
      const bool deferred = m::Has(s.at(x).deferred, y);
      if (deferred) {  // an access through the fence, from either side
        options.push_back({3, rc::gen::map(rc::gen::elementOf(kKeys), [x, y](std::string k) {
                             return m::Command(m::Read{y, k, x});
                           })});
      }
      options.push_back({deferred ? 4u : 1u, rc::gen::just(m::Command(m::VaryRm{x, y}))});
    }
  }
  return rc::gen::suchThat(WeightedChoice<m::Command>(std::move(options)),
                           [s](const m::Command& c) { return Precondition(s, c); });
}

m::StepEvents ResyncProtocol::Apply(State& s, const Command& c, const Settings&) {
  m::StepEvents events;
  m::Apply(s, c, &events);
  return events;
}

Result<m::Command> ResyncProtocol::ParseCommand(const std::string& text) {
  return m::ParseCommand(text);
}

std::optional<model::Violation> ResyncProtocol::Check(const State& before, const Command& c,
                                                     const State& after, const Events& events,
                                                     const m::Observation& observed) {
  return m::CheckStep(before, c, after, events, observed);
}

std::map<std::string, std::vector<std::string>> ResyncProtocol::CrashPoints() {
  const auto& names = m::kCrashPointNames.names;
  return {{"txsys", {names.begin(), names.end()}}};
}

StepNotes ResyncProtocol::Notes(const Command& c, const Events& events) {
  StepNotes notes;
  for (const m::FiredCrashPoint& fired : events.crash_points) {
    const std::string name = m::CrashPointName(fired.point);
    const std::string system = m::SystemName(fired.system);
    notes.crash_points.push_back({name, system + " at " + name, system});
  }
  if (events.mismatch) notes.counters.push_back("(stamp mismatch prompt)");
  if (const auto* r = std::get_if<m::Reply>(&c)) {
    notes.counters.push_back(std::string("Reply(") + m::ToString(r->action) + ")");
  }
  if (const auto* r = std::get_if<m::Read>(&c); r && r->reply) {
    notes.counters.push_back(std::string("Read(reply=") + m::ToString(*r->reply) + ")");
  }
  if (const auto* r = std::get_if<m::Read>(&c); r && r->complete) {
    notes.counters.push_back(std::string("Read(complete=") + m::ToString(r->complete->action) + ")");
  }
  if (const auto* t = std::get_if<m::Transaction>(&c)) {
    const std::size_t systems = t->writes.size() + (t->writes.contains(t->coordinator) ? 0 : 1);
    if (systems >= 3) notes.counters.push_back("Transaction(3 systems)");
  }
  return notes;
}

const model::explore::CoverageSet& ResyncProtocol::Reachable() {
  return CachedReachable<m::RsExploreModel>(kName, m::CoverageBounds());
}

const std::vector<VariantInfo>& ResyncProtocol::Variants() {
  static const std::vector<VariantInfo> kVariants = VariantList(m::BrokenVariants());
  return kVariants;
}

std::string ResyncProtocol::BoundsHelp() {
  return "systems=3,transactions=2,reads=1,crashes=1,starts=4,formats=1,replies=1,faults=0,"
         "keys=1,values=1";
}

Result<ModelCheck> ResyncProtocol::SearchModel(const ModelCheckRequest& request, Settings&) {
  m::Bounds bounds;
  return SearchExploreModel<m::RsExploreModel>(
      request, kName, [](const std::string& text) { return m::ParseBounds(text); },
      [](const std::string& name) { return m::FindVariant(name); }, &bounds);
}

std::unique_ptr<trace::EventModel> ResyncProtocol::MakeEventModel() {
  return std::make_unique<rs::RsEventModel>();
}

Result<std::unique_ptr<rs::RsSystem>> ResyncProtocol::MakeSystem(Sandbox& sandbox,
                                                                  const std::string& case_dir,
                                                                  const Settings& settings,
                                                                  CaseRecord* record) {
  return rs::RsSystem::Create(sandbox, case_dir, settings, record);
}

const ProtocolPlugin& ResyncPlugin() {
  static const PluginOf<ResyncProtocol> kPlugin;
  return kPlugin;
}

}  // namespace lockstep::harness
