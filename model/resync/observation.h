// Observation: what the harness can see of the resync systems at a quiet point (the `status`
// operator tool of each system, its exit status, and the answer to the last client operation),
// and what the model predicts it will see. The model's Predict() and the harness's observer
// both produce this value; CheckStep() (properties.h) compares the two and names the property
// that broke.
//
// Plain values; equality is field-wise.
//
// Identities (docs/design.md, resync decision 3): journal stamps and startup times are
// wall-clock strings the model cannot predict. The model numbers them (1, 2, ... in the order
// they are assigned; 0 = none). The harness maps each distinct observed string to one int: a
// string seen for the first time is bound to the identity the model predicts at that place if
// that identity is not bound yet, else to a fresh negative number the model never predicts.
// Two observed identities are therefore equal exactly when the strings are.
//
// Invariants of an observation:
//   1. A system that is down shows only `up` and `last_exit`; every other field is empty/0
//      (its status tool is not available).
//   2. `fenced` is sorted and holds every partner with a prompt plus every deferred partner.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/common/enum_names.h"

namespace lockstep::model::rs {

// A system is named by its index: 0 = SYSTEM73, 1 = SYSTEM74, 2 = SYSTEM75.
std::string SystemName(int system);  // "SYSTEM73"

// How the system's most recent process ended (kNone while it runs or before its first start).
enum class ExitKind : std::uint8_t {
  kNone,
  kKilled,        // SIGKILL: a harness crash or a named crash point
  kJournalError,  // exit status 3: refused to start, its journal set could not be opened/stamped
};
inline constexpr auto kExitKindNames = MakeEnumNames<ExitKind>("none", "killed", "journal_error");
inline const char* ToString(ExitKind e) { return kExitKindNames.Name(e); }

enum class Role : std::uint8_t { kCoordinator, kParticipant };
inline constexpr auto kRoleNames = MakeEnumNames<Role>("coordinator", "participant");
inline const char* ToString(Role r) { return kRoleNames.Name(r); }

// kActive is in the vocabulary (the status tool can show it) but never at a quiet point:
// every transaction runs to its end within one command.
enum class BranchState : std::uint8_t { kActive, kInDoubt, kCommitted, kAborted, kManualPending };
inline constexpr auto kBranchStateNames =
    MakeEnumNames<BranchState>("Active", "InDoubt", "Committed", "Aborted", "ManualPending");
inline const char* ToString(BranchState s) { return kBranchStateNames.Name(s); }

using Rows = std::map<std::string, std::string>;

// One partner-table entry, as saved at the last successful resynchronization (or IGNORE).
struct PartnerObservation {
  int stamp = 0;    // the partner's journal stamp identity
  int startup = 0;  // the partner's startup identity
  bool open_rm = false;
  bool operator==(const PartnerObservation&) const = default;
};

// This system's branch of one distributed transaction, keyed by transaction sequence number.
struct BranchObservation {
  Role role = Role::kParticipant;
  BranchState state = BranchState::kInDoubt;
  bool by_hand = false;  // completed by `complete <dtrid> commit|backout`
  bool operator==(const BranchObservation&) const = default;
};

// A pending "Journal stamp mismatch" prompt (DC329021..DC329024), keyed by partner.
struct PromptObservation {
  int old_stamp = 0;      // the stamp saved in the partner table (DC329021)
  int new_stamp = 0;      // the partner's current stamp (DC329022)
  std::vector<int> txns;  // the listed transactions (DC329023), ascending
  bool operator==(const PromptObservation&) const = default;
};

struct SystemObservation {
  bool up = false;
  ExitKind last_exit = ExitKind::kNone;
  int stamp = 0;    // journal stamp identity of the set it runs on
  int startup = 0;  // startup identity of this process
  std::map<int, PartnerObservation> partners;  // by partner system
  std::map<int, BranchObservation> branches;   // by transaction sequence number
  Rows rows;                                   // database rows
  std::map<int, PromptObservation> prompts;    // by partner system
  std::vector<int> fenced;                     // partners no access may involve, ascending
  bool operator==(const SystemObservation&) const = default;
};

// The answer to the most recent client operation. A transaction answers kCommitted,
// kAborted (also when refused because a partner is fenced: nothing was written) or kUnknown
// (its coordinator died before answering). A read answers kValue (with `value`), kNotFound,
// kLockTimeout (the key is held by an in-doubt or manual-pending branch), kFenced (the access
// involves a fenced partner), or kUnavailable (the session with the partner could not be set up:
// a process died or a journal could not be written during its resynchronization).
enum class OpResult : std::uint8_t {
  kCommitted,
  kAborted,
  kUnknown,
  kValue,
  kNotFound,
  kLockTimeout,
  kFenced,
  kUnavailable,
};
inline constexpr auto kOpResultNames =
    MakeEnumNames<OpResult>("committed", "aborted", "unknown", "value", "not-found",
                            "lock-timeout", "fenced", "unavailable");
inline const char* ToString(OpResult r) { return kOpResultNames.Name(r); }
bool IsTransactionResult(OpResult r);

struct OpOutcome {
  OpResult result = OpResult::kAborted;
  std::string value;  // kValue only
  bool operator==(const OpOutcome&) const = default;
};

struct Observation {
  std::vector<SystemObservation> systems;  // indexed by system
  std::optional<OpOutcome> last_outcome;   // answer to the most recent Transaction or Read
  bool operator==(const Observation&) const = default;
};

}  // namespace lockstep::model::rs
