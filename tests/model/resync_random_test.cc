// Random runs of the resync model with 2 and 3 systems: every reachable state satisfies the
// invariants and the canonical form, the model agrees with its own prediction step by step,
// Encode() is canonical, and a bounded breadth-first search meets the rare paths.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <deque>
#include <iostream>
#include <ostream>
#include <unordered_set>
#include <vector>

#include "model/resync/properties.h"
#include "tests/model/rs_test_util.h"

namespace lockstep::model::rs {

// RapidCheck prints counterexamples through this (found by argument-dependent lookup).
void showValue(const Command& c, std::ostream& os) { os << Describe(c); }

namespace {

using namespace test_util;  // NOLINT: test helpers

// Every command over a small domain: two keys, two values, every crash point, txns 1..3.
std::vector<Command> AllCommands(int n) {
  std::vector<Command> all;
  for (int x = 0; x < n; ++x) {
    const int y = (x + 1) % n;
    all.push_back(Txn(x, {{y, {{"k1", "v" + std::to_string(x)}}}}));
    all.push_back(Txn(x, {{x, {{"k2", "a"}}}, {y, {{"k2", "b"}}}}));
    if (n == 3) all.push_back(Txn(x, {{(x + 1) % 3, {{"k1", "t"}}}, {(x + 2) % 3, {{"k1", "u"}}}}));
    all.push_back(Rd(y, "k1", x));
    all.push_back(Rd(x, "k2", x));
    for (int set : {1, 2}) {
      all.push_back(Up(x, set));
      all.push_back(Fmt(x, set));
    }
    for (int p = 0; p < kCrashPointCount; ++p) all.push_back(Up(x, 1, static_cast<CrashPoint>(p)));
    all.push_back(Kill(x));
    for (int p = 0; p < n; ++p) {
      if (p == x) continue;
      all.push_back(Ignore(x, p));
      all.push_back(Defer(x, p));
      all.push_back(Vary(x, p));
    }
    for (int t = 1; t <= 3; ++t) {
      all.push_back(Done(x, t, CompleteAction::kCommit));
      all.push_back(Done(x, t, CompleteAction::kBackout));
    }
    all.push_back(Inject(x, JournalFault::kDiskFull));
    all.push_back(Inject(x, JournalFault::kAccessDenied));
    all.push_back(Remove(x));
  }
  return all;
}

// Commands valid in `s` (at least one always is: a Start or a Crash).
std::vector<Command> Valid(const State& s, const std::vector<Command>& all) {
  std::vector<Command> out;
  for (const Command& c : all) {
    if (Precondition(s, c)) out.push_back(c);
  }
  return out;
}

// Checks one step; returns a description of what went wrong, or "".
std::string CheckOneStep(const State& before, const Command& cmd, const State& after) {
  if (auto v = CheckInvariants(after)) return ToString(*v);
  for (int x = 0; x < after.size(); ++x) {
    const SystemState& a = after.at(x);
    if (!a.up && (a.startup || a.crash_point || a.synced || a.deferred || !a.prompts.empty())) {
      return SystemName(x) + " is down but not in canonical form";
    }
    for (int y = 0; y < after.size(); ++y) {
      if (Has(a.synced, y) != Has(after.at(y).synced, x)) return "synced is not symmetric";
    }
  }
  if (auto v = CheckStep(before, cmd, after, Predict(after))) return "self-check: " + ToString(*v);
  if ((Encode(before) == Encode(after)) != (before == after)) return "Encode is not canonical";
  return "";
}

void RandomRun(int systems) {
  const std::vector<Command> all = AllCommands(systems);
  State s = InitialState(Config{systems});
  const int steps = *rc::gen::inRange(0, 60);
  for (int i = 0; i < steps; ++i) {
    // Starts are drawn often, so that runs reach running systems and transactions.
    const std::vector<Command> valid = Valid(s, all);
    const Command cmd = valid[*rc::gen::inRange<std::size_t>(0, valid.size())];
    const State before = s;
    Apply(s, cmd);
    const std::string problem = CheckOneStep(before, cmd, s);
    if (!problem.empty()) RC_FAIL(Describe(cmd) + ": " + problem + "\n" + DebugString(before));
  }
}

RC_GTEST_PROP(RsRandom, TwoSystemsKeepEveryInvariant, ()) { RandomRun(2); }
RC_GTEST_PROP(RsRandom, ThreeSystemsKeepEveryInvariant, ()) { RandomRun(3); }

RC_GTEST_PROP(RsRandom, ApplyWithoutPreconditionChangesNothing, ()) {
  const std::vector<Command> all = AllCommands(3);
  State s = InitialState(Config{3});
  for (int i = 0; i < 30; ++i) {
    const Command cmd = all[*rc::gen::inRange<std::size_t>(0, all.size())];
    const State before = s;
    Apply(s, cmd);
    if (!Precondition(before, cmd)) RC_ASSERT(s == before);
  }
}

// What a search saw of the rare paths.
struct Coverage {
  bool prompt = false, manual_pending = false, by_hand = false, redo = false;
  std::unordered_set<int> crash_points;
  void Note(const State& s, const StepEvents& ev) {
    for (const FiredCrashPoint& fired : ev.crash_points) crash_points.insert(static_cast<int>(fired.point));
    for (const SystemState& x : s.systems) {
      prompt = prompt || !x.prompts.empty();
      for (const auto& [seq, b] : x.journal().branches) {
        manual_pending = manual_pending || b.state == BranchState::kManualPending;
        by_hand = by_hand || b.by_hand;
        redo = redo || b.redo;
      }
    }
  }
};

// Breadth-first from `root` over every command, `max_depth` steps deep. Checks every step and
// returns the number of distinct states.
std::size_t Explore(const State& root, int max_depth, Coverage& coverage) {
  const std::vector<Command> all = AllCommands(root.size());
  std::unordered_set<std::string> seen{Encode(root)};
  std::deque<std::pair<State, int>> queue{{root, 0}};
  while (!queue.empty()) {
    auto [s, depth] = std::move(queue.front());
    queue.pop_front();
    if (depth >= max_depth) continue;
    for (const Command& cmd : all) {
      if (!Precondition(s, cmd)) continue;
      State next = s;
      StepEvents ev;
      Apply(next, cmd, &ev);
      const std::string problem = CheckOneStep(s, cmd, next);
      EXPECT_EQ(problem, "") << Describe(cmd) << " from\n" << DebugString(s);
      if (!problem.empty()) return seen.size();
      if (!seen.insert(Encode(next)).second) continue;
      coverage.Note(next, ev);
      queue.emplace_back(std::move(next), depth + 1);
    }
  }
  return seen.size();
}

TEST(RsExhaustive, BoundedSearchFindsNoViolationAndCoversTheRarePaths) {
  Coverage coverage;
  State in_doubt = InDoubtAtParticipant();
  State running = AllUp();
  RunOn(running, {Txn(S73, {{S74, {{"k1", "v1"}}}})});
  const std::size_t states = Explore(in_doubt, 3, coverage) + Explore(running, 3, coverage);
  EXPECT_TRUE(coverage.prompt);
  EXPECT_TRUE(coverage.manual_pending);
  EXPECT_TRUE(coverage.redo);
  EXPECT_GE(coverage.crash_points.size(), 4u);
  std::cout << "bounded search: " << states << " states, " << coverage.crash_points.size()
            << " crash points\n";
}

}  // namespace
}  // namespace lockstep::model::rs
