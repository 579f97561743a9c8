// The exhaustive explorer (model/explore/explorer.h) over the resync model
// (model/resync/explore.h): bounds, verdicts of the correct model and of every broken variant,
// shortest paths, symmetry reduction (exact for keys, values and, with two systems, the
// systems), the compact encoding, and coverage sets.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "model/explore/coverage.h"
#include "model/explore/explorer.h"
#include "model/resync/command_text.h"
#include "model/explore/fingerprint.h"
#include "model/resync/explore.h"
#include "model/resync/model.h"
#include "model/resync/properties.h"
#include "model/resync/variants.h"
#include "rs_test_util.h"

namespace lockstep::model::rs {
namespace {

using namespace test_util;
using explore::Explore;
using explore::ExploreOptions;
using explore::ExploreResult;

// About 18,000 states: a fraction of a second, a few seconds under the sanitizers.
constexpr const char* kSmall = "transactions=2,reads=1,crashes=1,starts=3,formats=1,replies=1,"
                               "faults=0,keys=1,values=1";
// Smaller still, for the searches a test repeats.
constexpr const char* kTiny = "transactions=1,reads=0,crashes=1,starts=3,formats=1,replies=0,"
                              "faults=0,keys=1,values=1";

Bounds B(const char* text) {
  auto b = ParseBounds(text);
  EXPECT_TRUE(b.has_value()) << b.error().message;
  return *b;
}

ExploreResult Search(const Bounds& b, Variant v = Variant::kCorrect, bool symmetry = true) {
  ExploreOptions options;
  options.symmetry = symmetry;
  return Explore(RsExploreModel(b, v), options);
}

// Applies `path` (Describe() strings) from the initial state with `config`.
State Replay(const std::vector<std::string>& path, const Config& config) {
  State s = InitialState(config);
  for (const std::string& step : path) {
    auto c = ParseCommand(step);
    EXPECT_TRUE(c.has_value()) << step;
    if (!c) return s;
    EXPECT_TRUE(Precondition(s, *c)) << step;
    Apply(s, *c, config);
  }
  return s;
}

TEST(ResyncExploreTest, BoundsParseAndReject) {
  auto b = ParseBounds("systems=3,transactions=3,keys=2");
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(b->systems, 3);
  EXPECT_EQ(b->transactions, 3);
  EXPECT_EQ(b->keys, 2);
  EXPECT_EQ(b->reads, Bounds{}.reads);
  EXPECT_EQ(ParseBounds(ToString(*b)).value(), *b);
  EXPECT_EQ(ToString(Bounds{}),
            "systems=2,transactions=2,reads=1,crashes=1,starts=3,formats=1,replies=1,faults=1,"
            "keys=1,values=1");
  // Each error names the bad field.
  const auto unknown = ParseBounds("transactions=1,txns=2");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("unknown bound 'txns'"), std::string::npos);
  EXPECT_NE(unknown.error().message.find("known: systems, transactions"), std::string::npos);
  for (const char* bad : {"systems=4", "systems=1", "keys=0", "values=x", "replies=", "faults=-1",
                          "starts=2x"}) {
    SCOPED_TRACE(bad);
    const auto r = ParseBounds(bad);
    ASSERT_FALSE(r);
    const std::string field = std::string(bad).substr(0, std::string(bad).find('='));
    EXPECT_NE(r.error().message.find("bound '" + std::string(bad) + "': " + field + " takes"),
              std::string::npos)
        << r.error().message;
  }
}

TEST(ResyncExploreTest, CorrectModelPassesAtSmallBounds) {
  const ExploreResult r = Search(B(kSmall));
  EXPECT_FALSE(r.violation) << r.violation->finding.property_id << " "
                            << r.violation->finding.message;
  EXPECT_TRUE(r.complete);
  EXPECT_GT(r.stats.distinct_states, 10000u);
  EXPECT_EQ(r.stats.states_generated, r.stats.transitions + 1);
  EXPECT_GT(r.stats.max_depth, 6);
}

TEST(ResyncExploreTest, CorrectModelPassesWithThreeSystems) {
  const ExploreResult r = Search(B("systems=3,transactions=1,reads=0,crashes=0,starts=3,"
                                   "formats=1,replies=1,faults=0"));
  EXPECT_FALSE(r.violation) << r.violation->finding.property_id << " "
                            << r.violation->finding.message;
  EXPECT_GT(r.stats.distinct_states, 2000u);
}

TEST(ResyncExploreTest, EveryVariantBreaksItsPropertyWithAShortPath) {
  ASSERT_EQ(BrokenVariants().size(), 2u);
  for (const VariantInfo& info : BrokenVariants()) {
    SCOPED_TRACE(info.name);
    const ExploreResult r = Search(B(kSmall), info.variant);
    ASSERT_TRUE(r.violation);
    const auto& violated = r.violation->finding.violated;
    EXPECT_NE(std::find(violated.begin(), violated.end(), info.property), violated.end());
    EXPECT_EQ(violated.front(), r.violation->finding.property_id);
    EXPECT_LE(r.violation->path.size(), 6u);
    // The path is concrete: replayed on the broken model it ends in the violation...
    auto v = CheckInvariants(Replay(r.violation->path, Config{2, info.variant}));
    ASSERT_TRUE(v);
    EXPECT_EQ(v->property_id, r.violation->finding.property_id);
    // ...and the correct model holds on it, with three systems too (what `lockstep replay`
    // runs on the real processes).
    EXPECT_FALSE(CheckInvariants(Replay(r.violation->path, Config{2})));
    EXPECT_FALSE(CheckInvariants(Replay(r.violation->path, Config{3})));
  }
}

TEST(ResyncExploreTest, VariantPathsAreTheExpectedOnes) {
  // A coordinator dies before its COMMIT record and comes back on its other journal set: the
  // participant's in-doubt branch is completed against the new stamp.
  auto stamp = Search(B(kTiny), Variant::kNoStampComparison);
  ASSERT_TRUE(stamp.violation);
  EXPECT_EQ(stamp.violation->finding.property_id, "RS-2");
  EXPECT_EQ(stamp.violation->path,
            (std::vector<std::string>{"Start(SYSTEM73, journal-1)",
                                      "Start(SYSTEM74, journal-1, crash=coord.before_commit_record)",
                                      "Transaction(SYSTEM74: SYSTEM73{k0=v0})",
                                      "Start(SYSTEM74, journal-2)"}));
  // A partner restarted on the same set is taken for the one resynchronized before.
  auto startup = Search(B(kTiny), Variant::kNoStartupComparison);
  ASSERT_TRUE(startup.violation);
  EXPECT_EQ(startup.violation->finding.property_id, "RS-5");
  EXPECT_EQ(startup.violation->path,
            (std::vector<std::string>{"Start(SYSTEM73, journal-1)", "Start(SYSTEM74, journal-1)",
                                      "VaryRm(SYSTEM73, SYSTEM74)", "Crash(SYSTEM73)",
                                      "Start(SYSTEM73, journal-1)",
                                      "Transaction(SYSTEM74: SYSTEM73{k0=v0})"}));
}

// Every command sequence shorter than the reported path, run on the broken model, keeps every
// invariant: the BFS path is a shortest one (checked where the DFS stays small).
TEST(ResyncExploreTest, ViolationPathIsShortest) {
  const RsExploreModel m(B(kTiny), Variant::kNoStampComparison);
  const ExploreResult r = Explore(m);
  ASSERT_TRUE(r.violation);
  const std::size_t shortest = r.violation->path.size();
  int violations = 0, visited = 0;
  std::function<void(const SearchState&, std::size_t)> dfs = [&](const SearchState& s,
                                                                  std::size_t depth) {
    ++visited;
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
  EXPECT_GT(visited, 100);
  EXPECT_EQ(violations, 0);
}

TEST(ResyncExploreTest, SymmetryReducesStatesAndKeepsVerdicts) {
  const Bounds b = B("transactions=1,reads=1,crashes=1,starts=3,formats=0,replies=0,faults=0,"
                     "keys=2,values=2");
  const ExploreResult with = Search(b, Variant::kCorrect, true);
  const ExploreResult without = Search(b, Variant::kCorrect, false);
  EXPECT_FALSE(with.violation);
  EXPECT_FALSE(without.violation);
  // Two systems x two keys x two values: up to 8 states per class.
  EXPECT_LT(with.stats.distinct_states * 4, without.stats.distinct_states);
  EXPECT_EQ(with.stats.max_depth, without.stats.max_depth);
  for (const VariantInfo& info : BrokenVariants()) {
    SCOPED_TRACE(info.name);
    const ExploreResult a = Search(B(kTiny), info.variant, true);
    const ExploreResult c = Search(B(kTiny), info.variant, false);
    ASSERT_TRUE(a.violation && c.violation);
    EXPECT_EQ(a.violation->finding.property_id, c.violation->finding.property_id);
    EXPECT_EQ(a.violation->path.size(), c.violation->path.size());
  }
}

// The reduction is exact: the states a search without it reaches fall into exactly as many
// canonical classes as the search with it finds. (A renaming that is not a symmetry of the
// model would make the class representatives' successors differ from the other members'.)
TEST(ResyncExploreTest, SymmetryClassesMatchTheFullStateSpace) {
  const Bounds b = B("transactions=1,reads=1,crashes=0,starts=3,formats=1,replies=1,faults=1,"
                     "keys=2,values=2");
  const RsExploreModel m(b);
  std::set<std::string> seen{m.Encode(m.Initial(), false)}, classes{m.Encode(m.Initial(), true)};
  std::deque<SearchState> queue{m.Initial()};
  std::vector<std::uint32_t> enabled;
  while (!queue.empty()) {
    const SearchState s = std::move(queue.front());
    queue.pop_front();
    m.Successors(s, enabled);
    for (std::uint32_t c : enabled) {
      SearchState next = s;
      m.Apply(next, m.Alphabet()[c]);
      if (!seen.insert(m.Encode(next, false)).second) continue;
      classes.insert(m.Encode(next, true));
      queue.push_back(std::move(next));
    }
  }
  const ExploreResult with = Search(b, Variant::kCorrect, true);
  EXPECT_EQ(with.stats.distinct_states, classes.size());
  EXPECT_LT(classes.size() * 4, seen.size());
}

TEST(ResyncExploreTest, SymmetricStatesEncodeEqually) {
  State s = InitialState(Config{2}), mirror = InitialState(Config{2});
  RunOn(s, {Up(S73), Up(S74), Txn(S73, {{S74, {{"k0", "v1"}}}, {S73, {{"k1", "v0"}}}}),
            Kill(S74), Up(S74, 2), Inject(S73, JournalFault::kDiskFull), Rd(S74, "k0", S73)});
  // The systems swapped, k0 <-> k1 and v0 <-> v1.
  RunOn(mirror, {Up(S74), Up(S73), Txn(S74, {{S73, {{"k1", "v0"}}}, {S74, {{"k0", "v1"}}}}),
                 Kill(S73), Up(S73, 2), Inject(S74, JournalFault::kDiskFull),
                 Rd(S73, "k1", S74)});
  ASSERT_NE(Encode(s), Encode(mirror));
  ASSERT_NE(EncodeCompact(s), EncodeCompact(mirror));
  EXPECT_EQ(CanonicalEncode(s, 2, 2), CanonicalEncode(mirror, 2, 2));
  EXPECT_EQ(AbstractEncode(s), AbstractEncode(mirror));
  // Writing one value twice is not the same as writing two values.
  State other = InitialState(Config{2});
  RunOn(other, {Up(S73), Up(S74), Txn(S73, {{S74, {{"k0", "v1"}}}, {S73, {{"k1", "v1"}}}}),
                Kill(S74), Up(S74, 2), Inject(S73, JournalFault::kDiskFull), Rd(S74, "k0", S73)});
  EXPECT_NE(CanonicalEncode(s, 2, 2), CanonicalEncode(other, 2, 2));
}

// With three systems the model orders them (participants, resynchronization at start), so a
// renaming of systems is not a symmetry and the canonical encoding keeps them apart.
TEST(ResyncExploreTest, ThreeSystemsAreNotSwapped) {
  State s = InitialState(Config{3}), mirror = InitialState(Config{3});
  RunOn(s, {Up(S73), Up(S74), Txn(S73, {{S74, {{"k0", "v0"}}}})});
  RunOn(mirror, {Up(S74), Up(S73), Txn(S74, {{S73, {{"k0", "v0"}}}})});
  EXPECT_NE(CanonicalEncode(s, 1, 1), CanonicalEncode(mirror, 1, 1));
  // The coverage abstraction does not care which system is which.
  EXPECT_EQ(AbstractEncode(s), AbstractEncode(mirror));
}

TEST(ResyncExploreTest, CompactEncodingIsInjectiveOnReachableStates) {
  // Two different states must never share an encoding: check over a BFS's worth of states
  // that EncodeCompact and Encode partition them the same way.
  const RsExploreModel m(B("systems=3,transactions=2,crashes=1,faults=1,keys=2,values=2"));
  std::vector<State> states{m.Initial().model};
  std::set<std::string> text, compact;
  std::vector<std::uint32_t> enabled;
  for (std::size_t i = 0; i < states.size() && states.size() < 5000; ++i) {
    m.Successors({states[i], {}}, enabled);
    for (std::uint32_t c : enabled) {
      SearchState next{states[i], {}};
      m.Apply(next, m.Alphabet()[c]);
      if (text.insert(Encode(next.model)).second) states.push_back(next.model);
      compact.insert(EncodeCompact(next.model));
    }
  }
  EXPECT_GT(text.size(), 1000u);
  EXPECT_EQ(text.size(), compact.size());
}

TEST(ResyncExploreTest, MaxStatesStopsTheSearch) {
  ExploreOptions options;
  options.max_states = 500;
  const ExploreResult r = Explore(RsExploreModel(B(kSmall)), options);
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(r.stats.distinct_states, 500u);
}

TEST(ResyncExploreTest, CoverageCountsARunsStatesInsideTheBoundedSet) {
  const auto key = [](const State& x) { return explore::Fingerprint(AbstractEncode(x)); };
  const explore::CoverageSet set = explore::ReachableCoverage(
      RsExploreModel(CoverageBounds()), "resync", ToString(CoverageBounds()));
  EXPECT_EQ(set.protocol, "resync");
  EXPECT_EQ(set.bounds, ToString(CoverageBounds()));
  EXPECT_GT(set.states.size(), 500u);
  EXPECT_GT(set.transitions.size(), set.states.size());
  // A property run's case: three systems (SYSTEM75 never started), other keys and values,
  // SYSTEM74 before SYSTEM73. Its states, abstracted, all lie in the two-system set.
  std::set<std::uint64_t> states, transitions;
  State s = InitialState(Config{3});
  states.insert(key(s));
  for (const Command& c : {Up(S74), Up(S73), Txn(S74, {{S73, {{"k2", "v7"}}}}), Kill(S73),
                           Up(S73), Rd(S73, "k2", S74)}) {
    ASSERT_TRUE(Precondition(s, c)) << Describe(c);
    State next = s;
    Apply(next, c);
    states.insert(key(next));
    transitions.insert(explore::TransitionKey(key(s), key(next),
                                              CommandKind(c)));
    s = next;
  }
  const auto count = explore::CountHits(set, states, transitions);
  EXPECT_EQ(count.states_total, set.states.size());
  EXPECT_EQ(count.states_hit, states.size());
  EXPECT_EQ(count.transitions_hit, transitions.size());
  // With SYSTEM75 started too, the state lies outside the two-system set.
  RunOn(s, {Up(S75)});
  EXPECT_FALSE(std::binary_search(set.states.begin(), set.states.end(), key(s)));
}

// The search runs the overlapping reads (commands.h: Read with a reply or a completion) within
// its bounds: the transition of a completion made during a lock wait is reachable once the
// budget holds the IGNORE that makes the branch ManualPending and the completion itself.
TEST(ResyncExploreTest, TheSearchReachesAReadReleasedByACompletion) {
  const auto key = [](const State& x) { return explore::Fingerprint(AbstractEncode(x)); };
  State s = Replay({"Start(SYSTEM73, journal-1, crash=coord.before_commit_record)",
                    "Start(SYSTEM74, journal-1)", "Transaction(SYSTEM73: SYSTEM74{k0=v0})",
                    "Format(SYSTEM73, journal-1)", "Start(SYSTEM73, journal-1)",
                    "Reply(SYSTEM74, SYSTEM73, ignore)"},
                   Config{});
  const Command read = Read{S74, "k0", S74, std::nullopt, HandCompletion{1, CompleteAction::kCommit}};
  ASSERT_TRUE(Precondition(s, read)) << DebugString(s);
  State next = s;
  Apply(next, read);
  ASSERT_EQ(next.last_outcome, (OpOutcome{OpResult::kValue, "v0"}));
  const std::uint64_t transition = explore::TransitionKey(key(s), key(next), CommandKind(read));
  const auto reachable = [&](int replies) {
    Bounds b = CoverageBounds();
    b.replies = replies;
    const explore::CoverageSet set = explore::ReachableCoverage(RsExploreModel(b), "resync", ToString(b));
    return std::binary_search(set.transitions.begin(), set.transitions.end(), transition);
  };
  EXPECT_TRUE(reachable(2));
  EXPECT_FALSE(reachable(1)) << "the IGNORE and the completion are two replies";
}

#if !defined(__SANITIZE_ADDRESS__)
// The default bounds: over 100,000 distinct states, every invariant holds (about 10 s
// optimized; left out under the sanitizers, where it takes minutes).
TEST(ResyncExploreTest, DefaultBoundsPass) {
  const ExploreResult r = Search(Bounds{});
  EXPECT_FALSE(r.violation) << r.violation->finding.property_id << " "
                            << r.violation->finding.message;
  EXPECT_GT(r.stats.distinct_states, 100000u);
}
#endif

}  // namespace
}  // namespace lockstep::model::rs
