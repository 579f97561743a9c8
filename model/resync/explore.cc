// RsExploreModel, its bounds, alphabet and domain (explore.h). Symmetry and the coverage
// abstraction are in symmetry.cc.
#include "model/resync/explore.h"

#include <utility>
#include <variant>

#include "model/explore/bounds_text.h"
#include "model/explore/search_model_impl.h"
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
      for (int via = 0; via < n; ++via) out.emplace_back(Read{x, Key(k), via, std::nullopt});
      for (int via = 0; via < n; ++via) {
        if (via == x) continue;
        for (ReplyAction a : {ReplyAction::kIgnore, ReplyAction::kDefer}) {
          out.emplace_back(Read{x, Key(k), via, a});
        }
      }
      for (int t = 1; t <= b.transactions; ++t) {
        for (CompleteAction a : {CompleteAction::kCommit, CompleteAction::kBackout}) {
          out.emplace_back(Read{x, Key(k), x, std::nullopt, HandCompletion{t, a}});
        }
      }
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
  // One damage stands for all: the model's outcome is the same for every record and field.
  for (int x = 0; x < n; ++x) {
    for (int set : {1, 2}) out.emplace_back(Corrupt{x, set, 1, Damage::kLength});
  }
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

// The protocol side of SearchModel (model/explore/search_model.h).
struct RsSearch {
  static constexpr explore::BudgetCounter<Budget, Bounds> kCounters[] = {
      {&Budget::transactions, &Bounds::transactions},
      {&Budget::reads, &Bounds::reads},
      {&Budget::crashes, &Bounds::crashes},
      {&Budget::starts, &Bounds::starts},
      {&Budget::formats, &Bounds::formats},
      {&Budget::replies, &Bounds::replies},
      {&Budget::faults, &Bounds::faults},
  };

  static State Initial(const Config& config) { return InitialState(config); }

  // Transaction a transaction; Read a read (and a reply when it carries a reply or a completion); Crash a crash; Format a format; Reply and Complete
  // a reply; InjectFault and Corrupt a fault; Start a start, a crash when it arms a crash point and a
  // format when it swaps the journal set. VaryRm and RemoveFault are free.
  static Budget Cost(const State& s, const Command& c) {
    Budget cost;
    if (std::holds_alternative<Transaction>(c)) cost.transactions = 1;
    if (const auto* read = std::get_if<Read>(&c)) {
      cost.reads = 1;
      if (read->reply || read->complete) cost.replies = 1;
    }
    if (std::holds_alternative<Crash>(c)) cost.crashes = 1;
    if (std::holds_alternative<Format>(c)) cost.formats = 1;
    if (std::holds_alternative<Reply>(c) || std::holds_alternative<Complete>(c)) cost.replies = 1;
    if (std::holds_alternative<InjectFault>(c) || std::holds_alternative<Corrupt>(c)) {
      cost.faults = 1;
    }
    if (const auto* start = std::get_if<Start>(&c)) {
      cost.starts = 1;
      if (start->crash_point) cost.crashes = 1;
      if (Swaps(s, *start)) cost.formats = 1;
    }
    return cost;
  }

  static bool Enabled(const State& s, const Command& c) {
    return Precondition(s, c) && Replayable(s, c);
  }

  static std::string Encode(const State& s, const Bounds& b, bool canonical) {
    return canonical ? CanonicalEncode(s, b.keys, b.values) : EncodeCompact(s);
  }

  static const std::vector<Invariant>& Invariants() { return rs::Invariants(); }
};

RsExploreModel::RsExploreModel(const Bounds& bounds, Variant variant)
    : SearchModel(bounds, Config{bounds.systems, variant}, MakeAlphabet(bounds)) {}

}  // namespace lockstep::model::rs

template class lockstep::model::explore::SearchModel<
    lockstep::model::rs::RsSearch, lockstep::model::rs::State, lockstep::model::rs::Budget,
    lockstep::model::rs::Command, lockstep::model::rs::Bounds, lockstep::model::rs::Config>;
