// PowerLoss: the "power-loss" fault. A directory a process makes durable (a data or journal
// directory) is the mount point of lockstep-powerloss-fs (faults/power_loss/), a FUSE filesystem
// over a backing directory of the sandbox: every write, truncate, create, rename, unlink and
// mkdir is visible at once, and the filesystem keeps apart what a disk would still hold after a
// power cut. Cut() is that cut: afterwards the backing directory, and the mount, hold exactly
// the durable state. What is durable (docs/design.md, "Decision: power loss through a FUSE
// filesystem"):
//   * a file's bytes and size as of its last fsync or fdatasync;
//   * a directory's entries (create, mkdir, rename, link, unlink, rmdir in it) as of its last
//     fsync: a file created and fsynced in a directory never fsynced since is gone after a cut;
//     a rename is undone unless the directories were fsynced after it;
//   * mode and owner at once; timestamps are not kept; symlinks and special files are refused.
// With torn_write_bytes N > 0, the cut also keeps the first min(N, its size) bytes of the last write that no
// fsync of its file followed (a torn write); N = 0 keeps none. Deterministic either way.
// Unmount() is a clean shutdown: the next Mount() over the same backing directory takes all of
// it as durable, as a disk unmounted cleanly.
//
// The cut does not stop the processes using the mount (the harness kills them first: issue
// 11); their open files are closed by it, and any later use of them fails with EIO.
//
// Probe: Cut() plants two canaries in the probe directory `.lockstep-power-loss` in the mount's
// root (made at Mount(), hidden from the root's listing; its writes are never the torn write):
// one written, fsynced and its directory fsynced, then overwritten without sync; one created
// and written without any sync. After the cut the first must hold exactly its synced bytes and
// the second must be gone, in the mount and in the backing directory, or Cut() fails: a cut
// that did not really happen never counts. Probe() repeats the last verdict.
//
// Control: the filesystem runs as a child of this process and takes its commands on its stdin
// (faults/power_loss/powerloss_fs.cc): only this process can cut the power, a cut is
// acknowledged when done, and the filesystem unmounts itself when this process dies (end of
// stdin), so no mount or process outlives it.
//
// Thread safety: none; one thread drives an injector (the filesystem is another process, so a
// thread of this one blocking on the mount cannot stall it). Invariants: mounted() iff Mount()
// succeeded and Unmount() has not run since; while mounted() this injector owns the filesystem
// process (unreaped; alive unless killed from outside) and its mount. The destructor unmounts (best effort, reported on
// stderr): no stray mount or process is left, on error paths too.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

#include "base/result.h"

namespace lockstep::faults {

struct PowerLossOptions {
  std::filesystem::path program;      // lockstep-powerloss-fs, absolute
  std::filesystem::path backing;      // the durable store, inside the sandbox; absolute
  std::filesystem::path mount_point;  // the directory the implementation uses; absolute
  std::uint64_t torn_write_bytes = 0;
  // How long the filesystem may take to mount, answer a command or exit.
  std::chrono::milliseconds deadline{10'000};
};

class PowerLoss {
 public:
  // Name of the probe directory in the mount's root.
  static constexpr const char* kProbeDirName = ".lockstep-power-loss";

  explicit PowerLoss(PowerLossOptions options);
  ~PowerLoss();
  PowerLoss(const PowerLoss&) = delete;
  PowerLoss& operator=(const PowerLoss&) = delete;

  // Starts the filesystem and waits (up to the deadline) until it is mounted and listed in
  // /proc/self/mountinfo, then makes the probe directory. The paths are made canonical first
  // (target() and backing() return them so). Fails naming the path when the
  // program, the backing directory or the mount point is missing or not absolute, when
  // /dev/fuse cannot be opened, or with what the filesystem printed when it could not mount;
  // nothing is left mounted or running then.
  // REQUIRES: !mounted()
  Status Mount();
  // The power cut with its probe (above). On failure the error says which canary was wrong or
  // what the filesystem replied; the fault must not count.
  // REQUIRES: mounted()
  Status Cut();
  // Ok iff the last Cut() succeeded (fails before any cut).
  Status Probe() const;
  // Removes the probe directory, asks the filesystem to unmount and exit, and waits for it; a
  // filesystem that does not exit by the deadline is killed and its mount detached. Ok iff the
  // process is gone and the mount point is no longer in /proc/self/mountinfo.
  // REQUIRES: mounted()
  Status Unmount();

  bool mounted() const { return pid_ > 0; }
  std::string kind() const { return "power-loss"; }
  // "FUSE lockstep-powerloss-fs over B on M: durable = file data at fsync/fdatasync, directory
  // entries at directory fsync; no torn write" (or "torn write keeps N bytes").
  std::string mechanism() const;
  const std::filesystem::path& target() const { return options_.mount_point; }
  const std::filesystem::path& backing() const { return options_.backing; }
  // The filesystem's process while mounted(), else -1.
  pid_t pid() const { return pid_; }
  // What the filesystem reported for the last cut: "files=F directories=D bytes=B dropped_names=K".
  const std::string& last_cut() const { return last_cut_; }

 private:
  Status CheckOptions() const;
  Result<std::string> Command(const std::string& line);
  Result<std::string> ReadLine();
  Status PlantCanaries();
  Status CheckCanaries() const;
  std::string DrainErrors();
  // Kills the filesystem if still running, reaps it, detaches its mount; closes the pipes.
  void Abandon();
  std::filesystem::path probe_dir() const { return options_.mount_point / kProbeDirName; }

  PowerLossOptions options_;
  pid_t pid_ = -1;
  int to_fs_ = -1, from_fs_ = -1, errors_ = -1;
  std::string pending_;  // read from the filesystem, not yet a whole line
  std::string last_cut_;
  Status last_probe_ = Fail("power-loss: no power cut yet");
  int cuts_ = 0;
};

// True iff `dir` is the mount point of a lockstep-powerloss-fs (fstype fuse.lockstep-powerloss)
// in /proc/self/mountinfo.
bool IsPowerLossMount(const std::filesystem::path& dir);

// Empty when the power-loss fault can be injected here: a private mount namespace (pass
// InPrivateMountNamespace()), /dev/fuse opens, and a trial mount of `program` over scratch
// directories under $TMPDIR cuts and probes; else the reason. Same pattern as
// ProbeAvailability (faults/availability.h), which the harness will call it next to.
std::string PowerLossUnavailableReason(const std::filesystem::path& program, bool in_private_mount_namespace);

}  // namespace lockstep::faults
