// Property names and the invariant table (the predicates are in invariants.cc).
#include "model/state_transfer/properties.h"

namespace lockstep::model::st {

const char* PropertyName(std::string_view id) { return model::PropertyName(kStProperties, id); }

const std::vector<Invariant>& Invariants() {
  static const std::vector<Invariant> kInvariants = InvariantTable<State>(
      kStProperties, {CheckST1Agreement, CheckST2NoLostAcknowledgement, CheckST3NoStaleService,
                      CheckST4CleanFailure, CheckST5Recovery, CheckST6BoundedWait,
                      CheckST7AtomicTransfer});
  return kInvariants;
}

std::optional<Violation> CheckInvariants(const State& s) { return FirstViolation(Invariants(), s); }

}  // namespace lockstep::model::st
