// RsExploreModel, its bounds, alphabet and domain (explore.h). Symmetry and the coverage
// abstraction are in symmetry.cc.
#include "model/resync/explore.h"

#include <utility>
#include <variant>

#include "model/explore/bounds_text.h"
#include "model/resync/model.h"
#include "model/resync/properties.h"

namespace lockstep::model::rs {
namespace {

constexpr explore::BoundField<Bounds> kBoundFields[] = {
    {"systems", &Bounds::systems, 2, kMaxSystems},
    {"transactions", &Bounds::transactions, 0, 250},
    {"reads", &Bounds::reads, 0, 250},
    {"crashes", &Bounds::crashes, 0, 250},
    {"starts", &Bounds::starts, 0, 250},
    {"formats", &Bounds::formats, 0, 250},
    {"replies", &Bounds::replies, 0, 250},
    {"faults", &Bounds::faults, 0, 250},
    {"keys", &Bounds::keys, 1, 3},
    {"values", &Bounds::values, 1, 3},
};

std::string Key(int k) { return "k" + std::to_string(k); }
std::string Value(int v) { return "v" + std::to_string(v); }

// Every single write (key, value) of the alphabet.
std::vector<Writes> SingleWrites(const Bounds& b) {
  std::vector<Writes> out;
  for (int k = 0; k < b.keys; ++k) {
    for (int v = 0; v < b.values; ++v) out.push_back(Writes{{Key(k), Value(v)}});
  }
  return out;
}

// Every transaction at coordinator c with participants `mask` (c not in it): one write per
// participant, the coordinator writing nothing or one write.
void AddTransactions(std::vector<Command>& out, const Bounds& b, int c, std::uint8_t mask) {
  const std::vector<Writes> writes = SingleWrites(b);
  std::vector<int> systems;
  for (int x = 0; x < b.systems; ++x) {
    if (Has(mask, x)) systems.push_back(x);
  }
  // Odometer over the participants' writes, then the coordinator's (index 0 = no write).
  std::vector<std::size_t> pick(systems.size() + 1, 0);
  for (;;) {
    Transaction t{c, {}};
    for (std::size_t i = 0; i < systems.size(); ++i) t.writes[systems[i]] = writes[pick[i]];
    if (pick.back() > 0) t.writes[c] = writes[pick.back() - 1];
    out.emplace_back(std::in_place_type<Transaction>, std::move(t));
    std::size_t i = 0;
    for (; i < pick.size(); ++i) {
      const std::size_t limit = i + 1 == pick.size() ? writes.size() + 1 : writes.size();
      if (++pick[i] < limit) break;
      pick[i] = 0;
    }
    if (i == pick.size()) return;
  }
}

std::vector<Command> MakeAlphabet(const Bounds& b) {
  std::vector<Command> out;
  const int n = b.systems;
  for (int c = 0; c < n; ++c) {
    for (int mask = 1; mask < (1 << n); ++mask) {
      if (!Has(static_cast<std::uint8_t>(mask), c)) {
        AddTransactions(out, b, c, static_cast<std::uint8_t>(mask));
      }
    }
  }
  for (int x = 0; x < n; ++x) {
    for (int k = 0; k < b.keys; ++k) {
      for (int via = 0; via < n; ++via) out.emplace_back(Read{x, Key(k), via});
    }
  }
  for (int x = 0; x < n; ++x) {
    for (int set : {1, 2}) out.emplace_back(Start{x, set, std::nullopt});
  }
  for (int x = 0; x < n; ++x) out.emplace_back(Crash{x});
  for (int x = 0; x < n; ++x) {
    for (int set : {1, 2}) {
      for (int p = 0; p < kCrashPointCount; ++p) {
        out.emplace_back(Start{x, set, static_cast<CrashPoint>(p)});
      }
    }
  }
  for (int x = 0; x < n; ++x) {
    for (int set : {1, 2}) out.emplace_back(Format{x, set});
  }
  for (int x = 0; x < n; ++x) {
    for (int y = 0; y < n; ++y) {
      if (x == y) continue;
      for (ReplyAction a : {ReplyAction::kIgnore, ReplyAction::kDefer}) out.emplace_back(Reply{x, y, a});
    }
  }
  for (int x = 0; x < n; ++x) {
    for (int y = 0; y < n; ++y) {
      if (x != y) out.emplace_back(VaryRm{x, y});
    }
  }
  for (int x = 0; x < n; ++x) {
    for (int t = 1; t <= b.transactions; ++t) {
      for (CompleteAction a : {CompleteAction::kCommit, CompleteAction::kBackout}) {
        out.emplace_back(Complete{x, t, a});
      }
    }
  }
  for (int x = 0; x < n; ++x) {
    for (JournalFault k : {JournalFault::kDiskFull, JournalFault::kAccessDenied}) {
      out.emplace_back(InjectFault{x, k});
    }
  }
  for (int x = 0; x < n; ++x) out.emplace_back(RemoveFault{x});
  return out;
}

bool NeverStarted(const SystemState& x) {
  return !x.up && x.last_exit == ExitKind::kNone && x.journal().stamp == 0;
}

// The harness's domain (explore.h, "Domain"; the generator in harness/resync/rs_protocol.cc).
bool Replayable(const State& s, const Command& c) {
  if (const auto* f = std::get_if<InjectFault>(&c)) return !NeverStarted(s.at(f->system));
  return true;
}

// Whether a Start changes the journal set the system runs on (a swap: costs a format).
bool Swaps(const State& s, const Start& c) { return c.journal_set != s.at(c.system).journal_set; }

}  // namespace

std::string ToString(const Bounds& b) {
  return explore::BoundsToString<Bounds>(b, kBoundFields);
}

Result<Bounds> ParseBounds(std::string_view text, Bounds base) {
  return explore::ParseBoundsText<Bounds>(text, base, kBoundFields);
}

Bounds CoverageBounds() {
  Bounds b;
  b.systems = 2;
  b.transactions = 1;
  b.reads = 1;
  b.crashes = 1;
  b.starts = 3;
  b.formats = 1;
  b.replies = 1;
  b.faults = 1;
  b.keys = 1;
  b.values = 1;
  return b;
}

RsExploreModel::RsExploreModel(const Bounds& bounds, Variant variant)
    : bounds_(bounds), config_{bounds.systems, variant}, alphabet_(MakeAlphabet(bounds)) {}

SearchState RsExploreModel::Initial() const { return {InitialState(config_), {}}; }

bool RsExploreModel::WithinBudget(const SearchState& s, const Command& c) const {
  const Budget& used = s.used;
  if (std::holds_alternative<Transaction>(c)) return used.transactions < bounds_.transactions;
  if (std::holds_alternative<Read>(c)) return used.reads < bounds_.reads;
  if (std::holds_alternative<Crash>(c)) return used.crashes < bounds_.crashes;
  if (std::holds_alternative<Format>(c)) return used.formats < bounds_.formats;
  if (std::holds_alternative<Reply>(c) || std::holds_alternative<Complete>(c)) {
    return used.replies < bounds_.replies;
  }
  if (std::holds_alternative<InjectFault>(c)) return used.faults < bounds_.faults;
  if (const auto* start = std::get_if<Start>(&c)) {
    return used.starts < bounds_.starts &&
           (!start->crash_point || used.crashes < bounds_.crashes) &&
           (!Swaps(s.model, *start) || used.formats < bounds_.formats);
  }
  return true;
}

void RsExploreModel::Successors(const SearchState& s, std::vector<std::uint32_t>& out) const {
  out.clear();
  for (std::uint32_t i = 0; i < alphabet_.size(); ++i) {
    const Command& c = alphabet_[i];
    if (WithinBudget(s, c) && Precondition(s.model, c) && Replayable(s.model, c)) out.push_back(i);
  }
}

void RsExploreModel::Apply(SearchState& s, const Command& c) const {
  Budget& used = s.used;
  if (std::holds_alternative<Transaction>(c)) ++used.transactions;
  if (std::holds_alternative<Read>(c)) ++used.reads;
  if (std::holds_alternative<Crash>(c)) ++used.crashes;
  if (std::holds_alternative<Format>(c)) ++used.formats;
  if (std::holds_alternative<Reply>(c) || std::holds_alternative<Complete>(c)) ++used.replies;
  if (std::holds_alternative<InjectFault>(c)) ++used.faults;
  if (const auto* start = std::get_if<Start>(&c)) {
    ++used.starts;
    if (start->crash_point) ++used.crashes;
    if (Swaps(s.model, *start)) ++used.formats;
  }
  rs::Apply(s.model, c, config_);
}

std::string RsExploreModel::Encode(const SearchState& s, bool canonical) const {
  std::string out = canonical ? CanonicalEncode(s.model, bounds_.keys, bounds_.values)
                              : EncodeCompact(s.model);
  out += '|';
  const Budget& u = s.used;
  for (std::uint8_t n : {u.transactions, u.reads, u.crashes, u.starts, u.formats, u.replies,
                         u.faults}) {
    out += static_cast<char>(n);
  }
  return out;
}

std::optional<Violation> RsExploreModel::Check(const SearchState& s) const {
  std::optional<Violation> finding;
  for (const Invariant& inv : Invariants()) {
    auto reason = inv.check(s.model);
    if (!reason) continue;
    if (!finding) finding = Violation{inv.id, inv.name, *reason, {}};
    finding->violated.push_back(inv.id);
  }
  return finding;
}

std::string RsExploreModel::Describe(const Command& c) const { return rs::Describe(c); }

}  // namespace lockstep::model::rs
