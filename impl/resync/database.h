// Database: the durable rows (key -> value) of one system, separate from its journal.
//
// On disk: DATA-DIR/db.json = {"rows":{..},"applied":{STAMP:N,..}}, replaced atomically and
// durably (impl/common/durable_file: staging file, fsync, rename, fsync of the directory) for
// every change. `applied` says, per journal set (by its stamp), up to which record the rows
// include that set's committed writes: at start, the writes of later records of the set being
// opened are applied again (redo after a crash between a forced commit record and the
// database write), also when the system ran on the other set in between. A missing db.json is
// the empty database.
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
  // Per journal set (stamp): the last record whose writes are in `rows`; absent = none.
  std::map<std::string, std::uint64_t> applied;
};

// Loads DATA-DIR/db.json. Fails (errno) when the directory or file cannot be read, (errno 0)
// when it is corrupt.
[[nodiscard]] Result<Database> LoadDatabase(const std::string& dir);

// Replaces DATA-DIR/db.json atomically and durably.
[[nodiscard]] Status StoreDatabase(const std::string& dir, const Database& db);

}  // namespace lockstep::impl::resync
