// Reformat: the "reformat" fault of protocol 2. The journal formatting tool
// (`journal-format --dir DIR`, impl/resync/README.md) is run on a stopped system's journal set,
// replacing it with a fresh set that holds only a format record: the stamp the set had is gone
// and the next system that opens it assigns a new one. The other form of the fault, "start on
// another journal set", is not an injector: it is the journal-set argument of the Start command.
//
// Inject() runs the tool (with the operator's privileges; it refuses while a txsys holds the
// set) and requires exit 0. Probe() proves the fault took effect through the tool's documented
// query, never the set's files (their layout belongs to the implementation under test;
// docs/design.md, "Conformance"): `journal-format --dir DIR --stamp` exits 0 and prints an
// empty line, i.e. the set holds no stamp and the next system that opens it assigns a new one.
// There is no Remove(): a formatted set stays formatted (the model's Format command is
// permanent).
//
// Depends on base/ only: the tool is started with posix_spawn and reaped with waitpid.
// Thread safety: none; one thread drives an injector.
// REQUIRES (constructor): tool and dir are absolute paths.
#pragma once

#include <filesystem>
#include <string>

#include "base/result.h"

namespace lockstep::faults {

class Reformat {
 public:
  Reformat(std::filesystem::path tool, std::filesystem::path dir);

  // Runs the tool; fails naming the tool, the directory, its exit status and its output.
  Status Inject();
  // Ok iff, after Inject(), the tool says the set holds no stamp (see above); else says what
  // it holds or why the tool could not tell.
  Status Probe() const;
  std::string kind() const { return "reformat"; }
  // "journal-format --dir DIR run on the stopped system's journal set (then --stamp prints no
  // stamp)".
  std::string mechanism() const;
  const std::filesystem::path& target() const { return dir_; }

  // The stamp the set holds, as `journal-format --dir DIR --stamp` prints it ("" for none);
  // fails naming the tool, the directory, its exit status and its stderr.
  Result<std::string> Stamp() const;

 private:
  std::filesystem::path tool_, dir_;
  bool injected_ = false;
};

}  // namespace lockstep::faults
