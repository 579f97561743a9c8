#include "harness/state_transfer/st_json.h"

namespace lockstep::harness::st {

namespace m = lockstep::model::st;
using nlohmann::json;

namespace {

template <class T>
Result<T> Field(const json& j, const char* name, const char* where) {
  if (!j.is_object() || !j.contains(name)) {
    return Fail(std::string(where) + ": missing field '" + name + "' in " + j.dump().substr(0, 200));
  }
  try {
    return j.at(name).get<T>();
  } catch (const json::exception& e) {
    return Fail(std::string(where) + ": field '" + name + "' has the wrong type: " + e.what());
  }
}

Result<m::LogEntry> ParseLogEntry(const json& j) {
  auto key = Field<std::uint64_t>(j, "update_key", "log entry");
  auto kind = Field<std::string>(j, "kind", "log entry");
  auto name = Field<std::string>(j, "key", "log entry");
  if (!key) return std::unexpected(key.error());
  if (!kind) return std::unexpected(kind.error());
  if (!name) return std::unexpected(name.error());
  if (*kind != "set" && *kind != "del") return Fail("log entry: unknown kind '" + *kind + "'");
  m::LogEntry e{*key, *kind == "set" ? m::OpKind::kSet : m::OpKind::kDel, *name, ""};
  if (e.kind == m::OpKind::kSet) {
    auto value = Field<std::string>(j, "value", "log entry");
    if (!value) return std::unexpected(value.error());
    e.value = *value;
  }
  return e;
}

}  // namespace

Result<m::SideStatus> ParseSideStatus(const std::string& text) {
  if (text == "down") return m::SideStatus::kDown;
  if (text == "receiving" || text == "registered" || text == "registering") {
    return m::SideStatus::kReceiving;
  }
  if (text == "in_service") return m::SideStatus::kInService;
  if (text == "stale") return m::SideStatus::kStale;
  return Fail("unknown side state '" + text + "'");
}

Result<m::Database> ParseDatabase(const json& j) {
  auto rows = Field<std::map<std::string, std::string>>(j, "rows", "database");
  auto last = Field<std::uint64_t>(j, "last_update_key", "database");
  if (!rows) return std::unexpected(rows.error());
  if (!last) return std::unexpected(last.error());
  m::Database db{*rows, *last, {}};
  if (!j.contains("log") || !j["log"].is_array()) return Fail("database: missing array 'log'");
  for (const auto& entry : j["log"]) {
    auto e = ParseLogEntry(entry);
    if (!e) return std::unexpected(e.error());
    db.log.push_back(*e);
  }
  return db;
}

Result<m::MemoryState> ParseMemory(const json& j) {
  if (!j.is_object()) return Fail("memory state is not an object: " + j.dump().substr(0, 200));
  try {
    return j.get<m::MemoryState>();
  } catch (const json::exception& e) {
    return Fail(std::string("memory state has a non-integer count: ") + e.what());
  }
}

Result<m::InputOutcome> ParseOutcome(const json& j) {
  auto result = Field<std::string>(j, "result", "submit answer");
  if (!result) return std::unexpected(result.error());
  if (*result == "unavailable") return m::InputOutcome{m::InputResult::kUnavailable, 0};
  auto key = Field<std::uint64_t>(j, "update_key", "submit answer");
  if (!key) return std::unexpected(key.error());
  if (*result == "ok") return m::InputOutcome{m::InputResult::kOk, *key};
  if (*result == "unavailable-after-accept") {
    return m::InputOutcome{m::InputResult::kUnavailableAfterAccept, *key};
  }
  return Fail("submit answer: unknown result '" + *result + "'");
}

json SubmitRequest(const m::Submit& s) {
  json j{{"op", "submit"}, {"key", s.key}};
  if (s.kind == m::OpKind::kSet) {
    j["kind"] = "set";
    j["value"] = s.value;
  } else {
    j["kind"] = "del";
  }
  return j;
}

}  // namespace lockstep::harness::st
