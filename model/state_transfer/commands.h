// Commands of the state-transfer model: immutable values. Applying one to the model
// (model/state_transfer/model.h) and running it against the real system (harness/) are
// separate functions. Every command ends at a quiet point.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "model/common/enum_names.h"
#include "model/common/fault_kind.h"
#include "model/state_transfer/observation.h"

namespace lockstep::model::st {

// Where an armed logger dies by SIGKILL (design.md, "Decision: a crash can land at any traced
// action"). Armed at Start; the process SIGKILLs itself at the first hit. Two kinds:
//   - the named crash points compiled into the logger (impl/README.md), armed with
//     LOCKSTEP_CRASH_POINT;
//   - traced actions, "action.<event>": the process dies right after writing the trace line
//     of that event (docs/trace.md), armed with LOCKSTEP_CRASH_AT_ACTION. Only actions whose
//     outcome the model can place exactly are here; each is equivalent to, or lies between,
//     the named points around it.
enum class CrashPoint : std::uint8_t {
  kInputBeforeDurable,     // input received, db not written
  kInputAfterDurable,      // db written and synced, not acked
  kSenderAfterTempCreate,  // temp file created, nothing written
  kSenderBeforeSend,       // temp file written and read back, not sent
  kReceiverBeforeApply,    // state received, nothing applied
  kReceiverMidApply,       // new db staged, not yet renamed into place
  kReceiverAfterApply,     // new db in place, not yet in service
  // Traced actions (the process dies right after the line):
  kActionDatabaseLoaded,       // db read at start; no leftover removed, not registered
  kActionRegisterSent,         // leftovers removed; the registration not sent
  kActionSendStateReceived,    // sender: a transfer asked for, nothing done
  kActionDatabaseSynchronized, // sender: the database part chosen, no temp file yet
  kActionStateSent,            // sender: temp file written, the state not sent
  kActionAckSent,              // input durable, the ack not sent
  kActionServiceEntered,       // entering service, in_service not sent
};
inline constexpr auto kCrashPointNames = MakeEnumNames<CrashPoint>(
    "logger.input.before_durable", "logger.input.after_durable", "sender.after_temp_create",
    "sender.before_send", "receiver.before_apply", "receiver.mid_apply", "receiver.after_apply",
    "action.database_loaded", "action.register_sent", "action.send_state_received",
    "action.database_synchronized", "action.state_sent", "action.ack_sent",
    "action.service_entered");
inline constexpr int kCrashPointCount = kCrashPointNames.size();
inline constexpr int kNamedCrashPointCount = 7;  // the first 7; the rest are traced actions
inline const char* CrashPointName(CrashPoint p) { return kCrashPointNames.Name(p); }
// Whether `p` is a traced action ("action.<event>") rather than a named crash point.
inline bool IsTracedAction(CrashPoint p) { return static_cast<int>(p) >= kNamedCrashPointCount; }

enum class Dir : std::uint8_t { kTemp, kData };
inline constexpr auto kDirNames = MakeEnumNames<Dir>("temp", "data");
inline const char* ToString(Dir d) { return kDirNames.Name(d); }
using model::FaultKind;  // shared with the resync model (model/common/fault_kind.h)
using model::kFaultKindNames;
using model::ToString;

// A client input through the mds.
struct Submit {
  OpKind kind = OpKind::kSet;
  std::string key;
  std::string value;
};
// Start a side that is down (also the node manager's restart). Optional crash point armed.
// `inputs`: client inputs submitted while the transfer this start begins is in flight, after
// its transfer point (docs/design.md, "Decision: overlapping commands hold a process at a
// traced action"): the harness holds the sender right after it took the transfer request,
// submits them one after another (each accepted before the next), then releases the sender.
// The mds queues them for the receiver, which applies them in order after the state. Allowed
// only when the model predicts such a transfer and no race decides its end (Precondition).
struct Start {
  Side side = Side::kA;
  std::optional<CrashPoint> crash_point;
  std::vector<Submit> inputs;
};
// SIGKILL a running side at a quiet point.
struct Crash {
  Side side = Side::kA;
};
// Inject a fault on a side's directory (none must be active there).
struct InjectFault {
  Side side = Side::kA;
  Dir dir = Dir::kTemp;
  FaultKind kind = FaultKind::kDiskFull;
};
// Remove the fault active on a side's directory.
struct RemoveFault {
  Side side = Side::kA;
  Dir dir = Dir::kTemp;
};
// Operator's offline synchronize: copy `from`'s database onto `to` (which is down).
struct OfflineSync {
  Side from = Side::kA;
  Side to = Side::kB;
};

// Cut the power of a running side (the power-loss fault): its logger is SIGKILLed and its
// data directory keeps only what was made durable (fsync of the file, fsync of the directory
// after a create or rename). A correct logger makes every acknowledged input and every applied
// state durable before it goes on, so the outcome is exactly a Crash of that side (docs/design.md,
// "Decision: power loss for state transfer"). Not while a fault is active on the side's data
// directory: a cut would remove a disk-full filler and restore the directory's mode.
struct PowerLoss {
  Side side = Side::kA;
};

using Command =
    std::variant<Submit, Start, Crash, InjectFault, RemoveFault, OfflineSync, PowerLoss>;

// One line, stable, used in reports and reproduce strings: e.g. "Submit(set k1=v3)",
// "Start(B, crash=receiver.mid_apply)", "Start(B, inputs=[set k1=v3, del k2])", "InjectFault(A, temp, disk-full)", "PowerLoss(A)".
std::string Describe(const Command& c);

}  // namespace lockstep::model::st
