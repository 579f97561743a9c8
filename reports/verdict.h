// Verdict: what a property test run established about one property, and the rules that turn
// verdicts into a run's overall verdict and the process exit status.
//
//   kPassed  the property held on every case run                  (CTRF status "passed")
//   kFailed  a case violated it; a counterexample exists           (CTRF status "failed")
//   kOther   unknown: the run gave up, timed out or hit a harness  (CTRF status "other")
//            or environment error, so nothing was established
//
// Combining: any failed is failed, else any other is other, else passed. An empty set of
// verdicts combines to kOther: a run that checked nothing has not shown that anything held.
//
// Exit status (spec "Command line": 0 every property held, 1 one failed, 2 usage or
// environment errors). Decision: an overall kOther exits 2, not 1. A property that could not
// be decided is an environment or harness problem, not a discovered bug, and CI must still
// not go green on it; 2 keeps "the implementation is wrong" (1) apart from "we could not tell".
//
// Thread safety: pure functions over values.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace lockstep::reports {

enum class Verdict { kPassed, kFailed, kOther };

// "passed", "failed" or "other": the CTRF status and the report's `verdict` string.
std::string_view VerdictName(Verdict verdict);

// The inverse of VerdictName. CTRF's "skipped" and "pending" map to kOther (not decided);
// any other string gives nullopt.
std::optional<Verdict> ParseVerdict(std::string_view name);

// failed > other > passed.
Verdict CombineVerdicts(Verdict a, Verdict b);

// The combination of all; kOther when `verdicts` is empty.
Verdict CombineVerdicts(std::span<const Verdict> verdicts);

// 0 for kPassed, 1 for kFailed, 2 for kOther.
int ExitCodeFor(Verdict verdict);

}  // namespace lockstep::reports
