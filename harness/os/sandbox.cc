#include "harness/os/sandbox.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

#include "harness/os/mount_namespace.h"

namespace lockstep::harness {
namespace fs = std::filesystem;
namespace {

using FileId = Sandbox::FileId;

constexpr unsigned long kTmpfsFlags = MS_NOSUID | MS_NODEV;
constexpr const char* kRunPrefix = "run-";
constexpr std::size_t kRunNameSize = 10;  // "run-" and mkdtemp's six characters
constexpr int kCreateAttempts = 8;        // races with reclaimers and vanishing roots

// p without a trailing empty component ("a/b/" -> "a/b").
fs::path StripTrailingSlash(fs::path p) {
  if (!p.empty() && p.filename().empty() && p != p.root_path()) p = p.parent_path();
  return p;
}

// True iff p equals top or lies under it, comparing whole components.
bool IsAtOrUnder(const fs::path& p, const fs::path& top) {
  auto [t, q] = std::mismatch(top.begin(), top.end(), p.begin(), p.end());
  return t == top.end();
}

std::size_t Depth(const fs::path& p) { return std::distance(p.begin(), p.end()); }

fs::path DefaultRoot() {
  const char* tmpdir = std::getenv("TMPDIR");
  fs::path base = (tmpdir != nullptr && *tmpdir != '\0') ? fs::path(tmpdir) : fs::path("/tmp");
  return base / "lockstep-sandbox";
}

// What `p` names now (not following a final symlink), or nullopt when nothing is there.
std::optional<FileId> IdOf(const fs::path& p) {
  struct stat st {};
  if (lstat(p.c_str(), &st) != 0) return std::nullopt;
  return FileId{st.st_dev, st.st_ino};
}

std::optional<FileId> IdOfFd(int fd) {
  struct stat st {};
  if (fstat(fd, &st) != 0) return std::nullopt;
  return FileId{st.st_dev, st.st_ino};
}

int OpenDir(const fs::path& p) { return open(p.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC); }

Status MountTmpfs(const fs::path& where, std::uint64_t bytes, mode_t mode) {
  char options[64];
  std::snprintf(options, sizeof options, "size=%llu,mode=%04o",
                static_cast<unsigned long long>(bytes), static_cast<unsigned>(mode & 07777));
  if (mount("tmpfs", where.c_str(), "tmpfs", kTmpfsFlags, options) != 0) {
    return FailErrno("cannot mount a tmpfs (" + std::string(options) + ") on " + where.string());
  }
  return {};
}

// Unmounts `where`; a busy mount is detached lazily. EINVAL (no longer a mount) and ENOENT
// (the path is gone, and whatever was mounted there with it) are success.
Status Unmount(const fs::path& where) {
  if (umount2(where.c_str(), UMOUNT_NOFOLLOW) == 0 || errno == EINVAL || errno == ENOENT) return {};
  if (errno == EBUSY && umount2(where.c_str(), MNT_DETACH | UMOUNT_NOFOLLOW) == 0) return {};
  return FailErrno("cannot unmount the tmpfs on " + where.string());
}

// Creates root (mode 0700) and its parents unless it exists; never removed by a Sandbox.
Status CreateRoot(const fs::path& root) {
  std::error_code ec;
  fs::create_directories(root.parent_path(), ec);
  if (ec) return FailErrno("cannot create the parents of sandbox root " + root.string(), ec.value());
  if (mkdir(root.c_str(), 0700) == 0) {
    if (chmod(root.c_str(), 0700) != 0) return FailErrno("cannot chmod 0700 " + root.string());
    return {};
  }
  if (errno != EEXIST) return FailErrno("cannot create sandbox root " + root.string());
  if (!fs::is_directory(root, ec)) {
    return Fail("sandbox root " + root.string() + " exists but is not a directory", ENOTDIR);
  }
  return {};
}

// Removes `run` if it is a dead run's directory: unlocked and empty. Whoever removes a run
// directory holds its lock, and the lock is taken before checking that `run` still names the
// directory locked, so a live run's directory is never removed. rmdir fails harmlessly on a
// non-empty directory (ENOTEMPTY) and on one that is a mountpoint in this namespace (EBUSY).
void RemoveIfDead(const fs::path& run) {
  const int fd = OpenDir(run);
  if (fd < 0) return;
  if (flock(fd, LOCK_EX | LOCK_NB) == 0 && IdOf(run) == IdOfFd(fd)) (void)rmdir(run.c_str());
  close(fd);
}

void RemoveDeadRunDirs(const fs::path& root) {
  std::error_code ec;
  for (fs::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() == kRunNameSize && name.starts_with(kRunPrefix)) RemoveIfDead(it->path());
  }
}

struct LockedRunDir {
  fs::path path;
  int fd;
  FileId id;
};

// Makes and locks a fresh run directory in root. Retries when a reclaimer of another run took
// the new (still empty, not yet locked) directory first, or when the root vanished (a run of
// an older lockstep may remove it).
Result<LockedRunDir> MakeLockedRunDir(const fs::path& root) {
  for (int attempt = 0; attempt < kCreateAttempts; ++attempt) {
    std::string run = (root / (std::string(kRunPrefix) + "XXXXXX")).string();
    if (mkdtemp(run.data()) == nullptr) {
      if (errno != ENOENT) return FailErrno("cannot create a run directory in " + root.string());
      if (auto s = CreateRoot(root); !s) return std::unexpected(s.error());
      continue;
    }
    const int fd = OpenDir(run);
    if (fd < 0) {
      if (errno == ENOENT) continue;
      return FailErrno("cannot open run directory " + run);
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      close(fd);
      if (err == EWOULDBLOCK) continue;
      return FailErrno("cannot lock run directory " + run, err);
    }
    const auto id = IdOfFd(fd);
    if (id && IdOf(run) == id) return LockedRunDir{run, fd, *id};
    close(fd);  // removed (and perhaps made again) between mkdtemp and flock
  }
  return Fail("cannot create a run directory in " + root.string() + ": it vanished " +
                  std::to_string(kCreateAttempts) + " times (is something removing it?)",
              EAGAIN);
}

void Report(const Status& s) {
  if (!s) std::fprintf(stderr, "lockstep: sandbox cleanup: %s\n", s.error().message.c_str());
}

}  // namespace

