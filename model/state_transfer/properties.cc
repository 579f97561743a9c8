// Property names and the invariant table (the predicates are in invariants.cc).
#include "model/state_transfer/properties.h"

namespace lockstep::model::st {

const char* PropertyName(std::string_view id) {
  for (const PropertyInfo& p : kStProperties) {
    if (id == p.id) return p.name;
  }
  return "";
}

const std::vector<Invariant>& Invariants() {
  static const std::vector<Invariant> kInvariants{
      {"ST-1", PropertyName("ST-1"), CheckST1Agreement},
      {"ST-2", PropertyName("ST-2"), CheckST2NoLostAcknowledgement},
      {"ST-3", PropertyName("ST-3"), CheckST3NoStaleService},
      {"ST-4", PropertyName("ST-4"), CheckST4CleanFailure},
      {"ST-5", PropertyName("ST-5"), CheckST5Recovery},
      {"ST-6", PropertyName("ST-6"), CheckST6BoundedWait},
      {"ST-7", PropertyName("ST-7"), CheckST7AtomicTransfer},
  };
  return kInvariants;
}

std::optional<Violation> CheckInvariants(const State& s) {
  for (const Invariant& inv : Invariants()) {
    if (auto reason = inv.check(s)) return Violation{inv.id, inv.name, *reason};
  }
  return std::nullopt;
}

}  // namespace lockstep::model::st
