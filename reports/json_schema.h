// JsonSchema: one JSON Schema (draft-07), parsed once, that documents are checked against with
// valijson. The one validation mechanism of lockstep's formats: the report
// (reports/schema.h) and the event trace line (reports/trace_schema.h) both use it.
//
// Thread safety: a parsed JsonSchema is immutable; Violations() is safe from any thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace valijson {
class Schema;
}

namespace lockstep::reports {

class JsonSchema {
 public:
  // Parses `text`. Fails, naming `name` (e.g. "lockstep-trace.schema.json"), when it is not
  // JSON or not a usable schema (a build defect: the embedded texts are checked by tests).
  [[nodiscard]] static Result<JsonSchema> Parse(std::string_view text, const std::string& name);

  // Every way `document` breaks the schema, one line each, starting with the JSON pointer of
  // the offending value ("/results/tests/0/extra: missing required property 'seed'"). Empty
  // when it satisfies the schema.
  std::vector<std::string> Violations(const nlohmann::json& document) const;

 private:
  std::shared_ptr<const valijson::Schema> schema_;
};

}  // namespace lockstep::reports
