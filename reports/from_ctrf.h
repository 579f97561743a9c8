// Reading a lockstep CTRF report back into the values it was written from (the inverse of
// ToCtrf), for the renderers (show, diff, JUnit, HTML) and for merging.
//
// Tolerant by design: a missing or mistyped field reads as its default (empty string, 0, no
// counterexample), so a renderer never throws on a damaged report. Callers that need to know
// whether a document is a well-formed lockstep report call ValidateReport (reports/schema.h)
// first; for a report that validates, ToCtrf(ReportFromCtrf(r)) == r up to the CTRF fields
// ToCtrf derives (summary, totals, overall verdict), which it recomputes identically.
//
// Thread safety: pure functions over values.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "reports/property_result.h"

namespace lockstep::reports {

struct Report {
  RunInfo run;
  std::vector<PropertyResult> properties;  // in the report's test order
};

// Never throws. A property's verdict comes from `extra.verdict`, else from the CTRF status;
// an unreadable one is kOther. `failures` is read as written (ToCtrf fills it for a failure).
Report ReportFromCtrf(const nlohmann::json& ctrf);

}  // namespace lockstep::reports
