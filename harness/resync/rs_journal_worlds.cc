#include "harness/resync/rs_journal_worlds.h"

#include <algorithm>

namespace lockstep::harness::rs {

namespace {

// "SYSTEM73::0006...-0000000000000001" -> "SYSTEM73"
std::string CoordinatorOf(const std::string& dtrid) { return dtrid.substr(0, dtrid.find("::")); }

const char* StateName(TracedState s) {
  switch (s) {
    case TracedState::kInDoubt: return "InDoubt";
    case TracedState::kCommitted: return "Committed";
    case TracedState::kAborted: return "Aborted";
    case TracedState::kManualPending: return "ManualPending";
  }
  return "?";
}

bool ApplyOutcome(TracedBranch& b, const ForcedRecord& r) {
  if (b.coordinator) {
    b.state = TracedState::kCommitted;  // its writes were applied with COMMIT
    return true;
  }
  b.state = r.outcome == "commit" ? TracedState::kCommitted : TracedState::kAborted;
  return true;
}

std::string Show(const TracedJournal& j) {
  std::string text = "stamp " + (j.stamp.empty() ? std::string("(none)") : j.stamp);
  if (j.damaged) text += ", damaged";
  for (const auto& [dtrid, b] : j.branches) {
    text += std::string(", ") + dtrid + " " + (b.coordinator ? "coordinator " : "") +
            StateName(b.state) + (b.ended ? " ended" : "");
  }
  for (const auto& [name, p] : j.partners) {
    text += ", partner " + name + " saved " + p.stamp + "/" + p.startup;
  }
  return text;
}

}  // namespace

std::size_t TracedJournal::InDoubtCount() const {
  return static_cast<std::size_t>(std::count_if(branches.begin(), branches.end(), [](const auto& b) {
    return b.second.state == TracedState::kInDoubt;
  }));
}

std::vector<std::string> TracedJournal::InDoubtWith(const std::string& partner) const {
  std::vector<std::string> out;
  for (const auto& [dtrid, b] : branches) {
    if (!b.coordinator && b.state == TracedState::kInDoubt && CoordinatorOf(dtrid) == partner) {
      out.push_back(dtrid);
    }
  }
  return out;
}

bool ApplyRecord(TracedJournal& j, const ForcedRecord& r) {
  const auto it = j.branches.find(r.dtrid);
  TracedBranch* branch = it == j.branches.end() ? nullptr : &it->second;
  if (r.type == "stamp") {
    j.stamp = r.stamp;
  } else if (r.type == "partner") {
    j.partners[r.partner] = {r.stamp, r.startup};
  } else if (r.type == "prepared") {
    j.branches[r.dtrid] = TracedBranch{};
  } else if (r.type == "commit") {
    j.branches[r.dtrid] = TracedBranch{.coordinator = true, .state = TracedState::kCommitted};
  } else if (r.type == "end") {
    if (branch == nullptr) return false;
    branch->ended = true;
  } else if (r.type == "outcome" || r.type == "manual") {
    if (branch == nullptr) return false;
    return ApplyOutcome(*branch, r);
  } else if (r.type == "ignore") {
    j.partners[r.partner] = {r.stamp, r.startup};
    for (const std::string& d : r.dtrids) {
      const auto listed = j.branches.find(d);
      if (listed == j.branches.end()) return false;
      listed->second.state = TracedState::kManualPending;
    }
  }
  return true;  // "format" and unknown types change nothing a trace can check
}

JournalWorlds::JournalWorlds() : worlds_(1) {}

void JournalWorlds::StartLife() {
  std::vector<JournalWorld> next;
  for (const JournalWorld& w : worlds_) {
    for (int set : {1, 2}) {
      next.push_back(w);
      next.back().set = set;
    }
  }
  worlds_ = std::move(next);
  Dedup();
}

void JournalWorlds::Format(int set) {
  for (JournalWorld& w : worlds_) w.sets[set - 1] = TracedJournal{};
  Dedup();
}

void JournalWorlds::Corrupt(int set) {
  for (JournalWorld& w : worlds_) w.sets[set - 1].damaged = true;
  Dedup();
}

void JournalWorlds::AddMaybe(const std::vector<ForcedRecord>& candidates) {
  const std::vector<JournalWorld> before = worlds_;
  for (const ForcedRecord& r : candidates) {
    for (JournalWorld w : before) {
      if (ApplyRecord(w.current(), r)) worlds_.push_back(std::move(w));
    }
  }
  Dedup();
}

bool JournalWorlds::Force(const ForcedRecord& r) {
  std::vector<JournalWorld> next;
  for (JournalWorld w : worlds_) {
    if (ApplyRecord(w.current(), r)) next.push_back(std::move(w));
  }
  if (next.empty()) return false;
  worlds_ = std::move(next);
  Dedup();
  return true;
}

bool JournalWorlds::Keep(const Pred& pred) {
  std::vector<JournalWorld> next;
  std::copy_if(worlds_.begin(), worlds_.end(), std::back_inserter(next), pred);
  if (next.empty()) return false;
  worlds_ = std::move(next);
  return true;
}

bool JournalWorlds::Any(const Pred& pred) const {
  return std::any_of(worlds_.begin(), worlds_.end(), pred);
}

std::string JournalWorlds::Describe() const {
  std::string text;
  for (const JournalWorld& w : worlds_) {
    for (int set : {1, 2}) {
      text += std::string("    ") + (w.set == set ? "*" : " ") + "journal-" +
              std::to_string(set) + ": " + Show(w.sets[set - 1]) + "\n";
    }
    if (worlds_.size() > 1) text += "    --\n";
  }
  return text;
}

void JournalWorlds::Dedup() {
  std::sort(worlds_.begin(), worlds_.end());
  worlds_.erase(std::unique(worlds_.begin(), worlds_.end()), worlds_.end());
}

}  // namespace lockstep::harness::rs
