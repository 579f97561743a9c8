// Symmetry reduction and the coverage abstraction of the resync model (explore.h).
#include <algorithm>
#include <array>
#include <numeric>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "model/resync/explore.h"
#include "model/resync/model.h"

namespace lockstep::model::rs {
namespace {

// "<prefix><i>" renamed to "<prefix><perm[i]>"; any other word is left alone.
std::string Rename(const std::string& word, char prefix, const std::vector<int>& perm) {
  if (word.size() < 2 || word[0] != prefix) return word;
  int i = 0;
  for (std::size_t c = 1; c < word.size(); ++c) {
    if (word[c] < '0' || word[c] > '9') return word;
    i = i * 10 + (word[c] - '0');
  }
  if (i >= static_cast<int>(perm.size())) return word;
  return prefix + std::to_string(perm[static_cast<std::size_t>(i)]);
}

bool IsIdentity(const std::vector<int>& perm) {
  for (std::size_t i = 0; i < perm.size(); ++i) {
    if (perm[i] != static_cast<int>(i)) return false;
  }
  return true;
}

// One element of the symmetry group: systems[i] is the new index of system i, keys[i] of key
// "k<i>", values[i] of value "v<i>".
struct Renaming {
  std::vector<int> systems, keys, values;
};

// A compact binary encoding of a State as it would be after `r`, written without building the
// renamed state: every field, in order, self-delimiting (varint numbers, length-prefixed
// strings, '+'/'-' before optionals), so it is injective. Encode() is this with no renaming.
class CompactEncoder {
 public:
  CompactEncoder(std::string& out, const Renaming& r)
      : out_(out),
        r_(r),
        same_systems_(IsIdentity(r.systems)),
        same_words_(IsIdentity(r.keys) && IsIdentity(r.values)) {
    inverse_.resize(r.systems.size());
    for (std::size_t i = 0; i < r.systems.size(); ++i) {
      inverse_[static_cast<std::size_t>(r.systems[i])] = static_cast<int>(i);
    }
  }

  void Whole(const State& s);

 private:
  void Num(std::uint64_t n) {
    while (n >= 0x80) {
      out_ += static_cast<char>((n & 0x7f) | 0x80);
      n >>= 7;
    }
    out_ += static_cast<char>(n);
  }
  void Int(int n) {  // zigzag: small negatives stay short
    Num((static_cast<std::uint32_t>(n) << 1) ^ static_cast<std::uint32_t>(n >> 31));
  }
  void Bool(bool b) { out_ += b ? 'T' : 'F'; }
  void Str(const std::string& s) {
    Num(s.size());
    out_ += s;
  }
  template <class E>
  void Enum(E e) {
    Num(static_cast<std::uint64_t>(e));
  }
  bool Opt(bool present) {
    out_ += present ? '+' : '-';
    return present;
  }
  void Ints(const std::vector<int>& v) {
    Num(v.size());
    for (int n : v) Int(n);
  }
  int Sys(int x) const {
    return same_systems_ || x < 0 || x >= static_cast<int>(r_.systems.size())
               ? x
               : r_.systems[static_cast<std::size_t>(x)];
  }
  std::uint64_t Mask(std::uint8_t m) const {
    if (same_systems_) return m;
    std::uint64_t out = 0;
    for (std::size_t i = 0; i < r_.systems.size(); ++i) {
      if (Has(m, static_cast<int>(i))) out |= Bit(r_.systems[i]);
    }
    return out;
  }
  void RowsOf(const Rows& rows);
  void Ref(const JournalRef& ref) {
    Int(Sys(ref.system));
    Int(ref.journal_set);
    Int(ref.generation);
  }
  // A map keyed by system: renaming systems reorders it.
  template <class Map, class F>
  void BySystem(const Map& m, F value) {
    Num(m.size());
    if (same_systems_) {
      for (const auto& [k, v] : m) {
        Int(k);
        value(v);
      }
      return;
    }
    std::vector<std::pair<int, const typename Map::mapped_type*>> renamed;
    for (const auto& [k, v] : m) renamed.emplace_back(Sys(k), &v);
    std::sort(renamed.begin(), renamed.end());
    for (const auto& [k, v] : renamed) {
      Int(k);
      value(*v);
    }
  }
  void JournalOf(const Journal& j);
  void System(const SystemState& x);
  void Txn(const TxnRecord& t);

