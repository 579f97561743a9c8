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

template <class Map>
Map RenameKeys(const Map& m, const std::vector<int>& perm) {
  Map out;
  for (const auto& [k, v] : m) out.emplace(Rename(k, perm), v);
  return out;
}

void RenameEntries(std::vector<LogEntry>& entries, const std::vector<int>& perm) {
  for (LogEntry& e : entries) e.key = Rename(e.key, perm);
}

void RenameSide(SideState& x, const std::vector<int>& perm) {
  x.db.rows = RenameKeys(x.db.rows, perm);
  RenameEntries(x.db.log, perm);
  x.memory = RenameKeys(x.memory, perm);
  RenameEntries(x.history, perm);
}

bool IsIdentity(const std::vector<int>& perm) {
  for (std::size_t i = 0; i < perm.size(); ++i) {
    if (perm[i] != static_cast<int>(i)) return false;
  }
  return true;
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
  put(ErrnoClass(x.logged_send_errors.empty() ? std::nullopt
                                              : std::optional<int>(x.logged_send_errors.back())));
  put(x.last_transfer ? 1 + static_cast<int>(x.last_transfer->mode) : 0);
  put(ErrnoClass(x.last_transfer_errno));
  return out;
}

}  // namespace

std::string CanonicalEncode(const State& s, int keys) {
  std::vector<int> perm(static_cast<std::size_t>(std::max(keys, 0)));
  std::string best;
  bool first = true;
  for (bool swap : {false, true}) {
    State base = s;
    if (swap) std::swap(base.sides[0], base.sides[1]);
    std::iota(perm.begin(), perm.end(), 0);
    do {
      State t = base;
      if (!IsIdentity(perm)) {
        for (SideState& x : t.sides) RenameSide(x, perm);
      }
      std::string e = Encode(t);
      if (first || e < best) best = std::move(e);
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
  std::string ab = AbstractSide(a, s) + "/" + AbstractSide(b, s);
  std::string ba = AbstractSide(b, s) + "/" + AbstractSide(a, s);
  return pair + ":" + std::min(ab, ba);
}

std::uint32_t CommandKind(const Command& c) {
  struct Kind {
    std::uint32_t operator()(const Submit& x) const { return x.kind == OpKind::kSet ? 0 : 1; }
    std::uint32_t operator()(const Start& x) const {
      return x.crash_point ? 3 + static_cast<std::uint32_t>(*x.crash_point) : 2;
    }
    std::uint32_t operator()(const Crash&) const { return 10; }
    std::uint32_t operator()(const InjectFault& x) const {
      return 11 + 2 * static_cast<std::uint32_t>(x.dir) + static_cast<std::uint32_t>(x.kind);
    }
    std::uint32_t operator()(const RemoveFault& x) const {
      return 15 + static_cast<std::uint32_t>(x.dir);
    }
    std::uint32_t operator()(const OfflineSync&) const { return 17; }
  };
  return std::visit(Kind{}, c);
}

}  // namespace lockstep::model::st
