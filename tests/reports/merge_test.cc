#include "reports/merge.h"

#include <gtest/gtest.h>

#include "reports/campaign_tally.h"
#include "reports/ctrf.h"
#include "reports/from_ctrf.h"
#include "reports/schema.h"
#include "tests/reports/fixtures.h"

namespace lockstep::reports {
namespace {

using nlohmann::json;
using testing::AllThree;
using testing::FailedProperty;
using testing::PassedProperty;
using testing::SampleRun;
using testing::UndecidedProperty;

// Shard 2 of a campaign: ST-1 fails there, ST-4 and RS-2 pass, and it ran ST-9 too.
json SecondShard() {
  RunInfo run = SampleRun();
  run.seed = 1000;
  run.start_ms -= 5000;
  run.stop_ms += 9000;
  run.host = "ci-8";
  PropertyResult st1 = FailedProperty();
  st1.id = "ST-1";
  st1.name = "single service";
  st1.seed = 1001;
  st1.reproduce = "st:ST-1:seed=1001";
  st1.counterexample->message = "shard 2 counterexample";
  PropertyResult st4 = PassedProperty();
  st4.id = "ST-4";
  st4.name = "clean failure";
  st4.cases = 83;
  PropertyResult rs2 = UndecidedProperty();
  rs2.verdict = Verdict::kPassed;
  rs2.reason.clear();
  PropertyResult st9 = PassedProperty();
  st9.id = "ST-9";
  st9.name = "only here";
  return ToCtrf(run, {st1, st4, rs2, st9});
}

const json* Find(const json& report, const std::string& name) {
  for (const json& t : report["results"]["tests"]) {
    if (t["name"] == name) return &t;
  }
  return nullptr;
}

TEST(MergeTest, SumsCasesAndFailedWins) {
  Result<json> merged = MergeReports({ToCtrf(SampleRun(), AllThree()), SecondShard()});
  ASSERT_TRUE(merged) << merged.error().message;
  Status valid = ValidateReport(*merged);
  EXPECT_TRUE(valid) << valid.error().message;

  const json* st1 = Find(*merged, "ST-1 single service");
  ASSERT_NE(st1, nullptr);
  EXPECT_EQ((*st1)["status"], "failed");
  EXPECT_EQ((*st1)["extra"]["cases"], 117);  // 100 + 17
  EXPECT_EQ((*st1)["extra"]["reproduce"], "st:ST-1:seed=1001");
  EXPECT_EQ((*st1)["extra"]["counterexample"]["message"], "shard 2 counterexample");
  EXPECT_EQ((*st1)["extra"]["faults_by_kind"]["crash"], 17);

  const json* st4 = Find(*merged, "ST-4 clean failure");
  ASSERT_NE(st4, nullptr);
  EXPECT_EQ((*st4)["status"], "failed");
  EXPECT_EQ((*st4)["extra"]["cases"], 100);  // 17 + 83
  EXPECT_EQ((*st4)["extra"]["seed"], 7);
  EXPECT_EQ((*st4)["extra"]["failures"].size(), 1u);

  const json* rs2 = Find(*merged, "RS-2 in-doubt kept");
  ASSERT_NE(rs2, nullptr);
  EXPECT_EQ((*rs2)["status"], "other");  // other beats passed
  EXPECT_EQ((*rs2)["extra"]["reason"], "gave up: 1000 discarded cases");
  EXPECT_NE(Find(*merged, "ST-9 only here"), nullptr);
}

// Two seeds of a campaign, each a search whose two state-transfer properties both saw its 3
// crashes: the campaign injected 6 crashes (and 2 reformats), not 12.
TEST(MergeTest, RunFaultsCountEachProtocolsSearchOnce) {
  auto seed = [](std::uint64_t n) {
    RunInfo run = SampleRun();
    run.seed = n;
    PropertyResult st1 = PassedProperty(), st2 = PassedProperty();
    st2.id = "ST-2";
    st1.faults_by_kind = st2.faults_by_kind = {{"crash", 3}};
    st1.duration_ms = st2.duration_ms = 500;
    PropertyResult rs1 = UndecidedProperty();
    rs1.verdict = Verdict::kPassed;
    rs1.reason.clear();
    rs1.faults_by_kind = {{"reformat", 1}};
    return ToCtrf(run, {st1, st2, rs1});
  };
  Result<json> merged = MergeReports({seed(1), seed(2)});
  ASSERT_TRUE(merged) << merged.error().message;
  const json& x = (*merged)["results"]["extra"];
  EXPECT_EQ(x["faults_by_kind"], json({{"crash", 6}, {"reformat", 2}}));
  EXPECT_EQ(x["protocols"]["state-transfer"]["cases"], 200);
  EXPECT_EQ(x["protocols"]["state-transfer"]["duration_ms"], 2000.0);
  EXPECT_EQ((*Find(*merged, "ST-2 single service"))["extra"]["faults_by_kind"]["crash"], 6);
}

TEST(MergeTest, APassTruncatedInAnyShardStaysTruncatedUnlessItFailed) {
  PropertyResult full = PassedProperty(), cut = PassedProperty();
  cut.truncated = true;
  cut.reason = "truncated: held on every step of the 3 cases run (of 100 asked for)";
  const json merged = *MergeReports({ToCtrf(SampleRun(1), {full}), ToCtrf(SampleRun(2), {cut})});
  const json& extra = merged["results"]["tests"][0]["extra"];
  EXPECT_EQ(extra["verdict"], "passed");
  EXPECT_EQ(extra["truncated"], true);
  EXPECT_EQ(extra["reason"], cut.reason);
  EXPECT_EQ(extra["cases"], 200);
  PropertyResult failed = FailedProperty();
  failed.id = full.id;
  failed.name = full.name;
  const json worse = *MergeReports({merged, ToCtrf(SampleRun(3), {failed})});
  EXPECT_EQ(worse["results"]["tests"][0]["extra"]["verdict"], "failed");
  EXPECT_EQ(worse["results"]["tests"][0]["extra"]["truncated"], false);
}

TEST(MergeTest, RecomputesRunLevel) {
  const json first = ToCtrf(SampleRun(), AllThree());
  const json second = SecondShard();
  const json merged = *MergeReports({first, second});
  const json& summary = merged["results"]["summary"];
  EXPECT_EQ(summary["tests"], 4);
  EXPECT_EQ(summary["failed"], 2);
  EXPECT_EQ(summary["other"], 1);
  EXPECT_EQ(summary["passed"], 1);
  EXPECT_EQ(summary["start"], second["results"]["summary"]["start"]);
  EXPECT_EQ(summary["stop"], second["results"]["summary"]["stop"]);
  const json& x = merged["results"]["extra"];
  EXPECT_EQ(x["verdict"], "failed");
  EXPECT_EQ(x["seed"], 42);
  EXPECT_EQ(x["details"]["merged_from"], 2);
  ASSERT_EQ(x["details"]["shards"].size(), 2u);
  EXPECT_EQ(x["details"]["shards"][1]["host"], "ci-8");
  EXPECT_EQ(x["details"]["shards"][1]["seed"], 1000);
}

TEST(MergeTest, MergingAMergeStaysFlat) {
  const json first = ToCtrf(SampleRun(), AllThree());
  const json second = SecondShard();
  Result<json> folded = MergeReports({first, second});
  ASSERT_TRUE(folded);
  for (int i = 1; i <= 3; ++i) {
    json next = second;  // the next seed's report
    next["results"]["extra"]["seed"] = 1000 + i;
    folded = MergeReports({*folded, next});  // as a campaign folds seed after seed
    ASSERT_TRUE(folded) << folded.error().message;
  }
  const json& details = (*folded)["results"]["extra"]["details"];
  EXPECT_EQ(details["merged_from"], 5);
  ASSERT_EQ(details["shards"].size(), 5u);
  for (const json& shard : details["shards"]) {
    EXPECT_FALSE(shard["details"].contains("shards")) << shard.dump();
  }
  EXPECT_EQ(details["shards"][0]["seed"], 42);
  EXPECT_EQ(details["shards"][4]["host"], "ci-8");
}

TEST(MergeTest, RefusesASeedItAlreadyHolds) {
  const json second = SecondShard();
  Result<json> twice = MergeReports({second, second});
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().message.find("shard report 2 holds seed 1000 of "),
            std::string::npos)
      << twice.error().message;
  Result<json> merged = MergeReports({ToCtrf(SampleRun(), AllThree()), second});
  ASSERT_TRUE(merged);
  EXPECT_FALSE(MergeReports({*merged, second})) << "held inside a merge counts too";
}

// A campaign's shard report: details.campaign names the campaign and the shard.
json CampaignShard(const std::string& id, const std::string& shard) {
  RunInfo run = SampleRun();
  run.kind = "campaign";
  json campaign = CampaignTally().ToJson();
  campaign.update({{"campaign_id", id}, {"command_line", "lockstep campaign"}, {"complete", true},
                   {"interrupted_by", ""}, {"duration_asked_s", 60}, {"duration_run_s", 60.0},
                   {"jobs", 2}, {"shard", shard}, {"base_seed", 7}, {"protocol", "all"},
                   {"faults", "all"}, {"bug", ""}, {"tests_per_seed", 25}, {"max_steps", 30}});
  run.extra = {{"campaign", std::move(campaign)}};
  return ToCtrf(run, AllThree());
}

TEST(MergeTest, RefusesACampaignShardTwiceAndListsTheMissingOnes) {
  Result<json> twice = MergeReports({CampaignShard("c1", "1/4"), CampaignShard("c1", "1/4")});
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().message.find("shard 1/4 of campaign c1"), std::string::npos)
      << twice.error().message;

