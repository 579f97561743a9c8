#include "harness/property/active_faults.h"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "faults/access_denied.h"
#include "faults/disk_full.h"

namespace lockstep::harness {

namespace fs = std::filesystem;

namespace {

std::unique_ptr<faults::DirectoryFault> Build(DirectoryFaultKind kind, const fs::path& target) {
  if (kind == DirectoryFaultKind::kDiskFull) return std::make_unique<faults::DiskFull>(target);
  return std::make_unique<faults::AccessDenied>(target);
}

Status RefuseOutside(const Sandbox& sandbox, const fs::path& target) {
  if (sandbox.Contains(target)) return {};
  return Fail("refusing a fault outside the sandbox: " + target.string());
}

// p lexically normalized, without a trailing separator ("/a/b/./" is "/a/b").
fs::path Normal(const fs::path& p) {
  fs::path n = p.lexically_normal();
  if (!n.has_filename() && n.has_relative_path()) n = n.parent_path();
  return n;
}

// The held fault whose target is `target`, both normalized; held.end() if none.
template <class Held>
auto FindOn(Held& held, const fs::path& target) {
  const fs::path want = Normal(target);
  return std::find_if(held.begin(), held.end(),
                      [&](const auto& f) { return Normal(f->target()) == want; });
}

}  // namespace

ActiveFaults::ActiveFaults(const Sandbox& sandbox, CaseRecord& record)
    : sandbox_(sandbox), record_(record) {}

ActiveFaults::~ActiveFaults() {
  if (auto s = RemoveAll(); !s) std::fprintf(stderr, "lockstep: %s\n", s.error().message.c_str());
}

Status ActiveFaults::Inject(DirectoryFaultKind kind, const fs::path& target,
                            const std::string& label, const std::string& side) {
  if (auto s = RefuseOutside(sandbox_, target); !s) return s;
  if (auto s = faults::CheckFaultTarget(target); !s) return s;
  return Inject(Build(kind, target), label, side);
}

Status ActiveFaults::Inject(std::unique_ptr<faults::DirectoryFault> fault,
                            const std::string& label, const std::string& side) {
  const fs::path& target = fault->target();
  if (auto s = RefuseOutside(sandbox_, target); !s) return s;
  if (fault->active() || ActiveOn(target)) {
    return Fail("refusing a second fault on " + target.string() + ": one is already active");
  }
  if (auto s = fault->Inject(); !s) return s;
  if (auto s = fault->Probe(); !s) {
    (void)fault->Remove();  // if even that fails, the fault's destructor retries
    return Fail("fault " + fault->kind() + " on " + target.string() +
                " did not take effect: " + s.error().message);
  }
  record_.AddFault(fault->kind(), label, fault->mechanism(), side);
  active_.push_back(std::move(fault));
  return {};
}

Status ActiveFaults::Remove(const fs::path& target) {
  const auto it = FindOn(active_, target);
  if (it == active_.end()) return Fail("no active fault on " + target.string() + " to remove");
  if (auto s = (*it)->Remove(); !s) return s;
  active_.erase(it);
  return {};
}

Status ActiveFaults::RemoveAll() {
  std::string failures;
  while (!active_.empty()) {
    std::unique_ptr<faults::DirectoryFault> fault = std::move(active_.back());
    active_.pop_back();
    if (auto s = fault->Remove(); !s) {
      failures += (failures.empty() ? "" : "; ") + s.error().message;
    }
  }
  if (!failures.empty()) return Fail("removing the case's faults: " + failures);
  return {};
}

bool ActiveFaults::ActiveOn(const fs::path& target) const {
  return FindOn(active_, target) != active_.end();
}

}  // namespace lockstep::harness
