#include "model/resync/show.h"

#include <string>

namespace lockstep::model::rs {
namespace {

// "{<key>:<value>,...}" for any map whose values Show() renders.
template <class V>
std::string ShowMap(const std::map<int, V>& m, bool system_keys) {
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : m) {
    out += (first ? "" : ",") + (system_keys ? SystemName(k) : std::to_string(k)) + ":" +
           Show(v);
    first = false;
  }
  return out + "}";
}

}  // namespace

std::string Show(const Rows& rows) {
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : rows) {
    out += (first ? "" : ",") + k + "=" + v;
    first = false;
  }
  return out + "}";
}

std::string Show(const std::optional<OpOutcome>& o) {
  if (!o) return "none";
  std::string out = ToString(o->result);
  if (o->result == OpResult::kValue) out += " " + o->value;
  return out;
}

std::string Show(const BranchObservation& b) {
  return std::string(ToString(b.role)) + " " + ToString(b.state) + (b.by_hand ? " by-hand" : "");
}
std::string Show(const std::map<int, BranchObservation>& branches) {
  return ShowMap(branches, false);
}

std::string Show(const PartnerObservation& p) {
  return "stamp=" + std::to_string(p.stamp) + " startup=" + std::to_string(p.startup) +
         (p.open_rm ? " open" : " closed");
}
std::string Show(const std::map<int, PartnerObservation>& partners) {
  return ShowMap(partners, true);
}

std::string Show(const std::vector<int>& numbers) {
  std::string out = "[";
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    out += (i ? "," : "") + std::to_string(numbers[i]);
  }
  return out + "]";
}

std::string Show(const PromptObservation& p) {
  return "OLD " + std::to_string(p.old_stamp) + " NEW " + std::to_string(p.new_stamp) + " txns " +
         Show(p.txns);
}
std::string Show(const std::map<int, PromptObservation>& prompts) {
  return ShowMap(prompts, true);
}

std::string Show(const SystemObservation& o) {
  if (!o.up) return std::string("down last_exit=") + ToString(o.last_exit);
  return "up stamp=" + std::to_string(o.stamp) + " startup=" + std::to_string(o.startup) +
         " partners=" + Show(o.partners) + " branches=" + Show(o.branches) +
         " rows=" + Show(o.rows) + " prompts=" + Show(o.prompts) +
         " fenced=" + Show(o.fenced);
}

}  // namespace lockstep::model::rs