Result<Sandbox> Sandbox::Create(const SandboxOptions& options) {
  std::error_code ec;
  fs::path root = options.root.empty() ? DefaultRoot() : fs::absolute(options.root, ec);
  if (ec) return FailErrno("cannot make sandbox root " + options.root.string() + " absolute", ec.value());
  if (auto s = CreateRoot(root); !s) return std::unexpected(s.error());
  Sandbox s;  // from here on, its destructor undoes what was done
  s.root_ = fs::canonical(root, ec);
  if (ec) return FailErrno("cannot resolve sandbox root " + root.string(), ec.value());
  RemoveDeadRunDirs(s.root_);
  auto run = MakeLockedRunDir(s.root_);
  if (!run) return std::unexpected(run.error());
  s.dir_ = run->path;
  s.lock_fd_ = run->fd;
  s.host_id_ = s.dir_id_ = run->id;
  if (InPrivateMountNamespace()) {
    if (auto m = MountTmpfs(s.dir_, options.tmpfs_bytes, 0700); !m) return std::unexpected(m.error());
    s.isolated_ = true;
    const auto mounted = IdOf(s.dir_);
    if (!mounted) return FailErrno("cannot stat the tmpfs on " + s.dir_.string());
    s.dir_id_ = *mounted;
  }
  return s;
}

Sandbox::Sandbox(Sandbox&& other) noexcept
    : root_(std::exchange(other.root_, {})),
      dir_(std::exchange(other.dir_, {})),
      lock_fd_(std::exchange(other.lock_fd_, -1)),
      host_id_(other.host_id_),
      dir_id_(other.dir_id_),
      isolated_(std::exchange(other.isolated_, false)),
      mounts_(std::exchange(other.mounts_, {})) {}

Sandbox& Sandbox::operator=(Sandbox&& other) noexcept {
  if (this != &other) {
    Release();
    root_ = std::exchange(other.root_, {});
    dir_ = std::exchange(other.dir_, {});
    lock_fd_ = std::exchange(other.lock_fd_, -1);
    host_id_ = other.host_id_;
    dir_id_ = other.dir_id_;
    isolated_ = std::exchange(other.isolated_, false);
    mounts_ = std::exchange(other.mounts_, {});
  }
  return *this;
}

Sandbox::~Sandbox() { Release(); }

void Sandbox::Release() noexcept {
  if (!dir_.empty()) {
    Report(UnmountUnder(dir_));
    if (isolated_) Report(Unmount(dir_));
    RemoveRunDir();
  }
  if (lock_fd_ >= 0) close(lock_fd_);
  lock_fd_ = -1;
  root_.clear();
  dir_.clear();
  mounts_.clear();
  isolated_ = false;
}

// Removes the host run directory, and what a non-isolated run left in it, only while dir_
// still names the directory Create made: after an unmount that failed, or if it was replaced
// from outside, the path is not ours to remove.
void Sandbox::RemoveRunDir() noexcept {
  const auto now = IdOf(dir_);
  if (!now) return;  // removed from outside: nothing of ours is left there
  if (*now != host_id_) {
    Report(Fail("not removing " + dir_.string() + ": it is no longer the run directory made "
                "for this run (still mounted, or removed or replaced from outside)"));
    return;
  }
  std::error_code ec;
  if (isolated_) {
    if (rmdir(dir_.c_str()) != 0) Report(FailErrno("cannot remove run directory " + dir_.string()));
    return;
  }
  fs::remove_all(dir_, ec);
  if (ec) Report(FailErrno("cannot remove run directory " + dir_.string(), ec.value()));
}

