#include "reports/junit.h"

#include <gtest/gtest.h>

#include <regex>

#include "reports/ctrf.h"
#include "tests/reports/fixtures.h"

namespace lockstep::reports {
namespace {

using testing::AllThree;
using testing::FailedProperty;
using testing::PassedProperty;
using testing::SampleRun;

// Reverses the five predefined XML entities, as an XML parser does for text.
std::string Unescape(std::string text) {
  const std::pair<const char*, const char*> entities[] = {
      {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&amp;", "&"}};
  for (const auto& [entity, plain] : entities) {
    for (std::size_t at; (at = text.find(entity)) != std::string::npos;) {
      text.replace(at, std::string(entity).size(), plain);
    }
  }
  return text;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// One suite per protocol, named after it, with that protocol's counts and the run's start.
TEST(JUnitTest, OneSuitePerProtocol) {
  const std::string xml = ToJUnitXml(ToCtrf(SampleRun(), AllThree()));
  EXPECT_TRUE(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")) << xml;
  EXPECT_TRUE(Contains(xml, "<testsuite name=\"lockstep.state-transfer\" id=\"0\" tests=\"2\" "
                            "failures=\"1\" errors=\"0\""))
      << xml;
  EXPECT_TRUE(Contains(xml, "<testsuite name=\"lockstep.resync\" id=\"1\" tests=\"1\" "
                            "failures=\"0\" errors=\"1\""))
      << xml;
  EXPECT_TRUE(Contains(xml, "timestamp=\"2024-05-01T12:00:00\"")) << xml;  // SampleRun's start
  EXPECT_TRUE(Contains(xml, "classname=\"lockstep.state-transfer\" name=\"ST-1 single service\" time=\"1.235\""))
      << xml;
  // Each testcase sits in its own protocol's suite.
  const std::size_t resync_suite = xml.find("<testsuite name=\"lockstep.resync\"");
  EXPECT_GT(xml.find("classname=\"lockstep.resync\""), resync_suite) << xml;
  EXPECT_LT(xml.find("classname=\"lockstep.state-transfer\""), resync_suite) << xml;
}

// A suite's time is the sum of its testcases' (its protocol's search time); the whole,
// <testsuites>, took the run's wall time (SampleRun: 60 s).
TEST(JUnitTest, SuitesAddUpTheirTestcasesAndTheWholeIsTheWallTime) {
  const std::string xml = ToJUnitXml(ToCtrf(SampleRun(), AllThree()));
  EXPECT_TRUE(Contains(xml, "<testsuite name=\"lockstep.state-transfer\" id=\"0\" tests=\"2\" "
                            "failures=\"1\" errors=\"0\" skipped=\"0\" time=\"2.035\"")) << xml;
  EXPECT_TRUE(Contains(xml, "<testsuite name=\"lockstep.resync\" id=\"1\" tests=\"1\" "
                            "failures=\"0\" errors=\"1\" skipped=\"0\" time=\"0.050\"")) << xml;
  EXPECT_TRUE(Contains(xml, "<testsuites name=\"lockstep\" tests=\"3\" failures=\"1\" errors=\"1\" "
                            "skipped=\"0\" time=\"60.000\"")) << xml;
  RunInfo unknown = SampleRun();
  unknown.start_ms = unknown.stop_ms = 0;  // no wall time: the suites' sum, and no timestamp
  const std::string sum = ToJUnitXml(ToCtrf(unknown, AllThree()));
  EXPECT_TRUE(Contains(sum, "<testsuites name=\"lockstep\" tests=\"3\" failures=\"1\" errors=\"1\" "
                            "skipped=\"0\" time=\"2.085\"")) << sum;
  EXPECT_FALSE(Contains(sum, "timestamp=")) << sum;
}

TEST(JUnitTest, TruncatedPassSaysWhy) {
  PropertyResult p = PassedProperty();
  p.truncated = true;
  p.reason = "truncated: held on every step of the 3 cases run (of 100 asked for)";
  const std::string xml = ToJUnitXml(ToCtrf(SampleRun(), {p}));
  EXPECT_TRUE(Contains(xml, "failures=\"0\" errors=\"0\"")) << xml;
  EXPECT_TRUE(Contains(xml, "seed: 42\ntruncated: held on every step of the 3 cases run")) << xml;
}

TEST(JUnitTest, FailureBodyHoldsTheReproduceCommand) {
  const std::string xml = ToJUnitXml(ToCtrf(SampleRun(), AllThree()));
  const std::smatch body = [&] {
    std::smatch m;
    std::regex_search(xml, m, std::regex("<failure [^>]*>([^<]*)</failure>"));
    return m;
  }();
  ASSERT_FALSE(body.empty()) << xml;
  const std::string text = Unescape(body[1].str());
  EXPECT_TRUE(text.starts_with(
      "reproduce: lockstep replay --reproduce 'st:ST-4:seed=7:path='\\''3 1 0'\\'''\n"))
      << text;
  EXPECT_TRUE(Contains(text, "Start(B) <receiver>")) << text;
  EXPECT_TRUE(Contains(text, "[fault] crash on mds-A")) << text;
  EXPECT_TRUE(Contains(text, "mds-B: exit 4")) << text;
}

TEST(JUnitTest, EscapesMarkup) {
  const std::string xml = ToJUnitXml(ToCtrf(SampleRun(), AllThree()));
  EXPECT_TRUE(Contains(xml, "message=\"temp file left behind after &lt;failed&gt; transfer &amp; crash\""))
      << xml;
  EXPECT_FALSE(Contains(xml, "<receiver>"));
  EXPECT_FALSE(Contains(xml, "<failed>"));
  EXPECT_FALSE(Contains(xml, "& "));
  EXPECT_FALSE(Contains(xml, "<junk>"));
}

TEST(JUnitTest, ControlCharactersCannotBreakTheDocument) {
  PropertyResult p = FailedProperty();
  p.counterexample->processes[0].log_excerpt = std::string("bell\x07 and nul\x01");
  const std::string xml = ToJUnitXml(ToCtrf(SampleRun(), {p}));
  EXPECT_FALSE(Contains(xml, "\x07"));
  EXPECT_FALSE(Contains(xml, "\x01"));
}

TEST(JUnitTest, UndecidedIsAnError) {
  const std::string xml = ToJUnitXml(ToCtrf(SampleRun(), AllThree()));
  EXPECT_TRUE(Contains(xml, "<error message=\"gave up: 1000 discarded cases\" type=\"undecided\">"))
      << xml;
}

}  // namespace
}  // namespace lockstep::reports
