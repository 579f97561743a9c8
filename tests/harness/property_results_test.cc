// ToPropertyResults: how one search's outcome is spread over a protocol's properties. Every
// property shows the whole search's cases, steps and faults (counted once per protocol at run
// level), gets an equal share of its time, and a property cut short by another's failure is
// flagged truncated rather than reported as a full pass.
#include <gtest/gtest.h>

#include "harness/property/property_runner.h"
#include "reports/ctrf.h"
#include "reports/from_ctrf.h"
#include "reports/junit.h"
#include "reports/schema.h"

namespace lockstep::harness {
namespace {

const std::vector<model::PropertyInfo> kProperties{{"ST-1", "agreement"}, {"ST-4", "clean failure"},
                                            {"ST-5", "recovery"}};

SearchOutcome Outcome(SearchOutcome::Kind kind) {
  SearchOutcome o;
  o.kind = kind;
  o.cases = 3;
  o.steps = 22;
  o.duration_ms = 900;
  o.totals.fault_counts = {{"crash", 4}, {"disk-full", 1}};
  return o;
}

SearchOutcome FailedAtSt4() {
  SearchOutcome o = Outcome(SearchOutcome::Kind::kFailed);
  o.violation = model::Violation{"ST-4", "clean failure", "temp file left behind", {}};
  o.counterexample = reports::Counterexample{{"Start(A)"}, {"Start(A)"}, 0, "temp file left behind", {}, {}};
  o.reproduce = "lockstep1|protocol=state-transfer|seed=7|steps=Start(A)";
  return o;
}

TEST(PropertyResults, EachPropertyShowsTheSearchAndAShareOfItsTime) {
  RunSettings settings;
  const auto results = ToPropertyResults(kProperties, "state-transfer", {}, settings,
                                         Outcome(SearchOutcome::Kind::kPassed));
  ASSERT_EQ(results.size(), 3u);
  double total_ms = 0;
  for (const auto& r : results) {
    EXPECT_EQ(r.verdict, reports::Verdict::kPassed);
    EXPECT_FALSE(r.truncated);
    EXPECT_EQ(r.reason, "");
    EXPECT_EQ(r.cases, 3u);
    EXPECT_EQ(r.steps, 22u);
    EXPECT_EQ(r.faults_by_kind, (std::map<std::string, std::uint64_t>{{"crash", 4}, {"disk-full", 1}}));
    total_ms += r.duration_ms;
  }
  EXPECT_DOUBLE_EQ(total_ms, 900) << "the properties' durations must add up to the search's";
}

TEST(PropertyResults, PropertiesCutShortByAnotherFailureAreTruncatedPasses) {
  RunSettings settings;
  settings.tests = 100;
  const auto results = ToPropertyResults(kProperties, "state-transfer", {}, settings, FailedAtSt4());
  EXPECT_EQ(results[1].verdict, reports::Verdict::kFailed);
  EXPECT_FALSE(results[1].truncated);
  for (const std::size_t i : {0u, 2u}) {
    EXPECT_EQ(results[i].verdict, reports::Verdict::kPassed);
    EXPECT_TRUE(results[i].truncated) << results[i].id << " reads as a full pass";
    EXPECT_NE(results[i].reason.find("3 cases run (of 100"), std::string::npos) << results[i].reason;
    EXPECT_NE(results[i].reason.find("ST-4"), std::string::npos) << results[i].reason;
  }
}

// The report of a two-protocol run, built as `lockstep run --protocol all` builds it: the
// run-level faults are each search's once (5 + 3), not once per property (3 x 5 + 2 x 3).
TEST(PropertyResults, RunLevelFiguresCountEachProtocolOnce) {
  RunSettings settings;
  auto results = ToPropertyResults(kProperties, "state-transfer", {}, settings, FailedAtSt4());
  SearchOutcome rs = Outcome(SearchOutcome::Kind::kPassed);
  rs.cases = 5;
  rs.duration_ms = 600;
  rs.totals.fault_counts = {{"crash", 1}, {"reformat", 2}};
  const auto rs_results = ToPropertyResults({{"RS-1", "atomic outcome"}, {"RS-2", "in-doubt kept"}},
                                            "resync", {}, settings, rs);
  results.insert(results.end(), rs_results.begin(), rs_results.end());
  reports::RunInfo run;
  run.kind = "run";
  run.start_ms = 1'000'000;
  run.stop_ms = run.start_ms + 1'550;  // searches 1,500 ms, setup 50 ms
  const nlohmann::json report = reports::ToCtrf(run, results);
  ASSERT_TRUE(reports::ValidateReport(report)) << reports::ValidateReport(report).error().message;

  const nlohmann::json& x = report["results"]["extra"];
  EXPECT_EQ(x["faults_by_kind"], nlohmann::json({{"crash", 5}, {"disk-full", 1}, {"reformat", 2}}));
  EXPECT_EQ(x["protocols"]["state-transfer"]["cases"], 3);
  EXPECT_EQ(x["protocols"]["resync"]["cases"], 5);
  EXPECT_DOUBLE_EQ(x["protocols"]["resync"]["duration_ms"].get<double>(), 600);
  EXPECT_EQ(report["results"]["tests"][0]["extra"]["truncated"], true);
  EXPECT_EQ(report["results"]["tests"][0]["status"], "passed");

  double junit_s = 0;  // the testcases' times, as a CI system adds them up
  const std::string xml = reports::ToJUnitXml(report);
  for (std::size_t at = xml.find("<testcase"); at != std::string::npos; at = xml.find("<testcase", at + 1)) {
    junit_s += std::stod(xml.substr(xml.find(" time=\"", at) + 7));
  }
  EXPECT_NEAR(junit_s, 1.5, 0.01);
  EXPECT_NE(xml.find("<testsuite name=\"lockstep.resync\" id=\"1\" tests=\"2\" failures=\"0\" errors=\"0\" skipped=\"0\" time=\"0.600\""),
            std::string::npos) << xml;
  EXPECT_NE(xml.find("<testsuites name=\"lockstep\" tests=\"5\" failures=\"1\" errors=\"0\" skipped=\"0\" time=\"1.550\""),
            std::string::npos) << xml;
}

// Crash points k of N per process kind: N is every point the protocol can arm, k those that
// fired; it survives the report's round trip and a merge, and is absent without the crash fault.
TEST(PropertyResults, CrashPointsAreCountedKOfNPerProcessKind) {
  RunSettings settings;
  settings.faults = {"crash"};
  SearchOutcome o = Outcome(SearchOutcome::Kind::kPassed);
  o.totals.crash_point_counts = {{"a.one", 2}, {"b.three", 1}};
  const std::map<std::string, std::vector<std::string>> points{
      {"logger", {"a.one", "a.two"}}, {"mds", {"b.three"}}};
  const auto results = ToPropertyResults(kProperties, "state-transfer", points, settings, o);
  reports::RunInfo run;
  run.kind = "run";
  const nlohmann::json report = reports::ToCtrf(run, results);
  ASSERT_TRUE(reports::ValidateReport(report)) << reports::ValidateReport(report).error().message;
  const nlohmann::json& kinds = report["results"]["tests"][0]["extra"]["coverage"]["crash_point_kinds"];
  EXPECT_EQ(kinds["logger"]["hit"], 1);
  EXPECT_EQ(kinds["logger"]["total"], 2);
  EXPECT_EQ(kinds["logger"]["missed"], nlohmann::json::array({"a.two"}));
  EXPECT_EQ(kinds["mds"]["hit"], 1);

  const reports::Report read = reports::ReportFromCtrf(report);
  ASSERT_FALSE(read.properties.empty());
  EXPECT_EQ(read.properties[0].coverage.crash_points_possible, points);

  settings.faults = {"disk-full"};
  const auto without = ToPropertyResults(kProperties, "state-transfer", points, settings, o);
  EXPECT_FALSE(reports::ToCtrf(run, without)["results"]["tests"][0]["extra"]["coverage"].contains(
      "crash_point_kinds"));
}

}  // namespace
}  // namespace lockstep::harness
