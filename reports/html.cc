#include "reports/html.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <map>
#include <set>
#include <sstream>
#include <utility>
#include <vector>

#include "reports/ctrf.h"
#include "reports/from_ctrf.h"
#include "reports/protocol_totals.h"
#include "reports/text.h"

namespace lockstep::reports {

namespace {

constexpr const char* kStyle = R"css(
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:72em;color:#1d1d1f;padding:0 1em}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em}h3{font-size:1em}
table{border-collapse:collapse;margin:.5em 0 1em}td,th{border:1px solid #d0d0d7;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#f2f2f6}td.n{text-align:right;font-variant-numeric:tabular-nums}
.passed{color:#1a7f37;font-weight:600}.failed{color:#cf222e;font-weight:600}.other{color:#9a6700;font-weight:600}
.badge{padding:.1em .5em;border-radius:.3em;color:#fff}.badge.passed{background:#1a7f37}.badge.failed{background:#cf222e}.badge.other{background:#9a6700}
pre{background:#f6f8fa;padding:.5em;overflow-x:auto;white-space:pre-wrap;margin:0}
tr.fault td{background:#fff1e5}.mark{color:#bc4c00;font-weight:600}
.charts{display:flex;flex-wrap:wrap;gap:2em}
)css";

std::string E(std::string_view text) { return EscapeMarkup(text); }

std::string Cell(const std::string& text, const char* cls = nullptr) {
  return cls ? "<td class=\"" + std::string(cls) + "\">" + E(text) + "</td>"
             : "<td>" + E(text) + "</td>";
}

std::string Utc(std::int64_t epoch_ms) {
  if (epoch_ms <= 0) return "";
  const std::time_t seconds = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[40];
  return std::string(buf, std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm));
}

std::string RunInfoTable(const RunInfo& run) {
  std::vector<std::pair<std::string, std::string>> rows = {
      {"kind", run.kind},           {"seed", std::to_string(run.seed)},
      {"lockstep", run.tool_version}, {"model revision", run.model_revision},
      {"implementation", run.impl_version}, {"host", run.host},
      {"build type", run.build_type}, {"command line", run.command_line},
      {"start", Utc(run.start_ms)},  {"stop", Utc(run.stop_ms)}};
  for (const auto& [name, path] : run.binaries) rows.emplace_back("binary " + name, path);
  for (const auto& [kind, how] : run.fault_mechanisms) rows.emplace_back("fault " + kind, how);
  std::string html = "<table>\n";
  for (const auto& [key, value] : rows) {
    html += "<tr><th>" + E(key) + "</th>" + Cell(value) + "</tr>\n";
  }
  return html + "</table>\n";
}

std::string VerdictTable(const std::vector<PropertyResult>& properties) {
  std::string html =
      "<table>\n<tr><th>property</th><th>protocol</th><th>verdict</th><th>cases</th>"
      "<th>steps</th><th>faults</th><th>time (ms)</th><th>seeded bug</th></tr>\n";
  for (const PropertyResult& p : properties) {
    const std::string verdict(VerdictName(p.verdict));
    const std::string shown = p.truncated ? verdict + " (truncated: " + p.reason + ")" : verdict;
    html += "<tr>" + Cell(TestName(p)) + Cell(p.protocol) + Cell(shown, verdict.c_str()) +
            Cell(std::to_string(p.cases), "n") + Cell(std::to_string(p.steps), "n") +
            Cell(std::to_string(Total(p.faults_by_kind)), "n") +
            Cell(std::to_string(static_cast<long long>(p.duration_ms)), "n") + Cell(p.bug) +
            "</tr>\n";
  }
  return html + "</table>\n";
}

// Horizontal bars scaled to the largest value; an empty chart says so.
std::string BarChart(const std::string& title,
                     const std::vector<std::pair<std::string, std::uint64_t>>& bars) {
  constexpr int kLabel = 200, kBar = 300, kRow = 22;
  std::uint64_t max = 1;
  for (const auto& [label, n] : bars) max = std::max(max, n);
  const int height = kRow * static_cast<int>(std::max<std::size_t>(bars.size(), 1)) + 8;
  std::ostringstream svg;
  svg << "<figure><figcaption>" << E(title) << "</figcaption>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\""
      << kLabel + kBar + 80 << "\" height=\"" << height << "\" role=\"img\" aria-label=\""
      << E(title) << "\">\n";
  if (bars.empty()) svg << "<text x=\"4\" y=\"16\" font-size=\"12\">none</text>\n";
  int y = 4;
  for (const auto& [label, n] : bars) {
    const int w = static_cast<int>(static_cast<double>(n) / static_cast<double>(max) * kBar);
    svg << "<text x=\"" << kLabel - 6 << "\" y=\"" << y + 14
        << "\" font-size=\"12\" text-anchor=\"end\">" << E(label) << "</text>"
        << "<rect x=\"" << kLabel << "\" y=\"" << y + 2 << "\" width=\"" << std::max(w, 1)
        << "\" height=\"" << kRow - 6 << "\" fill=\"#0969da\"/>"
        << "<text x=\"" << kLabel + std::max(w, 1) + 4 << "\" y=\"" << y + 14
        << "\" font-size=\"12\">" << n << "</text>\n";
    y += kRow;
  }
  svg << "</svg></figure>\n";
  return svg.str();
}

std::string Charts(const Report& report) {
  const std::map<std::string, std::uint64_t> faults = RunFaults(report.properties);
  std::vector<std::pair<std::string, std::uint64_t>> cases;
  for (const PropertyResult& p : report.properties) cases.emplace_back(TestName(p), p.cases);
  return "<div class=\"charts\">\n" +
         BarChart("faults injected by kind", {faults.begin(), faults.end()}) +
         BarChart("cases per property", cases) + "</div>\n";
}

// The faults injected at `step` that hit `side` ("" = none in particular).
std::string FaultsAt(const Counterexample& cx, int step, const std::string& side) {
  std::string marks;
  for (const FaultRecord& f : cx.faults) {
    if (f.step != step || f.side != side) continue;
    marks += "<div><span class=\"mark\">&#9889; " + E(f.kind) + "</span> on " + E(f.target) +
             (f.mechanism.empty() ? "" : " <small>(" + E(f.mechanism) + ")</small>") + "</div>";
  }
  return marks;
}

// The timeline's fault lanes: one per side the faults name, in order, then "" for faults
// that name none (when there are such, or no sides at all).
std::vector<std::string> Lanes(const Counterexample& cx) {
  std::set<std::string> sides;
  bool sideless = false;
  for (const FaultRecord& f : cx.faults) {
    if (f.side.empty()) sideless = true;
    else sides.insert(f.side);
  }
  std::vector<std::string> lanes(sides.begin(), sides.end());
  if (sideless || lanes.empty()) lanes.push_back("");
  return lanes;
}

// One row per shrunk step (row "setup" for faults injected before the first command), one
// column per lane; rows where a fault was injected are marked.
std::string Timeline(const Counterexample& cx) {
  const std::vector<std::string> lanes = Lanes(cx);
  std::string html = "<table>\n<tr><th>step</th><th>command</th>";
  for (const std::string& lane : lanes) {
    html += "<th>" + (lane.empty() ? std::string(lanes.size() == 1 ? "faults injected" : "other faults")
                                   : "faults on " + E(lane)) + "</th>";
  }
  html += "</tr>\n";
  auto row = [&](int step, const std::string& label, const std::string& command) {
    std::string cells;
    bool any = false;
    for (const std::string& lane : lanes) {
      const std::string marks = FaultsAt(cx, step, lane);
      any = any || !marks.empty();
      cells += "<td>" + marks + "</td>";
    }
    if (step == 0 && !any) return;
    html += std::string(any ? "<tr class=\"fault\">" : "<tr>") + Cell(label, "n") + "<td><code>" +
            E(command) + "</code></td>" + cells + "</tr>\n";
  };
  row(0, "setup", "");
  for (std::size_t i = 0; i < cx.shrunk.size(); ++i) {
    row(static_cast<int>(i) + 1, std::to_string(i + 1), cx.shrunk[i]);
  }
  return html + "</table>\n";
}

std::string Processes(const Counterexample& cx) {
  if (cx.processes.empty()) return "";
  std::string html = "<h3>processes</h3>\n<table>\n<tr><th>process</th><th>exit</th><th>log excerpt</th></tr>\n";
  for (const ProcessRecord& p : cx.processes) {
    html += "<tr>" + Cell(p.name) + Cell(p.exit) + "<td><pre>" + E(p.log_excerpt) +
            "</pre></td></tr>\n";
  }
  return html + "</table>\n";
}

std::string OriginalSequence(const Counterexample& cx) {
  std::string text;
  for (std::size_t i = 0; i < cx.original.size(); ++i) {
    text += std::to_string(i + 1) + ". " + cx.original[i] + "\n";
  }
  return "<details><summary>original sequence (" + std::to_string(cx.original.size()) +
         " steps, shrunk in " + std::to_string(cx.shrink_steps) + " shrink steps)</summary><pre>" +
         E(text) + "</pre></details>\n";
}

std::string Problem(const PropertyResult& p) {
  const std::string verdict(VerdictName(p.verdict));
  std::string html = "<section>\n<h2>" + E(TestName(p)) + " <small>[" + E(p.protocol) +
                     "]</small> <span class=\"badge " + verdict + "\">" + verdict + "</span></h2>\n";
  if (!p.reason.empty()) html += "<p>" + E(p.reason) + "</p>\n";
  if (!p.reproduce.empty()) {
    html += "<p>reproduce (seed " + std::to_string(p.seed) + "):</p><pre>" +
            E(ReplayCommand(p.reproduce)) + "</pre>\n";
  }
  if (p.counterexample) {
    const Counterexample& cx = *p.counterexample;
    if (!cx.message.empty()) html += "<p><b>violated:</b> " + E(cx.message) + "</p>\n";
    html += "<h3>shrunk counterexample (" + std::to_string(cx.shrunk.size()) + " steps)</h3>\n" +
            Timeline(cx) + OriginalSequence(cx) + Processes(cx);
  }
  if (p.failures.size() > 1) {
    html += "<h3>all failing seeds</h3>\n<ul>\n";
    for (const FailureRef& f : p.failures) {
      html += "<li><code>" + E(ReplayCommand(f.reproduce)) + "</code> " + E(f.message) + "</li>\n";
    }
    html += "</ul>\n";
  }
  return html + "</section>\n";
}

}  // namespace

std::string ToHtml(const nlohmann::json& ctrf) {
  const Report report = ReportFromCtrf(ctrf);
  const std::string verdict(VerdictName(OverallVerdict(ctrf)));
  std::string html = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                     "<title>lockstep report: " + verdict + "</title>\n<style>" +
                     kStyle + "</style>\n</head>\n<body>\n";
  html += "<h1>lockstep " + E(report.run.kind) + " <span class=\"badge " + verdict + "\">" +
          verdict + "</span></h1>\n";
  html += "<h2>run</h2>\n" + RunInfoTable(report.run);
  html += "<h2>verdicts</h2>\n" + VerdictTable(report.properties) + Charts(report);
  for (const PropertyResult& p : report.properties) {
    if (p.verdict != Verdict::kPassed) html += Problem(p);
  }
  return html + "</body>\n</html>\n";
}

}  // namespace lockstep::reports