Status Sandbox::CheckIntact() const {
  if (!dir_.empty() && IdOf(dir_) == dir_id_) return {};
  return Fail("sandbox run directory " + dir_.string() + " is gone or replaced (removed from "
              "outside this run?); refusing to write anywhere else",
              ESTALE);
}

Result<fs::path> Sandbox::Resolve(const fs::path& rel) const {
  if (rel.is_absolute()) {
    return Fail("sandbox path " + rel.string() + " must be relative to " + dir_.string(), EINVAL);
  }
  fs::path abs = StripTrailingSlash((dir_ / rel).lexically_normal());
  if (!IsAtOrUnder(abs, dir_)) {
    return Fail("sandbox path " + rel.string() + " leaves " + dir_.string(), EINVAL);
  }
  return abs;
}

Result<fs::path> Sandbox::MakeDir(const fs::path& rel, std::optional<std::uint64_t> own_tmpfs_bytes) {
  auto abs = Resolve(rel);
  if (!abs) return abs;
  if (*abs == dir_) return Fail("MakeDir needs a directory inside " + dir_.string() + ", got \"" + rel.string() + "\"", EINVAL);
  if (own_tmpfs_bytes && !isolated_) {
    return Fail("cannot mount a tmpfs on " + abs->string() +
                    ": the sandbox is not in a private mount namespace (run as root, or where "
                    "user namespaces are allowed)",
                EPERM);
  }
  if (own_tmpfs_bytes && *own_tmpfs_bytes == 0) {
    return Fail("tmpfs size for " + abs->string() + " must be > 0 (0 would mean unlimited)", EINVAL);
  }
  if (auto intact = CheckIntact(); !intact) return std::unexpected(intact.error());
  std::error_code ec;
  fs::create_directories(*abs, ec);
  if (ec) return FailErrno("cannot create sandbox directory " + abs->string(), ec.value());
  if (!Contains(*abs)) {
    return Fail("sandbox directory " + abs->string() + " resolves outside " + dir_.string() + " (symlink?)", EXDEV);
  }
  if (own_tmpfs_bytes) {
    if (auto m = MountOwnTmpfs(*abs, *own_tmpfs_bytes); !m) return std::unexpected(m.error());
  }
  return abs;
}
Status Sandbox::MountOwnTmpfs(const fs::path& dir, std::uint64_t bytes) {
  if (std::find(mounts_.begin(), mounts_.end(), dir) != mounts_.end()) {
    return Fail(dir.string() + " already has its own tmpfs in this sandbox", EBUSY);
  }
  struct stat st {};
  if (stat(dir.c_str(), &st) != 0) return FailErrno("cannot stat " + dir.string());
  if (auto m = MountTmpfs(dir, bytes, st.st_mode); !m) return m;
  mounts_.push_back(dir);
  return {};
}

Status Sandbox::UnmountUnder(const fs::path& top) {
  std::vector<fs::path> doomed;
  for (const auto& m : mounts_) {
    if (IsAtOrUnder(m, top)) doomed.push_back(m);
  }
  std::stable_sort(doomed.begin(), doomed.end(),
                   [](const fs::path& a, const fs::path& b) { return Depth(a) > Depth(b); });
  Status result;
  for (const auto& m : doomed) {
    if (auto s = Unmount(m); !s) {
      if (result) result = s;
      continue;
    }
    mounts_.erase(std::find(mounts_.begin(), mounts_.end(), m));
  }
  return result;
}

Status Sandbox::RemoveDir(const fs::path& rel) {
  auto abs = Resolve(rel);
  if (!abs) return std::unexpected(abs.error());
  if (auto intact = CheckIntact(); !intact) return intact;
  if (auto s = UnmountUnder(*abs); !s) return s;
  std::error_code ec;
  if (*abs != dir_) {
    fs::remove_all(*abs, ec);
    if (ec) return FailErrno("cannot remove sandbox directory " + abs->string(), ec.value());
    return {};
  }
  std::vector<fs::path> children;  // listed first: removing while iterating is unspecified
  for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
    children.push_back(it->path());
  }
  if (ec) return FailErrno("cannot list run directory " + dir_.string(), ec.value());
  for (const auto& child : children) {
    fs::remove_all(child, ec);
    if (ec) return FailErrno("cannot remove " + child.string(), ec.value());
  }
  return {};
}

bool Sandbox::Contains(const fs::path& p) const {
  if (dir_.empty() || !p.is_absolute()) return false;
  if (!IsAtOrUnder(StripTrailingSlash(p.lexically_normal()), dir_)) return false;
  std::error_code ec;
  const fs::path resolved = fs::weakly_canonical(p, ec);
  return !ec && IsAtOrUnder(StripTrailingSlash(resolved), dir_);
}

}  // namespace lockstep::harness
