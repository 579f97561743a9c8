// Commands of the resync model: immutable values. Applying one to the model
// (model/resync/model.h) and running it against the real systems (harness/) are separate
// functions. Every command runs to a quiet point.
//
// Systems are indices (observation.h: 0 = SYSTEM73). Keys and values of writes are words of
// [A-Za-z0-9_] so that Describe() text parses back (command_text.h).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>

#include "model/common/enum_names.h"
#include "model/common/fault_kind.h"
#include "model/resync/observation.h"

namespace lockstep::model::rs {

// Named crash points (docs/design.md, resync decision 4), named in this order below, armed at
// Start through LOCKSTEP_CRASH_POINT; the process SIGKILLs itself at the first hit.
enum class CrashPoint : std::uint8_t {
  kCoordBeforeCommitRecord,   // all voted yes, COMMIT not forced
  kCoordAfterCommitRecord,    // COMMIT forced, not applied nor sent
  kCoordBeforeEndRecord,      // every ack received, END not written
  kPartBeforePreparedRecord,  // PREPARE received, nothing forced
  kPartAfterPreparedRecord,   // PREPARED forced, vote not sent
  kPartBeforeOutcomeRecord,   // outcome received, not forced
  kPartAfterOutcomeRecord,    // outcome forced, not applied/acked
  kResyncAfterExchange,       // stamps and startups exchanged
};
inline constexpr auto kCrashPointNames = MakeEnumNames<CrashPoint>(
    "coord.before_commit_record", "coord.after_commit_record", "coord.before_end_record",
    "part.before_prepared_record", "part.after_prepared_record", "part.before_outcome_record",
    "part.after_outcome_record", "resync.after_exchange");
inline constexpr int kCrashPointCount = kCrashPointNames.size();
inline const char* CrashPointName(CrashPoint p) { return kCrashPointNames.Name(p); }

// A fault on a journal directory, as the state-transfer model's on its directories
// (model/common/fault_kind.h).
using JournalFault = model::FaultKind;
using model::ToString;

// What a Corrupt command damages in one record of journal.dat (impl/resync/journal.h, "Record
// framing"): one bit flipped in the magic, the length field (its high byte: the length then
// points past the end of the file, the damage an older recovery took for a torn tail), the
// CRC or the payload; or the 512-byte sector holding the record's header zeroed.
enum class Damage : std::uint8_t { kMagic, kLength, kCrc, kPayload, kSector };
inline constexpr auto kDamageNames =
    MakeEnumNames<Damage>("magic", "length", "crc", "payload", "sector");
inline const char* ToString(Damage d) { return kDamageNames.Name(d); }
// Records a Corrupt command may name: `record` is taken modulo the number of records that
// have another record after them, so every value names one whatever the journal holds.
inline constexpr int kCorruptRecords = 4;

enum class ReplyAction : std::uint8_t { kIgnore, kDefer };
inline constexpr auto kReplyActionNames = MakeEnumNames<ReplyAction>("ignore", "defer");
inline const char* ToString(ReplyAction a) { return kReplyActionNames.Name(a); }

enum class CompleteAction : std::uint8_t { kCommit, kBackout };
inline constexpr auto kCompleteActionNames = MakeEnumNames<CompleteAction>("commit", "backout");
inline const char* ToString(CompleteAction a) { return kCompleteActionNames.Name(a); }

using Writes = std::map<std::string, std::string>;  // key -> value

// A distributed transaction begun at `coordinator`: the writes it makes on each system.
// Participants are the systems other than the coordinator that have writes.
struct Transaction {
  int coordinator = 0;
  std::map<int, Writes> writes;  // by system; every entry non-empty
};
// A task at `via` reads `key` from `system`'s database. via == system is a local read; otherwise
// it is a remote access between the two systems (resynchronized first if needed, fenced when
// either side fences the other).
//
// With `reply` (an overlapping command, docs/design.md, "Decision: overlapping commands hold a
// process at a traced action"): `via` has a prompt pending about `system`, so the read waits
// on that fence; while it waits, the operator replies `reply` to the prompt at `via`. The
// outcome is that of the reply followed by the read: IGNORE releases the wait (the read goes
// on after the resynchronization), DEFER leaves it fenced until its wait time runs out.
//
// With `complete` (an overlapping command, the same way): a local read (via == system) of a key
// that a ManualPending participant branch of `system` locks, so the read waits on the lock;
// while it waits, the operator completes that branch by hand (`Complete`). The outcome is that
// of the completion followed by the read: the lock released, the read gets the value the
// completion left (unless another branch still locks the key, or a journal fault kept the
// completion from being journaled: then it fails at its wait time with a lock timeout).
struct HandCompletion {
  int txn = 1;
  CompleteAction action = CompleteAction::kCommit;
};
struct Read {
  int system = 0;
  std::string key;
  int via = 0;
  std::optional<ReplyAction> reply;      // at most one of reply and complete
  std::optional<HandCompletion> complete;
};
// Start a system that is down on journal set 1 or 2, optionally with a crash point armed.
struct Start {
  int system = 0;
  int journal_set = 1;
  std::optional<CrashPoint> crash_point;
};
// SIGKILL a running system at a quiet point.
struct Crash {
  int system = 0;
};
// The journal-format tool on a stopped system's journal set.
struct Format {
  int system = 0;
  int journal_set = 1;
};
// Operator reply to `system`'s pending prompt about `partner`.
struct Reply {
  int system = 0;
  int partner = 1;
  ReplyAction action = ReplyAction::kDefer;
};
// `vary rm <partner>` at `system`: resynchronize with it now.
struct VaryRm {
  int system = 0;
  int partner = 1;
};
// `complete <dtrid> commit|backout` at `system` for its manual-pending branch of `txn`.
struct Complete {
  int system = 0;
  int txn = 1;
  CompleteAction action = CompleteAction::kCommit;
};
// A fault on a system's journal directory (both journal sets live under it).
struct InjectFault {
  int system = 0;
  JournalFault kind = JournalFault::kDiskFull;
};
struct RemoveFault {
  int system = 0;
};
// Damage a record of a stopped system's journal set that has more records after it (a
// corruption at rest: a bad sector, a stray write). The damage stays until the set is
// formatted; meanwhile a start on that set refuses (exit 3) and leaves the file as it is.
struct Corrupt {
  int system = 0;
  int journal_set = 1;
  int record = 0;  // 0 .. kCorruptRecords - 1, see kCorruptRecords
  Damage damage = Damage::kLength;
};

using Command = std::variant<Transaction, Read, Start, Crash, Format, Reply, VaryRm, Complete,
                             InjectFault, RemoveFault, Corrupt>;

// One line, stable, used in reports and reproduce strings, e.g.
//   "Transaction(SYSTEM73: SYSTEM73{k1=v1} SYSTEM74{k2=v2})"
//   "Read(SYSTEM74, k1, via=SYSTEM73)", "Read(SYSTEM74, k1, via=SYSTEM73, reply=ignore)"
//   "Start(SYSTEM73, journal-2, crash=coord.after_commit_record)"
//   "Reply(SYSTEM74, SYSTEM73, ignore)", "Complete(SYSTEM74, txn=3, backout)"
//   "Corrupt(SYSTEM73, journal-1, record=1, length)"
std::string Describe(const Command& c);

}  // namespace lockstep::model::rs
