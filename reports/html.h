// A self-contained HTML page of a lockstep report (`lockstep report html`): inline CSS and
// inline SVG, no scripts and no external resources, so it can be archived as a CI artifact
// and opened anywhere. It shows the run information, the verdict table, for each failed or
// undecided property its replay command and its shrunk counterexample as a timeline (one row
// per step, the faults injected at that step marked on it, the processes' exits and log
// excerpts), and bar charts of faults injected by kind and of cases per property.
// Every string from the report is HTML-escaped.
//
// Thread safety: pure function over values. Never throws; a damaged report renders with
// empty fields (see reports/from_ctrf.h).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace lockstep::reports {

std::string ToHtml(const nlohmann::json& ctrf);

}  // namespace lockstep::reports
