// lockstep-powerloss-fs: a FUSE filesystem that passes every operation through to a backing
// directory at once and keeps, apart, what a disk would hold after a power cut (durable_tree.h).
//
//   lockstep-powerloss-fs [--torn-write-bytes N] BACKING MOUNTPOINT
//
// Mounts MOUNTPOINT (allow_other, default_permissions, direct_io, no attribute or entry caching)
// and prints "ready" on stdout. Then it serves the mount and reads commands, one a line, on
// stdin (only the process that started it can cut the power; docs/design.md explains why):
//   cut   the power cut: every open file handle is closed (later use gets EIO), BACKING is made
//         exactly the durable state (with the first N bytes of the last unsynced write when N
//         > 0), and the mount shows it. Replies "ok files=F directories=D bytes=B
//         dropped_names=K" or "error MESSAGE". Requests are served one at a time (-s), so a cut
//         falls between two operations, never inside one.
//   quit  replies "ok", unmounts and exits 0. End of stdin (the starter died) does the same.
// The directory .lockstep-power-loss in the root is the harness's probe's (faults/power_loss.h):
// it is left out of the root's listing, and writes in it are never the torn write.
// SIGINT/SIGTERM/SIGHUP unmount and exit too. Exit status: 0 after an unmount, 1 when the mount
// could not be made or served, 2 usage error (the message names the path or argument).
#define FUSE_USE_VERSION 31

#include <dirent.h>
#include <fcntl.h>
#include <fuse.h>
#include <fuse_lowlevel.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <climits>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "faults/power_loss/durable_tree.h"

