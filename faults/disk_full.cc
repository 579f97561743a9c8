#include "faults/disk_full.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <vector>

#include "faults/capability_less_child.h"

namespace lockstep::faults {
namespace {

constexpr std::size_t kFirstChunk = 1 << 20;

// Writes buf[0..size) once; returns bytes written (maybe short) or -1 with errno.
ssize_t WriteOnce(int fd, const char* buf, std::size_t size) {
  ssize_t n;
  while ((n = write(fd, buf, size)) < 0 && errno == EINTR) {
  }
  return n;
}

// Fills fd in halving chunks until even 1 byte fails with ENOSPC. Returns bytes written, or
// the errno of a failure other than ENOSPC.
Result<std::uint64_t> FillToEnospc(int fd, const std::string& what) {
  std::vector<char> chunk(kFirstChunk, 'F');
  std::uint64_t total = 0;
  for (std::size_t size = kFirstChunk; size >= 1; size /= 2) {
    ssize_t n;
    while ((n = WriteOnce(fd, chunk.data(), size)) > 0) total += static_cast<std::uint64_t>(n);
    if (n < 0 && errno != ENOSPC) return FailErrno("cannot fill " + what);
  }
  if (fsync(fd) != 0) return FailErrno("cannot fsync " + what);
  return total;
}

// True iff this process is in a mount namespace other than its parent's, i.e. it (or its own
// clone) unshared one: mounts made here are invisible outside and die with the namespace.
// (pid 1's namespace is often unreadable in containers; the parent's is readable.)
bool InPrivateMountNamespace() {
  char self[64] = {}, parent[64] = {};
  const std::string parent_ns = "/proc/" + std::to_string(getppid()) + "/ns/mnt";
  if (readlink("/proc/self/ns/mnt", self, sizeof self - 1) < 0) return false;
  if (readlink(parent_ns.c_str(), parent, sizeof parent - 1) < 0) return false;
  return std::string(self) != std::string(parent);
}

// " of a user namespace (uid 0 there is uid N on the host)" when this process runs in a user
// namespace whose root is not the host's (an unprivileged lockstep made it), else "".
std::string UserNamespaceClause() {
  std::ifstream in("/proc/self/uid_map");
  unsigned long long inside = 0, outside = 0, count = 0;
  if (!(in >> inside >> outside >> count)) return "";
  if (inside == 0 && outside == 0 && count == 4294967295ull) return "";  // the initial namespace
  if (inside != 0) return " of a user namespace";
  return " of a user namespace (uid 0 there is uid " + std::to_string(outside) + " on the host)";
}

// The capability-less child's attempt: create a new file and write one byte to it.
int CreateAndWriteOneByte(const std::filesystem::path& path) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return errno;
  const int err = WriteOnce(fd, "x", 1) == 1 ? 0 : errno;
  close(fd);
  unlink(path.c_str());
  return err;
}

}  // namespace

DiskFull::DiskFull(std::filesystem::path dir) : dir_(std::move(dir)) {
  if (auto s = CheckFaultTarget(dir_); !s) throw std::invalid_argument("disk-full: " + s.error().message);
  struct statfs fs {};
  if (statfs(dir_.c_str(), &fs) == 0) tmpfs_bytes_ = static_cast<std::uint64_t>(fs.f_blocks) * fs.f_bsize;
}

DiskFull::~DiskFull() {
  if (!active_) return;
  if (auto s = Remove(); !s) std::fprintf(stderr, "lockstep: %s\n", s.error().message.c_str());
}

Status DiskFull::CheckOwnTmpfs() const {
  const std::string need = "disk-full fault needs " + dir_.string() + " to be its own tmpfs mount";
  struct statfs fs {};
  if (statfs(dir_.c_str(), &fs) != 0) return FailErrno(need + " (statfs)");
  if (static_cast<unsigned long>(fs.f_type) != TMPFS_MAGIC) {
    return Fail(need + ": it is not on a tmpfs (use Sandbox::MakeDir with own_tmpfs_bytes)", EINVAL);
  }
  struct stat here {}, parent {};
  if (stat(dir_.c_str(), &here) != 0 || stat((dir_ / "..").c_str(), &parent) != 0) {
    return FailErrno(need + " (stat)");
  }
  if (here.st_dev == parent.st_dev) {
    return Fail(need + ": it is a subdirectory of a larger tmpfs, which filling would exhaust", EINVAL);
  }
  return {};
}

Status DiskFull::Inject() {
  if (active_) return Fail("disk-full fault on " + dir_.string() + " is already injected", EALREADY);
  if (auto s = CheckOwnTmpfs(); !s) return s;
  struct statfs fs {};
  if (statfs(dir_.c_str(), &fs) == 0) tmpfs_bytes_ = static_cast<std::uint64_t>(fs.f_blocks) * fs.f_bsize;
  const std::string what = filler().string();
  const int fd = open(what.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return FailErrno("disk-full: cannot create filler " + what);
  auto filled = FillToEnospc(fd, what);
  close(fd);
  if (!filled) {
    unlink(what.c_str());
    return std::unexpected(filled.error());
  }
  filled_bytes_ = *filled;
  active_ = true;
  return {};
}

Status DiskFull::Remove() {
  if (!active_) return Fail("disk-full fault on " + dir_.string() + " is not injected", EINVAL);
  if (unlink(filler().c_str()) != 0 && errno != ENOENT) {
    return FailErrno("disk-full: cannot delete filler " + filler().string());
  }
  active_ = false;
  return {};
}

Status DiskFull::Probe() const {
  const std::filesystem::path path = dir_ / ProbeFileName();
  auto err = RunWithoutCapabilities([&path] { return CreateAndWriteOneByte(path); },
                                    "disk-full on " + dir_.string());
  if (!err) return std::unexpected(err.error());
  if (*err == ENOSPC) return {};
  if (*err == 0) {
    return Fail("probe disk-full on " + dir_.string() +
                    ": a capability-less process could create a file and write 1 byte (expected ENOSPC)");
  }
  return FailErrno("probe disk-full on " + dir_.string() + ": expected ENOSPC, the capability-less process got", *err);
}

std::string DiskFull::mechanism() const {
  std::string m = "tmpfs size=" + std::to_string(tmpfs_bytes_) + " filled to ENOSPC";
  // A mount needs CAP_SYS_ADMIN in the user namespace owning the mount namespace. A process in
  // a user namespace other than the host's has none in the host's, so the tmpfs it mounted is
  // in a mount namespace of its own user namespace, never the host's (and an unprivileged
  // process may not read its parent's /proc/PID/ns/mnt to compare).
  const std::string user_namespace = UserNamespaceClause();
  if (InPrivateMountNamespace() || !user_namespace.empty()) {
    m += " in a private mount namespace" + user_namespace;
  }
  return m;
}

}  // namespace lockstep::faults
