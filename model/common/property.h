// PropertyInfo and Violation: the vocabulary every protocol model uses to name its properties
// and to report the first one that broke (state transfer ST-*, resync RS-*).
//
// Plain values; safe to copy across threads. No invariants beyond the field comments.
#pragma once

#include <string>

namespace lockstep::model {

struct PropertyInfo {
  const char* id;    // "ST-1", "RS-2"
  const char* name;  // "agreement", "no silent completion"
};

// A property that failed, and why. `message` names the process (side or system) and field,
// and the predicted and observed values (or, for an invariant, the offending part of the state).
struct Violation {
  std::string property_id;    // "RS-3"
  std::string property_name;  // "fencing"
  std::string message;
  bool operator==(const Violation&) const = default;
};

// "RS-3 fencing: <message>"
inline std::string ToString(const Violation& v) {
  return v.property_id + " " + v.property_name + ": " + v.message;
}

}  // namespace lockstep::model
