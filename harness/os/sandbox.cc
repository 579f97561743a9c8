#include "harness/os/sandbox.h"

#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "harness/os/mount_namespace.h"

namespace lockstep::harness {
namespace fs = std::filesystem;
namespace {

constexpr unsigned long kTmpfsFlags = MS_NOSUID | MS_NODEV;

// Roots with a tmpfs mounted by this process, and how many live Sandboxes use each.
std::mutex g_roots_mutex;
std::map<fs::path, int> g_root_refs;

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

Status MountTmpfs(const fs::path& where, std::uint64_t bytes, mode_t mode) {
  char options[64];
  std::snprintf(options, sizeof options, "size=%llu,mode=%04o",
                static_cast<unsigned long long>(bytes), static_cast<unsigned>(mode & 07777));
  if (mount("tmpfs", where.c_str(), "tmpfs", kTmpfsFlags, options) != 0) {
    return FailErrno("cannot mount a tmpfs (" + std::string(options) + ") on " + where.string());
  }
  return {};
}

// Unmounts `where`; a busy mount is detached lazily. EINVAL (no longer a mount) is success.
Status Unmount(const fs::path& where) {
  if (umount2(where.c_str(), UMOUNT_NOFOLLOW) == 0 || errno == EINVAL) return {};
  if (errno == EBUSY && umount2(where.c_str(), MNT_DETACH | UMOUNT_NOFOLLOW) == 0) return {};
  return FailErrno("cannot unmount the tmpfs on " + where.string());
}

Status AcquireRootTmpfs(const fs::path& root, std::uint64_t bytes) {
  std::lock_guard lock(g_roots_mutex);
  int& refs = g_root_refs[root];
  if (refs == 0) {
    if (auto s = MountTmpfs(root, bytes, 0700); !s) {
      g_root_refs.erase(root);
      return s;
    }
  }
  ++refs;
  return {};
}

Status ReleaseRootTmpfs(const fs::path& root) {
  std::lock_guard lock(g_roots_mutex);
  auto it = g_root_refs.find(root);
  if (it == g_root_refs.end() || --it->second > 0) return {};
  g_root_refs.erase(it);
  return Unmount(root);
}

// Creates root (mode 0700) and its parents; returns whether root itself was created here.
Result<bool> CreateRoot(const fs::path& root) {
  std::error_code ec;
  fs::create_directories(root.parent_path(), ec);
  if (ec) return FailErrno("cannot create the parents of sandbox root " + root.string(), ec.value());
  if (mkdir(root.c_str(), 0700) == 0) {
    if (chmod(root.c_str(), 0700) != 0) return FailErrno("cannot chmod 0700 " + root.string());
    return true;
  }
  if (errno != EEXIST) return FailErrno("cannot create sandbox root " + root.string());
  if (!fs::is_directory(root, ec)) {
    return Fail("sandbox root " + root.string() + " exists but is not a directory", ENOTDIR);
  }
  return false;
}

void Report(const Status& s) {
  if (!s) std::fprintf(stderr, "lockstep: sandbox cleanup: %s\n", s.error().message.c_str());
}

}  // namespace

Result<Sandbox> Sandbox::Create(const SandboxOptions& options) {
  std::error_code ec;
  fs::path root = options.root.empty() ? DefaultRoot() : fs::absolute(options.root, ec);
  if (ec) return FailErrno("cannot make sandbox root " + options.root.string() + " absolute", ec.value());
  auto created = CreateRoot(root);
  if (!created) return std::unexpected(created.error());
  Sandbox s;  // from here on, its destructor undoes what was done
  s.created_root_ = *created;
  s.root_ = fs::canonical(root, ec);
  if (ec) {
    s.root_ = root;
    return FailErrno("cannot resolve sandbox root " + root.string(), ec.value());
  }
  if (InPrivateMountNamespace()) {
    if (auto m = AcquireRootTmpfs(s.root_, options.tmpfs_bytes); !m) return std::unexpected(m.error());
    s.isolated_ = true;
  }
  std::string run = (s.root_ / "run-XXXXXX").string();
  if (mkdtemp(run.data()) == nullptr) return FailErrno("cannot create a run directory in " + s.root_.string());
  s.dir_ = run;
  return s;
}

Sandbox::Sandbox(Sandbox&& other) noexcept
    : root_(std::exchange(other.root_, {})),
      dir_(std::exchange(other.dir_, {})),
      isolated_(std::exchange(other.isolated_, false)),
      created_root_(std::exchange(other.created_root_, false)),
      mounts_(std::exchange(other.mounts_, {})) {}

Sandbox& Sandbox::operator=(Sandbox&& other) noexcept {
  if (this != &other) {
    Release();
    root_ = std::exchange(other.root_, {});
    dir_ = std::exchange(other.dir_, {});
    isolated_ = std::exchange(other.isolated_, false);
    created_root_ = std::exchange(other.created_root_, false);
    mounts_ = std::exchange(other.mounts_, {});
  }
  return *this;
}

Sandbox::~Sandbox() { Release(); }

void Sandbox::Release() noexcept {
  if (root_.empty()) return;  // moved from
  if (!dir_.empty()) {
    Report(UnmountUnder(dir_));
    std::error_code ec;
    fs::remove_all(dir_, ec);
    if (ec) Report(FailErrno("cannot remove run directory " + dir_.string(), ec.value()));
  }
  if (isolated_) Report(ReleaseRootTmpfs(root_));
  if (created_root_) rmdir(root_.c_str());  // fails harmlessly while another run uses it
  root_.clear();
  dir_.clear();
  mounts_.clear();
  isolated_ = created_root_ = false;
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
