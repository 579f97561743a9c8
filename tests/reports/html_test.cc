#include "reports/html.h"

#include <gtest/gtest.h>

#include "reports/ctrf.h"
#include "tests/reports/fixtures.h"

namespace lockstep::reports {
namespace {

using testing::AllThree;
using testing::FailedProperty;
using testing::SampleRun;

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(HtmlTest, SelfContainedPage) {
  const std::string html = ToHtml(ToCtrf(SampleRun(), AllThree()));
  EXPECT_TRUE(html.starts_with("<!DOCTYPE html>")) << html;
  EXPECT_TRUE(Contains(html, "<style>"));
  EXPECT_TRUE(html.ends_with("</html>\n"));
  for (const char* external : {"<script", "<link", "src=", "href=", "@import", "url("}) {
    EXPECT_FALSE(Contains(html, external)) << external;
  }
}

TEST(HtmlTest, ShrunkCounterexampleTimelineWithFaults) {
  const std::string html = ToHtml(ToCtrf(SampleRun(), AllThree()));
  EXPECT_TRUE(Contains(html, "shrunk counterexample (3 steps)")) << html;
  EXPECT_TRUE(Contains(html, "<code>Start(A)</code>")) << html;
  EXPECT_TRUE(Contains(html, "<code>Start(B) &lt;receiver&gt;</code>")) << html;
  // Step 2 carries the crash; setup (step 0) carries the disk-full fault.
  EXPECT_TRUE(Contains(html, "<tr class=\"fault\"><td class=\"n\">2</td>")) << html;
  EXPECT_TRUE(Contains(html, "<tr class=\"fault\"><td class=\"n\">setup</td>")) << html;
  EXPECT_TRUE(Contains(html, "&#9889; crash</span> on mds-A")) << html;
  // One lane per side, and one for the fault that names no side.
  EXPECT_TRUE(Contains(html, "<th>faults on A</th><th>faults on B</th><th>other faults</th>"))
      << html;
  EXPECT_TRUE(Contains(html, "<code>Start(B)</code></td><td></td><td></td><td><div>"
                             "<span class=\"mark\">&#9889; access-denied")) << html;
  EXPECT_TRUE(Contains(html, "lockstep replay --reproduce &#39;st:ST-4")) << html;
  EXPECT_TRUE(Contains(html, "sending &lt;state&gt; to B")) << html;
}

TEST(HtmlTest, ChartsOfFaultsAndCases) {
  const std::string html = ToHtml(ToCtrf(SampleRun(), AllThree()));
  EXPECT_TRUE(Contains(html, "<svg")) << html;
  EXPECT_TRUE(Contains(html, "faults injected by kind"));
  EXPECT_TRUE(Contains(html, "cases per property"));
  EXPECT_TRUE(Contains(html, ">reformat</text>")) << html;
}

TEST(HtmlTest, EscapesEverything) {
  PropertyResult p = FailedProperty();
  p.name = "<script>alert(1)</script>";
  p.counterexample->shrunk.push_back("Input(\"x\" & 'y')");
  RunInfo run = SampleRun();
  run.host = "<img onerror=x>";
  const std::string html = ToHtml(ToCtrf(run, {p}));
  EXPECT_FALSE(Contains(html, "<script>"));
  EXPECT_FALSE(Contains(html, "<img"));
  EXPECT_FALSE(Contains(html, "<junk>"));
  EXPECT_TRUE(Contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_TRUE(Contains(html, "Input(&quot;x&quot; &amp; &#39;y&#39;)"));
}

}  // namespace
}  // namespace lockstep::reports
