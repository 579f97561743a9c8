// Reformat: the "reformat" fault of protocol 2. The journal formatting tool
// (`journal-format --dir DIR`, impl/resync/README.md) is run on a stopped system's journal set,
// replacing it with a fresh set that holds only a format record: the stamp the set had is gone
// and the next system that opens it assigns a new one. The other form of the fault, "start on
// another journal set", is not an injector: it is the journal-set argument of the Start command.
//
// Inject() snapshots the set's journal file (inode, whether it held a stamp), runs the tool
// (with the operator's privileges; it refuses while a txsys holds the set) and requires exit 0.
// Probe() proves the fault took effect: DIR/journal.dat exists, is another file than before
// (the tool replaces it atomically) and holds no stamp record. There is no Remove(): a
// formatted set stays formatted (the model's Format command is permanent).
//
// Depends on base/ only: the tool is started with posix_spawn and reaped with waitpid.
// Thread safety: none; one thread drives an injector.
// REQUIRES (constructor): tool and dir are absolute paths.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>

#include "base/result.h"

namespace lockstep::faults {

class Reformat {
 public:
  Reformat(std::filesystem::path tool, std::filesystem::path dir);

  // Runs the tool; fails naming the tool, the directory, its exit status and its output.
  Status Inject();
  // Ok iff the set was replaced by a fresh one (see above); else says what is still there.
  Status Probe() const;
  std::string kind() const { return "reformat"; }
  // "journal-format --dir DIR run on the stopped system's journal set (fresh journal.dat, no
  // stamp record)".
  std::string mechanism() const;
  const std::filesystem::path& target() const { return dir_; }

  // Whether a journal file holds a stamp record (a record whose JSON payload has
  // "type":"stamp"). False when the file is missing.
  static bool HoldsStamp(const std::filesystem::path& journal_file);

 private:
  std::filesystem::path tool_, dir_;
  std::optional<ino_t> inode_before_;
  bool injected_ = false;
};

}  // namespace lockstep::faults
