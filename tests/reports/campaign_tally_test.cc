#include "reports/campaign_tally.h"

#include <gtest/gtest.h>

#include "reports/ctrf.h"
#include "tests/reports/fixtures.h"

namespace lockstep::reports {
namespace {

using nlohmann::json;
using testing::FailedProperty;
using testing::PassedProperty;
using testing::SampleRun;

json SeedReport(std::uint64_t seed, std::vector<std::string> shrunk) {
  RunInfo run = SampleRun();
  run.seed = seed;
  PropertyResult failed = FailedProperty();
  failed.seed = seed;
  failed.reproduce = "st:ST-4:seed=" + std::to_string(seed);
  failed.counterexample->shrunk = std::move(shrunk);
  return ToCtrf(run, {PassedProperty(), failed});
}

TEST(CampaignTally, OneBugFoundByManySeedsIsOneRow) {
  CampaignTally tally;
  // Seeds 1 and 2 shrank to the same commands up to their arguments: one bug.
  tally.AddSeed(1, SeedReport(1, {"Start(A)", "Submit(del k2)", "Start(B)"}));
  tally.AddSeed(2, SeedReport(2, {"Start(B)", "Submit(set k1=v7)", "Start(A, crash=x)"}));
  tally.AddSeed(3, SeedReport(3, {"Start(B)", "Start(A)"}));
  tally.AddSeed(4, ToCtrf(SampleRun(), {PassedProperty()}));
  const json j = tally.ToJson();
  ASSERT_EQ(j["failures"].size(), 2u) << j.dump(2);
  EXPECT_EQ(j["failures"][0]["seeds"], json({1, 2}));
  EXPECT_EQ(j["failures"][0]["property"], "ST-4");
  EXPECT_EQ(j["failures"][0]["reproduce"], "st:ST-4:seed=1");
  EXPECT_EQ(j["failures"][0]["steps"], json({"Start", "Submit", "Start"}));
  EXPECT_EQ(j["failures"][0]["shrunk"], json({"Start(A)", "Submit(del k2)", "Start(B)"}));
  EXPECT_EQ(j["failures"][1]["seeds"], json({3}));
  EXPECT_EQ(j["seeds_run"], 4);
  EXPECT_EQ(j["seeds_failed"], 3);
  EXPECT_EQ(tally.failures(), 3u);
  // Figures are each report's run-level ones (its protocol's search counted once, though
  // both its properties show the search's cases), summed over the seeds.
  auto cases_of = [](const json& r) {
    std::uint64_t n = 0;
    for (const auto& [p, t] : r["results"]["extra"]["protocols"].items()) n += t["cases"].get<std::uint64_t>();
    return n;
  };
  const std::uint64_t expected = 3 * cases_of(SeedReport(1, {})) + cases_of(ToCtrf(SampleRun(), {PassedProperty()}));
  EXPECT_EQ(j["cases"].get<std::uint64_t>(), expected);
  EXPECT_EQ(j["reproduction"]["replayed"], 0);
  EXPECT_TRUE(j["reproduction"]["rate"].is_null());
  EXPECT_FALSE(j["failures"][0]["reproduced"]);  // not replayed yet
}

TEST(CampaignTally, ReplaysAreHandedOutOnceAndCountedPerRow) {
  CampaignTally tally;
  tally.AddSeed(1, SeedReport(1, {"Start(A)"}));
  tally.AddSeed(2, SeedReport(2, {"Start(A)"}));
  auto replays = tally.TakeReplays();
  ASSERT_EQ(replays.size(), 2u);
  EXPECT_TRUE(tally.TakeReplays().empty());
  EXPECT_EQ(replays[0].reproduce, "st:ST-4:seed=1");
  tally.AddReplay(replays[0], true);
  json j = tally.ToJson();
  EXPECT_FALSE(j["failures"][0]["reproduced"]) << "one seed not replayed yet";
  tally.AddReplay(replays[1], true);
  j = tally.ToJson();
  EXPECT_TRUE(j["failures"][0]["reproduced"]);
  EXPECT_EQ(j["failures"][0]["reproduced_seeds"], json({1, 2}));
  EXPECT_DOUBLE_EQ(j["reproduction"]["rate"].get<double>(), 1.0);
  tally.AddSeed(3, SeedReport(3, {"Start(A)"}));
  tally.AddReplay(tally.TakeReplays().at(0), false);
  j = tally.ToJson();
  EXPECT_FALSE(j["failures"][0]["reproduced"]);
  EXPECT_EQ(j["failures"][0]["not_reproduced_seeds"], json({3}));
  EXPECT_NEAR(j["reproduction"]["rate"].get<double>(), 2.0 / 3, 1e-9);
}

}  // namespace
}  // namespace lockstep::reports
