// State: one state of the resync reference model at a quiet point (spec/resync.md,
// docs/design.md "Resync"). It holds what the real systems hold (database, two journal sets,
// the volatile state of a running process) plus ghost variables that only the properties read.
//
// Plain value: copy it freely; no thread may mutate one while another reads it. Equality is
// field-wise and Encode() is a canonical, injective encoding of it, so that an exhaustive
// explorer can deduplicate states (hash Encode(), or use StateHash).
//
// Canonical form, kept by every transition (so equal situations are equal states):
//   1. A system that is down has startup 0, no crash point, synced == deferred == 0, no
//      prompts, and no acknowledgement bits in any coordinator branch (all of that is process
//      memory and dies with it).
//   2. `synced` is symmetric: bit y of system x is set iff bit x of system y is.
//   3. A coordinator branch that is ended has acked == 0.
//   4. Transaction `t` (1-based sequence number) is described by txns[t - 1].
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/resync/commands.h"
#include "model/resync/config.h"
#include "model/resync/observation.h"

namespace lockstep::model::rs {

inline std::uint8_t Bit(int system) { return static_cast<std::uint8_t>(1u << system); }
inline bool Has(std::uint8_t mask, int system) { return (mask & Bit(system)) != 0; }

struct PartnerEntry {
  int stamp = 0;
  int startup = 0;
  bool open_rm = false;
  bool operator==(const PartnerEntry&) const = default;
};

// This system's branch of one transaction, as its journal records it. The branch's writes are
// those of the transaction on this system (TxnRecord::writes).
struct Branch {
  Role role = Role::kParticipant;
  BranchState state = BranchState::kInDoubt;
  bool by_hand = false;
  int coordinator = 0;
  std::uint8_t participants = 0;  // coordinator: every participant (in the COMMIT record)
  std::uint8_t acked = 0;         // coordinator, volatile: acknowledgements received
  bool ended = false;             // coordinator: END written
  bool redo = false;              // outcome forced, writes not yet applied (crashed between)
  // Ghost: participant: the stamp of the coordinator's journal that supplied the outcome
  // (0 while unresolved or completed by hand). RS-2 reads it.
  int resolver_stamp = 0;
  bool operator==(const Branch&) const = default;
};

// One journal set (journal-1 or journal-2 of a system).
struct Journal {
  int stamp = 0;       // 0 until first opened after formatting
  int generation = 0;  // ghost: times this set was formatted
  std::map<int, PartnerEntry> partners;
  std::map<int, Branch> branches;  // by transaction sequence number
  // A record with more records after it is damaged (Corrupt): opening the set refuses until
  // it is formatted, and changes nothing on disk.
  bool damaged = false;
  bool operator==(const Journal&) const = default;
};

// A pending "Journal stamp mismatch" prompt. new_startup is the partner's startup from the
// same exchange (IGNORE saves it; it is not shown).
struct Prompt {
  int old_stamp = 0;
  int new_stamp = 0;
  int new_startup = 0;
  std::vector<int> txns;  // ascending
  bool operator==(const Prompt&) const = default;
};

struct SystemState {
  bool up = false;
  ExitKind last_exit = ExitKind::kNone;
  int journal_set = 1;  // the set it runs on (or last started on)
  std::array<Journal, 2> journals;
  Rows rows;  // the database: durable, not part of either journal set
  std::optional<JournalFault> fault;
  // Process memory (canonical form 1):
  int startup = 0;
  std::optional<CrashPoint> crash_point;
  std::uint8_t synced = 0;    // partners resynchronized with since either side started
  std::uint8_t deferred = 0;  // partners whose prompt was answered DEFER
  std::map<int, Prompt> prompts;
  // Ghost: transactions whose writes were applied to rows, in order (RS-6 replays it).
  std::vector<int> applied;

  bool operator==(const SystemState&) const = default;

  Journal& journal() { return journals[journal_set - 1]; }
  const Journal& journal() const { return journals[journal_set - 1]; }
  int stamp() const { return journal().stamp; }
  bool Fences(int partner) const { return prompts.count(partner) > 0 || Has(deferred, partner); }
};

// Ghost: a journal set of a system as it was at one formatting generation.
struct JournalRef {
  int system = 0;
  int journal_set = 1;
  int generation = 0;
  bool operator==(const JournalRef&) const = default;
};

// Ghost: what really happened to one transaction, whatever the journals remember.
struct TxnRecord {
  int coordinator = 0;
  std::map<int, Writes> writes;  // by system
  bool committed = false;        // the coordinator forced its COMMIT record
  int coord_stamp = 0;           // stamp of the coordinator's journal when it ran
  std::map<int, JournalRef> prepared;    // participants that forced PREPARED, and where
  std::optional<OpResult> reported;      // what the client was told
  std::uint8_t hand_committed = 0;       // systems where an operator completed it by commit
  bool operator==(const TxnRecord&) const = default;
};

struct State {
  std::vector<SystemState> systems;
  int startups_issued = 0;
  std::optional<OpOutcome> last_outcome;
  std::vector<TxnRecord> txns;           // ghost-and-real: sequence numbers, writes
  std::vector<JournalRef> stamp_owners;  // ghost: stamp n was assigned to stamp_owners[n - 1]

  bool operator==(const State&) const = default;

  int size() const { return static_cast<int>(systems.size()); }
  SystemState& at(int system) { return systems[system]; }
  const SystemState& at(int system) const { return systems[system]; }
  const TxnRecord& txn(int seq) const { return txns[seq - 1]; }
  TxnRecord& txn(int seq) { return txns[seq - 1]; }
};

// Every system down, never started, both journal sets freshly formatted (no stamp yet).
// REQUIRES: 2 <= config.systems <= kMaxSystems.
State InitialState(const Config& config = {});

// Canonical compact encoding: Encode(a) == Encode(b) if and only if a == b. Binary (defined
// in symmetry.cc with the symmetry-renaming encoder it shares; EncodeCompact in explore.h).
std::string Encode(const State& s);

// Hash for unordered containers of states (hashes Encode()).
struct StateHash {
  std::size_t operator()(const State& s) const;
};

// Multi-line human-readable dump (counterexample paths, test failures). Not stable.
std::string DebugString(const State& s);

}  // namespace lockstep::model::rs
