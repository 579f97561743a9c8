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
