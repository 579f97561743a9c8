// Explore<M>: a bounded, breadth-first, explicit-state model checker (as TLC does it) over any
// model given as a traits object M. It visits every state reachable from M::Initial() by the
// commands M::Successors() enables (the bounds live in M), checks M's invariants on each new
// state, and stops at the first violation with a shortest path to it.
//
// The traits object M (see ExplorableModel) provides:
//   State, Command                 value types; State carries whatever the bounds count
//   Initial()                      the initial state
//   Alphabet()                     every command the search may use, fixed for M's lifetime
//   Successors(state, out)         fills `out` with the indices into Alphabet() of the
//                                  commands valid in `state` within the bounds
//   Apply(state, command)          the transition (REQUIRES: command valid in state)
//   Encode(state, canonical)       an injective encoding; with canonical = true, the least
//                                  encoding over the model's symmetry group (equal for
//                                  symmetric states), so the search visits one per class
//   Check(state)                   the first violated invariant as a model::Violation (with
//                                  `violated` listing every one), or nullopt
//   Describe(command)              one stable line (what `lockstep replay` parses)
//   AbstractEncode(state)          the coverage abstraction (model/explore/coverage.h)
//   CommandKind(command)           a small number naming the command's kind, for coverage
//
// Deduplication stores the 64-bit Fingerprint() of each encoding, not the encoding
// (fingerprint.h gives the collision odds). Each distinct state costs the table slot plus an
// 8-byte parent link (parent id, command index) from which the path is rebuilt; full states
// are kept only for the current and next BFS level.
//
// Guarantees: the path of a violation is a shortest one (BFS discovers states level by level
// and each is checked when first discovered), and its commands are concrete: each node keeps
// the first concrete state that reached its class, and the path replays from Initial().
// With symmetry on, the invariants must be symmetric (a verdict the same on every member of
// a class); the path then reaches some member of the violating class.
//
// Pure: no I/O, no clock (the caller times the call). Single-threaded; M must not be mutated
// while Explore runs.
#pragma once

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/explore/coverage.h"
#include "model/common/property.h"
#include "model/explore/fingerprint.h"

namespace lockstep::model::explore {


template <class M>
concept ExplorableModel =
    requires(const M& m, const typename M::State& s, typename M::State& t,
             const typename M::Command& c, std::vector<std::uint32_t>& out) {
      { m.Initial() } -> std::same_as<typename M::State>;
      { m.Alphabet() } -> std::convertible_to<const std::vector<typename M::Command>&>;
      m.Successors(s, out);
      m.Apply(t, c);
      { m.Encode(s, true) } -> std::convertible_to<std::string>;
      { m.Check(s) } -> std::same_as<std::optional<Violation>>;
      { m.Describe(c) } -> std::convertible_to<std::string>;
      { m.AbstractEncode(s) } -> std::convertible_to<std::string>;
      { m.CommandKind(c) } -> std::convertible_to<std::uint32_t>;
    };

struct ExploreOptions {
  bool symmetry = true;             // deduplicate by the canonical encoding
  std::uint64_t max_states = 0;     // stop after this many distinct states; 0 = no limit
  bool collect_coverage = false;    // fill ExploreResult::coverage
};

struct ExploreStats {
  std::uint64_t states_generated = 0;  // initial state + every successor computed
  std::uint64_t distinct_states = 0;   // distinct (canonical) states found
  std::uint64_t transitions = 0;       // successor computations (edges followed)
  int max_depth = 0;                   // BFS level of the deepest state found
  std::size_t table_bytes = 0;         // fingerprint table + parent links
  std::size_t peak_frontier = 0;       // most full states held at once (two BFS levels)
};

struct Counterexample {
  Violation finding;  // the first violated invariant, with every one in `violated`
  std::vector<std::string> path;  // Describe() of each command from the initial state
};

struct ExploreResult {
  ExploreStats stats;
  std::optional<Counterexample> violation;
  bool complete = true;   // false when max_states stopped the search early
  CoverageSet coverage;   // when collect_coverage (protocol and bounds left for the caller)
};

namespace detail {

template <class M>
class Search {
 public:
  using State = typename M::State;

  Search(const M& model, const ExploreOptions& options) : m_(model), options_(options) {}