  std::string& out_;
  const Renaming& r_;
  const bool same_systems_, same_words_;
  std::vector<int> inverse_;
};

// Every field of the model's state must be encoded, in Encode()'s order. These catch a field
// added to the model and not here (the sizes are those of x86-64 libstdc++); the test
// CompactEncodingIsInjectiveOnReachableStates catches the rest.
static_assert(sizeof(void*) != 8 || sizeof(Branch) == 16, "Branch changed: update JournalOf");
static_assert(sizeof(void*) != 8 || sizeof(Journal) == 112, "Journal changed: update JournalOf");
static_assert(sizeof(void*) != 8 || sizeof(SystemState) == 368,
              "SystemState changed: update CompactEncoder::System and AbstractSystem");
static_assert(sizeof(void*) != 8 || sizeof(TxnRecord) == 120,
              "TxnRecord changed: update CompactEncoder::Txn");
static_assert(sizeof(void*) != 8 || sizeof(State) == 128,
              "State changed: update CompactEncoder::Whole and AbstractEncode");

void CompactEncoder::RowsOf(const Rows& rows) {
  Num(rows.size());
  if (same_words_) {
    for (const auto& [k, v] : rows) {
      Str(k);
      Str(v);
    }
    return;
  }
  std::vector<std::pair<std::string, std::string>> renamed;
  renamed.reserve(rows.size());
  for (const auto& [k, v] : rows) renamed.emplace_back(Rename(k, 'k', r_.keys), Rename(v, 'v', r_.values));
  std::sort(renamed.begin(), renamed.end());
  for (const auto& [k, v] : renamed) {
    Str(k);
    Str(v);
  }
}

void CompactEncoder::JournalOf(const Journal& j) {
  Int(j.stamp);
  Int(j.generation);
  Bool(j.damaged);
  BySystem(j.partners, [this](const PartnerEntry& e) {
    Int(e.stamp);
    Int(e.startup);
    Bool(e.open_rm);
  });
  Num(j.branches.size());
  for (const auto& [t, b] : j.branches) {
    Int(t);
    Enum(b.role);
    Enum(b.state);
    Bool(b.by_hand);
    Int(Sys(b.coordinator));
    Num(Mask(b.participants));
    Num(Mask(b.acked));
    Bool(b.ended);
    Bool(b.redo);
    Int(b.resolver_stamp);
  }
}

void CompactEncoder::System(const SystemState& x) {
  Bool(x.up);
  Enum(x.last_exit);
  Int(x.journal_set);
  for (const Journal& j : x.journals) JournalOf(j);
  RowsOf(x.rows);
  if (Opt(x.fault.has_value())) Enum(*x.fault);
  Int(x.startup);
  if (Opt(x.crash_point.has_value())) Enum(*x.crash_point);
  Num(Mask(x.synced));
  Num(Mask(x.deferred));
  BySystem(x.prompts, [this](const Prompt& p) {
    Int(p.old_stamp);
    Int(p.new_stamp);
    Int(p.new_startup);
    Ints(p.txns);
  });
  Ints(x.applied);
}

void CompactEncoder::Txn(const TxnRecord& t) {
  Int(Sys(t.coordinator));
  BySystem(t.writes, [this](const Writes& w) { RowsOf(w); });
  Bool(t.committed);
  Int(t.coord_stamp);
  BySystem(t.prepared, [this](const JournalRef& ref) { Ref(ref); });
  if (Opt(t.reported.has_value())) Enum(*t.reported);
  Num(Mask(t.hand_committed));
}

void CompactEncoder::Whole(const State& s) {
  Int(s.size());
  for (int j = 0; j < s.size(); ++j) {
    System(s.at(same_systems_ ? j : inverse_[static_cast<std::size_t>(j)]));
  }
  Int(s.startups_issued);
  if (Opt(s.last_outcome.has_value())) {
    Enum(s.last_outcome->result);
    Str(same_words_ ? s.last_outcome->value : Rename(s.last_outcome->value, 'v', r_.values));
  }
  Num(s.txns.size());
  for (const TxnRecord& t : s.txns) Txn(t);
  Num(s.stamp_owners.size());
  for (const JournalRef& r : s.stamp_owners) Ref(r);
}

// ---- Coverage abstraction ----------------------------------------------------------------

bool EverStarted(const SystemState& x) {
  return x.up || x.last_exit != ExitKind::kNone || x.journals[0].stamp != 0 ||
         x.journals[1].stamp != 0;
}

char Capped(std::size_t n, std::size_t cap) { return static_cast<char>('0' + std::min(n, cap)); }

// What a system is, without its relations to others.
std::string AbstractSystem(const SystemState& x) {
  std::string out;
  const auto put = [&out](int n) { out += static_cast<char>('a' + n); };
  put(x.up ? 1 : 0);
  put(static_cast<int>(x.last_exit));
  put(x.fault ? 1 + static_cast<int>(*x.fault) : 0);
  put(x.crash_point ? 1 + static_cast<int>(*x.crash_point) : 0);
  put(x.journal().stamp != 0 ? 1 : 0);
  put(x.journal().damaged ? 1 : 0);
  // Branches by class (role x state x by hand), each count capped at 2.
  std::array<std::size_t, 2 * 5 * 2> classes{};
  bool redo = false, open_commit = false;
  for (const auto& [seq, b] : x.journal().branches) {
    ++classes[(static_cast<std::size_t>(b.role) * 5 + static_cast<std::size_t>(b.state)) * 2 +
              (b.by_hand ? 1 : 0)];
    redo = redo || b.redo;
    open_commit = open_commit || (b.role == Role::kCoordinator &&
                                  b.state == BranchState::kCommitted && !b.ended);
  }
  for (std::size_t n : classes) out += Capped(n, 2);
  put(redo ? 1 : 0);
  put(open_commit ? 1 : 0);
  return out;
}

// x's relation to partner y.
std::string AbstractPair(const State& s, int x, int y) {
  const SystemState& a = s.at(x);
  const SystemState& b = s.at(y);
  std::string out;
  const auto& partners = a.journal().partners;
  const auto it = partners.find(y);
  char saved = 'm';  // missing
  if (it != partners.end()) {
    saved = it->second.stamp != b.stamp() ? 's' : it->second.startup != b.startup ? 'u' : 'c';
  }
  out += saved;
  out += a.prompts.count(y) ? 'P' : '-';
  out += Has(a.deferred, y) ? 'D' : '-';
  out += Has(a.synced, y) ? 'S' : '-';
  out += Capped(Outstanding(s, x, y).size(), 2);
  return out;
}

}  // namespace

std::string EncodeCompact(const State& s) {
  std::string out;
  const Renaming identity;
  CompactEncoder(out, identity).Whole(s);
  return out;
}

std::string Encode(const State& s) { return EncodeCompact(s); }

std::string CanonicalEncode(const State& s, int keys, int values) {
  Renaming r;
  r.systems.resize(static_cast<std::size_t>(s.size()));
  r.keys.resize(static_cast<std::size_t>(std::max(keys, 0)));
  r.values.resize(static_cast<std::size_t>(std::max(values, 0)));
  // Systems are interchangeable only when there are two (explore.h).
  const bool swap_systems = s.size() == 2;
  std::string best, candidate;
  bool first = true;
  std::iota(r.systems.begin(), r.systems.end(), 0);
  do {
    std::iota(r.keys.begin(), r.keys.end(), 0);
    do {
      std::iota(r.values.begin(), r.values.end(), 0);
      do {
        candidate.clear();
        CompactEncoder(candidate, r).Whole(s);
        if (first || candidate < best) best.swap(candidate);
        first = false;
      } while (std::next_permutation(r.values.begin(), r.values.end()));
    } while (std::next_permutation(r.keys.begin(), r.keys.end()));
  } while (swap_systems && std::next_permutation(r.systems.begin(), r.systems.end()));
  return best;
}

std::string AbstractEncode(const State& s) {
  std::vector<int> started;
  for (int x = 0; x < s.size(); ++x) {
    if (EverStarted(s.at(x))) started.push_back(x);
  }
  std::string head;
  head += s.last_outcome ? static_cast<char>('A' + static_cast<int>(s.last_outcome->result)) : '0';
  head += ':';
  // The least description over every order of the started systems.
  std::string best, candidate;
  bool first = true;
  std::sort(started.begin(), started.end());
  do {
    candidate.clear();
    for (int x : started) {
      candidate += AbstractSystem(s.at(x));
      for (int y : started) {
        if (y != x) candidate += AbstractPair(s, x, y);
      }
      candidate += '/';
    }
    if (first || candidate < best) best.swap(candidate);
    first = false;
  } while (std::next_permutation(started.begin(), started.end()));
  return head + best;
}

std::uint32_t CommandKind(const Command& c) {
  struct Kind {
    std::uint32_t operator()(const Transaction& x) const {
      const std::size_t participants = x.writes.size() - (x.writes.count(x.coordinator) ? 1 : 0);
      return (participants > 1 ? 2 : 0) + (x.writes.count(x.coordinator) ? 1 : 0);
    }
    std::uint32_t operator()(const Read& x) const {
      if (x.reply) return 26 + static_cast<std::uint32_t>(*x.reply);
      if (x.complete) return 28 + static_cast<std::uint32_t>(x.complete->action);
      return x.via == x.system ? 4 : 5;
    }
    std::uint32_t operator()(const Start& x) const {
      return x.crash_point ? 7 + static_cast<std::uint32_t>(*x.crash_point) : 6;
    }
    std::uint32_t operator()(const Crash&) const { return 15; }
    std::uint32_t operator()(const Format&) const { return 16; }
    std::uint32_t operator()(const Reply& x) const {
      return 17 + static_cast<std::uint32_t>(x.action);
    }
    std::uint32_t operator()(const VaryRm&) const { return 19; }
    std::uint32_t operator()(const Complete& x) const {
      return 20 + static_cast<std::uint32_t>(x.action);
    }
    std::uint32_t operator()(const InjectFault& x) const {
      return 22 + static_cast<std::uint32_t>(x.kind);
    }
    std::uint32_t operator()(const RemoveFault&) const { return 24; }
    std::uint32_t operator()(const Corrupt&) const { return 25; }
    // Read with a reply, then with a completion, come last so that the kinds above keep
    // their numbers.
  };
  return std::visit(Kind{}, c);
}

}  // namespace lockstep::model::rs
