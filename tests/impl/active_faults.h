// ActiveFaults: the directory faults a test fixture (StCluster, RsCluster) has injected into
// its sandbox and not yet removed, so that both fixtures inject, probe and remove faults the
// same way (one seam per kind of fault: the real injectors of faults/).
//
// Inject checks that the target lies in the sandbox, injects, keeps the fault, then probes it
// (a capability-less child must see it); any failure is a gtest failure naming the fault.
// Remove takes the active fault of that kind off that target. Faults still active are removed
// when ActiveFaults is destroyed (each DirectoryFault removes itself), so a fixture declares
// it after its Sandbox and before its processes. Not thread-safe; one per fixture.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "faults/directory_fault.h"
#include "harness/os/sandbox.h"

namespace lockstep::testing {

class ActiveFaults {
 public:
  void Inject(const harness::Sandbox& sandbox, std::unique_ptr<faults::DirectoryFault> fault);
  void Remove(const std::string& kind, const std::filesystem::path& target);

 private:
  std::vector<std::unique_ptr<faults::DirectoryFault>> active_;
};

}  // namespace lockstep::testing