  ExploreResult Run() {
    State initial = m_.Initial();
    if (options_.collect_coverage) Abstract(initial);
    Discover(std::move(initial), kNoParent, 0);
    for (int depth = 0; !frontier_.empty() && !Stopped(); ++depth) {
      for (auto& [id, state] : frontier_) {
        Expand(id, state, depth + 1);
        if (Stopped()) break;
      }
      frontier_.clear();
      frontier_.swap(next_);
    }
    return Finish();
  }

 private:
  static constexpr std::uint32_t kNoParent = 0xffffffffu;
  struct Link {
    std::uint32_t parent;
    std::uint32_t command;
  };

  bool Stopped() const { return result_.violation || !result_.complete; }

  std::uint64_t Abstract(const State& s) {
    const std::uint64_t fp = Fingerprint(m_.AbstractEncode(s));
    if (abstract_states_.Insert(fp)) result_.coverage.states.push_back(fp);
    return fp;
  }

  void Expand(std::uint32_t id, const State& state, int depth) {
    m_.Successors(state, enabled_);
    const std::uint64_t from = options_.collect_coverage ? Abstract(state) : 0;
    for (std::uint32_t c : enabled_) {
      State next = state;
      const auto& command = m_.Alphabet()[c];
      m_.Apply(next, command);
      ++result_.stats.transitions;
      if (options_.collect_coverage) {
        const std::uint64_t t = TransitionKey(from, Abstract(next), m_.CommandKind(command));
        if (abstract_transitions_.Insert(t)) result_.coverage.transitions.push_back(t);
      }
      if (Discover(std::move(next), id, c, depth)) return;
    }
  }

  // Records `s` if its class is new. Returns true when the search must stop.
  bool Discover(State s, std::uint32_t parent, std::uint32_t command, int depth = 0) {
    ++result_.stats.states_generated;
    if (!seen_.Insert(Fingerprint(m_.Encode(s, options_.symmetry)))) return false;
    const auto id = static_cast<std::uint32_t>(links_.size());
    links_.push_back({parent, command});
    result_.stats.max_depth = depth;
    if (auto finding = m_.Check(s)) {
      result_.violation = Counterexample{std::move(*finding), PathTo(id)};
      return true;
    }
    if (options_.max_states != 0 && links_.size() >= options_.max_states) {
      result_.complete = false;
      return true;
    }
    next_.emplace_back(id, std::move(s));
    if (parent == kNoParent) frontier_.swap(next_);
    peak_frontier_ = std::max(peak_frontier_, frontier_.size() + next_.size());
    return false;
  }

  std::vector<std::string> PathTo(std::uint32_t id) const {
    std::vector<std::string> path;
    for (; links_[id].parent != kNoParent; id = links_[id].parent) {
      path.push_back(m_.Describe(m_.Alphabet()[links_[id].command]));
    }
    return {path.rbegin(), path.rend()};
  }

  ExploreResult Finish() {
    result_.stats.distinct_states = links_.size();
    result_.stats.table_bytes = seen_.bytes() + links_.capacity() * sizeof(Link);
    result_.stats.peak_frontier = peak_frontier_;
    std::sort(result_.coverage.states.begin(), result_.coverage.states.end());
    std::sort(result_.coverage.transitions.begin(), result_.coverage.transitions.end());
    return std::move(result_);
  }

  const M& m_;
  const ExploreOptions options_;
  FingerprintSet seen_, abstract_states_, abstract_transitions_;
  std::vector<Link> links_;
  std::vector<std::pair<std::uint32_t, State>> frontier_, next_;
  std::vector<std::uint32_t> enabled_;
  std::size_t peak_frontier_ = 0;
  ExploreResult result_;
};

}  // namespace detail

// Explores every state reachable within `model`'s bounds. See the file comment.
template <ExplorableModel M>
ExploreResult Explore(const M& model, const ExploreOptions& options = {}) {
  return detail::Search<M>(model, options).Run();
}

// N of model coverage (coverage.h): the reachable abstract states and transitions of `model`
// (symmetry on), labelled with the protocol and the bounds' text.
template <ExplorableModel M>
CoverageSet ReachableCoverage(const M& model, std::string protocol, std::string bounds) {
  ExploreOptions options;
  options.collect_coverage = true;
  ExploreResult r = Explore(model, options);
  r.coverage.protocol = std::move(protocol);
  r.coverage.bounds = std::move(bounds);
  return std::move(r.coverage);
}

}  // namespace lockstep::model::explore
