#include "impl/state_transfer/mds_keys.h"

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "impl/common/durable_file.h"
#include "impl/common/json_lines.h"

namespace lockstep::impl {

namespace {
std::string KeysPath(const std::string& dir) { return dir + "/mds.json"; }
}  // namespace

Result<MdsKeys> LoadMdsKeys(const std::string& dir) {
  const int dir_fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) return FailErrno("cannot open mds data directory " + dir);
  close(dir_fd);
  auto text = ReadWholeFile(KeysPath(dir));
  if (!text) return std::unexpected(text.error());
  MdsKeys keys;
  if (!text->has_value()) return keys;
  const auto parsed = nlohmann::json::parse(**text, nullptr, /*allow_exceptions=*/false);
  const auto high = parsed.is_object() ? UintField(parsed, "high_water_key") : std::nullopt;
  const auto last = parsed.is_object() ? UintField(parsed, "last_assigned_key") : std::nullopt;
  if (!high || !last || *high > *last) return Fail(KeysPath(dir) + " is corrupt");
  keys.high_water_key = *high;
  keys.last_assigned_key = *last;
  return keys;
}

Status StoreMdsKeys(const std::string& dir, const MdsKeys& keys) {
  const nlohmann::json j{{"high_water_key", keys.high_water_key},
                         {"last_assigned_key", keys.last_assigned_key}};
  return ReplaceAtomically(dir, KeysPath(dir), j.dump());
}

}  // namespace lockstep::impl
