#include "model/state_transfer/format.h"

#include <string>

namespace lockstep::model::st {

std::string Format(const LogEntry& e) {
  std::string out = std::to_string(e.update_key) + ":";
  if (e.kind == OpKind::kDel) return out + "del " + e.key;
  return out + "set " + e.key + "=" + e.value;
}

std::string Format(const Database& db) {
  std::string out = "{rows={";
  bool first = true;
  for (const auto& [k, v] : db.rows) {
    out += (first ? "" : ",") + k + "=" + v;
    first = false;
  }
  out += "} last_update_key=" + std::to_string(db.last_update_key) + " log=[";
  first = true;
  for (const LogEntry& e : db.log) {
    out += (first ? "" : ",") + Format(e);
    first = false;
  }
  return out + "]}";
}

std::string Format(const MemoryState& m) {
  std::string out = "{";
  bool first = true;
  for (const auto& [k, n] : m) {
    out += (first ? "" : ",") + k + ":" + std::to_string(n);
    first = false;
  }
  return out + "}";
}

std::string Format(const std::vector<int>& errnos) {
  std::string out = "[";
  for (std::size_t i = 0; i < errnos.size(); ++i) {
    out += (i ? "," : "") + std::to_string(errnos[i]);
  }
  return out + "]";
}

std::string Format(const std::optional<TransferRecord>& t) {
  if (!t) return "none";
  return std::string(t->mode == TransferMode::kIncremental ? "incremental " : "full ") +
         std::to_string(t->entries_sent) + " entries upto " + std::to_string(t->upto);
}

std::string Format(const std::optional<InputOutcome>& o) {
  if (!o) return "none";
  std::string out = ToString(o->result);
  if (o->result != InputResult::kUnavailable) out += " " + std::to_string(o->update_key);
  return out;
}

std::string Format(const std::vector<InputOutcome>& outcomes) {
  std::string out = "[";
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    out += (i == 0 ? "" : ", ") + Format(std::optional<InputOutcome>(outcomes[i]));
  }
  return out + "]";
}

std::string Format(const std::optional<int>& errnum) {
  return errnum ? std::to_string(*errnum) : std::string("none");
}

}  // namespace lockstep::model::st
