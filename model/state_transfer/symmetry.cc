// Symmetry reduction and the coverage abstraction of the state-transfer model (explore.h).
#include <algorithm>
#include <numeric>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "model/state_transfer/explore.h"

namespace lockstep::model::st {
namespace {

// The key "k<i>" renamed to "k<perm[i]>"; any other key is left alone.
std::string Rename(const std::string& key, const std::vector<int>& perm) {
  if (key.size() < 2 || key[0] != 'k') return key;
  int i = 0;
  for (std::size_t c = 1; c < key.size(); ++c) {
    if (key[c] < '0' || key[c] > '9') return key;
    i = i * 10 + (key[c] - '0');
  }
  if (i >= static_cast<int>(perm.size())) return key;
  return "k" + std::to_string(perm[static_cast<std::size_t>(i)]);
}

bool IsIdentity(const std::vector<int>& perm) {
  for (std::size_t i = 0; i < perm.size(); ++i) {
    if (perm[i] != static_cast<int>(i)) return false;
  }
  return true;
}

// A compact binary encoding of a State, as it would be after swapping the sides (if `swap`)
// and renaming keys by `perm`, written without building the transformed state: every field, in
// order, self-delimiting (varint numbers, length-prefixed strings, '+'/'-' before optionals),
// so it is injective. Encode() is this with no renaming.
class CompactEncoder {
 public:
  CompactEncoder(std::string& out, const std::vector<int>& perm)
      : out_(out), perm_(perm), identity_(IsIdentity(perm)) {}

  void Num(std::uint64_t n) {
    while (n >= 0x80) {
      out_ += static_cast<char>((n & 0x7f) | 0x80);
      n >>= 7;
    }
    out_ += static_cast<char>(n);
  }
  void Str(const std::string& s) {
    Num(s.size());
    out_ += s;
  }
  void Key(const std::string& k) { identity_ ? Str(k) : Str(Rename(k, perm_)); }
  template <class E>
  void Enum(E e) {
    Num(static_cast<std::uint64_t>(e));
  }
  void Opt(bool present) { out_ += present ? '+' : '-'; }
  void Entries(const std::vector<LogEntry>& es) {
    Num(es.size());
    for (const LogEntry& e : es) {
      Num(e.update_key);
      Enum(e.kind);
      Key(e.key);
      Str(e.value);
    }
  }
  // A key-ordered map: renaming keys reorders it, so re-sort the renamed pairs.
  template <class Map>
  void KeyedMap(const Map& m, void (CompactEncoder::*value)(const typename Map::mapped_type&)) {
    Num(m.size());
    if (identity_) {
      for (const auto& [k, v] : m) {
        Str(k);
        (this->*value)(v);
      }
      return;
    }
    std::vector<std::pair<std::string, const typename Map::mapped_type*>> renamed;
    for (const auto& [k, v] : m) renamed.emplace_back(Rename(k, perm_), &v);
    std::sort(renamed.begin(), renamed.end());
    for (const auto& [k, v] : renamed) {
      Str(k);
      (this->*value)(*v);
    }
  }
  void Value(const std::string& v) { Str(v); }
  void Count(const std::uint64_t& n) { Num(n); }
  void Side(const SideState& s);
  void Whole(const State& s, bool swap);

