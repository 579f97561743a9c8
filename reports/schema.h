// Validation of lockstep reports against reports/schema/lockstep-report.schema.json (JSON
// Schema draft-07), which is embedded in the binary at build time, plus the consistency rules
// a schema cannot express. Every report lockstep writes, and every report it reads for merge,
// must pass ValidateReport.
//
// Rules checked beyond the schema (all listed in reports/README.md):
//   * summary counts equal the counts of the tests' statuses;
//   * results.extra.verdict equals OverallVerdict of the tests;
//   * results.extra.protocols holds the figures each protocol's tests show, and
//     results.extra.faults_by_kind their sum over protocols (reports/protocol_totals.h);
//   * each test's name is "<property> <property_name>", unique within its protocol.
//
// Thread safety: safe from any thread; the schema is parsed once, on first use.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace lockstep::reports {

// Succeeds when `report` satisfies the schema and the rules above. Otherwise the error lists
// every violation found, one per line, each starting with the JSON pointer of the offending
// value (e.g. "/results/tests/0/extra: missing required property 'seed'").
[[nodiscard]] Status ValidateReport(const nlohmann::json& report);

// The schema's text, as embedded at build time (for `lockstep report schema` and tools).
std::string_view ReportSchemaText();

}  // namespace lockstep::reports
