#include "reports/show.h"

#include <gtest/gtest.h>

#include "reports/ctrf.h"
#include "tests/reports/fixtures.h"

namespace lockstep::reports {
namespace {

using nlohmann::json;
using testing::AllThree;
using testing::FailedProperty;
using testing::PassedProperty;
using testing::SampleRun;
using testing::UndecidedProperty;

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(ShowTest, SummaryTableAndFailureDetails) {
  const std::string text = ShowReport(ToCtrf(SampleRun(), AllThree()));
  EXPECT_TRUE(text.starts_with("lockstep run: FAILED (1 passed, 1 failed, 1 other)")) << text;
  EXPECT_TRUE(Contains(text, "PROPERTY")) << text;
  EXPECT_TRUE(Contains(text, "ST-1 single service")) << text;
  EXPECT_TRUE(Contains(text, "2345")) << text;
  EXPECT_TRUE(Contains(text, "reproduce: lockstep replay --reproduce 'st:ST-4:seed=7:path='")) << text;
  EXPECT_TRUE(Contains(text, " 3. Start(B)")) << text;
  EXPECT_TRUE(Contains(text, "[fault] disk-full on /sandbox/B/tmp")) << text;
  EXPECT_TRUE(Contains(text, "RS-2 in-doubt kept [resync]: OTHER: gave up")) << text;
}

TEST(ShowTest, EachProtocolsFiguresOnceAndTruncationMarked) {
  PropertyResult cut = PassedProperty();
  cut.id = "ST-2";
  cut.truncated = true;
  cut.reason = "truncated: held on every step of the 17 cases run (of 100 asked for)";
  const std::string text = ShowReport(ToCtrf(SampleRun(), {PassedProperty(), cut, UndecidedProperty()}));
  EXPECT_TRUE(Contains(text, "  state-transfer: 100 cases, 2345 steps, 15 faults, 2.5s\n")) << text;
  EXPECT_TRUE(Contains(text, "  resync: 3 cases, 30 steps, 2 faults, 50ms\n")) << text;
  EXPECT_TRUE(Contains(text, "passed*")) << text;
  EXPECT_TRUE(Contains(text, "  * state-transfer: truncated: held on every step of the 17 cases")) << text;
}

TEST(ShowTest, PassingRunHasNoProblemSection) {
  const std::string text = ShowReport(ToCtrf(SampleRun(), {PassedProperty()}));
  EXPECT_TRUE(text.starts_with("lockstep run: PASSED")) << text;
  EXPECT_FALSE(Contains(text, "reproduce:")) << text;
}

TEST(DiffTest, VerdictChangesNewAndRemoved) {
  const json before = ToCtrf(SampleRun(), {PassedProperty(), UndecidedProperty()});
  PropertyResult st1 = FailedProperty();
  st1.id = "ST-1";
  st1.name = "single service";
  const json after = ToCtrf(SampleRun(), {st1, FailedProperty()});
  const std::string text = DiffReports(before, after);
  EXPECT_TRUE(Contains(text, "verdict: other -> failed")) << text;
  EXPECT_TRUE(Contains(text, "~ ST-1 single service [state-transfer]: passed -> failed, cases 100 -> 17"))
      << text;
  EXPECT_TRUE(Contains(text, "+ ST-4 clean failure [state-transfer]: new, failed")) << text;
  EXPECT_TRUE(Contains(text, "- RS-2 in-doubt kept [resync]: removed (was other)")) << text;
}

TEST(DiffTest, CaseCountOnly) {
  PropertyResult more = PassedProperty();
  more.cases = 250;
  const std::string text =
      DiffReports(ToCtrf(SampleRun(), {PassedProperty()}), ToCtrf(SampleRun(), {more}));
  EXPECT_EQ(text, "~ ST-1 single service [state-transfer]: cases 100 -> 250\n");
}

TEST(DiffTest, IdenticalReports) {
  const json r = ToCtrf(SampleRun(), AllThree());
  EXPECT_EQ(DiffReports(r, r), "no differences in verdicts, properties or case counts\n");
}

}  // namespace
}  // namespace lockstep::reports
