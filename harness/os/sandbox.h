// Sandbox: the one directory tree a lockstep run may touch.
//
// On the host, the sandbox root (`--sandbox-root`, shared by every run that names it) holds one
// directory `run-XXXXXX` per live Sandbox, made and removed by that Sandbox alone. The root is
// created if missing and never removed: removing it would pull the floor from under any other
// run using it. Where the process is in a private mount namespace (EnterPrivateMountNamespace),
// the Sandbox mounts a tmpfs over its own run directory, so what the run writes lives in memory
// that only its namespace sees and that dies with it, SIGKILL included; the host sees one empty
// directory per live run. Otherwise the run directory is a plain directory, and isolated() is
// false (mount-based faults such as disk-full are then unavailable).
//
// Why not one tmpfs over the root: every lockstep process has its own namespace, so processes
// sharing a root would each mount a tmpfs there, and the root would be a mountpoint in each;
// an rmdir of it from any namespace detaches the mounts over it in every other namespace
// (Linux >= 3.18), taking another live run's sandbox away. No namespace but its owner's mounts
// anything over a run directory, so removing it disturbs nobody.
//
// Ownership: a Sandbox holds an exclusive flock(2) on its run directory (on the host directory,
// taken before the tmpfs goes over it) until it has removed it. A run directory left by a
// SIGKILLed run is empty (its tmpfs died with its namespace) and unlocked (the kernel dropped the
// lock): Create removes such leftovers, and never a locked or non-empty directory.
//
// Invariants (of a Sandbox not moved from):
//  1. dir() is an absolute, canonical, existing directory directly under root(), created and
//     locked by this Sandbox; while isolated(), a tmpfs of SandboxOptions::tmpfs_bytes is
//     mounted on it.
//  2. Every tmpfs this Sandbox mounted under dir() is listed until unmounted.
//  3. Nothing is created outside dir(): MakeDir and RemoveDir first check that dir() is still
//     the directory Create made (same device and inode). If it was removed or replaced from
//     outside, they fail naming it; they never recreate it on the host.
//  4. The destructor unmounts those (innermost first) and the tmpfs on dir(), removes dir()
//     (only while it is still the directory Create made) and drops the lock. It never touches
//     root() or another run's directory. Errors there are reported on stderr, never thrown.
//
// Thread safety: a Sandbox is not synchronized; use one from one thread at a time. Creating
// and destroying Sandboxes on different threads is safe.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

#include "base/result.h"

namespace lockstep::harness {

struct SandboxOptions {
  std::filesystem::path root;  // empty: $TMPDIR/lockstep-sandbox, else /tmp/lockstep-sandbox
  std::uint64_t tmpfs_bytes = 256ull << 20;  // size= of the tmpfs over this run's directory
};

class Sandbox {
 public:
  // Creates the root if missing (mode 0700, parents too), removes the run directories of dead
  // runs there, makes this run's unique directory `run-XXXXXX` on the host and locks it; in a
  // private mount namespace mounts a tmpfs of options.tmpfs_bytes (mode 0700) over it. Fails
  // naming the path and errno when any of that fails, leaving nothing behind (the root stays).
  static Result<Sandbox> Create(const SandboxOptions& options = {});

  Sandbox(Sandbox&& other) noexcept;
  Sandbox& operator=(Sandbox&& other) noexcept;
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;
  ~Sandbox();

  // This run's directory (absolute, canonical).
  const std::filesystem::path& dir() const { return dir_; }
  // The sandbox root dir() was made in.
  const std::filesystem::path& root() const { return root_; }
  // True iff dir() is a tmpfs this Sandbox mounted in a private mount namespace.
  bool isolated() const { return isolated_; }

  // Creates dir()/rel and missing parents; succeeds if it already exists. With
  // own_tmpfs_bytes, mounts a tmpfs of that size on it (same mode as the directory), so it can
  // be filled without touching anything else. Returns the absolute path.
  // REQUIRES: rel is relative, non-empty and stays inside dir() after normalization.
  // REQUIRES (own_tmpfs_bytes): isolated(); *own_tmpfs_bytes > 0; dir()/rel is not already a
  //           mount of this Sandbox. Each violation is an error naming the path.
  // Fails, creating nothing, when dir() is no longer the directory Create made (invariant 3).
  Result<std::filesystem::path> MakeDir(const std::filesystem::path& rel,
                                        std::optional<std::uint64_t> own_tmpfs_bytes = std::nullopt);

  // Removes dir()/rel itself and everything under it, unmounting (innermost first) each tmpfs
  // MakeDir mounted there, so the tree is as if never made; MakeDir makes it again. A missing
  // dir()/rel is not an error. rel "." (or empty) empties dir() but keeps it.
  // A mount that is busy (a live process has its cwd or a file open there) is detached lazily:
  // it vanishes from the tree at once and is freed when its last user goes.
  // REQUIRES: rel is relative and stays inside dir() after normalization.
  // Fails when dir() is no longer the directory Create made (invariant 3).
  Status RemoveDir(const std::filesystem::path& rel);

  // True iff p is absolute and inside dir() (or is dir()), both lexically after normalization
  // and, where p or a prefix of it exists, after resolving symlinks. Every fault target is
  // checked with this before an injector is built.
  bool Contains(const std::filesystem::path& p) const;

  // Device and inode of a directory, to tell whether a path still names the one made here.
  struct FileId {
    dev_t dev = 0;
    ino_t ino = 0;
    bool operator==(const FileId&) const = default;
  };

 private:
  Sandbox() = default;
  Status CheckIntact() const;  // invariant 3
  Status MountOwnTmpfs(const std::filesystem::path& dir, std::uint64_t bytes);
  Status UnmountUnder(const std::filesystem::path& top);  // innermost first
  Result<std::filesystem::path> Resolve(const std::filesystem::path& rel) const;
  void RemoveRunDir() noexcept;
  void Release() noexcept;

  std::filesystem::path root_;
  std::filesystem::path dir_;  // empty once moved from
  int lock_fd_ = -1;           // the host run directory, flock(LOCK_EX)ed
  FileId host_id_;             // the host run directory, as mkdtemp made it
  FileId dir_id_;              // what dir() resolves to: the tmpfs root while isolated_
  bool isolated_ = false;      // a tmpfs of ours is mounted on dir_
  std::vector<std::filesystem::path> mounts_;  // this Sandbox's own tmpfs mounts, in order made
};

}  // namespace lockstep::harness
