#include "reports/junit.h"

#include <cstdio>
#include <sstream>

#include "reports/ctrf.h"
#include "reports/from_ctrf.h"
#include "reports/text.h"

namespace lockstep::reports {

namespace {

std::string Seconds(double ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", ms / 1000.0);
  return buf;
}

std::string Attr(const std::string& name, const std::string& value) {
  return " " + name + "=\"" + EscapeMarkup(value) + "\"";
}

// The body of a <failure> or <error>: what a person needs to replay it.
std::string ProblemBody(const PropertyResult& p) {
  std::ostringstream body;
  if (!p.reproduce.empty()) body << "reproduce: " << ReplayCommand(p.reproduce) << '\n';
  body << "seed: " << p.seed << '\n';
  if (!p.reason.empty()) body << "reason: " << p.reason << '\n';
  if (p.counterexample) body << CounterexampleText(*p.counterexample);
  if (p.failures.size() > 1) {
    body << "all failures (" << p.failures.size() << "):\n";
    for (const FailureRef& f : p.failures) {
      body << "  " << ReplayCommand(f.reproduce) << "  # " << f.message << '\n';
    }
  }
  return body.str();
}

void AppendTestcase(std::ostringstream& xml, const PropertyResult& p) {
  xml << "    <testcase" << Attr("classname", "lockstep." + p.protocol)
      << Attr("name", TestName(p)) << Attr("time", Seconds(p.duration_ms)) << ">\n";
  if (p.verdict != Verdict::kPassed) {
    const char* element = p.verdict == Verdict::kFailed ? "failure" : "error";
    const std::string type = p.verdict == Verdict::kFailed ? "property violated" : "undecided";
    xml << "      <" << element << Attr("message", p.reason) << Attr("type", type) << ">"
        << EscapeMarkup(ProblemBody(p), /*quotes=*/false) << "</" << element << ">\n";
  }
  std::string out = "cases: " + std::to_string(p.cases) + ", steps: " + std::to_string(p.steps) +
                    ", seed: " + std::to_string(p.seed);
  if (p.truncated) out += "\n" + p.reason;
  xml << "      <system-out>" << EscapeMarkup(out) << "</system-out>\n";
  xml << "    </testcase>\n";
}

void AppendProperties(std::ostringstream& xml, const RunInfo& run) {
  auto property = [&xml](const std::string& name, const std::string& value) {
    xml << "      <property" << Attr("name", name) << Attr("value", value) << "/>\n";
  };
  xml << "    <properties>\n";
  property("seed", std::to_string(run.seed));
  property("kind", run.kind);
  property("tool_version", run.tool_version);
  property("model_revision", run.model_revision);
  property("impl_version", run.impl_version);
  property("build_type", run.build_type);
  property("command_line", run.command_line);
  for (const auto& [kind, mechanism] : run.fault_mechanisms) {
    property("fault_mechanism." + kind, mechanism);
  }
  xml << "    </properties>\n";
}

}  // namespace

std::string ToJUnitXml(const nlohmann::json& ctrf) {
  const Report report = ReportFromCtrf(ctrf);
  int failures = 0, errors = 0;
  double total_ms = 0;
  for (const PropertyResult& p : report.properties) {
    failures += p.verdict == Verdict::kFailed;
    errors += p.verdict == Verdict::kOther;
    total_ms += p.duration_ms;
  }
  // The suite took the run's wall time. (Its testcases add up to the searches' time: about the
  // same for a run, up to --jobs times more for a campaign, whose workers run in parallel.)
  if (report.run.stop_ms > report.run.start_ms) {
    total_ms = static_cast<double>(report.run.stop_ms - report.run.start_ms);
  }
  const std::string counts = Attr("tests", std::to_string(report.properties.size())) +
                             Attr("failures", std::to_string(failures)) +
                             Attr("errors", std::to_string(errors)) + Attr("skipped", "0") +
                             Attr("time", Seconds(total_ms));
  std::ostringstream xml;
  xml << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  xml << "<testsuites" << Attr("name", "lockstep") << counts << ">\n";
  xml << "  <testsuite" << Attr("name", "lockstep") << counts
      << Attr("hostname", report.run.host.empty() ? "unknown" : report.run.host) << ">\n";
  AppendProperties(xml, report.run);
  for (const PropertyResult& p : report.properties) AppendTestcase(xml, p);
  xml << "  </testsuite>\n</testsuites>\n";
  return xml.str();
}

}  // namespace lockstep::reports
