// PropertyInfo and Violation: the vocabulary every protocol model uses to name its properties
// and to report the first one that broke (state transfer ST-*, resync RS-*).
//
// Plain values and pure functions; safe to copy across threads. No invariants beyond the field
// comments.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lockstep::model {

struct PropertyInfo {
  const char* id;    // "ST-1", "RS-2"
  const char* name;  // "agreement", "no silent completion"
};

// The name of property `id` among `properties` ("ST-3" -> "no stale service"); "" if `id` is
// not one of them.
inline const char* PropertyName(std::span<const PropertyInfo> properties, std::string_view id) {
  for (const PropertyInfo& p : properties) {
    if (id == p.id) return p.name;
  }
  return "";
}

// A property that failed, and why: the one violation type from the model's checks through the
// explorer and the property runner to the report. `message` names the process (side or
// system) and field, and the predicted and observed values (or, for an invariant, the
// offending part of the state).
struct Violation {
  std::string property_id;    // "RS-3"
  std::string property_name;  // "fencing"
  std::string message;
  // Every property violated in the same state, in the model's property order, when the check
  // looked at all of them (the explorer's invariants); [0] == property_id. Empty otherwise.
  // One bug often breaks several: a side in service behind the high-water key breaks ST-2
  // and ST-3 at once, and ST-2 comes first.
  std::vector<std::string> violated;
  bool operator==(const Violation&) const = default;
};

// "RS-3 fencing: <message>"
inline std::string ToString(const Violation& v) {
  return v.property_id + " " + v.property_name + ": " + v.message;
}

}  // namespace lockstep::model
