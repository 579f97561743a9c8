// Validation of one event-trace line (docs/trace.md) against
// reports/schema/lockstep-trace.schema.json (JSON Schema draft-07), embedded in the binary at
// build time like the report schema, and checked with the same mechanism (JsonSchema).
//
// The schema checks one line on its own: the common fields, the event kind, which kind of
// process may emit it, and exactly its fields. Rules across lines (seq 1..n per process life,
// the clock order of a message's send and receipt) are for the trace's reader.
//
// Thread safety: safe from any thread; the schema is parsed once, on first use.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace lockstep::reports {

// Succeeds when `line` (one parsed trace line) satisfies the schema; otherwise the error lists
// every violation, one per line, each starting with the JSON pointer of the offending value.
[[nodiscard]] Status ValidateTraceLine(const nlohmann::json& line);

// The schema's text, as embedded at build time.
std::string_view TraceSchemaText();

}  // namespace lockstep::reports