  Result<json> partial = MergeReports({CampaignShard("c1", "0/4"), CampaignShard("c1", "2/4")});
  ASSERT_TRUE(partial) << partial.error().message;
  EXPECT_EQ(partial->at("results")["extra"]["details"]["missing_shards"],
            json({"shard 1/4 of campaign c1", "shard 3/4 of campaign c1"}));
  Result<json> whole = MergeReports({*partial, CampaignShard("c1", "1/4"),
                                     CampaignShard("c1", "3/4")});
  ASSERT_TRUE(whole) << whole.error().message;
  EXPECT_FALSE(whole->at("results")["extra"]["details"].contains("missing_shards"));
  EXPECT_EQ(whole->at("results")["extra"]["details"]["merged_from"], 4);
}

TEST(MergeTest, UnitesModelCoverageKeysAndFallsBackToTheMaximumWithoutThem) {
  auto with_keys = [](std::vector<std::uint64_t> states) {
    RunInfo run = SampleRun(states.front());
    PropertyResult p = PassedProperty();
    p.coverage.state_keys = states;
    p.coverage.states_hit = states.size();
    p.coverage.states_total = 100;
    return ToCtrf(run, {p});
  };
  const json a = with_keys({1, 2, 3}), b = with_keys({3, 4});
  Result<json> merged = MergeReports({a, b});
  ASSERT_TRUE(merged) << merged.error().message;
  EXPECT_TRUE(ValidateReport(*merged));
  const json& states = (*merged)["results"]["tests"][0]["extra"]["coverage"]["states"];
  EXPECT_EQ(states["hit"], 4);  // {1, 2, 3} u {3, 4}
  EXPECT_EQ(states["total"], 100);
  // The keys are the protocol's, written once at run level.
  EXPECT_FALSE(states.contains("keys"));
  EXPECT_EQ((*merged)["results"]["extra"]["coverage_keys"]["state-transfer"]["states"],
            json({"0000000000000001", "0000000000000002", "0000000000000003", "0000000000000004"}));

  json without = b;  // a report that recorded no keys: k is the larger one, keys dropped
  without["results"]["extra"]["coverage_keys"].erase("state-transfer");
  merged = MergeReports({a, without});
  ASSERT_TRUE(merged);
  const json& fallback = (*merged)["results"]["tests"][0]["extra"]["coverage"]["states"];
  EXPECT_EQ(fallback["hit"], 3);
  EXPECT_FALSE(fallback.contains("keys"));
  EXPECT_FALSE((*merged)["results"]["extra"]["coverage_keys"].contains("state-transfer"));
}

