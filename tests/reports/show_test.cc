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
  // The model coverage, k of N, once per protocol ("?" where the total is unknown); none for
  // a protocol whose search hit nothing recorded.
  EXPECT_TRUE(Contains(text, "  state-transfer: 100 cases, 2345 steps, 15 faults, 2.5s; "
                             "model states 40 of 52, transitions 90 of ?\n")) << text;
  EXPECT_TRUE(Contains(text, "  resync: 3 cases, 30 steps, 2 faults, 50ms\n")) << text;
  EXPECT_TRUE(Contains(text, "passed*")) << text;
  EXPECT_TRUE(Contains(text, "  * state-transfer: truncated: held on every step of the 17 cases")) << text;
}

TEST(ShowTest, OverlapsAndTimingTolerancesArePrintedWithTheProtocolsFigures) {
  PropertyResult p = PassedProperty();
  p.coverage.overlaps = {{"queued_inputs_applied", 2}};
  p.coverage.tolerances_ms = {{"ST-6 receiver past its timeout", 125}};
  const std::string text = ShowReport(ToCtrf(SampleRun(), {p}));
  EXPECT_TRUE(Contains(text, ", queued_inputs_applied 2, tolerance ST-6 receiver past its timeout "
                             "125 ms\n"))
      << text;
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
  const ReportDiff diff = DiffReports(before, after);
  const std::string& text = diff.text;
  EXPECT_TRUE(Contains(text, "verdict: other -> failed")) << text;
  EXPECT_TRUE(Contains(text, "~ ST-1 single service [state-transfer]: passed -> failed, cases 100 -> 17"))
      << text;
  EXPECT_TRUE(Contains(text, "+ ST-4 clean failure [state-transfer]: new, failed")) << text;
  EXPECT_TRUE(Contains(text, "- RS-2 in-doubt kept [resync]: removed (was other)")) << text;
  EXPECT_TRUE(diff.worse);
}

TEST(DiffTest, CaseCountOnly) {
  PropertyResult more = PassedProperty();
  more.cases = 250;
  const ReportDiff diff =
      DiffReports(ToCtrf(SampleRun(), {PassedProperty()}), ToCtrf(SampleRun(), {more}));
  EXPECT_EQ(diff.text, "~ ST-1 single service [state-transfer]: cases 100 -> 250\n");
  EXPECT_FALSE(diff.worse);
}

TEST(DiffTest, IdenticalReports) {
  const json r = ToCtrf(SampleRun(), AllThree());
  EXPECT_EQ(DiffReports(r, r).text, "no differences in verdicts, properties or case counts\n");
  EXPECT_FALSE(DiffReports(r, r).worse);
}

// Worse is any verdict that moved up passed < other < failed, or a property no longer checked;
// better verdicts and new properties are not.
TEST(DiffTest, WorseOnlyWhenAVerdictGotWorseOrAPropertyWentMissing) {
  PropertyResult undecided = PassedProperty();
  undecided.verdict = Verdict::kOther;
  undecided.reason = "gave up";
  const json pass = ToCtrf(SampleRun(), {PassedProperty()});
  const json other = ToCtrf(SampleRun(), {undecided});
  const json fail = ToCtrf(SampleRun(), {FailedProperty()});
  EXPECT_TRUE(DiffReports(pass, other).worse);
  EXPECT_FALSE(DiffReports(other, pass).worse);
  EXPECT_TRUE(DiffReports(other, ToCtrf(SampleRun(), {PassedProperty(), FailedProperty()})).worse);
  EXPECT_FALSE(DiffReports(ToCtrf(SampleRun(), {FailedProperty()}), ToCtrf(SampleRun(), {FailedProperty(), PassedProperty()})).worse)
      << "a new passing property is not worse";
  EXPECT_TRUE(DiffReports(ToCtrf(SampleRun(), {PassedProperty(), UndecidedProperty()}), pass).worse)
      << "a property no longer checked is worse";
  EXPECT_TRUE(DiffReports(pass, fail).worse);
}

}  // namespace
}  // namespace lockstep::reports
