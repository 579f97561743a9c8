// AccessDenied: the "access-denied" fault. Inject() revokes every permission bit of the target
// directory (chmod 000), remembering its mode; Remove() restores that mode (and with it the ACL
// mask, if the directory has a POSIX ACL).
//
// The implementation under test runs without capabilities (ProcessSpec::drop_capabilities), so
// even as root it obeys the revoked bits: no lookup, create, delete or listing in the directory
// (EACCES). Files it already has open stay usable, as on any Unix.
//
// Thread safety and invariants: as DirectoryFault. While active(), target() has mode 000.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>

#include "faults/directory_fault.h"

namespace lockstep::faults {

class AccessDenied final : public DirectoryFault {
 public:
  // REQUIRES: CheckFaultTarget(dir) is ok (else throws std::invalid_argument).
  explicit AccessDenied(std::filesystem::path dir);
  ~AccessDenied() override;
  AccessDenied(const AccessDenied&) = delete;
  AccessDenied& operator=(const AccessDenied&) = delete;

  Status Inject() override;
  Status Remove() override;
  // A capability-less child tries open(O_CREAT) of a new file in target(): ok iff EACCES.
  Status Probe() const override;
  bool active() const override { return active_; }
  std::string kind() const override { return "access-denied"; }
  std::string mechanism() const override;
  const std::filesystem::path& target() const override { return dir_; }

  // The mode Inject() found and Remove() restores (permission bits incl. setgid/sticky).
  mode_t saved_mode() const { return saved_mode_; }

 private:
  std::filesystem::path dir_;
  bool active_ = false;
  mode_t saved_mode_ = 0;
};

}  // namespace lockstep::faults
