#include "reports/json_schema.h"

#include <algorithm>
#include <cstdlib>
#include <exception>

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

namespace lockstep::reports {

using nlohmann::json;

namespace {

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
std::vector<std::string> SchemaViolations(const valijson::Schema& schema, const json& document) {
  // One validator per thread: it keeps the std::regex of every `pattern` it has compiled,
  // which otherwise dominates checking a small document (a trace line).
  thread_local valijson::Validator validator(valijson::Validator::kStrongTypes);
  const valijson::adapters::NlohmannJsonAdapter adapter(document);
  if (validator.validate(schema, adapter, nullptr)) return {};  // no results: stops early
  valijson::ValidationResults results;
  validator.validate(schema, adapter, &results);
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

}  // namespace

Result<JsonSchema> JsonSchema::Parse(std::string_view text, const std::string& name) {
  try {
    const json doc = json::parse(text);
    auto schema = std::make_shared<valijson::Schema>();
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    parser.populateSchema(valijson::adapters::NlohmannJsonAdapter(doc), *schema);
    JsonSchema parsed;
    parsed.schema_ = std::move(schema);
    return parsed;
  } catch (const std::exception& e) {
    return Fail(name + " is unusable: " + e.what());
  }
}

std::vector<std::string> JsonSchema::Violations(const json& document) const {
  return SchemaViolations(*schema_, document);
}

}  // namespace lockstep::reports