// Overlap counts are summed over shards; timing tolerances (the largest a shard applied) are
// merged by maximum; both read back from the CTRF and pass the schema.
TEST(MergeTest, SumsOverlapsAndKeepsTheLargestTimingTolerance) {
  auto shard = [](std::uint64_t seed, std::uint64_t queued, std::uint64_t tolerance) {
    PropertyResult p = PassedProperty();
    p.coverage.overlaps = {{"inputs_queued_in_transfer", queued}};
    p.coverage.tolerances_ms = {{"ST-6 receiver past its timeout", tolerance}};
    return ToCtrf(SampleRun(seed), {p});
  };
  Result<json> merged = MergeReports({shard(1, 3, 125), shard(2, 4, 50)});
  ASSERT_TRUE(merged) << merged.error().message;
  EXPECT_TRUE(ValidateReport(*merged));
  const json& coverage = (*merged)["results"]["tests"][0]["extra"]["coverage"];
  EXPECT_EQ(coverage["overlaps"], (json{{"inputs_queued_in_transfer", 7}}));
  EXPECT_EQ(coverage["timing_tolerances_ms"], (json{{"ST-6 receiver past its timeout", 125}}));
}

TEST(MergeTest, CoverageKeysAreWrittenOncePerProtocolAndReadBackIntoEachProperty) {
  PropertyResult p = PassedProperty(), q = FailedProperty();  // both state-transfer
  for (PropertyResult* r : {&p, &q}) {
    r->coverage.state_keys = {5, 9};
    r->coverage.states_hit = 2;
    r->coverage.transition_keys = {7};
    r->coverage.transitions_hit = 1;
  }
  const json report = ToCtrf(SampleRun(), {p, q});
  ASSERT_TRUE(ValidateReport(report));
  for (const json& test : report["results"]["tests"]) {
    EXPECT_FALSE(test["extra"]["coverage"]["states"].contains("keys")) << "keys copied into a test";
  }
  EXPECT_EQ(report["results"]["extra"]["coverage_keys"]["state-transfer"]["transitions"],
            json({"0000000000000007"}));
  const Report back = ReportFromCtrf(report);
  for (const PropertyResult& r : back.properties) {
    EXPECT_EQ(r.coverage.state_keys, (std::vector<std::uint64_t>{5, 9}));
    EXPECT_EQ(r.coverage.transition_keys, (std::vector<std::uint64_t>{7}));
  }
  q.coverage.state_keys = {5};  // keys that differ within a protocol stay in the tests
  q.coverage.states_hit = 1;
  const json differing = ToCtrf(SampleRun(), {p, q});
  EXPECT_TRUE(differing["results"]["tests"][1]["extra"]["coverage"]["states"].contains("keys"));
  EXPECT_FALSE(differing["results"]["extra"]["coverage_keys"].contains("state-transfer"));
}

