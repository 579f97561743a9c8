#include "impl/state_transfer/database.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "impl/common/durable_file.h"
#include "impl/common/seeded_bug.h"

namespace lockstep::impl {

using nlohmann::json;

json ToJson(const LogEntry& entry) {
  return json{{"update_key", entry.update_key},
              {"kind", entry.kind},
              {"key", entry.key},
              {"value", entry.value}};
}

Result<LogEntry> LogEntryFromJson(const json& j) {
  if (!j.is_object()) return Fail("log entry is not an object");
  const auto key = j.find("update_key");
  if (key == j.end() || !key->is_number_unsigned() || key->get<std::uint64_t>() == 0) {
    return Fail("log entry needs a positive integer update_key");
  }
  LogEntry entry;
  entry.update_key = key->get<std::uint64_t>();
  const auto kind = j.find("kind");
  if (kind == j.end() || !kind->is_string() || (*kind != "set" && *kind != "del")) {
    return Fail("log entry kind must be \"set\" or \"del\"");
  }
  entry.kind = kind->get<std::string>();
  const auto name = j.find("key");
  if (name == j.end() || !name->is_string()) return Fail("log entry needs a string key");
  entry.key = name->get<std::string>();
  const auto value = j.find("value");
  if (value != j.end() && !value->is_null()) {
    if (!value->is_string()) return Fail("log entry value must be a string");
    if (entry.kind == "set") entry.value = value->get<std::string>();
  } else if (entry.kind == "set") {
    return Fail("log entry of kind set needs a value");
  }
  return entry;
}

void Database::Apply(const LogEntry& entry, std::size_t capacity) {
  if (entry.kind == "set") {
    rows[entry.key] = entry.value;
  } else {
    rows.erase(entry.key);
  }
  last_update_key = entry.update_key;
  log.push_back(entry);
  if (log.size() > capacity) log.erase(log.begin(), log.end() - static_cast<long>(capacity));
}

std::string Fnv1a64Hex(std::string_view bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (const unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ull;
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  return hex;
}

std::string Database::Checksum() const {
  // nlohmann::json objects keep keys sorted, so this text is canonical.
  const json canonical{{"last_update_key", last_update_key}, {"rows", rows}};
  return Fnv1a64Hex(canonical.dump());
}

json Database::ToJson() const {
  json entries = json::array();
  for (const LogEntry& e : log) entries.push_back(impl::ToJson(e));
  return json{{"rows", rows}, {"last_update_key", last_update_key}, {"log", entries}};
}

Result<Database> Database::FromJson(const json& j) {
  if (!j.is_object()) return Fail("database is not a JSON object");
  Database db;
  const auto rows = j.find("rows");
  if (rows == j.end() || !rows->is_object()) return Fail("database needs an object \"rows\"");
  for (const auto& [key, value] : rows->items()) {
    if (!value.is_string()) return Fail("database row '" + key + "' is not a string");
    db.rows[key] = value.get<std::string>();
  }
  const auto key = j.find("last_update_key");
  if (key == j.end() || !key->is_number_unsigned()) {
    return Fail("database needs a non-negative integer \"last_update_key\"");
  }
  db.last_update_key = key->get<std::uint64_t>();
  const auto log = j.find("log");
  if (log == j.end() || !log->is_array()) return Fail("database needs an array \"log\"");
  for (const json& e : *log) {
    auto entry = LogEntryFromJson(e);
    if (!entry) return std::unexpected(entry.error());
    db.log.push_back(std::move(*entry));
  }
  return db;
}

std::string DatabasePath(const std::string& dir) { return dir + "/db.json"; }

Result<Database> LoadDatabase(const std::string& dir) {
  // Opening the directory first makes "cannot open the data directory" (EACCES) an error even
  // when db.json does not exist yet.
  const int dir_fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) return FailErrno("cannot open data directory " + dir);
  close(dir_fd);
  const std::string path = DatabasePath(dir);
  auto text = ReadWholeFile(path);
  if (!text) return std::unexpected(text.error());
  if (!text->has_value()) return Database{};
  const json parsed = json::parse(**text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return Fail("database " + path + " is not valid JSON");
  auto db = Database::FromJson(parsed);
  if (!db) return Fail("database " + path + ": " + db.error().message);
  return db;
}

Status StageDatabase(const std::string& dir, const Database& db) {
  return WriteAndSync(StagingPath(DatabasePath(dir)), db.ToJson().dump());
}

// Seeded bug rename-without-dir-fsync (impl/README.md): the rename is not followed by the
// directory fsync, so a power cut undoes it (and every earlier one not yet synced).
Status CommitStagedDatabase(const std::string& dir) {
  if (!BugEnabled("rename-without-dir-fsync")) return CommitStaged(dir, DatabasePath(dir));
  const std::string target = DatabasePath(dir), staging = StagingPath(target);
  if (rename(staging.c_str(), target.c_str()) != 0) {
    return FailErrno("cannot rename " + staging + " to " + target);
  }
  return {};
}

namespace {

// Seeded bug ack-without-fsync (impl/README.md): the staging file is written and closed but
// never fsynced, so the rename (made durable by the directory fsync) can name a file whose
// data a power cut drops: db.json comes back empty.
Status WriteStagingWithoutSync(const std::string& path, std::string_view data) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return FailErrno("cannot create " + path);
  Status status = WriteAll(fd, data, path);
  if (close(fd) != 0 && status) status = FailErrno("cannot close " + path);
  return status;
}

}  // namespace

Status StoreDatabase(const std::string& dir, const Database& db) {
  const std::string staging = StagingPath(DatabasePath(dir)), data = db.ToJson().dump();
  const Status staged = BugEnabled("ack-without-fsync") ? WriteStagingWithoutSync(staging, data)
                                                        : WriteAndSync(staging, data);
  if (!staged) return staged;
  return CommitStagedDatabase(dir);
}

Status RemoveStaleStaging(const std::string& dir) {
  const std::string staging = StagingPath(DatabasePath(dir));
  if (unlink(staging.c_str()) != 0 && errno != ENOENT) {
    return FailErrno("cannot remove stale staging file " + staging);
  }
  return {};
}

Status CopyDatabase(const std::string& from, const std::string& to) {
  auto db = LoadDatabase(from);
  if (!db) return std::unexpected(db.error());
  // Open the target directory before writing so that a missing target is named plainly.
  const int dir_fd = open(to.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) return FailErrno("cannot open target data directory " + to);
  close(dir_fd);
  return StoreDatabase(to, *db);
}

}  // namespace lockstep::impl
