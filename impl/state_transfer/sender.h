// Sender: the in-service side's half of a state transfer (spec "State transfer", steps 2-3).
//
// Answer() turns one send_state request from the mds into exactly one message back:
//  * database synchronization: incremental when the receiver's key equals the sender's last
//    key or the config message log holds an entry with exactly the receiver's key (entries
//    after it are sent); a full copy otherwise (design.md, State-transfer decision 2);
//  * memory state: written to a new mkstemp file "lockstep-st-XXXXXX" in the temp directory,
//    fsync'ed, read back, sent, and deleted. Crash points "sender.after_temp_create" (created,
//    nothing written) and "sender.before_send" (read back, not sent).
//  * When the temp file cannot be created, written or read back, it logs the three spec lines,
//    deletes the partial file, and answers {"type":"transfer_failed","errno":..,"cause":..}.
// The sender stays in service whatever happens here.
// Traced (docs/trace.md): send_state_received, database_synchronized, temp_file_created,
// temp_file_written, state_sent, temp_file_deleted, transfer_failed_sent, error.
//
// Seeded bugs honoured here: memory-not-transferred, temp-file-left-behind,
// sticky-transfer-failure (impl/README.md).
// Thread safety: single-threaded use.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "base/result.h"
#include "impl/common/log.h"
#include "impl/common/trace.h"
#include "impl/state_transfer/database.h"
#include "impl/state_transfer/memory_state.h"

namespace lockstep::impl {

// One send_state request as the mds sends it.
struct SendRequest {
  std::string receiver;           // "A" or "B"
  std::uint64_t receiver_key = 0; // the receiver's last_update_key at registration
  std::uint64_t upto = 0;         // transfer point X
  std::uint64_t transfer = 0;     // transfer id, echoed in the answer
};
[[nodiscard]] Result<SendRequest> SendRequestFromJson(const nlohmann::json& json);

// The prefix of every state-transfer temp file; leftovers are removed at start.
inline constexpr char kTempFilePrefix[] = "lockstep-st-";

class Sender {
 public:
  // REQUIRES: `log` and `trace` outlive this object.
  Sender(std::string temp_dir, LogFile* log, Trace* trace)
      : temp_dir_(std::move(temp_dir)), log_(log), trace_(trace) {}

  // Answers `request` from `db` and `memory` (the sender's state as of X: the mds sends the
  // request after every input up to X, and the link is ordered). `send` delivers the answer.
  void Answer(const SendRequest& request, const Database& db, const MemoryState& memory,
              const std::function<void(const nlohmann::json&)>& send);

 private:
  // Fills "mode" and "entries" or "database" of `message`; logs the synchronization lines.
  void SynchronizeDatabase(const SendRequest& request, const Database& db,
                           nlohmann::json& message);
  // Writes `text` to a new temp file, reads it back. On success returns the text read back
  // and sets `*path`; on failure the partial file is gone (unless the seeded bug keeps it).
  [[nodiscard]] Result<std::string> RoundTrip(const SendRequest& request, const std::string& text,
                                              std::string* path);
  void FailTransfer(const SendRequest& request, int errnum,
                    const std::function<void(const nlohmann::json&)>& send);

  std::string temp_dir_;
  LogFile* log_;
  Trace* trace_;
  std::optional<int> sticky_errno_;  // seeded bug sticky-transfer-failure only
};

}  // namespace lockstep::impl
