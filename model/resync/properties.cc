// Property names and the invariant table (the predicates are in invariants.cc).
#include "model/resync/properties.h"

namespace lockstep::model::rs {

const char* PropertyName(std::string_view id) { return model::PropertyName(kRsProperties, id); }

const std::vector<Invariant>& Invariants() {
  static const std::vector<Invariant> kInvariants = InvariantTable<State>(
      kRsProperties, {CheckRS1AtomicOutcome, CheckRS2NoSilentCompletion, CheckRS3Fencing,
                      CheckRS4Ignore, CheckRS5RecycleDetection, CheckRS6Durability,
                      CheckRS7StampLifecycle, CheckRS8ForcedWritesFirst});
  return kInvariants;
}

std::optional<Violation> CheckInvariants(const State& s) { return FirstViolation(Invariants(), s); }

}  // namespace lockstep::model::rs
