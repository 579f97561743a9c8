// The operator commands: reply ignore|defer, vary rm, complete (spec "Operator tools",
// "Resynchronization" 4-5; design decisions 7 and 17-19).
#include "model/resync/transitions.h"

namespace lockstep::model::rs::internal {

void RunReply(Step& st, const Reply& cmd) {
  SystemState& x = st.at(cmd.system);
  const Prompt prompt = x.prompts.at(cmd.partner);
  if (cmd.action == ReplyAction::kDefer) {
    x.prompts.erase(cmd.partner);
    x.deferred |= Bit(cmd.partner);
    return;
  }
  if (x.fault) return;  // IGNORE must journal its effects; the prompt stays
  x.journal().partners[cmd.partner] = PartnerEntry{prompt.new_stamp, prompt.new_startup, true};
  for (int seq : prompt.txns) {
    auto it = x.journal().branches.find(seq);
    if (it != x.journal().branches.end()) it->second.state = BranchState::kManualPending;
  }
  x.prompts.erase(cmd.partner);
}

void RunVaryRm(Step& st, const VaryRm& cmd) {
  const int x = cmd.system;
  const int y = cmd.partner;
  if (!st.at(y).up) return;  // partner not available; nothing changes
  if (st.at(x).prompts.count(y) || st.at(y).prompts.count(x)) return;  // awaiting a reply
  Resync(st, x, y);
}

void RunComplete(Step& st, const Complete& cmd) {
  SystemState& x = st.at(cmd.system);
  if (x.fault) return;  // the completion cannot be journaled; the branch stays ManualPending
  Branch& b = x.journal().branches.at(cmd.txn);
  const bool commit = cmd.action == CompleteAction::kCommit;
  if (commit && b.role == Role::kParticipant) ApplyWrites(st, cmd.system, cmd.txn);
  if (commit) st.s.txn(cmd.txn).hand_committed |= Bit(cmd.system);
  b.state = commit ? BranchState::kCommitted : BranchState::kAborted;
  b.by_hand = true;
  b.ended = b.role == Role::kCoordinator;
  b.acked = 0;
}

}  // namespace lockstep::model::rs::internal
