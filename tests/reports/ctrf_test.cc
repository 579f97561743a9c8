#include "reports/ctrf.h"

#include <gtest/gtest.h>

#include "reports/from_ctrf.h"
#include "tests/reports/fixtures.h"

namespace lockstep::reports {
namespace {

using nlohmann::json;
using testing::AllThree;
using testing::FailedProperty;
using testing::PassedProperty;
using testing::SampleRun;
using testing::UndecidedProperty;

TEST(CtrfTest, TopLevelIsCtrf) {
  const json r = ToCtrf(SampleRun(), AllThree());
  EXPECT_EQ(r["reportFormat"], "CTRF");
  EXPECT_EQ(r["specVersion"], "0.0.0");
  EXPECT_EQ(r["results"]["tool"]["name"], "lockstep");
  EXPECT_EQ(r["results"]["tool"]["version"], "0.1.0");
  EXPECT_EQ(r["timestamp"], "2024-05-01T12:01:00.000Z");
  const json& summary = r["results"]["summary"];
  EXPECT_EQ(summary["tests"], 3);
  EXPECT_EQ(summary["passed"], 1);
  EXPECT_EQ(summary["failed"], 1);
  EXPECT_EQ(summary["other"], 1);
  EXPECT_EQ(summary["pending"], 0);
  EXPECT_EQ(summary["skipped"], 0);
  EXPECT_EQ(summary["start"], 1714564800000);
  EXPECT_EQ(summary["stop"], 1714564860000);
  const json& env = r["results"]["environment"];
  EXPECT_EQ(env["appName"], "lockstep");
  EXPECT_EQ(env["buildName"], "Debug");
  EXPECT_EQ(env["commit"], "abc123def456");
  EXPECT_EQ(env["osPlatform"], "linux");
}

TEST(CtrfTest, OneTestPerPropertyWithLockstepFieldsUnderExtra) {
  const json tests = ToCtrf(SampleRun(), AllThree())["results"]["tests"];
  ASSERT_EQ(tests.size(), 3u);
  EXPECT_EQ(tests[0]["name"], "ST-1 single service");
  EXPECT_EQ(tests[0]["status"], "passed");
  EXPECT_TRUE(tests[0]["duration"].is_number_integer());
  EXPECT_EQ(tests[0]["duration"], 1235);  // CTRF wants integer ms; exact value in extra
  EXPECT_DOUBLE_EQ(tests[0]["extra"]["duration_ms"].get<double>(), 1234.6);
  EXPECT_EQ(tests[0]["suite"], json::array({"lockstep", "state-transfer"}));
  const json& x = tests[1]["extra"];
  EXPECT_EQ(tests[1]["status"], "failed");
  EXPECT_EQ(x["property"], "ST-4");
  EXPECT_EQ(x["protocol"], "state-transfer");
  EXPECT_EQ(x["verdict"], "failed");
  EXPECT_EQ(x["seed"], 7);
  EXPECT_EQ(x["reproduce"], "st:ST-4:seed=7:path='3 1 0'");
  EXPECT_EQ(x["counterexample"]["shrunk"].size(), 3u);
  EXPECT_EQ(x["counterexample"]["faults"][0]["step"], 2);
  EXPECT_EQ(x["counterexample"]["processes"][1]["exit"], "exit 4");
  EXPECT_EQ(x["bug"], "sender-leaves-temp-file");
  ASSERT_EQ(x["failures"].size(), 1u);
  EXPECT_EQ(x["failures"][0]["reproduce"], x["reproduce"]);
  EXPECT_NE(tests[1]["trace"].get<std::string>().find("lockstep replay --reproduce"),
            std::string::npos);
  EXPECT_TRUE(tests[0]["extra"]["counterexample"].is_null());
  EXPECT_EQ(tests[0]["extra"]["coverage"]["states"], json({{"hit", 40}, {"total", 52}}));
  EXPECT_EQ(tests[2]["status"], "other");
  EXPECT_EQ(tests[2]["message"], "gave up: 1000 discarded cases");
}

TEST(CtrfTest, RunLevelExtra) {
  const json x = ToCtrf(SampleRun(), AllThree())["results"]["extra"];
  EXPECT_EQ(x["lockstep_report_version"], 2);
  EXPECT_EQ(x["verdict"], "failed");
  EXPECT_EQ(x["kind"], "run");
  EXPECT_EQ(x["seed"], 42);
  EXPECT_EQ(x["host"], "ci-7");
  EXPECT_EQ(x["binaries"][0], json({{"name", "mds"}, {"path", "/opt/lockstep/bin/mds"}}));
  EXPECT_EQ(x["fault_mechanisms"]["reformat"], "unavailable: no journal tool");
  // Once per protocol: the most any state-transfer test saw (ST-1: 12 crashes, 3 disk-full),
  // plus resync's 2 reformats; never the sum over the tests of one search.
  EXPECT_EQ(x["faults_by_kind"], json({{"crash", 12}, {"disk-full", 3}, {"reformat", 2}}));
  EXPECT_EQ(x["protocols"]["state-transfer"],
            json({{"cases", 100}, {"steps", 2345}, {"duration_ms", 1234.6 + 800},
                  {"faults_by_kind", {{"crash", 12}, {"disk-full", 3}}}}));
  EXPECT_EQ(x["protocols"]["resync"]["faults_by_kind"], json({{"reformat", 2}}));
  EXPECT_EQ(x["details"]["jobs"], 1);
}

// A two-protocol run as the harness reports it: every property of a protocol shows that
// protocol's search (3 properties saw the same 5 faults, 2 the same 3) and a share of its
// time. The run counts 8 faults, not 21, and its tests' durations add up to the searches'.
TEST(CtrfTest, RunFiguresCountEachProtocolsSearchOnce) {
  std::vector<PropertyResult> properties;
  for (const char* id : {"ST-1", "ST-2", "ST-3"}) {
    PropertyResult p = PassedProperty();
    p.id = id;
    p.faults_by_kind = {{"crash", 4}, {"disk-full", 1}};
    p.duration_ms = 100;
    properties.push_back(p);
  }
  for (const char* id : {"RS-1", "RS-2"}) {
    PropertyResult p = UndecidedProperty();
    p.id = id;
    p.verdict = Verdict::kPassed;
    p.reason.clear();
    p.faults_by_kind = {{"crash", 1}, {"reformat", 2}};
    p.duration_ms = 250;
    properties.push_back(p);
  }
  const json report = ToCtrf(SampleRun(), properties);
  const json& x = report["results"]["extra"];
  EXPECT_EQ(x["faults_by_kind"], json({{"crash", 5}, {"disk-full", 1}, {"reformat", 2}}));
  EXPECT_EQ(x["protocols"]["state-transfer"]["duration_ms"], 300.0);
  EXPECT_EQ(x["protocols"]["resync"]["duration_ms"], 500.0);
  EXPECT_EQ(x["protocols"]["resync"]["cases"], 3);
  std::int64_t tests_ms = 0;
  for (const json& t : report["results"]["tests"]) tests_ms += t["duration"].get<std::int64_t>();
  EXPECT_EQ(tests_ms, 800);
}

TEST(CtrfTest, TruncatedPassIsFlaggedWithItsReason) {
  PropertyResult p = PassedProperty();
  p.truncated = true;
  p.reason = "truncated: held on every step of the 3 cases run (of 100 asked for); the search "
             "stopped when ST-4 failed";
  const json test = ToCtrf(SampleRun(), {p, FailedProperty()})["results"]["tests"][0];
  EXPECT_EQ(test["status"], "passed");
  EXPECT_EQ(test["extra"]["truncated"], true);
  EXPECT_EQ(test["message"], p.reason);
  EXPECT_EQ(ToCtrf(SampleRun(), {PassedProperty()})["results"]["tests"][0]["extra"]["truncated"], false);
}

TEST(CtrfTest, OverallVerdictRules) {
  const RunInfo run = SampleRun();
  EXPECT_EQ(OverallVerdict(ToCtrf(run, {PassedProperty()})), Verdict::kPassed);
  EXPECT_EQ(OverallVerdict(ToCtrf(run, {PassedProperty(), UndecidedProperty()})),
            Verdict::kOther);
  EXPECT_EQ(OverallVerdict(ToCtrf(run, {UndecidedProperty(), FailedProperty()})),
            Verdict::kFailed);
  EXPECT_EQ(OverallVerdict(ToCtrf(run, {})), Verdict::kOther);  // nothing checked
  EXPECT_EQ(ToCtrf(run, {PassedProperty(), UndecidedProperty()})["results"]["extra"]["verdict"],
            "other");
  EXPECT_EQ(OverallVerdict(json("not a report")), Verdict::kOther);
  EXPECT_EQ(OverallVerdict(json::parse(R"({"results":{"tests":[{"status":"skipped"}]}})")),
            Verdict::kOther);
  EXPECT_EQ(OverallVerdict(json::parse(R"({"results":{"tests":[{"status":"passed"}]}})")),
            Verdict::kPassed);
}

TEST(CtrfTest, ExitCodes) {
  EXPECT_EQ(ExitCodeFor(Verdict::kPassed), 0);
  EXPECT_EQ(ExitCodeFor(Verdict::kFailed), 1);
  EXPECT_EQ(ExitCodeFor(Verdict::kOther), 2);
}

TEST(CtrfTest, VerdictNamesRoundTrip) {
  for (Verdict v : {Verdict::kPassed, Verdict::kFailed, Verdict::kOther}) {
    EXPECT_EQ(ParseVerdict(VerdictName(v)), v);
  }
  EXPECT_EQ(ParseVerdict("pending"), Verdict::kOther);
  EXPECT_EQ(ParseVerdict("PASSED"), std::nullopt);
}

TEST(CtrfTest, ReadingBackGivesTheSameReport) {
  const json r = ToCtrf(SampleRun(), AllThree());
  const Report back = ReportFromCtrf(r);
  EXPECT_EQ(ToCtrf(back.run, back.properties), r);
  ASSERT_TRUE(back.properties[1].counterexample.has_value());
  EXPECT_EQ(back.properties[1].counterexample->faults[1].kind, "disk-full");
}

TEST(CtrfTest, ReadingGarbageNeverThrows) {
  for (const char* text : {"null", "[]", R"({"results":7})", R"({"results":{"tests":[1,{}]}})",
                           R"({"results":{"tests":[{"extra":{"cases":-3,"seed":"x"}}]}})"}) {
    EXPECT_NO_THROW(ReportFromCtrf(json::parse(text))) << text;
  }
}

TEST(CtrfTest, DescribeHostFillsOsFields) {
  RunInfo run;
  DescribeHost(&run);
  EXPECT_FALSE(run.host.empty());
  EXPECT_FALSE(run.os_release.empty());
}

}  // namespace
}  // namespace lockstep::reports
