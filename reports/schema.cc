#include "reports/schema.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "reports/ctrf.h"
#include "reports/from_ctrf.h"
#include "reports/json_schema.h"
#include "reports/protocol_totals.h"
#include "reports/verdict.h"

namespace lockstep::reports {

using nlohmann::json;

namespace {

const Result<JsonSchema>& Schema() {
  static const Result<JsonSchema> parsed =
      JsonSchema::Parse(ReportSchemaText(), "the embedded report schema");
  return parsed;
}

void CheckSummary(const json& results, std::vector<std::string>* out) {
  std::map<std::string, std::uint64_t> counted;
  for (const json& test : results["tests"]) counted[test["status"].get<std::string>()]++;
  const json& summary = results["summary"];
  if (summary["tests"].get<std::uint64_t>() != results["tests"].size()) {
    out->push_back("/results/summary/tests: " + summary["tests"].dump() + " but the report has " +
                   std::to_string(results["tests"].size()) + " tests");
  }
  for (const char* status : {"passed", "failed", "other", "skipped", "pending"}) {
    if (summary[status].get<std::uint64_t>() != counted[status]) {
      out->push_back(std::string("/results/summary/") + status + ": " + summary[status].dump() +
                     " but " + std::to_string(counted[status]) + " tests have that status");
    }
  }
}

void CheckTests(const json& results, std::vector<std::string>* out) {
  std::set<std::pair<std::string, std::string>> seen;
  const json& tests = results["tests"];
  for (std::size_t i = 0; i < tests.size(); ++i) {
    const json& x = tests[i]["extra"];
    const std::string where = "/results/tests/" + std::to_string(i) + "/name";
    const std::string name = tests[i]["name"].get<std::string>();
    const std::string expected =
        x["property"].get<std::string>() + " " + x["property_name"].get<std::string>();
    if (name != expected) out->push_back(where + ": \"" + name + "\" is not \"" + expected + "\"");
    if (!seen.insert({x["protocol"].get<std::string>(), name}).second) {
      out->push_back(where + ": \"" + name + "\" appears twice for protocol " +
                     x["protocol"].get<std::string>());
    }
  }
  const std::string overall(VerdictName(OverallVerdict(json{{"results", results}})));
  if (results["extra"]["verdict"] != overall) {
    out->push_back("/results/extra/verdict: " + results["extra"]["verdict"].dump() +
                   " but the tests' overall verdict is \"" + overall + "\"");
  }
}

// Equal up to rounding in the durations (which are sums of doubles).
bool SameTotals(const json& a, const json& b) {
  if (!a.is_object() || !b.is_object() || a.size() != b.size()) return false;
  for (const auto& [protocol, t] : b.items()) {
    if (!a.contains(protocol)) return false;
    const json& u = a[protocol];
    const double da = u["duration_ms"].get<double>(), db = t["duration_ms"].get<double>();
    if (u["cases"] != t["cases"] || u["steps"] != t["steps"] ||
        u["faults_by_kind"] != t["faults_by_kind"] ||
        std::abs(da - db) > 1e-9 * std::max(1.0, std::abs(db))) {
      return false;
    }
  }
  return true;
}

// The per-protocol figures are those its tests show, and the run's faults their sum
// (reports/protocol_totals.h): each protocol's faults counted once, not once per property.
void CheckProtocols(const json& results, std::vector<std::string>* out) {
  const Report report = ReportFromCtrf(json{{"results", results}});
  const json& extra = results["extra"];
  const json expected = ProtocolTotalsJson(report.properties);
  if (!SameTotals(extra["protocols"], expected)) {
    out->push_back("/results/extra/protocols: " + extra["protocols"].dump() +
                   " is not what the tests show, " + expected.dump());
  }
  const json faults = RunFaults(report.properties);
  if (faults != extra["faults_by_kind"]) {
    out->push_back("/results/extra/faults_by_kind: " + extra["faults_by_kind"].dump() +
                   " is not the sum over the protocols, " + faults.dump());
  }
}

}  // namespace

Status ValidateReport(const json& report) {
  if (!Schema()) return std::unexpected(Schema().error());
  std::vector<std::string> violations = Schema()->Violations(report);
  if (violations.empty()) {  // the consistency rules may rely on the schema's shape
    CheckSummary(report["results"], &violations);
    CheckTests(report["results"], &violations);
    CheckProtocols(report["results"], &violations);
  }
  if (violations.empty()) return {};
  std::ostringstream message;
  message << "not a valid lockstep report (" << violations.size() << " violation"
          << (violations.size() == 1 ? "" : "s") << " of lockstep-report.schema.json):";
  for (const std::string& v : violations) message << "\n  " << v;
  return Fail(message.str());
}

}  // namespace lockstep::reports
