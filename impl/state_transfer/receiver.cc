#include "impl/state_transfer/receiver.h"

#include "impl/common/crash_point.h"
#include "impl/common/seeded_bug.h"

namespace lockstep::impl {

using nlohmann::json;

namespace {

Result<ReceivedState> Build(const json& state, const Database& current,
                            std::size_t log_capacity) {
  ReceivedState received;
  const auto upto = state.find("upto");
  if (upto == state.end() || !upto->is_number_unsigned()) return Fail("state needs \"upto\"");
  received.upto = upto->get<std::uint64_t>();
  const auto memory = state.find("memory");
  if (memory == state.end()) return Fail("state needs \"memory\"");
  auto parsed_memory = MemoryFromJson(*memory);
  if (!parsed_memory) return std::unexpected(parsed_memory.error());
  received.memory = std::move(*parsed_memory);
  const auto mode = state.find("mode");
  if (mode != state.end() && *mode == "full") {
    auto db = Database::FromJson(state.value("database", json()));
    if (!db) return std::unexpected(db.error());
    received.db = std::move(*db);
    received.mode = "full";
    return received;
  }
  if (mode == state.end() || *mode != "incremental") return Fail("state mode is not known");
  const auto entries = state.find("entries");
  if (entries == state.end() || !entries->is_array()) return Fail("state needs \"entries\"");
  received.db = current;
  for (const json& e : *entries) {
    auto entry = LogEntryFromJson(e);
    if (!entry) return std::unexpected(entry.error());
    received.db.Apply(*entry, log_capacity);
  }
  received.mode = "incremental";
  received.entries_sent = entries->size();
  return received;
}

Status MakeDurable(const std::string& data_dir, const Database& current, const Database& next,
                   Trace& trace, const json& transfer) {
  if (BugEnabled("non-atomic-apply")) {
    Database rows_only = current;
    rows_only.rows = next.rows;
    if (auto s = StoreDatabase(data_dir, rows_only); !s) return s;
    trace.Record("state_staged", json{{"transfer", transfer}});
    CrashPoint("receiver.mid_apply");
    return StoreDatabase(data_dir, next);
  }
  if (auto s = StageDatabase(data_dir, next); !s) return s;
  trace.Record("state_staged", json{{"transfer", transfer}});
  CrashPoint("receiver.mid_apply");
  return CommitStagedDatabase(data_dir);
}

}  // namespace

std::expected<ReceivedState, ReceiveError> ReceiveState(const json& state,
                                                        const Database& current,
                                                        const std::string& data_dir,
                                                        std::size_t log_capacity,
                                                        Trace& trace) {
  const json transfer = state.value("transfer", json(nullptr));
  trace.Record("state_received", json{{"transfer", transfer},
                                      {"mode", state.value("mode", json(nullptr))},
                                      {"upto", state.value("upto", json(nullptr))}});
  CrashPoint("receiver.before_apply");
  auto received = Build(state, current, log_capacity);
  if (!received) return std::unexpected(ReceiveError{false, received.error()});
  if (auto s = MakeDurable(data_dir, current, received->db, trace, transfer); !s) {
    return std::unexpected(ReceiveError{true, s.error()});
  }
  trace.Record("state_applied", json{{"transfer", transfer},
                                     {"mode", received->mode},
                                     {"upto", received->upto},
                                     {"last_update_key", received->db.last_update_key},
                                     {"checksum", received->db.Checksum()}});
  CrashPoint("receiver.after_apply");
  return std::move(*received);
}

}  // namespace lockstep::impl
