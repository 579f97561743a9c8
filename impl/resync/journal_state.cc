#include "impl/resync/journal_state.h"

#include <algorithm>

namespace lockstep::impl::resync {

using nlohmann::json;

namespace {

Result<Writes> WritesOf(const json& record) {
  const auto it = record.find("writes");
  if (it == record.end() || !it->is_object()) return Fail("record has no writes object");
  Writes writes;
  for (const auto& [key, value] : it->items()) {
    if (!value.is_string()) return Fail("record writes a non-string value for " + key);
    writes[key] = value.get<std::string>();
  }
  return writes;
}

std::string Str(const json& record, const char* name) {
  const auto it = record.find(name);
  return it != record.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

const char* BranchStateName(BranchState state) {
  switch (state) {
    case BranchState::kInDoubt: return "InDoubt";
    case BranchState::kCommitted: return "Committed";
    case BranchState::kAborted: return "Aborted";
    case BranchState::kManualPending: return "ManualPending";
  }
  return "?";
}

Result<std::optional<Writes>> JournalState::Apply(const json& record) {
  const std::string type = Str(record, "type");
  const std::string dtrid = Str(record, "dtrid");
  const auto branch_it = branches.find(dtrid);
  Branch* branch = branch_it == branches.end() ? nullptr : &branch_it->second;
  std::optional<Writes> applied;
  if (type == "format") {
  } else if (type == "stamp") {
    stamp = Str(record, "stamp");
  } else if (type == "partner") {
    partners[Str(record, "partner")] = {Str(record, "stamp"), Str(record, "startup"), true};
  } else if (type == "prepared") {
    auto writes = WritesOf(record);
    if (!writes) return std::unexpected(writes.error());
    branches[dtrid] = Branch{.dtrid = dtrid, .branch = Str(record, "branch"),
                             .coordinator_name = Str(record, "coordinator"),
                             .writes = std::move(*writes)};
  } else if (type == "commit") {
    auto writes = WritesOf(record);
    if (!writes) return std::unexpected(writes.error());
    Branch b{.dtrid = dtrid, .branch = Str(record, "branch"), .coordinator = true,
             .writes = *writes, .state = BranchState::kCommitted};
    for (const auto& p : record.value("participants", json::array())) {
      b.participants.push_back(p.get<std::string>());
    }
    b.pending = {b.participants.begin(), b.participants.end()};
    branches[dtrid] = std::move(b);
    applied = std::move(*writes);
  } else if (type == "end") {
    if (branch == nullptr) return Fail("end record for unknown transaction " + dtrid);
    branch->ended = true;
    branch->pending.clear();
  } else if (type == "outcome" || type == "manual") {
    if (branch == nullptr) return Fail(type + " record for unknown transaction " + dtrid);
    const std::string outcome = Str(record, "outcome");
    const bool commit = outcome == "commit";
    if (type == "manual") branch->manual = outcome;
    if (branch->coordinator) {
      branch->state = BranchState::kCommitted;  // its writes were applied with COMMIT
      // Completed by hand, it ends (decision 18) whoever has not acknowledged: a participant
      // still in doubt learns commit from the COMMIT record at its next resync.
      if (type == "manual") branch->pending.clear();
    } else {
      branch->state = commit ? BranchState::kCommitted : BranchState::kAborted;
      if (commit) applied = branch->writes;
    }
  } else if (type == "ignore") {
    const std::string partner = Str(record, "partner");
    partners[partner] = {Str(record, "stamp"), Str(record, "startup"), true};
    for (const auto& d : record.value("dtrids", json::array())) {
      const auto it = branches.find(d.get<std::string>());
      if (it == branches.end()) return Fail("ignore record names unknown transaction " + d.dump());
      it->second.state = BranchState::kManualPending;
      it->second.pending.erase(partner);
    }
  } else {
    return Fail("unknown journal record type '" + type + "'");
  }
  return applied;
}

std::vector<std::string> JournalState::InDoubtWith(const std::string& partner) const {
  std::vector<std::string> out;
  for (const auto& [dtrid, b] : branches) {
    if (!b.coordinator && b.coordinator_name == partner && b.state == BranchState::kInDoubt) {
      out.push_back(dtrid);
    }
  }
  return out;
}

std::vector<std::string> JournalState::CommittingWith(const std::string& partner) const {
  std::vector<std::string> out;
  for (const auto& [dtrid, b] : branches) {
    if (b.coordinator && !b.ended && b.state == BranchState::kCommitted &&
        b.pending.contains(partner)) {
      out.push_back(dtrid);
    }
  }
  return out;
}

std::vector<std::string> JournalState::CommitRecordsWith(const std::string& partner) const {
  std::vector<std::string> out;
  for (const auto& [dtrid, b] : branches) {
    if (b.coordinator &&
        std::find(b.participants.begin(), b.participants.end(), partner) != b.participants.end()) {
      out.push_back(dtrid);
    }
  }
  return out;
}

std::map<std::string, std::string> JournalState::LockedKeys() const {
  std::map<std::string, std::string> locked;
  for (const auto& [dtrid, b] : branches) {
    if (b.coordinator) continue;
    if (b.state != BranchState::kInDoubt && b.state != BranchState::kManualPending) continue;
    for (const auto& [key, value] : b.writes) locked[key] = dtrid;
  }
  return locked;
}

}  // namespace lockstep::impl::resync
