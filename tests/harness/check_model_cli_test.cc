// lockstep check-model as a user meets it: the correct state-transfer and resync models pass a
// small exhaustive search, each broken variant is caught with a short path, usage errors exit
// 2, and a variant's counterexample replays on the real (correct) processes without failure;
// a resync variant's counterexample fails on the implementation with the matching seeded bug.
#include <chrono>
#include <fstream>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "harness/os/process.h"
#include "tests/support/cli_test_fixture.h"
#include "tests/support/test_env.h"

namespace lockstep::harness {
namespace {

namespace fs = std::filesystem;

constexpr const char* kSmallBounds = "inputs=2,crashes=1,faults=1,starts=3";
constexpr const char* kResyncBounds =
    "transactions=2,reads=1,crashes=1,starts=3,formats=1,replies=1,faults=0";

using lockstep::testing::CliResult;

class CheckModelCli : public lockstep::testing::CliTest {
 protected:
  CliResult RunCli(std::vector<std::string> args) {
    return CliTest::RunCli(std::move(args), std::chrono::seconds(300));
  }

  nlohmann::json Json(const CliResult& r) {
    auto j = nlohmann::json::parse(r.output, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.output;
    return j;
  }
};

TEST_F(CheckModelCli, CorrectModelPassesAsJson) {
  auto r = RunCli({"check-model", "--protocol", "state-transfer", "--bounds", kSmallBounds,
                   "--json", "--save-coverage", (dir_ / "coverage.txt").string()});
  EXPECT_EQ(r.exit.code, 0) << r.output;
  auto j = Json(r);
  EXPECT_EQ(j["verdict"], "passed");
  EXPECT_EQ(j["variant"], "correct");
  EXPECT_TRUE(j["symmetry"].get<bool>());
  EXPECT_TRUE(j["complete"].get<bool>());
  EXPECT_GT(j["distinct_states"].get<std::uint64_t>(), 10000u);
  EXPECT_GT(j["states_visited"].get<std::uint64_t>(), j["distinct_states"].get<std::uint64_t>());
  EXPECT_GT(j["depth"].get<int>(), 0);
  EXPECT_GT(j["states_per_second"].get<double>(), 0);
  EXPECT_GT(j["memory"]["table_bytes"].get<std::uint64_t>(), 0u);
  EXPECT_GT(j["memory"]["rss_bytes"].get<std::uint64_t>(), 0u);
  EXPECT_FALSE(j.contains("violation"));
  std::ifstream coverage(dir_ / "coverage.txt");
  std::string first;
  std::getline(coverage, first);
  EXPECT_EQ(first, "lockstep-coverage 1");
}

TEST_F(CheckModelCli, ResyncCorrectModelPassesAsJson) {
  auto r = RunCli({"check-model", "--protocol", "resync", "--bounds", kResyncBounds, "--json",
                   "--save-coverage", (dir_ / "coverage.txt").string()});
  EXPECT_EQ(r.exit.code, 0) << r.output;
  auto j = Json(r);
  EXPECT_EQ(j["protocol"], "resync");
  EXPECT_EQ(j["verdict"], "passed");
  EXPECT_EQ(j["variant"], "correct");
  EXPECT_EQ(j["bounds"], "systems=2,transactions=2,reads=1,crashes=1,starts=3,formats=1,"
                         "replies=1,faults=0,keys=1,values=1");
  EXPECT_TRUE(j["symmetry"].get<bool>());
  EXPECT_TRUE(j["complete"].get<bool>());
  EXPECT_GT(j["distinct_states"].get<std::uint64_t>(), 10000u);
  EXPECT_GT(j["states_visited"].get<std::uint64_t>(), j["distinct_states"].get<std::uint64_t>());
  EXPECT_GT(j["depth"].get<int>(), 0);
  EXPECT_GT(j["states_per_second"].get<double>(), 0);
  EXPECT_GT(j["memory"]["table_bytes"].get<std::uint64_t>(), 0u);
  EXPECT_FALSE(j.contains("violation"));
  std::ifstream coverage(dir_ / "coverage.txt");
  std::string first, protocol;
  std::getline(coverage, first);
  std::getline(coverage, protocol);
  EXPECT_EQ(first, "lockstep-coverage 1");
  EXPECT_EQ(protocol, "protocol resync");
  // Three systems work too, and a bad bound or variant is named.
  auto three = RunCli({"check-model", "--protocol", "resync", "--bounds",
                       "systems=3,transactions=1,reads=0,crashes=0,formats=1,faults=0", "--json"});
  EXPECT_EQ(three.exit.code, 0) << three.output;
  EXPECT_EQ(Json(three)["verdict"], "passed");
  auto bad_bound = RunCli({"check-model", "--protocol", "resync", "--bounds", "systems=4"});
  EXPECT_EQ(bad_bound.exit.code, 2);
  EXPECT_NE(bad_bound.output.find("bound 'systems=4': systems takes"), std::string::npos)
      << bad_bound.output;
  auto bad_variant = RunCli({"check-model", "--protocol", "resync", "--variant",
                             "no-high-water-check"});
  EXPECT_EQ(bad_variant.exit.code, 2);
  EXPECT_NE(bad_variant.output.find("unknown variant 'no-high-water-check' for resync"),
            std::string::npos)
      << bad_variant.output;
}

TEST_F(CheckModelCli, ListVariantsAsJson) {
  auto r = RunCli({"check-model", "--list-variants", "--json"});
  EXPECT_EQ(r.exit.code, 0) << r.output;
  auto j = Json(r);
  ASSERT_TRUE(j.is_array());
  ASSERT_EQ(j.size(), 4u);
  std::set<std::string> names;
  for (const auto& v : j) {
    const std::string protocol = v["protocol"];
    EXPECT_TRUE(protocol == "state-transfer" || protocol == "resync") << protocol;
    names.insert(v["name"].get<std::string>());
    EXPECT_EQ(v["property"].get<std::string>().rfind(protocol == "resync" ? "RS-" : "ST-", 0), 0u);
  }
  EXPECT_TRUE(names.contains("no-stamp-comparison"));
  EXPECT_TRUE(names.contains("no-startup-comparison"));
}

TEST_F(CheckModelCli, UsageErrorsExitTwo) {
  auto unknown_variant = RunCli({"check-model", "--protocol", "state-transfer", "--variant", "nope"});
  EXPECT_EQ(unknown_variant.exit.code, 2);
  EXPECT_NE(unknown_variant.output.find("unknown variant 'nope'"), std::string::npos);
  auto unknown_protocol = RunCli({"check-model", "--protocol", "bogus"});
  EXPECT_EQ(unknown_protocol.exit.code, 2);
  EXPECT_NE(unknown_protocol.output.find("'bogus'"), std::string::npos);
  auto bad_bound = RunCli({"check-model", "--protocol", "state-transfer", "--bounds", "imputs=2"});
  EXPECT_EQ(bad_bound.exit.code, 2);
  EXPECT_NE(bad_bound.output.find("unknown bound 'imputs'"), std::string::npos);
}

// A --save-coverage path that cannot be written is refused before the search (at these
// bounds 30 to 45 s here, 2 cores shared: 1.5 million states without symmetry), naming the
// option and the path, and leaves nothing behind.
TEST_F(CheckModelCli, AnUnwritableCoveragePathIsRefusedBeforeTheSearch) {
  fs::create_directory(dir_ / "adir");
  const std::vector<std::string> paths{(dir_ / "no" / "such" / "coverage.txt").string(),
                                       (dir_ / "adir").string()};
  for (const std::string& path : paths) {
    const auto start = std::chrono::steady_clock::now();
    auto r = RunCli({"check-model", "--protocol", "resync", "--no-symmetry", "--save-coverage", path});
    const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start);
    EXPECT_EQ(r.exit.code, 2) << path << ": " << r.output;
    EXPECT_NE(r.output.find("--save-coverage " + path + ": coverage file "), std::string::npos)
        << r.output;
    EXPECT_LT(seconds.count(), 5.0) << path << ": the search ran first";
    std::vector<std::string> left;
    for (const auto& e : fs::recursive_directory_iterator(dir_)) left.push_back(e.path().string());
    EXPECT_EQ(left, std::vector<std::string>{(dir_ / "adir").string()}) << path;
    EXPECT_TRUE(fs::is_empty(dir_ / "adir"));
  }
}

// Each variant fails with its property and a short path; the path's reproduce string runs on
// the real processes, which implement the protocol correctly, so every property holds there.
TEST_F(CheckModelCli, VariantCounterexamplesReplayCleanlyOnTheRealSystem) {
  auto list = Json(RunCli({"check-model", "--list-variants", "--json"}));
  for (const auto& v : list) {
    if (v["protocol"] != "state-transfer") continue;
    const std::string name = v["name"];
    SCOPED_TRACE(name);
    auto r = RunCli({"check-model", "--protocol", "state-transfer", "--bounds", kSmallBounds,
                     "--variant", name, "--json"});
    EXPECT_EQ(r.exit.code, 1) << r.output;
    auto j = Json(r);
    ASSERT_TRUE(j.contains("violation")) << r.output;
    const auto& properties = j["violation"]["properties"];
    EXPECT_NE(std::find(properties.begin(), properties.end(), v["property"]), properties.end());
    EXPECT_LE(j["violation"]["path"].size(), 4u);
    const std::string reproduce = j["violation"]["reproduce"];
    ASSERT_EQ(reproduce.rfind("lockstep1|protocol=state-transfer|", 0), 0u) << reproduce;
    auto replay = RunCli({"replay", "--reproduce", reproduce, "--sandbox-root",
                          (dir_ / "sandbox").string()});
    EXPECT_EQ(replay.exit.code, 0) << replay.output;
    EXPECT_NE(replay.output.find("every property held"), std::string::npos) << replay.output;
  }
}

// Each resync variant fails with its property and a short path. Its reproduce string runs on
// the real processes: the correct implementation passes; the seeded bug that makes the same
// mistake fails, with the variant's property.
TEST_F(CheckModelCli, ResyncVariantCounterexamplesReplayOnTheRealSystem) {
  const std::vector<std::pair<std::string, std::string>> variant_bug{
      {"no-stamp-comparison", "resync-ignores-stamp"},
      {"no-startup-comparison", "startup-time-not-compared"}};
  for (const auto& [variant, bug] : variant_bug) {
    SCOPED_TRACE(variant);
    auto r = RunCli({"check-model", "--protocol", "resync", "--bounds", kResyncBounds,
                     "--variant", variant, "--json"});
    EXPECT_EQ(r.exit.code, 1) << r.output;
    auto j = Json(r);
    ASSERT_TRUE(j.contains("violation")) << r.output;
    const std::string property = variant == "no-stamp-comparison" ? "RS-2" : "RS-5";
    EXPECT_EQ(j["violation"]["property"], property);
    EXPECT_LE(j["violation"]["path"].size(), 6u);
    const std::string reproduce = j["violation"]["reproduce"];
    ASSERT_EQ(reproduce.rfind("lockstep1|protocol=resync|", 0), 0u) << reproduce;
    auto clean = RunCli({"replay", "--reproduce", reproduce, "--sandbox-root",
                         (dir_ / "sandbox").string()});
    EXPECT_EQ(clean.exit.code, 0) << clean.output;
    EXPECT_NE(clean.output.find("every property held"), std::string::npos) << clean.output;
    const auto at = reproduce.find("|bug=|");
    ASSERT_NE(at, std::string::npos) << reproduce;
    const std::string with_bug =
        reproduce.substr(0, at) + "|bug=" + bug + "|" + reproduce.substr(at + 6);
    auto buggy = RunCli({"replay", "--reproduce", with_bug, "--sandbox-root",
                         (dir_ / "sandbox").string()});
    EXPECT_EQ(buggy.exit.code, 1) << buggy.output;
    // The bug is seen at the step the model names, as the variant's property.
    const std::string seen = property;
    EXPECT_TRUE(std::regex_search(buggy.output, std::regex("FAILED " + seen + " at step " +
                                                           std::to_string(j["violation"]["path"].size()))))
        << buggy.output;
  }
}

}  // namespace
}  // namespace lockstep::harness
