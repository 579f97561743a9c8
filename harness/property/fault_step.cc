#include "harness/property/fault_step.h"

namespace lockstep::harness {

Result<std::unique_ptr<faults::DirectoryFault>> InjectProven(
    std::unique_ptr<faults::DirectoryFault> fault, const Sandbox& sandbox,
    const std::string& label, CaseRecord& record) {
  const auto& target = fault->target();
  if (!sandbox.Contains(target)) {
    return Fail("refusing a fault outside the sandbox: " + target.string());
  }
  if (auto s = fault->Inject(); !s) return std::unexpected(s.error());
  if (auto s = fault->Probe(); !s) {
    (void)fault->Remove();
    return Fail("fault " + fault->kind() + " on " + target.string() +
                " did not take effect: " + s.error().message);
  }
  record.AddFault(fault->kind(), label, fault->mechanism());
  return fault;
}

}  // namespace lockstep::harness
