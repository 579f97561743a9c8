// System names and the kinds of answer (observation.h). SystemName is the spelling of reports
// and of the systems' status output, so it never changes.
#include "model/resync/observation.h"

namespace lockstep::model::rs {

std::string SystemName(int system) { return "SYSTEM" + std::to_string(73 + system); }

bool IsTransactionResult(OpResult r) {
  return r == OpResult::kCommitted || r == OpResult::kAborted || r == OpResult::kUnknown;
}

}  // namespace lockstep::model::rs
