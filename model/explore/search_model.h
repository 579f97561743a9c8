// SearchModel: a protocol model as an object of exhaustive search (the traits object of
// explorer.h, ExplorableModel), built once for every protocol. A search state is a model state
// plus the budget it has used (budget.h). The alphabet is fixed at construction. The successors
// of a state are the commands, in alphabet order, that fit the budget and that the protocol
// enables there. A transition charges the command's cost, then applies it to the model. A
// state's encoding is the model's (compact, or canonical over the symmetry group) followed by
// '|' and one byte per budget counter. Check reports every invariant the model state violates.
//
// A protocol supplies two things:
//  * its vocabulary, the free functions of its namespace (found by argument-dependent lookup
//    on its State and Command): Apply(State&, const Command&, const Config&),
//    Describe(const Command&), AbstractEncode(const State&), CommandKind(const Command&);
//  * a hooks class P with static members:
//      kCounters                        its budget counters (budget.h), in encoding order
//      Initial(config)                  the initial model state
//      Cost(state, command)             the counters `command` spends in `state` (0 or 1 each)
//      Enabled(state, command)          whether the search may take `command` in `state`
//      Encode(state, bounds, canonical) the model state's compact or canonical encoding
//      Invariants()                     the invariant table (model/common/invariants.h)
//    P is declared in the protocol's header and defined in its .cc, which includes
//    search_model_impl.h (the members) and instantiates SearchModel<P, ...> explicitly: the
//    members compile once, where P's hooks inline into them, and no other file needs P.
//
// Immutable after construction; safe to share across threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/common/property.h"

namespace lockstep::model::explore {

template <class Model, class Budget>
struct SearchStateOf {
  Model model;
  Budget used;
  bool operator==(const SearchStateOf&) const = default;
};

template <class P, class Model, class Budget, class Cmd, class Bounds, class Config>
class SearchModel {
 public:
  using State = SearchStateOf<Model, Budget>;
  using Command = Cmd;

  State Initial() const;
  const std::vector<Command>& Alphabet() const { return alphabet_; }
  void Successors(const State& s, std::vector<std::uint32_t>& out) const;
  void Apply(State& s, const Command& c) const;
  std::string Encode(const State& s, bool canonical) const;
  // Every invariant `s.model` violates (Violation::violated), the first named; nullopt if none.
  std::optional<Violation> Check(const State& s) const;
  std::string Describe(const Command& c) const;
  std::string AbstractEncode(const State& s) const;
  std::uint32_t CommandKind(const Command& c) const;

  const Bounds& bounds() const { return bounds_; }
  const Config& config() const { return config_; }

 protected:
  SearchModel(const Bounds& bounds, const Config& config, std::vector<Command> alphabet)
      : bounds_(bounds), config_(config), alphabet_(std::move(alphabet)) {}

 private:
  Bounds bounds_;
  Config config_;
  std::vector<Command> alphabet_;
};

}  // namespace lockstep::model::explore
