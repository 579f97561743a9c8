// The lockstep conformance report: a CTRF document (Common Test Report Format, ctrf.io,
// specVersion 0.0.0) with one test per property per protocol and lockstep's own fields under
// the test-level and run-level `extra` objects. reports/README.md lists every field;
// reports/schema/lockstep-report.schema.json is the machine-checkable form.
//
// CTRF constraints honoured here: `duration`, `start`, `stop` are integer milliseconds (the
// exact duration is kept as `extra.duration_ms`); test objects carry only CTRF's own keys; the
// status is one of CTRF's, and lockstep only produces passed, failed and other.
//
// Thread safety: pure functions over values, except DescribeHost (reads uname).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/property_result.h"
#include "reports/verdict.h"

namespace lockstep::reports {

inline constexpr const char* kCtrfSpecVersion = "0.0.0";
// results.extra.lockstep_report_version: the version of lockstep's `extra` layout. Readers
// (merge, diff) refuse documents without it: they are not lockstep reports.
// 2: per-protocol figures (results.extra.protocols), run-level faults counted once per
// protocol, per-property durations as shares of the protocol's time, extra.truncated.
inline constexpr int kLockstepReportVersion = 2;

// "<id> <name>", e.g. "ST-4 clean failure": the CTRF test name of a property.
std::string TestName(const PropertyResult& property);

// The CTRF report of a run. The overall verdict, the summary counts, the per-protocol figures
// and the run-level fault totals (reports/protocol_totals.h) are computed from `properties`.
// A kFailed property without a counterexample yields a report that ValidateReport rejects
// (the harness must always record one).
nlohmann::json ToCtrf(const RunInfo& run, const std::vector<PropertyResult>& properties);

// results.extra.protocols: protocol -> {cases, steps, duration_ms, faults_by_kind}, from
// TotalsByProtocol (reports/protocol_totals.h).
nlohmann::json ProtocolTotalsJson(const std::vector<PropertyResult>& properties);

// The overall verdict of a report, from its tests: any failed -> kFailed, else any
// other/skipped/pending/unreadable -> kOther, else kPassed; no tests at all -> kOther.
// Reads each test's `extra.verdict`, falling back to its CTRF `status`. Never throws.
Verdict OverallVerdict(const nlohmann::json& ctrf);

// Fills run->host (when empty), run->os_release and run->os_version from uname(2).
// Leaves them unchanged when uname fails (it does not on Linux).
void DescribeHost(RunInfo* run);

}  // namespace lockstep::reports
