// Property names and the invariant table (the predicates are in invariants.cc).
#include "model/resync/properties.h"

namespace lockstep::model::rs {

const char* PropertyName(std::string_view id) {
  for (const PropertyInfo& p : kRsProperties) {
    if (id == p.id) return p.name;
  }
  return "";
}

const std::vector<Invariant>& Invariants() {
  static const std::vector<Invariant> kInvariants{
      {"RS-1", PropertyName("RS-1"), CheckRS1AtomicOutcome},
      {"RS-2", PropertyName("RS-2"), CheckRS2NoSilentCompletion},
      {"RS-3", PropertyName("RS-3"), CheckRS3Fencing},
      {"RS-4", PropertyName("RS-4"), CheckRS4Ignore},
      {"RS-5", PropertyName("RS-5"), CheckRS5RecycleDetection},
      {"RS-6", PropertyName("RS-6"), CheckRS6Durability},
      {"RS-7", PropertyName("RS-7"), CheckRS7StampLifecycle},
      {"RS-8", PropertyName("RS-8"), CheckRS8ForcedWritesFirst},
  };
  return kInvariants;
}

std::optional<Violation> CheckInvariants(const State& s) {
  for (const Invariant& inv : Invariants()) {
    if (auto reason = inv.check(s)) return Violation{inv.id, inv.name, *reason};
  }
  return std::nullopt;
}

}  // namespace lockstep::model::rs
