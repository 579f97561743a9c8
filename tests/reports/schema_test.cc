#include "reports/schema.h"

#include <gtest/gtest.h>

#include <fstream>
#include <limits>
#include <sstream>

#include "reports/ctrf.h"
#include "tests/reports/fixtures.h"

namespace lockstep::reports {
namespace {

using nlohmann::json;
using testing::AllThree;
using testing::FailedProperty;
using testing::PassedProperty;
using testing::SampleRun;

json Valid() { return ToCtrf(SampleRun(), AllThree()); }

// The validation error, or "" when the report is valid.
std::string Violations(const json& report) {
  Status s = ValidateReport(report);
  return s ? "" : s.error().message;
}

void ExpectInvalid(const json& report, const std::string& pointer, const std::string& word) {
  const std::string message = Violations(report);
  ASSERT_FALSE(message.empty()) << "expected a violation at " << pointer;
  EXPECT_NE(message.find(pointer), std::string::npos) << message;
  EXPECT_NE(message.find(word), std::string::npos) << message;
}

TEST(SchemaTest, EmbeddedSchemaIsTheSourceFile) {
  const json embedded = json::parse(ReportSchemaText());
  EXPECT_EQ(embedded["$schema"], "http://json-schema.org/draft-07/schema#");
  std::ifstream in(LOCKSTEP_REPORT_SCHEMA_SOURCE);  // defined by tests/reports/CMakeLists.txt
  ASSERT_TRUE(in.good()) << LOCKSTEP_REPORT_SCHEMA_SOURCE;
  EXPECT_EQ(json::parse(in), embedded) << "re-run cmake to embed the edited schema";
}

TEST(SchemaTest, ReportsLockstepWritesAreValid) {
  EXPECT_EQ(Violations(Valid()), "");
  EXPECT_EQ(Violations(ToCtrf(SampleRun(), {PassedProperty()})), "");
  EXPECT_EQ(Violations(ToCtrf(SampleRun(), {})), "");
  RunInfo bare;
  bare.kind = "replay";
  EXPECT_EQ(Violations(ToCtrf(bare, {FailedProperty()})), "");
}

TEST(SchemaTest, FullRangeSeedIsValid) {
  PropertyResult p = PassedProperty();
  p.seed = std::numeric_limits<std::uint64_t>::max();
  RunInfo run = SampleRun();
  run.seed = p.seed;
  EXPECT_EQ(Violations(ToCtrf(run, {p})), "");
}

TEST(SchemaTest, MissingSeedReproduceOrVerdictFails) {
  for (const char* field : {"seed", "reproduce", "verdict", "cases", "counterexample"}) {
    json r = Valid();
    r["results"]["tests"][1]["extra"].erase(field);
    ExpectInvalid(r, "/results/tests/1/extra", field);
  }
  json r = Valid();
  r["results"]["extra"].erase("seed");
  ExpectInvalid(r, "/results/extra", "seed");
}

TEST(SchemaTest, CtrfRequiredFieldsAreEnforced) {
  json r = Valid();
  r.erase("specVersion");
  ExpectInvalid(r, "/", "specVersion");
  r = Valid();
  r["results"]["summary"].erase("stop");
  ExpectInvalid(r, "/results/summary", "stop");
  r = Valid();
  r["results"]["tests"][0].erase("duration");
  ExpectInvalid(r, "/results/tests/0", "duration");
  r = Valid();
  r["reportFormat"] = "JUnit";
  ExpectInvalid(r, "/reportFormat", "");
  r = Valid();
  r["results"]["tests"][0]["duration"] = 1.5;  // CTRF: integer milliseconds
  ExpectInvalid(r, "/results/tests/0/duration", "");
  r = Valid();
  r["results"]["tests"][0]["colour"] = "red";  // CTRF test objects are closed
  ExpectInvalid(r, "/results/tests/0", "colour");
}

TEST(SchemaTest, WrongStatusFails) {
  json r = Valid();
  r["results"]["tests"][0]["status"] = "broken";
  ExpectInvalid(r, "/results/tests/0/status", "");
  r = Valid();
  r["results"]["tests"][0]["status"] = "failed";  // extra.verdict still says passed
  ExpectInvalid(r, "/results/tests/0/status", "");
  r = Valid();
  r["results"]["tests"][0]["extra"]["verdict"] = "unknown";
  ExpectInvalid(r, "/results/tests/0/extra/verdict", "");
}

TEST(SchemaTest, FailureNeedsCounterexampleAndReproduce) {
  PropertyResult p = FailedProperty();
  p.counterexample.reset();
  ExpectInvalid(ToCtrf(SampleRun(), {p}), "/results/tests/0/extra/counterexample", "");
  p = FailedProperty();
  p.reproduce.clear();
  ExpectInvalid(ToCtrf(SampleRun(), {p}), "/results/tests/0/extra/reproduce", "");
}

TEST(SchemaTest, UnknownFaultKindFails) {
  PropertyResult p = PassedProperty();
  p.faults_by_kind["cosmic-ray"] = 1;
  ExpectInvalid(ToCtrf(SampleRun(), {p}), "/results/tests/0/extra/faults_by_kind", "");
}

TEST(SchemaTest, InconsistentCountsAndVerdictFail) {
  json r = Valid();
  r["results"]["summary"]["passed"] = 3;
  ExpectInvalid(r, "/results/summary/passed", "status");
  r = Valid();
  r["results"]["extra"]["verdict"] = "passed";
  ExpectInvalid(r, "/results/extra/verdict", "failed");
  r = Valid();
  r["results"]["extra"]["faults_by_kind"]["crash"] = 1;
  ExpectInvalid(r, "/results/extra/faults_by_kind", "sum");
  r = Valid();
  r["results"]["tests"][0]["name"] = "ST-1 renamed";
  ExpectInvalid(r, "/results/tests/0/name", "ST-1 single service");
}

TEST(SchemaTest, RunFiguresMustBeEachProtocolsOnce) {
  json r = Valid();
  r["results"]["extra"]["protocols"]["state-transfer"]["cases"] = 117;  // summed over tests
  ExpectInvalid(r, "/results/extra/protocols", "what the tests show");
  r = Valid();
  r["results"]["extra"]["protocols"].erase("resync");
  ExpectInvalid(r, "/results/extra/protocols", "");
  r = Valid();
  r["results"]["extra"]["faults_by_kind"] = json({{"crash", 17}, {"disk-full", 4}, {"reformat", 2}});
  ExpectInvalid(r, "/results/extra/faults_by_kind", "sum over the protocols");
  r = Valid();
  r["results"]["extra"].erase("protocols");
  ExpectInvalid(r, "/results/extra", "protocols");
}

TEST(SchemaTest, OnlyAPassCanBeTruncated) {
  json r = Valid();
  r["results"]["tests"][0]["extra"]["truncated"] = true;  // passed: fine
  EXPECT_EQ(Violations(r), "");
  r["results"]["tests"][1]["extra"]["truncated"] = true;  // failed
  ExpectInvalid(r, "/results/tests/1/extra", "");
  r = Valid();
  r["results"]["tests"][0]["extra"].erase("truncated");
  ExpectInvalid(r, "/results/tests/0/extra", "truncated");
}

TEST(SchemaTest, ReportsOfTheFirstLayoutAreRefused) {
  json r = Valid();
  r["results"]["extra"]["lockstep_report_version"] = 1;  // figures multiplied per property
  ExpectInvalid(r, "/results/extra/lockstep_report_version", "");
}

TEST(SchemaTest, DuplicatePropertyFails) {
  ExpectInvalid(ToCtrf(SampleRun(), {PassedProperty(), PassedProperty()}),
                "/results/tests/1/name", "twice");
}

TEST(SchemaTest, ErrorListsEveryViolation) {
  json r = Valid();
  r["results"]["tests"][0]["extra"].erase("seed");
  r["results"]["tests"][2]["status"] = "broken";
  const std::string message = Violations(r);
  EXPECT_NE(message.find("/results/tests/0/extra"), std::string::npos) << message;
  EXPECT_NE(message.find("/results/tests/2/status"), std::string::npos) << message;
}

TEST(SchemaTest, NotJsonObjectFails) {
  EXPECT_NE(Violations(json::array()), "");
  EXPECT_NE(Violations(json("CTRF")), "");
}

}  // namespace
}  // namespace lockstep::reports
