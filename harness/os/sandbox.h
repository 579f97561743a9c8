// Sandbox: the one directory tree a lockstep run may touch.
//
// Every file the implementation under test writes and every fault target lives under dir().
// Where the process is in a private mount namespace (EnterPrivateMountNamespace), a tmpfs is
// mounted over the sandbox root first, so nothing of a run survives any exit of the harness,
// SIGKILL included: the mounts die with the namespace. Otherwise the sandbox is a plain
// directory `run-XXXXXX` under the root, removed by the destructor, and isolated() is false
// (mount-based faults such as disk-full are then unavailable).
//
// Several Sandboxes may share one root in one process: the root tmpfs is mounted by the first
// and unmounted by the last (a process-wide reference count), and each has its own run dir.
//
// Invariants (of a Sandbox not moved from):
//  1. dir() is an absolute, canonical, existing directory directly under the root.
//  2. Every tmpfs this Sandbox mounted is at or under dir() and listed until unmounted.
//  3. The destructor unmounts those (innermost first), removes dir() and everything in it,
//     drops its reference on the root tmpfs, and removes the root if it created it and the
//     root is then empty. Errors there are reported on stderr, never thrown.
//
// Thread safety: a Sandbox is not synchronized; use one from one thread at a time. Creating
// and destroying Sandboxes on different threads is safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

#include "base/result.h"

namespace lockstep::harness {

struct SandboxOptions {
  std::filesystem::path root;  // empty: $TMPDIR/lockstep-sandbox, else /tmp/lockstep-sandbox
  std::uint64_t tmpfs_bytes = 256ull << 20;  // size= of the tmpfs over the root
};

class Sandbox {
 public:
  // Creates the root if missing (mode 0700, parents too). In a private mount namespace mounts
  // a tmpfs of options.tmpfs_bytes over it (unless another live Sandbox of this process already
  // did); then makes this run's unique directory `run-XXXXXX` inside. Fails naming the path and
  // errno when the root cannot be created or mounted, undoing what it did.
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
  // True iff dir() is on a tmpfs mounted over the root in a private mount namespace.
  bool isolated() const { return isolated_; }

  // Creates dir()/rel and missing parents; succeeds if it already exists. With
  // own_tmpfs_bytes, mounts a tmpfs of that size on it (same mode as the directory), so it can
  // be filled without touching anything else. Returns the absolute path.
  // REQUIRES: rel is relative, non-empty and stays inside dir() after normalization.
  // REQUIRES (own_tmpfs_bytes): isolated(); *own_tmpfs_bytes > 0; dir()/rel is not already a
  //           mount of this Sandbox. Each violation is an error naming the path.
  Result<std::filesystem::path> MakeDir(const std::filesystem::path& rel,
                                        std::optional<std::uint64_t> own_tmpfs_bytes = std::nullopt);

  // Removes dir()/rel itself and everything under it, unmounting (innermost first) each tmpfs
  // MakeDir mounted there, so the tree is as if never made; MakeDir makes it again. A missing
  // dir()/rel is not an error. rel "." (or empty) empties dir() but keeps it.
  // A mount that is busy (a live process has its cwd or a file open there) is detached lazily:
  // it vanishes from the tree at once and is freed when its last user goes.
  // REQUIRES: rel is relative and stays inside dir() after normalization.
  Status RemoveDir(const std::filesystem::path& rel);

  // True iff p is absolute and inside dir() (or is dir()), both lexically after normalization
  // and, where p or a prefix of it exists, after resolving symlinks. Every fault target is
  // checked with this before an injector is built.
  bool Contains(const std::filesystem::path& p) const;

 private:
  Sandbox() = default;
  Status MountOwnTmpfs(const std::filesystem::path& dir, std::uint64_t bytes);
  Status UnmountUnder(const std::filesystem::path& top);  // innermost first
  Result<std::filesystem::path> Resolve(const std::filesystem::path& rel) const;
  void Release() noexcept;

  std::filesystem::path root_;
  std::filesystem::path dir_;  // empty once moved from
  bool isolated_ = false;      // holds a reference on the root tmpfs
  bool created_root_ = false;
  std::vector<std::filesystem::path> mounts_;  // this Sandbox's own tmpfs mounts, in order made
};

}  // namespace lockstep::harness
