// The members of SearchModel (search_model.h), for the one file of a protocol that defines its
// hooks P and instantiates SearchModel<P, ...> explicitly. No other file includes this.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/common/invariants.h"
#include "model/explore/budget.h"
#include "model/explore/search_model.h"

namespace lockstep::model::explore {

namespace vocabulary {

// The protocol's vocabulary (search_model.h), called from here, where no member of SearchModel
// hides it from argument-dependent lookup.
template <class M, class C, class Cfg>
void ApplyTo(M& model, const C& command, const Cfg& config) { Apply(model, command, config); }
template <class C>
std::string DescribeCommand(const C& command) { return Describe(command); }
template <class M>
std::string Abstraction(const M& model) { return AbstractEncode(model); }
template <class C>
std::uint32_t KindOf(const C& command) { return CommandKind(command); }

}  // namespace vocabulary

template <class P, class Model, class Budget, class Cmd, class Bounds, class Config>
auto SearchModel<P, Model, Budget, Cmd, Bounds, Config>::Initial() const -> State {
  return {P::Initial(config_), {}};
}

template <class P, class Model, class Budget, class Cmd, class Bounds, class Config>
void SearchModel<P, Model, Budget, Cmd, Bounds, Config>::Successors(
    const State& s, std::vector<std::uint32_t>& out) const {
  out.clear();
  for (std::uint32_t i = 0; i < alphabet_.size(); ++i) {
    const Command& c = alphabet_[i];
    if (Affordable(s.used, P::Cost(s.model, c), bounds_, P::kCounters) && P::Enabled(s.model, c)) {
      out.push_back(i);
    }
  }
}

template <class P, class Model, class Budget, class Cmd, class Bounds, class Config>
void SearchModel<P, Model, Budget, Cmd, Bounds, Config>::Apply(State& s, const Command& c) const {
  Charge(s.used, P::Cost(s.model, c), P::kCounters);
  vocabulary::ApplyTo(s.model, c, config_);
}

template <class P, class Model, class Budget, class Cmd, class Bounds, class Config>
std::string SearchModel<P, Model, Budget, Cmd, Bounds, Config>::Encode(const State& s,
                                                                       bool canonical) const {
  std::string out = P::Encode(s.model, bounds_, canonical);
  out += '|';
  AppendUsed(out, s.used, P::kCounters);
  return out;
}

template <class P, class Model, class Budget, class Cmd, class Bounds, class Config>
std::optional<Violation> SearchModel<P, Model, Budget, Cmd, Bounds, Config>::Check(
    const State& s) const {
  return AllViolations(P::Invariants(), s.model);
}

template <class P, class Model, class Budget, class Cmd, class Bounds, class Config>
std::string SearchModel<P, Model, Budget, Cmd, Bounds, Config>::Describe(const Command& c) const {
  return vocabulary::DescribeCommand(c);
}

template <class P, class Model, class Budget, class Cmd, class Bounds, class Config>
std::string SearchModel<P, Model, Budget, Cmd, Bounds, Config>::AbstractEncode(
    const State& s) const {
  return vocabulary::Abstraction(s.model);
}

template <class P, class Model, class Budget, class Cmd, class Bounds, class Config>
std::uint32_t SearchModel<P, Model, Budget, Cmd, Bounds, Config>::CommandKind(
    const Command& c) const {
  return vocabulary::KindOf(c);
}

}  // namespace lockstep::model::explore
