// The exhaustive explorer (model/explore/explorer.h) over the state-transfer model
// (model/state_transfer/explore.h): verdicts of the correct model and of every broken
// variant, shortest paths, symmetry reduction, and coverage sets.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "model/explore/coverage.h"
#include "model/explore/explorer.h"
#include "model/state_transfer/command_text.h"
#include "model/explore/fingerprint.h"
#include "model/state_transfer/explore.h"
#include "model/state_transfer/model.h"
#include "model/state_transfer/properties.h"
#include "model/state_transfer/variants.h"
#include "st_test_util.h"

namespace lockstep::model::st {
namespace {

using namespace test_util;
using explore::Explore;
using explore::ExploreOptions;
using explore::ExploreResult;

Bounds Small() {
  auto b = ParseBounds("inputs=2,crashes=1,faults=1,starts=3,keys=2,values=2,log-capacity=2");
  EXPECT_TRUE(b.has_value());
  return *b;
}

ExploreResult Search(const Bounds& b, Variant v = Variant::kCorrect, bool symmetry = true) {
  ExploreOptions options;
  options.symmetry = symmetry;
  return Explore(StExploreModel(b, v), options);
}

// Applies `path` (Describe() strings) from the initial state with `config`.
State Replay(const std::vector<std::string>& path, const Config& config) {
  State s;
  for (const std::string& step : path) {
    auto c = ParseCommand(step);
    EXPECT_TRUE(c.has_value()) << step;
    if (!c) return s;
    EXPECT_TRUE(Precondition(s, *c)) << step;
    Apply(s, *c, config);
  }
  return s;
}

TEST(ExplorerTest, CorrectModelPassesAtSmallBounds) {
  const ExploreResult r = Search(Small());
  EXPECT_FALSE(r.violation) << r.violation->finding.property_id << " "
                            << r.violation->finding.message;
  EXPECT_TRUE(r.complete);
  EXPECT_GT(r.stats.distinct_states, 10000u);
  EXPECT_EQ(r.stats.states_generated, r.stats.transitions + 1);
  EXPECT_GT(r.stats.max_depth, 5);
  EXPECT_GT(r.stats.table_bytes, 0u);
}

TEST(ExplorerTest, EveryVariantBreaksItsPropertyWithAShortPath) {
  ASSERT_EQ(BrokenVariants().size(), 2u);
  for (const VariantInfo& info : BrokenVariants()) {
    SCOPED_TRACE(info.name);
    const ExploreResult r = Search(Small(), info.variant);
    ASSERT_TRUE(r.violation);
    const auto& violated = r.violation->finding.violated;
    EXPECT_NE(std::find(violated.begin(), violated.end(), info.property), violated.end());
    EXPECT_EQ(violated.front(), r.violation->finding.property_id);
    EXPECT_LE(r.violation->path.size(), 4u);
    // The path is concrete: replayed on the broken model it ends in the violation...
    Config broken{2, info.variant};
    auto v = CheckInvariants(Replay(r.violation->path, broken));
    ASSERT_TRUE(v);
    EXPECT_EQ(v->property_id, r.violation->finding.property_id);
    // ...and the correct model holds on it (what `lockstep replay` shows on the real system).
    EXPECT_FALSE(CheckInvariants(Replay(r.violation->path, Config{2})));
  }
}

TEST(ExplorerTest, VariantPathsAreTheExpectedOnes) {
  auto high_water = Search(Small(), Variant::kNoHighWaterCheck);
  ASSERT_TRUE(high_water.violation);
  EXPECT_EQ(high_water.violation->path,
            (std::vector<std::string>{"Start(A)", "Submit(set k0=v0)", "Crash(A)", "Start(B)"}));
  auto queued = Search(Small(), Variant::kEnterBeforeQueuedInput);
  ASSERT_TRUE(queued.violation);
  // The shortest: an input queued during the transfer is the one the receiver leaves out.
  EXPECT_EQ(queued.violation->path,
            (std::vector<std::string>{"Start(A)", "Start(B, inputs=[set k0=v0])"}));
}

// Every command sequence shorter than the reported path, run on the broken model, keeps
// every invariant: the BFS path is a shortest one.
TEST(ExplorerTest, ViolationPathIsShortest) {
  for (const VariantInfo& info : BrokenVariants()) {
    SCOPED_TRACE(info.name);
    const StExploreModel m(Small(), info.variant);
    const ExploreResult r = Explore(m);
    ASSERT_TRUE(r.violation);
    const std::size_t shortest = r.violation->path.size();
    int violations = 0;
    std::function<void(const SearchState&, std::size_t)> dfs = [&](const SearchState& s,
                                                                    std::size_t depth) {
      if (m.Check(s)) ++violations;
      if (depth + 1 >= shortest) return;
      std::vector<std::uint32_t> enabled;
      m.Successors(s, enabled);
      for (std::uint32_t c : enabled) {
        SearchState next = s;
        m.Apply(next, m.Alphabet()[c]);
        dfs(next, depth + 1);
      }
    };
    dfs(m.Initial(), 0);
    EXPECT_EQ(violations, 0);
  }
}

TEST(ExplorerTest, SymmetryReducesStatesAndKeepsVerdicts) {
  const ExploreResult with = Search(Small(), Variant::kCorrect, true);
  const ExploreResult without = Search(Small(), Variant::kCorrect, false);
  EXPECT_FALSE(with.violation);
  EXPECT_FALSE(without.violation);
  EXPECT_LT(with.stats.distinct_states * 2, without.stats.distinct_states);
  EXPECT_EQ(with.stats.max_depth, without.stats.max_depth);
  for (const VariantInfo& info : BrokenVariants()) {
    SCOPED_TRACE(info.name);
    const ExploreResult a = Search(Small(), info.variant, true);
    const ExploreResult b = Search(Small(), info.variant, false);
    ASSERT_TRUE(a.violation && b.violation);
    EXPECT_EQ(a.violation->finding.property_id, b.violation->finding.property_id);
    EXPECT_EQ(a.violation->path.size(), b.violation->path.size());
  }
}

TEST(ExplorerTest, SymmetricStatesEncodeEqually) {
  State s, mirror;
  RunOn(s, {Up(A), Set("k0", "v1"), Set("k1", "v0"), Del("k0"), Up(B), Kill(A),
            Inject(B, Dir::kTemp, FaultKind::kDiskFull), Set("k1", "v1")});
  RunOn(mirror, {Up(B), Set("k1", "v1"), Set("k0", "v0"), Del("k1"), Up(A), Kill(B),
                 Inject(A, Dir::kTemp, FaultKind::kDiskFull), Set("k0", "v1")});
  ASSERT_NE(Encode(s), Encode(mirror));
  ASSERT_NE(EncodeCompact(s), EncodeCompact(mirror));
  EXPECT_EQ(CanonicalEncode(s, 2), CanonicalEncode(mirror, 2));
  EXPECT_EQ(AbstractEncode(s), AbstractEncode(mirror));
  // Values are not symmetric: a different value is a different class.
  State other;
  RunOn(other, {Up(B), Set("k1", "v0"), Set("k0", "v0"), Del("k1"), Up(A), Kill(B),
                Inject(A, Dir::kTemp, FaultKind::kDiskFull), Set("k0", "v1")});
  EXPECT_NE(CanonicalEncode(s, 2), CanonicalEncode(other, 2));
}

TEST(ExplorerTest, CompactEncodingIsInjectiveOnReachableStates) {
  // Two different states must never share an encoding: check over a BFS's worth of states
  // that EncodeCompact and Encode partition them the same way.
  const StExploreModel m(ParseBounds("inputs=2,crashes=1,faults=1,starts=2").value());
  std::vector<State> states{State{}};
  std::set<std::string> text, compact;
  for (std::size_t i = 0; i < states.size() && states.size() < 3000; ++i) {
    std::vector<std::uint32_t> enabled;
    m.Successors({states[i], {}}, enabled);
    for (std::uint32_t c : enabled) {
      SearchState next{states[i], {}};
      m.Apply(next, m.Alphabet()[c]);
      if (text.insert(Encode(next.model)).second) states.push_back(next.model);
      compact.insert(EncodeCompact(next.model));
    }
  }
  EXPECT_EQ(text.size(), compact.size());
}

TEST(ExplorerTest, MaxStatesStopsTheSearch) {
  ExploreOptions options;
  options.max_states = 500;
  const ExploreResult r = Explore(StExploreModel(Small()), options);
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(r.stats.distinct_states, 500u);
}

TEST(ExplorerTest, BoundsParseAndReject) {
  auto b = ParseBounds("inputs=3,keys=1");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->inputs, 3);
  EXPECT_EQ(b->keys, 1);
  EXPECT_EQ(ParseBounds(ToString(*b)).value(), *b);
  EXPECT_FALSE(ParseBounds("inputz=3"));
  EXPECT_FALSE(ParseBounds("inputs=x"));
  EXPECT_FALSE(ParseBounds("keys=9"));
  EXPECT_NE(ParseBounds("bogus=1").error().message.find("known: inputs"), std::string::npos);
}

TEST(ExplorerTest, CoverageCountsARunsStatesInsideTheBoundedSet) {
  explore::ExploreOptions options;
  options.collect_coverage = true;
  const Bounds bounds = CoverageBounds();
  ExploreResult r = Explore(StExploreModel(bounds), options);
  ASSERT_FALSE(r.violation);
  const explore::CoverageSet& set = r.coverage;
  EXPECT_GT(set.states.size(), 50u);
  EXPECT_GT(set.transitions.size(), set.states.size());
  // A run: its states, abstracted, hit the set; a run over other keys and values too.
  const auto key = [](const State& x) { return explore::Fingerprint(AbstractEncode(x)); };
  std::set<std::uint64_t> states, transitions;
  State s;
  states.insert(key(s));
  for (const Command& c : {Up(A), Set("k3", "v9"), Up(B), Kill(A), Up(A)}) {
    State next = s;
    Apply(next, c, Config{});
    states.insert(key(next));
    transitions.insert(explore::TransitionKey(key(s), key(next), CommandKind(c)));
    s = next;
  }
  const auto count = explore::CountHits(set, states, transitions);
  EXPECT_EQ(count.states_total, set.states.size());
  EXPECT_EQ(count.states_hit, states.size());
  EXPECT_EQ(count.transitions_hit, transitions.size());
  // ReachableCoverage (what the property runner counts against) is the same search.
  const auto reachable = explore::ReachableCoverage(StExploreModel(bounds), "state-transfer",
                                                    ToString(bounds));
  EXPECT_EQ(reachable.states, set.states);
  EXPECT_EQ(reachable.transitions, set.transitions);
  EXPECT_EQ(reachable.protocol, "state-transfer");
  // Text form round-trips.
  r.coverage.protocol = "state-transfer";
  r.coverage.bounds = ToString(bounds);
  auto parsed = explore::ParseCoverage(explore::SerializeCoverage(r.coverage));
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->states, set.states);
  EXPECT_EQ(parsed->transitions, set.transitions);
  EXPECT_EQ(parsed->bounds, r.coverage.bounds);
  EXPECT_FALSE(explore::ParseCoverage("lockstep-coverage 1\nprotocol x\nbounds y\nstates 2\n1\n"));
}

}  // namespace
}  // namespace lockstep::model::st
