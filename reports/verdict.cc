#include "reports/verdict.h"

namespace lockstep::reports {

std::string_view VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPassed: return "passed";
    case Verdict::kFailed: return "failed";
    case Verdict::kOther: return "other";
  }
  return "other";
}

std::optional<Verdict> ParseVerdict(std::string_view name) {
  if (name == "passed") return Verdict::kPassed;
  if (name == "failed") return Verdict::kFailed;
  if (name == "other" || name == "skipped" || name == "pending") return Verdict::kOther;
  return std::nullopt;
}

Verdict CombineVerdicts(Verdict a, Verdict b) {
  if (a == Verdict::kFailed || b == Verdict::kFailed) return Verdict::kFailed;
  if (a == Verdict::kOther || b == Verdict::kOther) return Verdict::kOther;
  return Verdict::kPassed;
}

Verdict CombineVerdicts(std::span<const Verdict> verdicts) {
  if (verdicts.empty()) return Verdict::kOther;
  Verdict combined = Verdict::kPassed;
  for (Verdict v : verdicts) combined = CombineVerdicts(combined, v);
  return combined;
}

int ExitCodeFor(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPassed: return 0;
    case Verdict::kFailed: return 1;
    case Verdict::kOther: return 2;
  }
  return 2;
}

}  // namespace lockstep::reports
