// DirectoryFault: a real OS fault on one directory of the sandbox (disk-full, access-denied).
//
// Each kind injects the fault, removes it (restoring the directory exactly) and probes it:
// Probe() proves, from the point of view of a process without capabilities (what the
// implementation under test is), that the kernel refuses the operation with the expected errno
// right now. A step that needs a fault counts only after its probe succeeded.
//
// The injector does not know the sandbox: the harness checks Sandbox::Contains(target) before
// constructing one. The constructor only refuses targets that are plainly wrong (relative, "/",
// missing, not a directory, a symlink): that is a harness bug, thrown as std::invalid_argument.
//
// Thread safety: none; one thread drives an injector. Inject/Remove/Probe touch only target().
// Invariants: active() iff Inject() succeeded and Remove() has not succeeded since. The
// destructor removes a still-active fault (best effort, reported on stderr).
#pragma once

#include <filesystem>
#include <string>

#include "base/result.h"

namespace lockstep::faults {

class DirectoryFault {
 public:
  virtual ~DirectoryFault() = default;

  // Puts the fault in effect. On failure the directory is left as it was.
  // REQUIRES: !active()
  virtual Status Inject() = 0;
  // Takes the fault away, restoring the directory exactly as Inject() found it.
  // REQUIRES: active()
  virtual Status Remove() = 0;
  // Ok iff a forked, capability-less child attempting the operation gets the expected errno
  // now. Otherwise an error saying what the child saw (success, or another errno). Leaves
  // nothing behind in target().
  virtual Status Probe() const = 0;
  virtual bool active() const = 0;
  virtual std::string kind() const = 0;       // "disk-full" / "access-denied"
  virtual std::string mechanism() const = 0;  // the real mechanism, for the report
  virtual const std::filesystem::path& target() const = 0;
};

// Ok iff dir is usable as a fault target: absolute, not "/", an existing directory that is not
// a symlink. The error names the path and what is wrong.
Status CheckFaultTarget(const std::filesystem::path& dir);

}  // namespace lockstep::faults
