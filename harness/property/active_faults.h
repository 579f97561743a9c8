// ActiveFaults: the directory faults (disk-full, access-denied) a test case has in effect, and
// the one way anything in lockstep injects and removes one: both System drivers and the
// end-to-end test fixtures (tests/impl) keep one per case.
//
// Inject proves a fault before it counts: the target must be inside the sandbox (checked
// before an injector is built), the injector must succeed, and its probe must show that a
// capability-less child now gets the expected errno there. On any failure nothing stays
// injected and nothing is recorded. A proven fault is recorded in the CaseRecord at the
// current step (kind, target label, mechanism, side) and kept until removed. At most one fault is
// active per target directory.
//
// Thread safety: none; single-threaded, like the drivers and fixtures.
// Invariants: every fault held is active and its target is inside the sandbox; the destructor
// removes every fault still held (RemoveAll), so an owner that declares its ActiveFaults after
// its Sandbox has every directory restored before the sandbox is torn down.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "faults/directory_fault.h"
#include "harness/os/sandbox.h"
#include "harness/property/case_record.h"

namespace lockstep::harness {

enum class DirectoryFaultKind { kDiskFull, kAccessDenied };

class ActiveFaults {
 public:
  // REQUIRES: sandbox and record outlive this object.
  ActiveFaults(const Sandbox& sandbox, CaseRecord& record);
  ~ActiveFaults();  // RemoveAll(), errors reported on stderr
  ActiveFaults(const ActiveFaults&) = delete;
  ActiveFaults& operator=(const ActiveFaults&) = delete;

  // Builds the injector of `kind` on `target` (faults::DiskFull, faults::AccessDenied) and
  // injects it proven, as the overload below. Refuses, before building anything, a target
  // outside the sandbox or one that is no usable fault target (faults::CheckFaultTarget).
  // `label` names the target in the record (e.g. its path relative to the case directory),
  // `side` the side or system whose directory it is ("A", "SYSTEM73"): the report's lane.
  Status Inject(DirectoryFaultKind kind, const std::filesystem::path& target,
                const std::string& label, const std::string& side);
  // Injects `fault`, probes it and keeps it. Fails, with nothing left injected or recorded,
  // when the target is outside the sandbox, a fault is already active on it, `fault` is
  // already active, Inject() fails, or the probe does not prove the fault ("... did not take
  // effect: <what the probe saw>").
  Status Inject(std::unique_ptr<faults::DirectoryFault> fault, const std::string& label,
                const std::string& side);
  // Removes the fault active on `target` (compared after lexical normalization, ignoring a
  // trailing separator). Fails naming the target when there is none; when its Remove() fails
  // the fault stays held and active.
  Status Remove(const std::filesystem::path& target);
  // Removes every fault held, in the reverse order of injection. Each one is attempted and
  // dropped; a fault whose Remove() fails retries once as it is destroyed (DirectoryFault).
  // The error, if any, names every fault that could not be removed.
  Status RemoveAll();

  // True iff a fault is active on `target`.
  bool ActiveOn(const std::filesystem::path& target) const;
  std::size_t size() const { return active_.size(); }

 private:
  const Sandbox& sandbox_;
  CaseRecord& record_;
  std::vector<std::unique_ptr<faults::DirectoryFault>> active_;  // in injection order
};

}  // namespace lockstep::harness
