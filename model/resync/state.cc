#include "model/resync/state.h"

#include <functional>
#include <string>

#include "model/resync/show.h"

namespace lockstep::model::rs {
namespace {

std::string JournalText(const Journal& j) {
  std::string out = "stamp=" + std::to_string(j.stamp) + " gen=" + std::to_string(j.generation) +
                    (j.damaged ? " damaged" : "") + " partners={";
  for (const auto& [p, e] : j.partners) {
    out += SystemName(p) + ":" + std::to_string(e.stamp) + "/" + std::to_string(e.startup) +
           (e.open_rm ? "/open " : "/closed ");
  }
  out += "} branches={";
  for (const auto& [t, b] : j.branches) {
    out += std::to_string(t) + ":" + ToString(b.role) + " " + ToString(b.state) +
           (b.by_hand ? " by-hand" : "") + " coord=" + SystemName(b.coordinator) +
           " parts=" + std::to_string(b.participants) + " acked=" + std::to_string(b.acked) +
           (b.ended ? " ended" : "") + (b.redo ? " redo" : "") +
           " resolver=" + std::to_string(b.resolver_stamp) + "; ";
  }
  return out + "}";
}

std::string SystemText(const SystemState& x) {
  std::string out = std::string(x.up ? "up" : "down") + " last_exit=" + ToString(x.last_exit) +
                    " set=" + std::to_string(x.journal_set) +
                    " fault=" + (x.fault ? ToString(*x.fault) : "none") +
                    " startup=" + std::to_string(x.startup) +
                    " crash_point=" + (x.crash_point ? CrashPointName(*x.crash_point) : "none") +
                    " synced=" + std::to_string(x.synced) +
                    " deferred=" + std::to_string(x.deferred) + " rows=" + Show(x.rows) +
                    " applied=" + Show(x.applied) + "\n   prompts={";
  for (const auto& [p, prompt] : x.prompts) {
    out += SystemName(p) + ": OLD " + std::to_string(prompt.old_stamp) + " NEW " +
           std::to_string(prompt.new_stamp) + " txns " + Show(prompt.txns) + "; ";
  }
  out += "}\n   journal-1: " + JournalText(x.journals[0]) +
         "\n   journal-2: " + JournalText(x.journals[1]) + "\n";
  return out;
}

}  // namespace

State InitialState(const Config& config) {
  State s;
  s.systems.resize(static_cast<std::size_t>(config.systems));
  return s;
}

std::size_t StateHash::operator()(const State& s) const {
  return std::hash<std::string>{}(Encode(s));
}

std::string DebugString(const State& s) {
  std::string out = "startups_issued=" + std::to_string(s.startups_issued) +
                    " stamps_issued=" + std::to_string(s.stamp_owners.size()) +
                    " last_outcome=" + Show(s.last_outcome) + "\n";
  for (std::size_t i = 0; i < s.txns.size(); ++i) {
    const TxnRecord& t = s.txns[i];
    out += "txn " + std::to_string(i + 1) + ": coord=" + SystemName(t.coordinator) +
           (t.committed ? " COMMITTED" : " not committed") +
           " coord_stamp=" + std::to_string(t.coord_stamp) +
           " reported=" + (t.reported ? ToString(*t.reported) : "none") + "\n";
  }
  for (int i = 0; i < s.size(); ++i) out += SystemName(i) + ": " + SystemText(s.at(i));
  return out;
}

}  // namespace lockstep::model::rs
