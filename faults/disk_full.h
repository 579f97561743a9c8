// DiskFull: the "disk-full" fault. The target directory is the root of its own size-limited
// tmpfs (Sandbox::MakeDir with own_tmpfs_bytes); Inject() fills that tmpfs to the last byte
// with a filler file, Remove() deletes the filler.
//
// What "full" means on tmpfs (space is allocated in pages):
//  * the filler is written in 1 MiB chunks until ENOSPC, then in halving chunks down to
//    1 byte, so even its own last page is full;
//  * afterwards any write that needs a new page fails with ENOSPC, in every file: the first
//    byte of a new file, an append to a file whose size is a multiple of the page size;
//  * creating an empty file or directory still succeeds (tmpfs charges inodes separately),
//    and a write that fits in the unused tail of an existing file's last page still succeeds,
//    just as a real file system lets a write into an already-allocated block through;
//  * tmpfs keeps no root-reserved blocks and does not look at CAP_SYS_RESOURCE for its size
//    limit, so the harness (root) and the capability-less implementation see the same wall.
// Space freed by the implementation (deleting files) lifts the fault partly: probe right before
// the step that relies on it.
//
// Thread safety and invariants: as DirectoryFault. The filler is target()/.lockstep-filler and
// exists iff active().
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "faults/directory_fault.h"

namespace lockstep::faults {

class DiskFull final : public DirectoryFault {
 public:
  // Name of the filler file inside target().
  static constexpr const char* kFillerName = ".lockstep-filler";

  // REQUIRES: CheckFaultTarget(dir) is ok (else throws std::invalid_argument). Whether dir is
  // its own tmpfs is checked by Inject(), since mounts can change.
  explicit DiskFull(std::filesystem::path dir);
  ~DiskFull() override;
  DiskFull(const DiskFull&) = delete;
  DiskFull& operator=(const DiskFull&) = delete;

  // Fails with "disk-full fault needs <dir> to be its own tmpfs mount" unless target() is the
  // root of a tmpfs; on a write error other than ENOSPC, deletes the filler and fails.
  Status Inject() override;
  Status Remove() override;
  // A capability-less child creates a file in target() and writes 1 byte: ok iff ENOSPC.
  Status Probe() const override;
  bool active() const override { return active_; }
  std::string kind() const override { return "disk-full"; }
  // "tmpfs size=1048576 filled to ENOSPC in a private mount namespace": the size as mounted;
  // the namespace clause only when this process's mount namespace differs from its parent's;
  // "... of a user namespace (uid 0 there is uid 65534 on the host)" when it runs in one.
  std::string mechanism() const override;
  const std::filesystem::path& target() const override { return dir_; }

  // Bytes the filler took at the last Inject() (0 before).
  std::uint64_t filled_bytes() const { return filled_bytes_; }

 private:
  Status CheckOwnTmpfs() const;
  std::filesystem::path filler() const { return dir_ / kFillerName; }

  std::filesystem::path dir_;
  bool active_ = false;
  std::uint64_t tmpfs_bytes_ = 0;  // size of the tmpfs, known after a successful check
  std::uint64_t filled_bytes_ = 0;
};

}  // namespace lockstep::faults
