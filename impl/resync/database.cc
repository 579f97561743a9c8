#include "impl/resync/database.h"

#include <nlohmann/json.hpp>

#include "impl/common/durable_file.h"

namespace lockstep::impl::resync {

using nlohmann::json;

namespace {
std::string DbPath(const std::string& dir) { return dir + "/db.json"; }
}  // namespace

Result<Database> LoadDatabase(const std::string& dir) {
  auto text = ReadWholeFile(DbPath(dir));
  if (!text) return std::unexpected(text.error());
  Database db;
  if (!text->has_value()) {
    // Missing file: the empty database, provided the directory itself can be written later.
    if (auto s = SyncDirectory(dir); !s) return std::unexpected(s.error());
    return db;
  }
  const json parsed = json::parse(**text, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object() || !parsed.contains("rows") ||
      !parsed["rows"].is_object()) {
    return Fail("database " + DbPath(dir) + " is corrupt");
  }
  for (const auto& [key, value] : parsed["rows"].items()) {
    if (!value.is_string()) return Fail("database " + DbPath(dir) + " is corrupt at " + key);
    db.rows[key] = value.get<std::string>();
  }
  const json applied = parsed.value("applied", json::object());
  if (!applied.is_object()) return Fail("database " + DbPath(dir) + " is corrupt at applied");
  for (const auto& [stamp, seq] : applied.items()) {
    if (!seq.is_number_unsigned()) {
      return Fail("database " + DbPath(dir) + " is corrupt at applied." + stamp);
    }
    db.applied[stamp] = seq.get<std::uint64_t>();
  }
  return db;
}

Status StoreDatabase(const std::string& dir, const Database& db) {
  const json out{{"rows", db.rows}, {"applied", db.applied}};
  return ReplaceAtomically(dir, DbPath(dir), out.dump());
}

}  // namespace lockstep::impl::resync
