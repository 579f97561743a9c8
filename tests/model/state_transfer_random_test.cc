// Random and exhaustive runs of the model: every reachable state satisfies the invariants,
// the model agrees with its own prediction step by step, and Encode() is canonical.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <deque>
#include <ostream>
#include <unordered_map>
#include <vector>

#include "model/state_transfer/properties.h"
#include "tests/model/st_test_util.h"

namespace lockstep::model::st {

// RapidCheck prints counterexamples through this (found by argument-dependent lookup).
void showValue(const Command& c, std::ostream& os) { os << Describe(c); }

namespace {

using namespace test_util;  // NOLINT: test helpers

// Every command over a small domain: two keys, two values, every crash point.
std::vector<Command> AllCommands() {
  std::vector<Command> all{Set("k1", "v1"), Set("k2", "v2"), Set("k1", "v2"), Del("k1")};
  for (Side side : kSides) {
    all.push_back(Up(side));
    for (int p = 0; p < kCrashPointCount; ++p) all.push_back(Up(side, static_cast<CrashPoint>(p)));
    all.push_back(Kill(side));
    for (Dir dir : {Dir::kTemp, Dir::kData}) {
      all.push_back(Inject(side, dir, FaultKind::kDiskFull));
      all.push_back(Inject(side, dir, FaultKind::kAccessDenied));
      all.push_back(Remove(side, dir));
    }
    all.push_back(Sync(side, Peer(side)));
  }
  return all;
}

// Plain starts and submits are drawn more often than crash points and faults, so that runs
// reach full pairs and long histories.
rc::Gen<Command> GenCommand() {
  static const std::vector<Command> all = AllCommands();
  return rc::gen::weightedOneOf<Command>({
      {4, rc::gen::element(Set("k1", "v1"), Set("k2", "v2"), Set("k1", "v2"), Del("k1"))},
      {3, rc::gen::element(Up(A), Up(B))},
      {4, rc::gen::map(rc::gen::inRange<std::size_t>(0, all.size()),
                       [](std::size_t i) { return all[i]; })},
  });
}

// Checks one step; returns a description of what went wrong, or "".
std::string CheckOneStep(const State& before, const Command& cmd, const State& after) {
  if (auto v = CheckInvariants(after)) return ToString(*v);
  for (const SideState& x : after.sides) {
    if (!x.IsRunning() && (!x.memory.empty() || x.crash_point || x.temp_files_at_start != 0)) {
      return "a down side is not in canonical form";
    }
  }
  Observation observed = Predict(after);
  for (SideObservation& x : observed.sides) x.checksum = x.status == SideStatus::kDown ? "" : "c";
  if (auto v = CheckStep(before, cmd, after, observed)) return "self-check: " + ToString(*v);
  if ((Encode(before) == Encode(after)) != (before == after)) return "Encode is not canonical";
  return "";
}

RC_GTEST_PROP(StRandom, CommandSequencesKeepEveryInvariant, ()) {
  const Config config{*rc::gen::inRange<std::size_t>(0, 5)};
  const auto script = *rc::gen::container<std::vector<Command>>(GenCommand());
  State s;
  for (const Command& cmd : script) {
    if (!Precondition(s, cmd)) continue;
    const State before = s;
    Apply(s, cmd, config);
    const std::string problem = CheckOneStep(before, cmd, s);
    RC_ASSERT(problem == std::string());
  }
}

RC_GTEST_PROP(StRandom, ApplyWithoutPreconditionChangesNothing, ()) {
  const auto script = *rc::gen::container<std::vector<Command>>(GenCommand());
  State s;
  for (const Command& cmd : script) {
    const State before = s;
    Apply(s, cmd, Config{2});
    if (!Precondition(before, cmd)) RC_ASSERT(s == before);
  }
}

// What a search saw of the rare paths.
struct Coverage {
  bool incremental = false;  // an incremental transfer that sent entries
  bool full = false;
  bool timeout = false;  // a receiver assert
  bool unknown = false;  // an unavailable-after-accept outcome
  void Note(const State& s) {
    for (const SideState& x : s.sides) {
      if (x.last_transfer && x.last_transfer->mode == TransferMode::kIncremental &&
          x.last_transfer->entries_sent > 0) {
        incremental = true;
      }
      if (x.last_transfer && x.last_transfer->mode == TransferMode::kFull) full = true;
      if (x.last_exit == ExitKind::kTransferTimeout) timeout = true;
    }
    if (s.last_outcome && s.last_outcome->result == InputResult::kUnavailableAfterAccept) {
      unknown = true;
    }
  }
};

// Breadth-first from `root` over every command, `max_depth` steps deep. Checks every step
// (gtest failure on the first problem) and returns the number of distinct states.
std::size_t Explore(const State& root, int max_depth, const Config& config, Coverage& coverage) {
  const std::vector<Command> all = AllCommands();
  std::unordered_map<std::string, int> depth_of{{Encode(root), 0}};
  std::deque<std::pair<State, int>> queue{{root, 0}};
  while (!queue.empty()) {
    auto [s, depth] = std::move(queue.front());
    queue.pop_front();
    if (depth >= max_depth) continue;
    for (const Command& cmd : all) {
      if (!Precondition(s, cmd)) continue;
      State next = s;
      Apply(next, cmd, config);
      const std::string problem = CheckOneStep(s, cmd, next);
      EXPECT_EQ(problem, "") << Describe(cmd) << " from\n" << DebugString(s);
      if (!problem.empty()) return depth_of.size();
      if (!depth_of.emplace(Encode(next), depth + 1).second) continue;
      coverage.Note(next);
      queue.emplace_back(std::move(next), depth + 1);
    }
  }
  return depth_of.size();
}

// Every reachable state near two roots (a cold system, and a pair whose B fell behind)
// satisfies the invariants, and the search meets the rare paths.
TEST(StExhaustive, BoundedSearchFindsNoViolationAndCoversTheRarePaths) {
  const Config config{.log_capacity = 2};
  Coverage coverage;
  State behind = Pair(config);
  RunOn(behind, {Set("k1", "v1"), Kill(B), Set("k2", "v2")}, config);
  const std::size_t states =
      Explore(State{}, 3, config, coverage) + Explore(behind, 3, config, coverage);
  EXPECT_TRUE(coverage.incremental);
  EXPECT_TRUE(coverage.full);
  EXPECT_TRUE(coverage.timeout);
  EXPECT_TRUE(coverage.unknown);
  std::cout << "bounded search: " << states << " states\n";
}

}  // namespace
}  // namespace lockstep::model::st
