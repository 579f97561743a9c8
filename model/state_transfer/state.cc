#include "model/state_transfer/state.h"

#include <functional>
#include <string>

#include "model/state_transfer/format.h"

namespace lockstep::model::st {
namespace {

std::string FaultText(const SideState& s) {
  std::string out;
  for (Dir d : {Dir::kTemp, Dir::kData}) {
    if (auto f = s.fault(d)) out += std::string(" ") + ToString(d) + "=" + ToString(*f);
  }
  return out.empty() ? " none" : out;
}

}  // namespace

std::size_t StateHash::operator()(const State& s) const {
  return std::hash<std::string>{}(Encode(s));
}

std::string DebugString(const State& s) {
  std::string out = "mds: high_water=" + std::to_string(s.high_water_key) +
                    " last_assigned=" + std::to_string(s.last_assigned_key) +
                    " last_outcome=" + Format(s.last_outcome) +
                    " transfer_input_outcomes=" + Format(s.transfer_input_outcomes) + " acked=[";
  for (std::size_t i = 0; i < s.acked_keys.size(); ++i) {
    out += (i ? "," : "") + std::to_string(s.acked_keys[i]);
  }
  out += "]\n";
  for (Side side : kSides) {
    const SideState& x = s.at(side);
    out += std::string(SideName(side)) + ": " + ToString(x.status) +
           " last_exit=" + ToString(x.last_exit) +
           " crash_point=" + (x.crash_point ? CrashPointName(*x.crash_point) : "none") +
           " faults:" + FaultText(x) + "\n   db=" + Format(x.db) + " memory=" + Format(x.memory) +
           "\n   temp_files=" + std::to_string(x.temp_files) + " (at start " +
           std::to_string(x.temp_files_at_start) + ") send_errors=" + Format(x.logged_send_errors) +
           " attempts=" + std::to_string(x.transfer_attempts) +
           " last_errno=" + Format(x.last_transfer_errno) +
           " last_transfer=" + Format(x.last_transfer) + " history=[";
    for (std::size_t i = 0; i < x.history.size(); ++i) {
      out += (i ? "," : "") + Format(x.history[i]);
    }
    out += "]\n";
  }
  return out;
}

}  // namespace lockstep::model::st
