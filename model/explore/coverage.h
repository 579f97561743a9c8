// Model coverage as k of N: the reachable abstract states and transitions of a model within
// some bounds (N, found by the explorer), and how many of them a property run visited (k).
//
// An abstract state is a fingerprint of a model's AbstractEncode(): a canonical (symmetry-
// reduced) projection of a model state onto what steers the protocol, chosen by each model
// (model/state_transfer/explore.h says what the state-transfer one keeps). An abstract
// transition is Combine(from, to, command kind). A property run visits states with larger
// alphabets and longer histories than any bounded search; projecting both onto the same
// abstraction makes them comparable, and hits are counted only inside the bounded set.
//
// The explorer finds N (ReachableCoverage in explorer.h); a protocol's traits give the
// property runner the same abstraction (harness/property/protocol.h: StateKey, CommandKind,
// Reachable).
//
// Plain values and pure functions; CoverageSet is immutable once built and safe to share.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "base/result.h"

namespace lockstep::model::explore {

struct CoverageSet {
  std::string protocol;                   // "state-transfer"
  std::string bounds;                     // the bounds it was found at, as text
  std::vector<std::uint64_t> states;      // sorted, unique abstract state fingerprints
  std::vector<std::uint64_t> transitions; // sorted, unique abstract transition fingerprints
};

struct CoverageCount {
  std::uint64_t states_hit = 0, states_total = 0, transitions_hit = 0, transitions_total = 0;
  // The hits themselves (sorted; sizes states_hit and transitions_hit), so that reports of
  // several runs can be merged by union rather than by maximum.
  std::vector<std::uint64_t> state_keys, transition_keys;
};

// Fingerprint of one abstract transition.
std::uint64_t TransitionKey(std::uint64_t from, std::uint64_t to, std::uint32_t command_kind);

// k of N: which and how many of `visited_*` are in `reachable`; totals are reachable's sizes.
CoverageCount CountHits(const CoverageSet& reachable, const std::set<std::uint64_t>& visited_states,
                        const std::set<std::uint64_t>& visited_transitions);

// Text form, for `lockstep check-model --save-coverage`: a header line
// "lockstep-coverage 1", "protocol <name>", "bounds <text>", "states <n>" followed by n hex
// fingerprints one per line, then "transitions <m>" and m more.
std::string SerializeCoverage(const CoverageSet& set);
// Fails with a message naming the line that is malformed.
Result<CoverageSet> ParseCoverage(const std::string& text);

}  // namespace lockstep::model::explore
