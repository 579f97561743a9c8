// JournalState: what a system's journal says — its stamp, its partner table, and every branch
// it knows — rebuilt at start by applying the recovered records in order, and kept current by
// applying each record after its forced write succeeded. Memory therefore never holds a
// durable fact the journal does not (RS-8: a failed forced write is never acted on).
//
// Records (the "type" field; impl/resync/README.md, "Journal format"):
//   format {version}                     first record of a set
//   stamp {stamp}                        the set's journal stamp (assigned at first open)
//   partner {partner, stamp, startup}    a successful resynchronization: partner table entry
//   prepared {dtrid, coordinator, branch, writes}       participant: voted yes (InDoubt)
//   commit {dtrid, branch, participants, writes}        coordinator: decision, own writes
//   end {dtrid}                          coordinator: every participant acknowledged
//   outcome {dtrid, outcome: commit|abort}              participant: outcome learnt
//   ignore {partner, stamp, startup, dtrids}            operator IGNORE: table + ManualPending
//   manual {dtrid, outcome: commit|backout}             operator completion by hand
//
// Invariants: a participant branch is InDoubt only between its prepared and its
// outcome/ignore record; a coordinator branch's `pending` lists the participants that have not
// acknowledged its COMMIT (in memory only: acknowledgements are not journaled, END is).
// Thread safety: plain value.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/result.h"

namespace lockstep::impl::resync {

using Writes = std::map<std::string, std::string>;

enum class BranchState { kInDoubt, kCommitted, kAborted, kManualPending };
const char* BranchStateName(BranchState state);

struct PartnerEntry {
  std::string stamp;    // journal stamp saved at the last successful resync
  std::string startup;  // startup time saved then
  bool open_rm = false;
};

struct Branch {
  std::string dtrid;
  std::string branch;       // the branch name: the name of the system holding it
  bool coordinator = false;
  std::string coordinator_name;           // participant branches: the coordinator
  std::vector<std::string> participants;  // coordinator branches
  std::set<std::string> pending;          // coordinator: participants yet to acknowledge
  bool ended = false;                     // coordinator: END record written
  Writes writes;                          // this system's writes for the transaction
  BranchState state = BranchState::kInDoubt;
  std::string manual;  // "commit" | "backout" once completed by hand, else ""
};

struct JournalState {
  std::string stamp;
  std::map<std::string, PartnerEntry> partners;
  std::map<std::string, Branch> branches;  // by DTRID

  // Applies one record. Returns the writes the record commits to the database (coordinator
  // commit, participant outcome commit, manual commit of a participant branch), if any.
  // Fails (errno 0) on a record that is malformed or contradicts the state.
  [[nodiscard]] Result<std::optional<Writes>> Apply(const nlohmann::json& record);

  // Participant branches with coordinator `partner` that are InDoubt.
  std::vector<std::string> InDoubtWith(const std::string& partner) const;
  // Coordinator branches (COMMIT, no END, not ManualPending) still waiting for `partner`.
  std::vector<std::string> CommittingWith(const std::string& partner) const;
  // Every coordinator branch (a COMMIT record, in any state: Committed, ManualPending, ended)
  // in which `partner` participates: what a resync tells the partner commits (presumed abort:
  // a DTRID not listed aborts). Unlike CommittingWith, ManualPending and ended branches count,
  // since the partner may hold one in doubt on a journal set it was away on.
  std::vector<std::string> CommitRecordsWith(const std::string& partner) const;
  // Keys held by InDoubt or ManualPending participant branches, with the holding DTRID.
  std::map<std::string, std::string> LockedKeys() const;
};

}  // namespace lockstep::impl::resync
