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

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include "reports/ctrf.h"
#include "reports/from_ctrf.h"
#include "reports/protocol_totals.h"
#include "reports/verdict.h"

namespace lockstep::reports {

using nlohmann::json;

namespace {

// The parsed schema, or why it could not be parsed (a build defect: the embedded text is
// checked by the tests).
struct ParsedSchema {
  std::unique_ptr<valijson::Schema> schema;
  std::string error;
};

const ParsedSchema& Schema() {
  static const ParsedSchema parsed = [] {
    ParsedSchema out;
    try {
      const json doc = json::parse(ReportSchemaText());
      out.schema = std::make_unique<valijson::Schema>();
      valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
      parser.populateSchema(valijson::adapters::NlohmannJsonAdapter(doc), *out.schema);
    } catch (const std::exception& e) {
      out.schema.reset();
      out.error = std::string("the embedded report schema is unusable: ") + e.what();
    }
    return out;
  }();
  return parsed;
}

// One JSON pointer reference token, with its leading '/'.
std::string EscapeToken(const std::string& token) {
  std::string out = "/";
  for (char c : token) {
    out += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
  }
  return out;
}

// valijson's context ("<root>", "[results]", "[tests]", "[0]") as a JSON pointer.
std::string Pointer(const std::vector<std::string>& context) {
  std::string pointer;
  for (const std::string& element : context) {
    if (element == "<root>") continue;
    const bool bracketed = element.size() >= 2 && element.front() == '[' && element.back() == ']';
    pointer += EscapeToken(bracketed ? element.substr(1, element.size() - 2) : element);
  }
  return pointer;
}

struct Violation {
  std::string pointer;  // of the value the error is about ("" = the document)
  std::string description;
  bool enclosing;  // reports that something nested failed, not what
};

// valijson reports, besides each failed constraint, every enclosing subschema that failed
// because of it ("Failed to validate against schema associated with property name 'x'",
// "Failed to validate item #3 in array"). Such an error is about the nested value.
Violation FromValijson(const valijson::ValidationResults::Error& error) {
  Violation v{Pointer(error.context), error.description,
              error.description.starts_with("Failed to validate")};
  const std::string& d = error.description;
  if (d.find("property name '") != std::string::npos) {
    const std::size_t open = d.find('\'') + 1, close = d.rfind('\'');
    if (close > open) v.pointer += EscapeToken(d.substr(open, close - open));
  } else if (const std::size_t item = d.find("item #"); item != std::string::npos) {
    v.pointer += EscapeToken(std::to_string(std::atoll(d.c_str() + item + 6)));
  }
  return v;
}

bool Under(const std::string& ancestor, const std::string& pointer) {
  return pointer == ancestor || pointer.starts_with(ancestor + "/");
}

// One line per violation: every failed constraint, and an enclosing error only where no more
// precise error explains it (valijson gives none for some keywords, e.g. propertyNames).
std::vector<std::string> SchemaViolations(const json& report) {
  valijson::Validator validator(valijson::Validator::kStrongTypes);
  valijson::ValidationResults results;
  if (validator.validate(*Schema().schema, valijson::adapters::NlohmannJsonAdapter(report),
                         &results)) {
    return {};
  }
  std::vector<Violation> all;
  for (const auto& error : results) all.push_back(FromValijson(error));
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < all.size(); ++i) {
    bool explained = false;
    for (std::size_t j = 0; j < all.size() && all[i].enclosing && !explained; ++j) {
      explained = j != i && Under(all[i].pointer, all[j].pointer) &&
                  (all[j].pointer != all[i].pointer || !all[j].enclosing);
    }
    const std::string what = all[i].enclosing
                                 ? "does not match its schema (for example a key not allowed there)"
                                 : all[i].description;
    std::string line = (all[i].pointer.empty() ? "/" : all[i].pointer) + ": " + what;
    if (!explained && std::find(lines.begin(), lines.end(), line) == lines.end()) {
      lines.push_back(std::move(line));
    }
  }
  return lines;
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
  if (!Schema().schema) return Fail(Schema().error);
  std::vector<std::string> violations = SchemaViolations(report);
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