TEST(MergeTest, KeepsEveryFailureAndTheFirstCounterexample) {
  const json one = ToCtrf(SampleRun(), {FailedProperty()});
  PropertyResult again = FailedProperty();
  again.seed = 99;
  again.reproduce = "st:ST-4:seed=99";
  again.counterexample->message = "second";
  const json merged = *MergeReports({one, ToCtrf(SampleRun(2), {again})});
  const json& x = merged["results"]["tests"][0]["extra"];
  ASSERT_EQ(x["failures"].size(), 2u);
  EXPECT_EQ(x["failures"][0]["seed"], 7);
  EXPECT_EQ(x["failures"][1]["reproduce"], "st:ST-4:seed=99");
  EXPECT_EQ(x["counterexample"]["message"], FailedProperty().counterexample->message);
  EXPECT_EQ(x["cases"], 34);
}

TEST(MergeTest, MergingOneReportKeepsIt) {
  const json only = ToCtrf(SampleRun(), AllThree());
  const json merged = *MergeReports({only});
  EXPECT_EQ(merged["results"]["tests"], only["results"]["tests"]);
}

TEST(MergeTest, RefusesNonLockstepReports) {
  const json plain_ctrf = json::parse(R"({"reportFormat":"CTRF","specVersion":"0.0.0",
    "results":{"tool":{"name":"jest"},"summary":{"tests":0,"passed":0,"failed":0,"pending":0,
    "skipped":0,"other":0,"start":0,"stop":0},"tests":[]}})");
  Result<json> merged = MergeReports({ToCtrf(SampleRun(), AllThree()), plain_ctrf});
  ASSERT_FALSE(merged);
  EXPECT_NE(merged.error().message.find("shard report 2"), std::string::npos)
      << merged.error().message;
  EXPECT_FALSE(MergeReports({json::array()}));
}

TEST(MergeTest, RefusesNothingAndMixedRevisions) {
  EXPECT_FALSE(MergeReports({}));
  RunInfo other = SampleRun();
  other.model_revision = "fff000";
  Result<json> merged =
      MergeReports({ToCtrf(SampleRun(), AllThree()), ToCtrf(other, AllThree())});
  ASSERT_FALSE(merged);
  EXPECT_NE(merged.error().message.find("fff000"), std::string::npos);
}

}  // namespace
}  // namespace lockstep::reports
