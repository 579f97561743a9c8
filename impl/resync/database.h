// Database: the durable rows (key -> value) of one system, separate from its journal.
//
// On disk: DATA-DIR/db.json = {"rows":{..},"journal_stamp":S,"applied_seq":N}, replaced
// atomically and durably (impl/common/durable_file: staging file, fsync, rename, fsync of the
// directory) for every change. `journal_stamp` and `applied_seq` say up to which record of
// which journal set the rows include the committed writes: at start, the writes of later
// records of the same set are applied again (redo after a crash between a forced commit record
// and the database write). A missing db.json is the empty database.
//
// Thread safety: plain value; one process per DATA-DIR.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "base/result.h"

namespace lockstep::impl::resync {

struct Database {
  std::map<std::string, std::string> rows;
  std::string journal_stamp;     // the set applied_seq refers to; "" before the first start
  std::uint64_t applied_seq = 0; // the last journal record whose writes are in `rows`
};

// Loads DATA-DIR/db.json. Fails (errno) when the directory or file cannot be read, (errno 0)
// when it is corrupt.
[[nodiscard]] Result<Database> LoadDatabase(const std::string& dir);

// Replaces DATA-DIR/db.json atomically and durably.
[[nodiscard]] Status StoreDatabase(const std::string& dir, const Database& db);

}  // namespace lockstep::impl::resync
