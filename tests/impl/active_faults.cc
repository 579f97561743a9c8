#include "tests/impl/active_faults.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace lockstep::testing {

void ActiveFaults::Inject(const harness::Sandbox& sandbox,
                          std::unique_ptr<faults::DirectoryFault> fault) {
  const std::string what = fault->kind() + " on " + fault->target().string();
  ASSERT_TRUE(sandbox.Contains(fault->target())) << what << ": outside the sandbox";
  const Status injected = fault->Inject();
  ASSERT_TRUE(injected) << what << ": " << injected.error().message;
  active_.push_back(std::move(fault));  // from here it is removed at the latest on destruction
  const Status probed = active_.back()->Probe();
  ASSERT_TRUE(probed) << what << " did not take effect: " << probed.error().message;
}

void ActiveFaults::Remove(const std::string& kind, const std::filesystem::path& target) {
  const auto it = std::find_if(active_.begin(), active_.end(), [&](const auto& fault) {
    return fault->kind() == kind && fault->target() == target;
  });
  ASSERT_NE(it, active_.end()) << "no " << kind << " fault on " << target.string();
  const Status removed = (*it)->Remove();
  ASSERT_TRUE(removed) << "removing " << kind << " on " << target.string() << ": "
                       << removed.error().message;
  active_.erase(it);
}

}  // namespace lockstep::testing
