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
  EXPECT_EQ(x["lockstep_report_version"], 1);
  EXPECT_EQ(x["verdict"], "failed");
  EXPECT_EQ(x["kind"], "run");
  EXPECT_EQ(x["seed"], 42);
  EXPECT_EQ(x["host"], "ci-7");
  EXPECT_EQ(x["binaries"][0], json({{"name", "mds"}, {"path", "/opt/lockstep/bin/mds"}}));
  EXPECT_EQ(x["fault_mechanisms"]["reformat"], "unavailable: no journal tool");
  EXPECT_EQ(x["faults_by_kind"], json({{"crash", 17}, {"disk-full", 4}, {"reformat", 2}}));
  EXPECT_EQ(x["details"]["jobs"], 1);
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
