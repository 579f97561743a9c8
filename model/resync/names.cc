// Names of the observation vocabulary (observation.h). These strings are the spelling of
// reports and of the systems' status output, so they never change.
#include "model/resync/observation.h"

namespace lockstep::model::rs {

std::string SystemName(int system) { return "SYSTEM" + std::to_string(73 + system); }

const char* ToString(ExitKind e) {
  switch (e) {
    case ExitKind::kNone: return "none";
    case ExitKind::kKilled: return "killed";
    case ExitKind::kJournalError: return "journal_error";
  }
  return "?";
}

const char* ToString(Role r) { return r == Role::kCoordinator ? "coordinator" : "participant"; }

const char* ToString(BranchState s) {
  switch (s) {
    case BranchState::kActive: return "Active";
    case BranchState::kInDoubt: return "InDoubt";
    case BranchState::kCommitted: return "Committed";
    case BranchState::kAborted: return "Aborted";
    case BranchState::kManualPending: return "ManualPending";
  }
  return "?";
}

const char* ToString(OpResult r) {
  switch (r) {
    case OpResult::kCommitted: return "committed";
    case OpResult::kAborted: return "aborted";
    case OpResult::kUnknown: return "unknown";
    case OpResult::kValue: return "value";
    case OpResult::kNotFound: return "not-found";
    case OpResult::kLockTimeout: return "lock-timeout";
    case OpResult::kFenced: return "fenced";
    case OpResult::kUnavailable: return "unavailable";
  }
  return "?";
}

bool IsTransactionResult(OpResult r) {
  return r == OpResult::kCommitted || r == OpResult::kAborted || r == OpResult::kUnknown;
}

}  // namespace lockstep::model::rs