namespace {

using lockstep::faults::power_loss::DurableTree;
using lockstep::faults::power_loss::NodeId;

// The harness's probe directory (faults/power_loss.h): hidden from the listing of the root,
// and its writes never become the torn write, which stays the implementation's.
constexpr const char* kProbeDir = ".lockstep-power-loss";
bool InProbeDir(const char* path) {
  const std::string prefix = std::string("/") + kProbeDir + "/";
  return path != nullptr && std::string(path).starts_with(prefix);
}

// An open file or directory. dead after a cut: the file it named is gone with the power.
struct Handle {
  int fd = -1;
  NodeId node = 0;
  bool dead = false;
  bool probe = false;  // in kProbeDir
  bool root = false;   // the root directory
};

struct State {
  std::string backing;
  std::uint64_t torn_write_bytes = 0;
  std::unique_ptr<DurableTree> tree;
  std::unordered_set<Handle*> handles;
};

State* g = nullptr;

std::string Full(const char* path) { return g->backing + path; }
Handle* H(fuse_file_info* fi) { return reinterpret_cast<Handle*>(fi->fh); }
int Neg() { return -errno; }

// Gives a new file or directory to the caller, as a kernel filesystem would (this process is
// root; the caller may be another uid).
void GiveToCaller(int fd, const std::string& path) {
  if (geteuid() != 0) return;
  const fuse_context* ctx = fuse_get_context();
  if (fd >= 0) (void)!fchown(fd, ctx->uid, ctx->gid);
  else (void)!lchown(path.c_str(), ctx->uid, ctx->gid);
}

void* Init(fuse_conn_info*, fuse_config* cfg) {
  cfg->direct_io = 1;        // every read and write reaches us: no page cache to outlive a cut
  cfg->entry_timeout = 0;    // and no cached names or attributes
  cfg->attr_timeout = 0;
  cfg->negative_timeout = 0;
  cfg->hard_remove = 1;      // unlink of an open file unlinks it (no .fuse_hidden files)
  cfg->nullpath_ok = 1;      // operations on a handle use the handle
  cfg->use_ino = 0;
  return nullptr;
}

int GetAttr(const char* path, struct stat* st, fuse_file_info* fi) {
  if (fi != nullptr && fi->fh != 0) {
    if (H(fi)->dead) return -EIO;
    return fstat(H(fi)->fd, st) == 0 ? 0 : Neg();
  }
  if (path == nullptr) return -ESTALE;
  return lstat(Full(path).c_str(), st) == 0 ? 0 : Neg();
}

int Open(const char* path, fuse_file_info* fi) {
  auto node = g->tree->Resolve(path);
  if (!node) return -ENOENT;
  int flags = fi->flags & ~(O_CREAT | O_EXCL | O_NOCTTY);
  // Read access too, so that an fsync can read what becomes durable.
  if ((flags & O_ACCMODE) == O_WRONLY) flags = (flags & ~O_ACCMODE) | O_RDWR;
  const int fd = open(Full(path).c_str(), flags | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return Neg();
  auto* h = new Handle{.fd = fd, .node = *node, .probe = InProbeDir(path)};
  g->handles.insert(h);
  fi->fh = reinterpret_cast<std::uint64_t>(h);
  return 0;
}

int Create(const char* path, mode_t mode, fuse_file_info* fi) {
  if (!S_ISREG(mode) && (mode & S_IFMT) != 0) return -EPERM;
  const bool existed = g->tree->Resolve(path).has_value();
  int flags = fi->flags | O_CREAT;
  if ((flags & O_ACCMODE) == O_WRONLY) flags = (flags & ~O_ACCMODE) | O_RDWR;
  const int fd = open(Full(path).c_str(), flags | O_CLOEXEC | O_NOFOLLOW, mode & 07777);
  if (fd < 0) return Neg();
  if (!existed) GiveToCaller(fd, Full(path));
  struct stat st {};
  (void)!fstat(fd, &st);
  const NodeId node = existed ? *g->tree->Resolve(path) : g->tree->Created(path, false, st.st_mode, st.st_uid, st.st_gid);
  auto* h = new Handle{.fd = fd, .node = node, .probe = InProbeDir(path)};
  g->handles.insert(h);
  fi->fh = reinterpret_cast<std::uint64_t>(h);
  return 0;
}

int Mknod(const char* path, mode_t mode, dev_t) {
  if (!S_ISREG(mode)) return -EPERM;  // only regular files are modelled
  const int fd = open(Full(path).c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode & 07777);
  if (fd < 0) return Neg();
  GiveToCaller(fd, Full(path));
  struct stat st {};
  (void)!fstat(fd, &st);
  close(fd);
  g->tree->Created(path, false, st.st_mode, st.st_uid, st.st_gid);
  return 0;
}

int Read(const char*, char* buf, size_t size, off_t off, fuse_file_info* fi) {
  if (H(fi)->dead) return -EIO;
  const ssize_t n = pread(H(fi)->fd, buf, size, off);
  return n < 0 ? Neg() : static_cast<int>(n);
}

int Write(const char*, const char* buf, size_t size, off_t off, fuse_file_info* fi) {
  Handle* h = H(fi);
  if (h->dead) return -EIO;
  const ssize_t n = pwrite(h->fd, buf, size, off);
  if (n < 0) return Neg();
  off_t at = off;
  if (fcntl(h->fd, F_GETFL) & O_APPEND) {  // pwrite appended, wherever off said
    struct stat st {};
    if (fstat(h->fd, &st) == 0) at = st.st_size - n;
  }
  if (!h->probe) g->tree->Wrote(h->node, at, std::string_view(buf, static_cast<std::size_t>(n)));
  return static_cast<int>(n);
}

int Truncate(const char* path, off_t size, fuse_file_info* fi) {
  if (fi != nullptr && fi->fh != 0) {
    if (H(fi)->dead) return -EIO;
    return ftruncate(H(fi)->fd, size) == 0 ? 0 : Neg();
  }
  return truncate(Full(path).c_str(), size) == 0 ? 0 : Neg();
}

int Fsync(const char*, int, fuse_file_info* fi) {
  Handle* h = H(fi);
  if (h->dead) return -EIO;
  std::string bytes;
  char buf[65536];
  off_t at = 0;
  ssize_t n;
  while ((n = pread(h->fd, buf, sizeof buf, at)) > 0) {
    bytes.append(buf, static_cast<std::size_t>(n));
    at += n;
  }
  if (n < 0) return Neg();
  g->tree->SyncFile(h->node, std::move(bytes));
  return 0;
}

int Flush(const char*, fuse_file_info* fi) { return H(fi)->dead ? -EIO : 0; }

int Release(const char*, fuse_file_info* fi) {
  Handle* h = H(fi);
  if (!h->dead) close(h->fd);
  g->handles.erase(h);
  delete h;
  return 0;
}

int OpenDir(const char* path, fuse_file_info* fi) {
  auto node = g->tree->Resolve(path);
  if (!node) return -ENOENT;
  const int fd = open(Full(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Neg();
  auto* h = new Handle{.fd = fd, .node = *node, .root = *node == lockstep::faults::power_loss::kRoot};
  g->handles.insert(h);
  fi->fh = reinterpret_cast<std::uint64_t>(h);
  return 0;
}

int ReadDir(const char*, void* buf, fuse_fill_dir_t fill, off_t, fuse_file_info* fi, fuse_readdir_flags) {
  Handle* h = H(fi);
  if (h->dead) return -EIO;
  const int fd = dup(h->fd);
  if (fd < 0) return Neg();
  DIR* dir = fdopendir(fd);
  if (dir == nullptr) {
    close(fd);
    return Neg();
  }
  rewinddir(dir);
  while (dirent* e = readdir(dir)) {
    if (h->root && std::strcmp(e->d_name, kProbeDir) == 0) continue;
    if (fill(buf, e->d_name, nullptr, 0, static_cast<fuse_fill_dir_flags>(0)) != 0) break;
  }
  closedir(dir);
  return 0;
}

int ReleaseDir(const char* path, fuse_file_info* fi) { return Release(path, fi); }

int FsyncDir(const char*, int, fuse_file_info* fi) {
  if (H(fi)->dead) return -EIO;
  g->tree->SyncDirectory(H(fi)->node);
  return 0;
}

int Mkdir(const char* path, mode_t mode) {
  if (mkdir(Full(path).c_str(), mode & 07777) != 0) return Neg();
  GiveToCaller(-1, Full(path));
  struct stat st {};
  (void)!lstat(Full(path).c_str(), &st);
  g->tree->Created(path, true, st.st_mode, st.st_uid, st.st_gid);
  return 0;
}

int Unlink(const char* path) {
  if (unlink(Full(path).c_str()) != 0) return Neg();
  g->tree->Removed(path);
  return 0;
}

int Rmdir(const char* path) {
  if (rmdir(Full(path).c_str()) != 0) return Neg();
  g->tree->Removed(path);
  return 0;
}

int Rename(const char* from, const char* to, unsigned int flags) {
  if (flags & RENAME_EXCHANGE) return -EINVAL;  // not modelled
  if (renameat2(AT_FDCWD, Full(from).c_str(), AT_FDCWD, Full(to).c_str(), flags) != 0) return Neg();
  g->tree->Renamed(from, to);
  return 0;
}

int Link(const char* from, const char* to) {
  if (link(Full(from).c_str(), Full(to).c_str()) != 0) return Neg();
  g->tree->Linked(from, to);
  return 0;
}

int Symlink(const char*, const char*) { return -EPERM; }  // not modelled

int Chmod(const char* path, mode_t mode, fuse_file_info* fi) {
  const int rc = fi != nullptr && fi->fh != 0 ? (H(fi)->dead ? (errno = EIO, -1) : fchmod(H(fi)->fd, mode))
                                              : chmod(Full(path).c_str(), mode);
  if (rc != 0) return Neg();
  if (auto node = fi != nullptr && fi->fh != 0 ? std::optional<NodeId>(H(fi)->node) : g->tree->Resolve(path)) {
    g->tree->ModeChanged(*node, mode);
  }
  return 0;
}

int Chown(const char* path, uid_t uid, gid_t gid, fuse_file_info* fi) {
  const int rc = fi != nullptr && fi->fh != 0 ? (H(fi)->dead ? (errno = EIO, -1) : fchown(H(fi)->fd, uid, gid))
                                              : lchown(Full(path).c_str(), uid, gid);
  if (rc != 0) return Neg();
  if (auto node = fi != nullptr && fi->fh != 0 ? std::optional<NodeId>(H(fi)->node) : g->tree->Resolve(path)) {
    g->tree->OwnerChanged(*node, uid, gid);
  }
  return 0;
}

int Utimens(const char* path, const timespec tv[2], fuse_file_info* fi) {
  if (fi != nullptr && fi->fh != 0) {
    if (H(fi)->dead) return -EIO;
    return futimens(H(fi)->fd, tv) == 0 ? 0 : Neg();
  }
  return utimensat(AT_FDCWD, Full(path).c_str(), tv, AT_SYMLINK_NOFOLLOW) == 0 ? 0 : Neg();
}

int StatFs(const char*, struct statvfs* st) { return statvfs(g->backing.c_str(), st) == 0 ? 0 : Neg(); }

// The power cut. Returns the reply line.
std::string Cut() {
  for (Handle* h : g->handles) {
    if (!h->dead) close(h->fd);
    h->dead = true;
  }
  auto counts = g->tree->Restore(g->backing, g->torn_write_bytes);
  if (!counts) return "error " + counts.error().message;
  return "ok files=" + std::to_string(counts->files) + " directories=" + std::to_string(counts->directories) +
         " bytes=" + std::to_string(counts->bytes) + " dropped_names=" + std::to_string(counts->dropped_names);
}

void Reply(const std::string& line) {
  const std::string text = line + "\n";
  (void)!write(STDOUT_FILENO, text.data(), text.size());
}

// Serves the mount and the command lines until quit, end of stdin, a signal or an unmount.
// Returns the exit status.
int Serve(fuse_session* se) {
  fuse_buf buf{};
  std::string pending;
  int status = 0;
  bool done = false;
  while (!done && !fuse_session_exited(se)) {
    pollfd fds[2] = {{.fd = fuse_session_fd(se), .events = POLLIN}, {.fd = STDIN_FILENO, .events = POLLIN}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      std::perror("lockstep-powerloss-fs: poll");
      status = 1;
      break;
    }
    if (fds[0].revents != 0) {
      const int n = fuse_session_receive_buf(se, &buf);
      if (n == -EINTR || n == -EAGAIN) continue;
      if (n <= 0) break;  // unmounted from outside (0) or an error
      fuse_session_process_buf(se, &buf);
    }
    if (fds[1].revents != 0) {
      char chunk[256];
      const ssize_t n = read(STDIN_FILENO, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      pending.append(chunk, static_cast<std::size_t>(n));
      for (std::size_t eol; !done && (eol = pending.find('\n')) != std::string::npos;) {
        const std::string command = pending.substr(0, eol);
        pending.erase(0, eol + 1);
        if (command == "cut") {
          Reply(Cut());
        } else if (command == "quit") {
          Reply("ok");
          done = true;
        } else {
          Reply("error unknown command \"" + command + "\" (cut, quit)");
        }
      }
    }
  }
  std::free(buf.mem);
  return status;
}

int Usage(const std::string& what) {
  std::fprintf(stderr, "lockstep-powerloss-fs: %s\nusage: lockstep-powerloss-fs [--torn-write-bytes N] BACKING MOUNTPOINT\n",
               what.c_str());
  return 2;
}

std::string CheckDirectory(const char* role, const std::string& path) {
  struct stat st {};
  if (path.empty() || path[0] != '/') return std::string(role) + " " + path + " is not an absolute path";
  if (stat(path.c_str(), &st) != 0) return std::string(role) + " " + path + ": " + std::strerror(errno);
  if (!S_ISDIR(st.st_mode)) return std::string(role) + " " + path + " is not a directory";
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  State state;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--torn-write-bytes") {
      if (i + 1 >= argc) return Usage("--torn-write-bytes needs a number");
      char* end = nullptr;
      errno = 0;
      state.torn_write_bytes = std::strtoull(argv[++i], &end, 10);
      if (errno != 0 || *end != '\0' || argv[i][0] == '-' || argv[i][0] == '\0') {
        return Usage(std::string("--torn-write-bytes: not a byte count: ") + argv[i]);
      }
    } else if (arg.starts_with("-")) {
      return Usage("unknown option " + arg);
    } else {
      positional.push_back(arg);
    }
  }
  if (positional.size() != 2) return Usage("needs BACKING and MOUNTPOINT");
  if (auto e = CheckDirectory("backing directory", positional[0]); !e.empty()) return Usage(e);
  if (auto e = CheckDirectory("mount point", positional[1]); !e.empty()) return Usage(e);
  // Canonical paths: a mount point such as "dir/." would make libfuse look through the new
  // mount before this process serves it (a hang seen in testing), and mountinfo lists
  // canonical paths only.
  for (std::string& path : positional) {
    char resolved[PATH_MAX];
    if (realpath(path.c_str(), resolved) == nullptr) return Usage(path + ": " + std::strerror(errno));
    path = resolved;
  }
  state.backing = positional[0] == "/" ? "" : positional[0];
  umask(0);  // modes are the caller's, already masked by the kernel

  auto tree = DurableTree::Load(positional[0]);
  if (!tree) {
    std::fprintf(stderr, "lockstep-powerloss-fs: %s\n", tree.error().message.c_str());
    return 1;
  }
  state.tree = std::make_unique<DurableTree>(std::move(*tree));
  g = &state;

  fuse_operations ops{};
  ops.init = Init;
  ops.getattr = GetAttr;
  ops.open = Open;
  ops.create = Create;
  ops.mknod = Mknod;
  ops.read = Read;
  ops.write = Write;
  ops.truncate = Truncate;
  ops.fsync = Fsync;
  ops.flush = Flush;
  ops.release = Release;
  ops.opendir = OpenDir;
  ops.readdir = ReadDir;
  ops.releasedir = ReleaseDir;
  ops.fsyncdir = FsyncDir;
  ops.mkdir = Mkdir;
  ops.unlink = Unlink;
  ops.rmdir = Rmdir;
  ops.rename = Rename;
  ops.link = Link;
  ops.symlink = Symlink;
  ops.chmod = Chmod;
  ops.chown = Chown;
  ops.utimens = Utimens;
  ops.statfs = StatFs;

  const char* fuse_argv[] = {argv[0], "-o",
                             "allow_other,default_permissions,fsname=lockstep-powerloss,subtype=lockstep-powerloss"};
  fuse_args args = FUSE_ARGS_INIT(3, const_cast<char**>(fuse_argv));
  fuse* f = fuse_new(&args, &ops, sizeof ops, nullptr);
  fuse_opt_free_args(&args);  // fuse_new may have reallocated them (found by LeakSanitizer)
  if (f == nullptr) {
    std::fprintf(stderr, "lockstep-powerloss-fs: fuse_new failed\n");
    return 1;
  }
  if (fuse_mount(f, positional[1].c_str()) != 0) {
    std::fprintf(stderr, "lockstep-powerloss-fs: cannot mount %s (is /dev/fuse there, and is this root?)\n",
                 positional[1].c_str());
    fuse_destroy(f);
    return 1;
  }
  fuse_session* se = fuse_get_session(f);
  if (fuse_set_signal_handlers(se) != 0) {
    fuse_unmount(f);
    fuse_destroy(f);
    return 1;
  }
  Reply("ready");
  const int status = Serve(se);
  fuse_remove_signal_handlers(se);
  fuse_unmount(f);
  fuse_destroy(f);
  for (Handle* h : state.handles) {
    if (!h->dead) close(h->fd);
    delete h;
  }
  return status;
}
