// Plain-text renderings of lockstep reports for a terminal (`lockstep report show|diff`).
//
// Thread safety: pure functions over values. Never throw; a damaged report renders with empty
// fields (see reports/from_ctrf.h).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace lockstep::reports {

// A headline (kind, overall verdict, counts, seed, model revision, host), a table with one row
// per property (property, protocol, verdict, cases, steps, faults injected, time; a truncated
// pass reads "passed*"), one line per protocol with what its search ran, counted once (cases,
// steps, faults, time), the reason of each truncation, and then, for each failed or undecided
// property, its reason, replay command and shrunk
// counterexample (steps with their faults, processes' exits and log excerpts).
std::string ShowReport(const nlohmann::json& ctrf);

struct ReportDiff {
  std::string text;  // one line per difference, or the "no differences" line
  // The overall verdict or some property's verdict got worse (passed < other < failed), or a
  // property of the old report is missing from the new one (something checked before is not
  // checked now). `lockstep report diff` exits 1 when set.
  bool worse = false;
};

// What changed from report `a` (before) to report `b` (after): the overall verdict, each
// property whose verdict changed, properties new in `b` or gone from `a`, and changed case
// counts. Properties are matched by protocol and test name. One line per difference;
// "no differences in verdicts, properties or case counts" when there is none.
ReportDiff DiffReports(const nlohmann::json& a, const nlohmann::json& b);

}  // namespace lockstep::reports
