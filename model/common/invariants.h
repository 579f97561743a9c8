// Invariants over a protocol model's states S, for the exhaustive explorer and for random model
// runs: each is one of the protocol's properties (property.h) with a predicate that returns the
// reason it fails in a state, or nullopt when it holds.
//
// InvariantTable pairs the protocol's property list with its predicates, one each, in property
// order (the compiler checks the counts agree). FirstViolation and AllViolations check a state
// against a table in that order.
//
// Pure functions; a table is immutable once built and safe to share across threads.
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "model/common/property.h"

namespace lockstep::model {

template <class S>
struct InvariantOf {
  const char* id;    // "ST-1"
  const char* name;  // "agreement"
  std::function<std::optional<std::string>(const S&)> check;
};

// A predicate: nullopt when the invariant holds in the state, else a one-line reason.
template <class S>
using InvariantCheck = std::optional<std::string> (*)(const S&);

// properties[i] checked by checks[i], for every i.
template <class S, std::size_t N>
std::vector<InvariantOf<S>> InvariantTable(const std::array<PropertyInfo, N>& properties,
                                           const InvariantCheck<S> (&checks)[N]) {
  std::vector<InvariantOf<S>> table;
  table.reserve(N);
  for (std::size_t i = 0; i < N; ++i) {
    table.push_back({properties[i].id, properties[i].name, checks[i]});
  }
  return table;
}

// The first invariant of `table` that fails in `s` (`violated` left empty), or nullopt.
template <class S>
std::optional<Violation> FirstViolation(const std::vector<InvariantOf<S>>& table, const S& s) {
  for (const InvariantOf<S>& inv : table) {
    if (auto reason = inv.check(s)) return Violation{inv.id, inv.name, *reason};
  }
  return std::nullopt;
}

// Every invariant of `table` that fails in `s`: the first named, with its reason, and all listed
// in `violated` in table order; nullopt when all hold.
template <class S>
std::optional<Violation> AllViolations(const std::vector<InvariantOf<S>>& table, const S& s) {
  std::optional<Violation> finding;
  for (const InvariantOf<S>& inv : table) {
    auto reason = inv.check(s);
    if (!reason) continue;
    if (!finding) finding = Violation{inv.id, inv.name, *reason, {}};
    finding->violated.push_back(inv.id);
  }
  return finding;
}

}  // namespace lockstep::model
