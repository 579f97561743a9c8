// Observation: what the harness can see of the state-transfer system at a quiet point, and
// what the model predicts it will see. The model's Predict() and the harness's observer both
// produce this value; CheckStep() compares the two and names the property that broke.
//
// Plain values; no invariants beyond the field comments. Equality is field-wise.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/common/enum_names.h"

namespace lockstep::model::st {

enum class Side : std::uint8_t { kA = 0, kB = 1 };
inline constexpr std::array<Side, 2> kSides{Side::kA, Side::kB};
inline Side Peer(Side s) { return s == Side::kA ? Side::kB : Side::kA; }
inline int Index(Side s) { return static_cast<int>(s); }
inline constexpr auto kSideNames = MakeEnumNames<Side>("A", "B");
inline const char* SideName(Side s) { return kSideNames.Name(s); }

// Where a side stands, as the mds and the side itself report it at a quiet point.
enum class SideStatus : std::uint8_t { kDown, kReceiving, kInService, kStale };
inline constexpr auto kSideStatusNames =
    MakeEnumNames<SideStatus>("down", "receiving", "in_service", "stale");
inline const char* ToString(SideStatus s) { return kSideStatusNames.Name(s); }

// How the side's most recent process ended (kNone while it runs or before its first start).
enum class ExitKind : std::uint8_t {
  kNone,
  kDataError,        // exit status 3: could not open or make durable its database
  kTransferTimeout,  // exit status 4: receiver assert after transfer_timeout
  kKilled,           // SIGKILL (harness crash or named crash point)
  kUndocumented,     // any other status (a crash, an abort, a sanitizer report): never
                     // predicted by the model, so always a violation
};
inline constexpr auto kExitKindNames =
    MakeEnumNames<ExitKind>("none", "data_error", "transfer_timeout", "killed", "undocumented");
inline const char* ToString(ExitKind e) { return kExitKindNames.Name(e); }

enum class OpKind : std::uint8_t { kSet, kDel };

// One applied input, as kept in the config message log.
struct LogEntry {
  std::uint64_t update_key = 0;
  OpKind kind = OpKind::kSet;
  std::string key;
  std::string value;  // empty for kDel
  bool operator==(const LogEntry&) const = default;
};

// The durable configuration database of one side.
struct Database {
  std::map<std::string, std::string> rows;
  std::uint64_t last_update_key = 0;
  std::vector<LogEntry> log;  // oldest first, at most log_capacity entries
  bool operator==(const Database&) const = default;
};

// Per key, the number of inputs that touched it since the pair last started from cold.
using MemoryState = std::map<std::string, std::uint64_t>;

enum class TransferMode : std::uint8_t { kIncremental, kFull };

// The last successful transfer to a side, as the mds records it.
struct TransferRecord {
  TransferMode mode = TransferMode::kFull;
  std::uint64_t entries_sent = 0;  // config message log entries (0 for kFull)
  std::uint64_t upto = 0;          // the transfer point X
  bool operator==(const TransferRecord&) const = default;
};

struct SideObservation {
  SideStatus status = SideStatus::kDown;
  ExitKind last_exit = ExitKind::kNone;
  Database db;             // live status when running, offline dump when down
  // Down: why the offline dump refused the database ('logger --dump' exit 3: e.g. an empty
  // db.json after a power cut that lost its unsynced data); "" when readable. Never predicted:
  // a correct logger's database always reads back.
  std::string db_error;
  MemoryState memory;      // empty when down
  std::string checksum;    // reported by a running side; empty when down. Not predicted.
  int temp_files = 0;      // files in the side's temp directory
  // As sender: errno of every "Unable to create temporary state transfer file" log line, in
  // order, over the side's whole life (the log survives restarts).
  std::vector<int> logged_send_errors;
  // As receiver, recorded by the mds:
  std::uint32_t transfer_attempts = 0;
  std::optional<int> last_transfer_errno;      // cause of the last failed attempt
  std::optional<TransferRecord> last_transfer;  // last successful transfer
  bool operator==(const SideObservation&) const = default;
};

enum class InputResult : std::uint8_t { kOk, kUnavailable, kUnavailableAfterAccept };
inline constexpr auto kInputResultNames =
    MakeEnumNames<InputResult>("ok", "unavailable", "unavailable-after-accept");
inline const char* ToString(InputResult r) { return kInputResultNames.Name(r); }

struct InputOutcome {
  InputResult result = InputResult::kUnavailable;
  std::uint64_t update_key = 0;  // 0 for kUnavailable
  bool operator==(const InputOutcome&) const = default;
};

struct Observation {
  std::array<SideObservation, 2> sides;
  std::uint64_t high_water_key = 0;
  std::optional<InputOutcome> last_outcome;  // answer to the most recent Submit, if any
  // Answers to the inputs this step's Start submitted during its transfer (Start::inputs), in
  // order; empty in every other step.
  std::vector<InputOutcome> transfer_input_outcomes;
  bool operator==(const Observation&) const = default;

  SideObservation& at(Side s) { return sides[Index(s)]; }
  const SideObservation& at(Side s) const { return sides[Index(s)]; }
};

}  // namespace lockstep::model::st