 private:
  std::string& out_;
  const std::vector<int>& perm_;
  const bool identity_;
};

// Every field of SideState and State must be encoded, in Encode()'s order. These catch a field
// added to the model and not here (the sizes are those of x86-64 libstdc++); the test
// CompactEncodingIsInjectiveOnReachableStates catches the rest.
static_assert(sizeof(void*) != 8 || sizeof(SideState) == 256,
              "SideState changed: update CompactEncoder::Side and AbstractSide");
static_assert(sizeof(void*) != 8 || sizeof(State) == 600,
              "State changed: update CompactEncoder::Whole and AbstractEncode");

void CompactEncoder::Side(const SideState& s) {
  Enum(s.status);
  Enum(s.last_exit);
  KeyedMap(s.db.rows, &CompactEncoder::Value);
  Num(s.db.last_update_key);
  Entries(s.db.log);
  KeyedMap(s.memory, &CompactEncoder::Count);
  for (const auto& f : s.faults) {
    Opt(f.has_value());
    if (f) Enum(*f);
  }
  Opt(s.crash_point.has_value());
  if (s.crash_point) Enum(*s.crash_point);
  Num(static_cast<std::uint64_t>(s.temp_files));
  Num(static_cast<std::uint64_t>(s.temp_files_at_start));
  Num(s.staged_db ? 1 : 0);
  Num(s.logged_send_errors.size());
  for (int e : s.logged_send_errors) Num(static_cast<std::uint64_t>(e));
  Num(s.transfer_attempts);
  Opt(s.last_transfer_errno.has_value());
  if (s.last_transfer_errno) Num(static_cast<std::uint64_t>(*s.last_transfer_errno));
  Opt(s.last_transfer.has_value());
  if (s.last_transfer) {
    Enum(s.last_transfer->mode);
    Num(s.last_transfer->entries_sent);
    Num(s.last_transfer->upto);
  }
  Entries(s.history);
}

void CompactEncoder::Whole(const State& s, bool swap) {
  Side(s.sides[swap ? 1 : 0]);
  Side(s.sides[swap ? 0 : 1]);
  Num(s.high_water_key);
  Num(s.last_assigned_key);
  Opt(s.last_outcome.has_value());
  if (s.last_outcome) {
    Enum(s.last_outcome->result);
    Num(s.last_outcome->update_key);
  }
  Num(s.transfer_input_outcomes.size());
  for (const InputOutcome& o : s.transfer_input_outcomes) {
    Enum(o.result);
    Num(o.update_key);
  }
  Num(s.acked_keys.size());
  for (std::uint64_t k : s.acked_keys) Num(k);
}

int Position(const SideState& x, std::uint64_t high_water) {
  if (x.db.last_update_key < high_water) return 0;
  return x.db.last_update_key == high_water ? 1 : 2;
}

int ErrnoClass(std::optional<int> e) { return !e ? 0 : (*e == 28 ? 1 : 2); }

// One side's part of the abstraction; `peer` only for the pairwise relations.
std::string AbstractSide(const SideState& x, const State& s) {
  std::string out;
  const auto put = [&out](int n) { out += static_cast<char>('a' + n); };
  put(static_cast<int>(x.status));
  put(static_cast<int>(x.last_exit));
  for (const auto& f : x.faults) put(f ? 1 + static_cast<int>(*f) : 0);
  put(x.crash_point ? 1 + static_cast<int>(*x.crash_point) : 0);
  put(Position(x, s.high_water_key));
  put(x.db.last_update_key > 0 ? 1 : 0);
  put(std::min(x.temp_files, 2));
  put(x.staged_db ? 1 : 0);
  put(ErrnoClass(x.logged_send_errors.empty() ? std::nullopt
                                              : std::optional<int>(x.logged_send_errors.back())));
  put(x.last_transfer ? 1 + static_cast<int>(x.last_transfer->mode) : 0);
  put(ErrnoClass(x.last_transfer_errno));
  return out;
}

}  // namespace

std::string EncodeCompact(const State& s) {
  std::string out;
  const std::vector<int> identity;
  CompactEncoder(out, identity).Whole(s, false);
  return out;
}

std::string Encode(const State& s) { return EncodeCompact(s); }

std::string CanonicalEncode(const State& s, int keys) {
  std::vector<int> perm(static_cast<std::size_t>(std::max(keys, 0)));
  std::string best, candidate;
  bool first = true;
  for (bool swap : {false, true}) {
    std::iota(perm.begin(), perm.end(), 0);
    do {
      candidate.clear();
      CompactEncoder(candidate, perm).Whole(s, swap);
      if (first || candidate < best) best.swap(candidate);
      first = false;
    } while (std::next_permutation(perm.begin(), perm.end()));
  }
  return best;
}

std::string AbstractEncode(const State& s) {
  const SideState& a = s.at(Side::kA);
  const SideState& b = s.at(Side::kB);
  std::string pair;
  pair += a.db == b.db ? '=' : '!';
  pair += a.memory == b.memory ? '=' : '!';
  pair += s.high_water_key > 0 ? 'h' : '0';
  pair += s.last_outcome ? static_cast<char>('1' + static_cast<int>(s.last_outcome->result)) : '0';
  for (const InputOutcome& o : s.transfer_input_outcomes) {  // inputs during a transfer
    pair += static_cast<char>('a' + static_cast<int>(o.result));
  }
  std::string ab = AbstractSide(a, s) + "/" + AbstractSide(b, s);
  std::string ba = AbstractSide(b, s) + "/" + AbstractSide(a, s);
  return pair + ":" + std::min(ab, ba);
}

std::uint32_t CommandKind(const Command& c) {
  struct Kind {
    std::uint32_t operator()(const Submit& x) const { return x.kind == OpKind::kSet ? 0 : 1; }
    // 2 without a crash point, 3.. with one; with inputs during the transfer, the same
    // above kStartWithInputs (kinds below it cannot collide: 3 + kCrashPointCount < 64).
    std::uint32_t operator()(const Start& x) const {
      constexpr std::uint32_t kStartWithInputs = 64;
      const std::uint32_t point = x.crash_point ? 3 + static_cast<std::uint32_t>(*x.crash_point) : 2;
      return x.inputs.empty() ? point : kStartWithInputs + point;
    }
    std::uint32_t operator()(const Crash&) const { return 20; }
    std::uint32_t operator()(const InjectFault& x) const {
      return 21 + 2 * static_cast<std::uint32_t>(x.dir) + static_cast<std::uint32_t>(x.kind);
    }
    std::uint32_t operator()(const RemoveFault& x) const {
      return 25 + static_cast<std::uint32_t>(x.dir);
    }
    std::uint32_t operator()(const OfflineSync&) const { return 27; }
    std::uint32_t operator()(const PowerLoss&) const { return 28; }
  };
  return std::visit(Kind{}, c);
}

}  // namespace lockstep::model::st
