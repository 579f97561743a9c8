// Every seeded bug in the catalogue must be caught by the property tests, with the property
// the catalogue names failing, a shrunk counterexample of a handful of steps, and a reproduce
// string that replays to the same failure.
#include <gtest/gtest.h>

#include "harness/bugs/seeded_bugs.h"
#include "harness/os/sandbox.h"
#include "harness/property/property_runner.h"
#include "harness/protocols.h"
#include "tests/support/test_env.h"

namespace lockstep::harness {
namespace {

constexpr std::size_t kHandfulOfSteps = 12;

std::vector<std::string> BugNames(const std::string& protocol) {
  std::vector<std::string> names;
  for (const auto& bug : SeededBugs()) {
    if (bug.protocol == protocol) names.push_back(bug.name);
  }
  return names;
}

// "B" of "Start(B, crash=...)", "SYSTEM73" of "Start(SYSTEM73, journal-1, crash=...)"; "" for
// a step that is no Start with a crash point.
std::string SideStartedWithCrashPoint(const std::string& step) {
  if (step.rfind("Start(", 0) != 0 || step.find(", crash=") == std::string::npos) return "";
  return step.substr(6, step.find(',') - 6);
}

// Every crash point armed in `c`'s shrunk steps fired: a crash fault on that side at its Start
// or later, before the side's next Start. One that never fired took no effect and must have
// been shrunk away (issue 13).
void ExpectEveryCrashPointFired(const reports::Counterexample& c) {
  for (std::size_t i = 0; i < c.shrunk.size(); ++i) {
    const std::string side = SideStartedWithCrashPoint(c.shrunk[i]);
    if (side.empty()) continue;
    std::size_t next_start = c.shrunk.size() + 1;  // 1-based step of the side's next Start
    for (std::size_t j = i + 1; j < c.shrunk.size() && next_start > c.shrunk.size(); ++j) {
      if (c.shrunk[j].rfind("Start(" + side + ",", 0) == 0 || c.shrunk[j] == "Start(" + side + ")") {
        next_start = j + 1;
      }
    }
    bool fired = false;
    for (const auto& f : c.faults) {
      fired = fired || (f.kind == "crash" && f.side == side && f.step >= static_cast<int>(i + 1) &&
                        f.step < static_cast<int>(next_start));
    }
    EXPECT_TRUE(fired) << "step " << i + 1 << " " << c.shrunk[i]
                       << ": its crash point never fired, yet it was not shrunk away";
  }
}

class SeededBugCaught : public ::testing::TestWithParam<std::string> {};

TEST_P(SeededBugCaught, ExpectedPropertyFailsWithShortReplayableCounterexample) {
  const SeededBug* bug = FindSeededBug(GetParam());
  ASSERT_NE(bug, nullptr);
  auto sandbox = Sandbox::Create();
  ASSERT_TRUE(sandbox) << sandbox.error().message;
  RunSettings settings;
  settings.seed = 7;
  settings.tests = 200;  // an upper bound: the search stops at the first failure
  settings.max_steps = 25;
  settings.bug = bug->name;
  settings.faults = bug->faults;
  settings.impl_dir = testing::BinDir();
  const ProtocolPlugin* protocol = FindProtocol(bug->protocol);
  ASSERT_NE(protocol, nullptr);
  const auto run = protocol->Run(settings, *sandbox);
  ASSERT_TRUE(run) << run.error().message;
  const reports::PropertyResult* failed = nullptr;
  for (const auto& p : run->properties) {
    if (p.verdict == reports::Verdict::kFailed) failed = &p;
    EXPECT_NE(p.verdict, reports::Verdict::kOther) << p.id << ": " << p.reason;
  }
  ASSERT_NE(failed, nullptr) << bug->name << " was not caught";
  EXPECT_EQ(failed->id, bug->property) << failed->reason;
  ASSERT_TRUE(failed->counterexample);
  EXPECT_LE(failed->counterexample->shrunk.size(), kHandfulOfSteps);
  EXPECT_EQ(failed->counterexample->shrink_stopped, "") << "shrinking did not run to its end";
  EXPECT_FALSE(failed->reproduce.empty());
  ExpectEveryCrashPointFired(*failed->counterexample);
  for (const auto& f : failed->counterexample->faults) {  // each fault on its side's lane
    EXPECT_FALSE(f.side.empty()) << f.kind << " on " << f.target << " at step " << f.step
                                 << " names no side";
  }

  auto replay = protocol->Replay(settings, *sandbox, failed->counterexample->shrunk, nullptr);
  ASSERT_TRUE(replay) << replay.error().message;
  ASSERT_TRUE(replay->violation) << "the shrunk counterexample did not fail again on replay";
  EXPECT_EQ(replay->violation->property_id, bug->property);
}

INSTANTIATE_TEST_SUITE_P(StateTransfer, SeededBugCaught,
                         ::testing::ValuesIn(BugNames("state-transfer")),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name) c = std::isalnum(c) ? c : '_';
                           return name;
                         });

INSTANTIATE_TEST_SUITE_P(Resync, SeededBugCaught, ::testing::ValuesIn(BugNames("resync")),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name) c = std::isalnum(c) ? c : '_';
                           return name;
                         });

}  // namespace
}  // namespace lockstep::harness
