// StExploreModel, its bounds and alphabet (explore.h). Symmetry and the coverage abstraction
// are in symmetry.cc.
#include "model/state_transfer/explore.h"

#include <utility>
#include <variant>

#include "model/explore/bounds_text.h"
#include "model/state_transfer/model.h"
#include "model/state_transfer/properties.h"

namespace lockstep::model::st {
namespace {

constexpr explore::BoundField<Bounds> kBoundFields[] = {
    {"inputs", &Bounds::inputs, 0, 250},      {"crashes", &Bounds::crashes, 0, 250},
    {"faults", &Bounds::faults, 0, 250},      {"starts", &Bounds::starts, 0, 250},
    {"keys", &Bounds::keys, 1, 4},            {"values", &Bounds::values, 1, 4},
    {"log-capacity", &Bounds::log_capacity, 0, 64},
};

// Constructs each command in place: moving a variant that holds no string trips a GCC 12
// -Wmaybe-uninitialized false positive about Submit's strings.
template <class T>
void Add(std::vector<Command>& out, T c) {
  out.emplace_back(std::in_place_type<T>, std::move(c));
}

std::vector<Command> MakeAlphabet(const Bounds& b) {
  std::vector<Command> out;
  out.reserve(static_cast<std::size_t>(b.keys * (b.values + 1)) + 2 * (2 + kCrashPointCount + 7));
  for (int k = 0; k < b.keys; ++k) {
    const std::string key = "k" + std::to_string(k);
    for (int v = 0; v < b.values; ++v) Add(out, Submit{OpKind::kSet, key, "v" + std::to_string(v)});
    Add(out, Submit{OpKind::kDel, key, ""});
  }
  for (Side side : kSides) Add(out, Start{side, std::nullopt});
  for (Side side : kSides) Add(out, Crash{side});
  for (Side side : kSides) {
    for (int p = 0; p < kCrashPointCount; ++p) Add(out, Start{side, static_cast<CrashPoint>(p)});
  }
  for (Side side : kSides) {
    for (Dir dir : {Dir::kTemp, Dir::kData}) {
      for (FaultKind kind : {FaultKind::kDiskFull, FaultKind::kAccessDenied}) {
        Add(out, InjectFault{side, dir, kind});
      }
    }
  }
  for (Side side : kSides) {
    for (Dir dir : {Dir::kTemp, Dir::kData}) Add(out, RemoveFault{side, dir});
  }
  for (Side side : kSides) Add(out, OfflineSync{Peer(side), side});
  return out;
}

}  // namespace

std::string ToString(const Bounds& b) {
  return explore::BoundsToString<Bounds>(b, kBoundFields);
}

Result<Bounds> ParseBounds(std::string_view text, Bounds base) {
  return explore::ParseBoundsText<Bounds>(text, base, kBoundFields);
}

Bounds CoverageBounds() {
  Bounds b;
  b.inputs = 2;
  b.crashes = 2;
  b.faults = 1;
  b.starts = 3;
  b.keys = 1;
  b.values = 1;
  b.log_capacity = 4;  // the property runner's default --log-capacity
  return b;
}

StExploreModel::StExploreModel(const Bounds& bounds, Variant variant)
    : bounds_(bounds),
      config_{static_cast<std::size_t>(bounds.log_capacity), variant},
      alphabet_(MakeAlphabet(bounds)) {}

bool StExploreModel::WithinBudget(const Budget& used, const Command& c) const {
  if (std::holds_alternative<Submit>(c)) return used.inputs < bounds_.inputs;
  if (std::holds_alternative<Crash>(c)) return used.crashes < bounds_.crashes;
  if (std::holds_alternative<InjectFault>(c)) return used.faults < bounds_.faults;
  if (const auto* start = std::get_if<Start>(&c)) {
    return used.starts < bounds_.starts && (!start->crash_point || used.crashes < bounds_.crashes);
  }
  return true;
}

void StExploreModel::Successors(const SearchState& s, std::vector<std::uint32_t>& out) const {
  out.clear();
  for (std::uint32_t i = 0; i < alphabet_.size(); ++i) {
    if (WithinBudget(s.used, alphabet_[i]) && Precondition(s.model, alphabet_[i])) out.push_back(i);
  }
}

void StExploreModel::Apply(SearchState& s, const Command& c) const {
  if (std::holds_alternative<Submit>(c)) ++s.used.inputs;
  if (std::holds_alternative<Crash>(c)) ++s.used.crashes;
  if (std::holds_alternative<InjectFault>(c)) ++s.used.faults;
  if (const auto* start = std::get_if<Start>(&c)) {
    ++s.used.starts;
    if (start->crash_point) ++s.used.crashes;
  }
  st::Apply(s.model, c, config_);
}

std::string StExploreModel::Encode(const SearchState& s, bool canonical) const {
  std::string out = canonical ? CanonicalEncode(s.model, bounds_.keys) : EncodeCompact(s.model);
  out += '|';
  for (std::uint8_t n : {s.used.inputs, s.used.crashes, s.used.faults, s.used.starts}) {
    out += static_cast<char>(n);
  }
  return out;
}

std::optional<Violation> StExploreModel::Check(const SearchState& s) const {
  std::optional<Violation> finding;
  for (const Invariant& inv : Invariants()) {
    auto reason = inv.check(s.model);
    if (!reason) continue;
    if (!finding) finding = Violation{inv.id, inv.name, *reason, {}};
    finding->violated.push_back(inv.id);
  }
  return finding;
}

std::string StExploreModel::Describe(const Command& c) const { return st::Describe(c); }

}  // namespace lockstep::model::st
