// A state transfer from the in-service sender to a registered receiver (spec "State
// transfer"; design decisions 2, 3, 5). It runs to its end within the command that started
// it: the receiver is never left receiving at a quiet point.
#include <algorithm>

#include "model/state_transfer/transitions.h"
#include "model/state_transfer/variants.h"

namespace lockstep::model::st::internal {
namespace {

// Decision 2: incremental when the receiver is level with the sender, or when the sender's
// config message log holds the receiver's last entry (so every later one is in the log too).
TransferRecord Plan(const Database& sender, std::uint64_t receiver_key) {
  TransferRecord plan;
  plan.upto = sender.last_update_key;
  const auto holds_receiver_key = [&](const LogEntry& e) { return e.update_key == receiver_key; };
  if (receiver_key == sender.last_update_key ||
      std::any_of(sender.log.begin(), sender.log.end(), holds_receiver_key)) {
    plan.mode = TransferMode::kIncremental;
    plan.entries_sent = static_cast<std::uint64_t>(
        std::count_if(sender.log.begin(), sender.log.end(),
                      [&](const LogEntry& e) { return e.update_key > receiver_key; }));
  }
  return plan;
}

enum class SendResult { kSent, kFailed, kSenderDied };

// The sender's memory-state file (spec step 3). Checks happen in the order the logger meets
// them: creating the file (denied: EACCES), the after-create crash point, writing it (full:
// ENOSPC, the partial file is deleted), the before-send crash point. A killed sender leaves
// its file behind. On kFailed, *errnum is the cause.
SendResult SendMemoryState(SideState& sender, int* errnum) {
  if (Armed(sender, CrashPoint::kActionSendStateReceived) ||
      Armed(sender, CrashPoint::kActionDatabaseSynchronized)) {
    EndProcess(sender, ExitKind::kKilled);  // before the temp file is created
    return SendResult::kSenderDied;
  }
  const auto temp_fault = sender.fault(Dir::kTemp);
  if (temp_fault == FaultKind::kAccessDenied) {
    *errnum = kEacces;
    return SendResult::kFailed;
  }
  if (Armed(sender, CrashPoint::kSenderAfterTempCreate)) {
    sender.temp_files += 1;
    EndProcess(sender, ExitKind::kKilled);
    return SendResult::kSenderDied;
  }
  if (temp_fault == FaultKind::kDiskFull) {
    *errnum = kEnospc;
    return SendResult::kFailed;
  }
  if (Armed(sender, CrashPoint::kSenderBeforeSend) ||
      Armed(sender, CrashPoint::kActionStateSent)) {
    sender.temp_files += 1;
    EndProcess(sender, ExitKind::kKilled);
    return SendResult::kSenderDied;
  }
  return SendResult::kSent;
}

// The receiver applies the state atomically: its database is either untouched or the
// sender's as of the transfer point (decision 3). Staging the new database writes to the
// data directory, so a data fault fails it before the mid-apply crash point is reached. Then
// the inputs queued during the transfer, in order, each as any input (crash points at an
// input fire here); then it enters service.
void Receive(SideState& receiver, const SideState& sender, const TransferRecord& plan,
             const std::vector<LogEntry>& queued, const Config& config) {
  if (Armed(receiver, CrashPoint::kReceiverBeforeApply)) {
    EndProcess(receiver, ExitKind::kKilled);
    return;
  }
  if (receiver.HasDataFault()) {
    EndProcess(receiver, ExitKind::kDataError);
    return;
  }
  if (Armed(receiver, CrashPoint::kReceiverMidApply)) {
    EndProcess(receiver, ExitKind::kKilled);  // old db intact, the staged copy left beside it
    receiver.staged_db = true;
    return;
  }
  receiver.db = sender.db;
  receiver.history = sender.history;
  if (Armed(receiver, CrashPoint::kReceiverAfterApply)) {  // applied, the queue not taken
    EndProcess(receiver, ExitKind::kKilled);
    return;
  }
  receiver.memory = sender.memory;
  for (const LogEntry& entry : queued) {
    if (!DeliverInput(receiver, entry, config)) return;
  }
  if (Armed(receiver, CrashPoint::kActionServiceEntered)) {  // in_service not sent
    EndProcess(receiver, ExitKind::kKilled);
    return;
  }
  if (config.variant == Variant::kEnterBeforeQueuedInput) DropLastInput(receiver);
  receiver.status = SideStatus::kInService;
  receiver.last_transfer = plan;
}

}  // namespace

void AbandonTransfer(SideState& receiver) {
  receiver.transfer_attempts += 1;
  EndProcess(receiver, ExitKind::kTransferTimeout);
}

void RunTransfer(State& s, Side sender_side, Side receiver_side, const Config& config,
                 const std::vector<Submit>& inputs) {
  SideState& sender = s.at(sender_side);
  SideState& receiver = s.at(receiver_side);
  receiver.status = SideStatus::kReceiving;
  receiver.transfer_attempts += 1;
  const TransferRecord plan = Plan(sender.db, receiver.db.last_update_key);
  // The sender is held here, the transfer point fixed: each input is accepted after it,
  // sent to the sender and queued for the receiver.
  std::vector<LogEntry> queued;
  for (const Submit& input : inputs) queued.push_back(EntryOf(++s.last_assigned_key, input));

  int errnum = 0;
  switch (SendMemoryState(sender, &errnum)) {
    case SendResult::kFailed:
      // The sender names the cause, cleans up, stays in service, tells the mds (ST-4). The
      // mds drops the transfer and its queue.
      sender.logged_send_errors.push_back(errnum);
      receiver.last_transfer_errno = errnum;
      EndProcess(receiver, ExitKind::kTransferTimeout);  // abandoned: it asserts (decision 5)
      break;
    case SendResult::kSenderDied: EndProcess(receiver, ExitKind::kTransferTimeout); break;
    case SendResult::kSent: Receive(receiver, sender, plan, queued, config); break;
  }
  // Released, the sender (if it lives) makes the inputs durable after its state went out;
  // their answers wait on it alone, the only side in service when they were accepted.
  for (const LogEntry& entry : queued) {
    const bool acked = sender.IsInService() && DeliverInput(sender, entry, config);
    s.transfer_input_outcomes.push_back(Answer(s, entry.update_key, acked));
  }
}

}  // namespace lockstep::model::st::internal
