// Database: the durable configuration database of one logger side — rows key -> value, the
// last update key applied, and the config message log (the most recent `capacity` applied
// inputs, oldest first).
//
// On disk: one file, DIR/db.json, holding ToJson() (see impl/README.md, "Database file"). It is
// replaced atomically and durably for every change (staging file + fsync + rename + fsync of
// the directory), opening the directory afresh each time, so a fault injected on the directory
// takes effect at the next write. A missing file is the empty database.
//
// Checksum: FNV-1a 64 over the canonical serialization of rows and last_update_key (the compact
// JSON text {"last_update_key":N,"rows":{...}} with keys in byte order), as 16 lowercase hex
// digits. Equal rows and key give equal checksums on every side and every run.
//
// Invariants: log entries have strictly increasing update keys; log.size() <= the capacity it
// was last trimmed to; last_update_key >= the key of the last log entry.
// Thread safety: plain value; the file functions serialize nothing (one process per DIR).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/result.h"

namespace lockstep::impl {

// One input as applied and kept in the config message log.
struct LogEntry {
  std::uint64_t update_key = 0;
  std::string kind;   // "set" or "del"
  std::string key;
  std::string value;  // "" for "del"
  bool operator==(const LogEntry&) const = default;
};

nlohmann::json ToJson(const LogEntry& entry);
// Checks the fields: update_key a positive integer, kind "set"/"del", key a string, value a
// string when present.
[[nodiscard]] Result<LogEntry> LogEntryFromJson(const nlohmann::json& json);

struct Database {
  std::map<std::string, std::string> rows;
  std::uint64_t last_update_key = 0;
  std::vector<LogEntry> log;

  // Applies `entry` to the rows, sets last_update_key to its key, appends it to the log and
  // drops the oldest entries beyond `capacity`.
  void Apply(const LogEntry& entry, std::size_t capacity);
  std::string Checksum() const;
  // {"rows":{..},"last_update_key":N,"log":[..]}
  nlohmann::json ToJson() const;
  [[nodiscard]] static Result<Database> FromJson(const nlohmann::json& json);
  bool operator==(const Database&) const = default;
};

// FNV-1a 64 of `bytes` as 16 lowercase hex digits.
std::string Fnv1a64Hex(std::string_view bytes);

// DIR/db.json.
std::string DatabasePath(const std::string& dir);

// Loads the database of `dir`. Fails (errno set) when the directory cannot be opened — e.g.
// EACCES after chmod 000 — or the file cannot be read; fails (errno 0) when it is corrupt.
// A missing db.json is the empty database.
[[nodiscard]] Result<Database> LoadDatabase(const std::string& dir);

// Replaces DIR/db.json atomically and durably with `db`. Seeded bugs ack-without-fsync (no
// fsync of the staging file) and rename-without-dir-fsync (no directory fsync after the
// rename, here and in CommitStagedDatabase) break the "durably" (impl/README.md).
[[nodiscard]] Status StoreDatabase(const std::string& dir, const Database& db);

// The two halves of StoreDatabase, for a caller that must act between them (the receiver's
// crash point "receiver.mid_apply"): write+fsync the staging file, then rename+fsync dir.
[[nodiscard]] Status StageDatabase(const std::string& dir, const Database& db);
[[nodiscard]] Status CommitStagedDatabase(const std::string& dir);

// Removes a staging file left by a crash between StageDatabase and CommitStagedDatabase.
// Absent is fine; other failures are returned (callers log them and go on).
[[nodiscard]] Status RemoveStaleStaging(const std::string& dir);

// Operator's offline synchronize: copies the database of `from` (missing = empty) over the
// one of `to`, atomically and durably.
[[nodiscard]] Status CopyDatabase(const std::string& from, const std::string& to);

}  // namespace lockstep::impl
