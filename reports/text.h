// Text helpers shared by the report renderers (show, JUnit, HTML, the CTRF `trace` field):
// escaping for XML/HTML and the shell, and the one plain-text rendering of a counterexample,
// so that every export shows a failure the same way.
//
// Thread safety: pure functions over values.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "reports/property_result.h"

namespace lockstep::reports {

// Escapes & < > and, unless `quotes` is false, " and ', for use in XML or HTML text and
// attribute values (element text needs no quote escaping; attributes do). Characters XML 1.0
// forbids (C0 controls other than tab, newline, carriage return) become U+FFFD, so a log
// excerpt with stray bytes still yields a well-formed document.
std::string EscapeMarkup(std::string_view text, bool quotes = true);

// `text` as one POSIX shell word in single quotes ('it'\''s').
std::string ShellQuote(std::string_view text);

// "lockstep replay --reproduce '<reproduce>'": the command that re-runs a failure.
std::string ReplayCommand(std::string_view reproduce);

// The multi-line plain-text rendering of a counterexample: the violation, the shrunk steps
// numbered from 1 with each step's faults under it (step-0 faults first), and the processes'
// exit statuses with their log excerpts. Every line is prefixed with `indent`.
std::string CounterexampleText(const Counterexample& counterexample, std::string_view indent = "");

// Sum of the values of a count map.
std::uint64_t Total(const std::map<std::string, std::uint64_t>& counts);

}  // namespace lockstep::reports
