// InjectProven: the one way a System driver injects a directory fault during a step. The
// target must be inside the sandbox; the fault must prove itself with its probe (a
// capability-less child gets the expected errno) before the step counts; the case record gets
// the fault with its step number, kind, target and mechanism.
//
// Single-threaded, like the drivers.
#pragma once

#include <filesystem>
#include <memory>

#include "base/result.h"
#include "faults/directory_fault.h"
#include "harness/os/sandbox.h"
#include "harness/property/case_record.h"

namespace lockstep::harness {

// On success the fault is active and owned by the caller. On failure nothing stays injected.
// `label` names the target in the report (a path relative to the case directory).
Result<std::unique_ptr<faults::DirectoryFault>> InjectProven(
    std::unique_ptr<faults::DirectoryFault> fault, const Sandbox& sandbox,
    const std::string& label, CaseRecord& record);

}  // namespace lockstep::harness
