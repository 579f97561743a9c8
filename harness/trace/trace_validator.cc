#include "harness/trace/trace_validator.h"

namespace lockstep::harness::trace {

std::string TraceFailure::ToString() const {
  std::string text;
  if (violation) {
    text = (line ? line->Where() : std::string("the end of the trace")) + ": " +
           model::ToString(*violation);
  } else {
    text = breach;
  }
  if (!model_states.empty()) text += "\nmodel states it was compared with:\n" + model_states;
  return text;
}

Result<std::optional<TraceFailure>> TraceValidator::CheckNew(bool at_end) {
  if (failure_) return failure_;
  auto lines = reader_.ReadNew(at_end);
  if (!lines) return std::unexpected(lines.error());
  for (const TraceLine& line : *lines) {
    // A breach is reported where it happened: the model is not consulted past it.
    if (reader_.breach() && line.clock > reader_.breach_clock()) break;
    if (auto violation = model_->Apply(line)) {
      if (violation->property_id.starts_with(kContractRulePrefix)) {  // no property's rule
        failure_ = TraceFailure{line, std::nullopt, line.Where() + ": " + model::ToString(*violation),
                                model_->Describe()};
      } else {
        failure_ = TraceFailure{line, std::move(violation), "", model_->Describe()};
      }
      return failure_;
    }
    ++validated_;
  }
  if (reader_.breach()) {
    failure_ = TraceFailure{std::nullopt, std::nullopt, *reader_.breach(), model_->Describe()};
    return failure_;
  }
  if (at_end) {
    if (auto violation = model_->Finish()) {
      failure_ = TraceFailure{std::nullopt, std::move(violation), "", model_->Describe()};
      return failure_;
    }
  }
  return std::nullopt;
}

}  // namespace lockstep::harness::trace
