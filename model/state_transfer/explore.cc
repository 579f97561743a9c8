// StExploreModel, its bounds and alphabet (explore.h). Symmetry and the coverage abstraction
// are in symmetry.cc.
#include "model/state_transfer/explore.h"

#include <utility>
#include <variant>

#include "model/explore/bounds_text.h"
#include "model/explore/search_model_impl.h"
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
  out.reserve(static_cast<std::size_t>(b.keys * (b.values + 1)) + 2 * (3 + kCrashPointCount + 7));
  for (int k = 0; k < b.keys; ++k) {
    const std::string key = "k" + std::to_string(k);
    for (int v = 0; v < b.values; ++v) Add(out, Submit{OpKind::kSet, key, "v" + std::to_string(v)});
    Add(out, Submit{OpKind::kDel, key, ""});
  }
  for (Side side : kSides) Add(out, Start{side, std::nullopt, {}});
  // Inputs during a transfer: a set of each key and value, alone and followed by a del of the
  // same key (two queued, in an order that matters). Every key with every value, so that the
  // key symmetry holds.
  for (Side side : kSides) {
    for (int k = 0; k < b.keys; ++k) {
      const std::string key = "k" + std::to_string(k);
      for (int v = 0; v < b.values; ++v) {
        const Submit set{OpKind::kSet, key, "v" + std::to_string(v)};
        Add(out, Start{side, std::nullopt, {set}});
        Add(out, Start{side, std::nullopt, {set, Submit{OpKind::kDel, key, ""}}});
      }
    }
  }
  for (Side side : kSides) Add(out, Crash{side});
  for (Side side : kSides) Add(out, PowerLoss{side});
  for (Side side : kSides) {
    for (int p = 0; p < kCrashPointCount; ++p) Add(out, Start{side, static_cast<CrashPoint>(p), {}});
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

// The protocol side of SearchModel (model/explore/search_model.h).
struct StSearch {
  static constexpr explore::BudgetCounter<Budget, Bounds> kCounters[] = {
      {&Budget::inputs, &Bounds::inputs},
      {&Budget::crashes, &Bounds::crashes},
      {&Budget::faults, &Bounds::faults},
      {&Budget::starts, &Bounds::starts},
  };

  static State Initial(const Config&) { return {}; }

  // Submit an input; Crash and PowerLoss a crash (a power cut ends the process as a SIGKILL
  // does); InjectFault a fault; Start a start, and a crash when it arms a crash point.
  // RemoveFault and OfflineSync are free.
  static Budget Cost(const State&, const Command& c) {
    Budget cost;
    if (std::holds_alternative<Submit>(c)) cost.inputs = 1;
    if (std::holds_alternative<Crash>(c) || std::holds_alternative<PowerLoss>(c)) cost.crashes = 1;
    if (std::holds_alternative<InjectFault>(c)) cost.faults = 1;
    if (const auto* start = std::get_if<Start>(&c)) {
      cost.starts = 1;
      cost.inputs = static_cast<std::uint8_t>(start->inputs.size());
      if (start->crash_point) cost.crashes = 1;
    }
    return cost;
  }

  static bool Enabled(const State& s, const Command& c) { return Precondition(s, c); }

  static std::string Encode(const State& s, const Bounds& b, bool canonical) {
    return canonical ? CanonicalEncode(s, b.keys) : EncodeCompact(s);
  }

  static const std::vector<Invariant>& Invariants() { return st::Invariants(); }
};

StExploreModel::StExploreModel(const Bounds& bounds, Variant variant)
    : SearchModel(bounds, Config{static_cast<std::size_t>(bounds.log_capacity), variant},
                  MakeAlphabet(bounds)) {}

}  // namespace lockstep::model::st

template class lockstep::model::explore::SearchModel<
    lockstep::model::st::StSearch, lockstep::model::st::State, lockstep::model::st::Budget,
    lockstep::model::st::Command, lockstep::model::st::Bounds, lockstep::model::st::Config>;
