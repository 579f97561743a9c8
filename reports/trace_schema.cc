#include "reports/trace_schema.h"

#include <sstream>
#include <string>
#include <vector>

#include "reports/json_schema.h"

namespace lockstep::reports {

namespace {

const Result<JsonSchema>& Schema() {
  static const Result<JsonSchema> parsed =
      JsonSchema::Parse(TraceSchemaText(), "the embedded trace schema");
  return parsed;
}

}  // namespace

Status ValidateTraceLine(const nlohmann::json& line) {
  if (!Schema()) return std::unexpected(Schema().error());
  const std::vector<std::string> violations = Schema()->Violations(line);
  if (violations.empty()) return {};
  std::ostringstream message;
  message << "not a valid trace line (" << violations.size() << " violation"
          << (violations.size() == 1 ? "" : "s") << " of lockstep-trace.schema.json):";
  for (const std::string& v : violations) message << "\n  " << v;
  return Fail(message.str());
}

}  // namespace lockstep::reports
