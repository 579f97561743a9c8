#include "reports/junit.h"

#include <cstdint>
#include <cstdio>
#include <ctime>
#include <map>
#include <sstream>
#include <vector>

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

// "2026-12-02T02:40:00": the JUnit schema's timestamp (ISO 8601, no zone; lockstep's is UTC).
std::string Timestamp(std::int64_t ms) {
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &utc);
  return buf;
}

struct Counts {
  int tests = 0, failures = 0, errors = 0;
  double ms = 0;

  void Add(const PropertyResult& p) {
    ++tests;
    failures += p.verdict == Verdict::kFailed;
    errors += p.verdict == Verdict::kOther;
    ms += p.duration_ms;
  }
  std::string Attributes(double time_ms) const {
    return Attr("tests", std::to_string(tests)) + Attr("failures", std::to_string(failures)) +
           Attr("errors", std::to_string(errors)) + Attr("skipped", "0") +
           Attr("time", Seconds(time_ms));
  }
};

}  // namespace

std::string ToJUnitXml(const nlohmann::json& ctrf) {
  const Report report = ReportFromCtrf(ctrf);
  std::vector<std::string> protocols;  // in report order
  std::map<std::string, Counts> by_protocol;
  Counts all;
  for (const PropertyResult& p : report.properties) {
    if (!by_protocol.contains(p.protocol)) protocols.push_back(p.protocol);
    by_protocol[p.protocol].Add(p);
    all.Add(p);
  }
  // <testsuites> took the run's wall time; without one, the sum of its suites.
  const double wall_ms = report.run.stop_ms > report.run.start_ms
                             ? static_cast<double>(report.run.stop_ms - report.run.start_ms)
                             : all.ms;
  const std::string host = report.run.host.empty() ? "unknown" : report.run.host;
  std::ostringstream xml;
  xml << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  xml << "<testsuites" << Attr("name", "lockstep") << all.Attributes(wall_ms) << ">\n";
  for (std::size_t i = 0; i < protocols.size(); ++i) {
    const Counts& suite = by_protocol[protocols[i]];
    xml << "  <testsuite" << Attr("name", "lockstep." + protocols[i]) << Attr("id", std::to_string(i))
        << suite.Attributes(suite.ms) << Attr("hostname", host);
    if (report.run.start_ms > 0) xml << Attr("timestamp", Timestamp(report.run.start_ms));
    xml << ">\n";
    AppendProperties(xml, report.run);
    for (const PropertyResult& p : report.properties) {
      if (p.protocol == protocols[i]) AppendTestcase(xml, p);
    }
    xml << "  </testsuite>\n";
  }
  xml << "</testsuites>\n";
  return xml.str();
}

}  // namespace lockstep::reports
