// Fuzz target: a logger side's db.json as LoadDatabase reads it (impl/state_transfer/database.h:
// JSON text, then Database::FromJson). Checks, besides never crashing: a database accepted
// round-trips (FromJson(ToJson(db)) == db, also through the dumped text that StoreDatabase
// writes), with the same 16-hex-digit checksum; and every log entry round-trips alone.
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "fuzz/fuzz_check.h"
#include "impl/state_transfer/database.h"

using lockstep::impl::Database;
using lockstep::impl::LogEntryFromJson;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const nlohmann::json parsed = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return 0;
  auto db = Database::FromJson(parsed);
  if (!db) {
    FUZZ_CHECK(!db.error().message.empty(), "a refusal without a message");
    return 0;
  }
  const std::string stored = db->ToJson().dump();  // what StoreDatabase writes
  auto again = Database::FromJson(nlohmann::json::parse(stored));
  FUZZ_CHECK(again.has_value(), "the stored form refused: %s", again.error().message.c_str());
  FUZZ_CHECK(*again == *db, "the stored form reads back differently: %s", stored.c_str());
  const std::string checksum = db->Checksum();
  FUZZ_CHECK(checksum.size() == 16 &&
                 checksum.find_first_not_of("0123456789abcdef") == std::string::npos,
             "checksum '%s' is not 16 lowercase hex digits", checksum.c_str());
  FUZZ_CHECK(again->Checksum() == checksum, "checksum changed across a round trip");
  for (const auto& entry : db->log) {
    auto e = LogEntryFromJson(lockstep::impl::ToJson(entry));
    FUZZ_CHECK(e.has_value() && *e == entry, "log entry %llu does not round-trip",
               static_cast<unsigned long long>(entry.update_key));
  }
  return 0;
}
