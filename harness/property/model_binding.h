// The parts of a protocol's traits (protocol.h) that only forward to its model, written once.
//
// A model namespace provides, found by argument-dependent lookup on its State and Command:
// Precondition(state, command), Describe(command), AbstractEncode(state),
// CommandKind(command), and ToString(bounds) for its search bounds. ModelBinding<State,
// Command> turns those into the traits' static members; the free functions below build the
// traits' property and variant lists, the cached coverage set N and the bounded search from
// the model's own tables.
//
// Pure functions; the coverage cache is a function-local static (thread-safe).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/property/plugin.h"
#include "harness/property/plugin_of.h"
#include "harness/property/protocol.h"
#include "harness/property/reachable_cache.h"
#include "model/common/property.h"
#include "model/explore/coverage.h"
#include "model/explore/explorer.h"
#include "model/explore/fingerprint.h"

namespace lockstep::harness {

namespace detail {

// Unqualified calls from a scope where no member hides the model's names: found by ADL.
template <class State, class Command>
bool ModelPrecondition(const State& s, const Command& c) {
  return Precondition(s, c);
}
template <class Command>
std::string ModelDescribe(const Command& c) {
  return Describe(c);
}
template <class State>
std::string ModelAbstractEncode(const State& s) {
  return AbstractEncode(s);
}
template <class Command>
std::uint32_t ModelCommandKind(const Command& c) {
  return CommandKind(c);
}
template <class Bounds>
std::string BoundsText(const Bounds& b) {
  return ToString(b);
}

}  // namespace detail

template <class StateT, class CommandT>
struct ModelBinding {
  using State = StateT;
  using Command = CommandT;

  static bool Precondition(const State& s, const Command& c) {
    return detail::ModelPrecondition(s, c);
  }
  static std::string Describe(const Command& c) { return detail::ModelDescribe(c); }
  // The coverage abstraction (k of N): fingerprint of the model's AbstractEncode.
  static std::uint64_t StateKey(const State& s) {
    return model::explore::Fingerprint(detail::ModelAbstractEncode(s));
  }
  static std::uint32_t CommandKind(const Command& c) { return detail::ModelCommandKind(c); }
};

// A model's property table (std::array of model::PropertyInfo) as the traits' list.
template <class Table>
std::vector<model::PropertyInfo> PropertyList(const Table& table) {
  return {table.begin(), table.end()};
}

// A model's broken variants (each with .name and .property) as the traits' list.
template <class Variants>
std::vector<VariantInfo> VariantList(const Variants& variants) {
  std::vector<VariantInfo> list;
  for (const auto& v : variants) list.push_back({v.name, v.property});
  return list;
}

// N at `bounds`: the first time it is asked for in a process, read from the reachable cache
// (reachable_cache.h) or found by one search.
// REQUIRES: the same bounds on every call for one ExploreModel type.
template <class ExploreModel, class Bounds>
const model::explore::CoverageSet& CachedReachable(const char* protocol, const Bounds& bounds) {
  static const model::explore::CoverageSet kReachable =
      LoadReachable(protocol, detail::BoundsText(bounds), [&] {
        return model::explore::ReachableCoverage(ExploreModel(bounds), protocol,
                                                 detail::BoundsText(bounds));
      });
  return kReachable;
}

// The bounded search of a request: its bounds parsed by `parse_bounds` (over the model's
// defaults), its variant looked up by `find_variant`, the model built from both. `*parsed`
// gets the bounds searched (for the settings its counterexample replays with).
template <class ExploreModel, class ParseBounds, class FindVariant, class Bounds>
Result<ModelCheck> SearchExploreModel(const ModelCheckRequest& request, const char* protocol,
                                      ParseBounds parse_bounds, FindVariant find_variant,
                                      Bounds* parsed) {
  auto bounds = parse_bounds(request.bounds);
  if (!bounds) return std::unexpected(bounds.error());
  const auto variant = find_variant(VariantName(request));
  if (!variant) return Fail(UnknownVariant(request, protocol));
  *parsed = *bounds;
  return TimedSearch(ExploreModel(*bounds, variant->variant), protocol,
                     detail::BoundsText(*bounds), request);
}

}  // namespace lockstep::harness
