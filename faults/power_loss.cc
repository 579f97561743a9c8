#include "faults/power_loss.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <vector>

#include "faults/run_tool.h"

extern char** environ;

namespace lockstep::faults {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char* kSyncedCanary = "synced";
constexpr const char* kUnsyncedCanary = "unsynced";

// A mountinfo field with its octal escapes (\040 for a space) undone.
std::string Unescape(const std::string& field) {
  std::string out;
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size()) {
      out.push_back(static_cast<char>(std::stoi(field.substr(i + 1, 3), nullptr, 8)));
      i += 3;
    } else {
      out.push_back(field[i]);
    }
  }
  return out;
}

int MillisLeft(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

Status WriteAll(int fd, const std::string& bytes, const fs::path& file) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return FailErrno("power-loss probe: cannot write " + file.string());
    done += static_cast<std::size_t>(n);
  }
  return {};
}

// Writes `bytes` to `file` (created or truncated); with fsync of the file when `sync`.
Status WriteCanary(const fs::path& file, const std::string& bytes, bool sync) {
  const int fd = open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return FailErrno("power-loss probe: cannot create " + file.string());
  Status s = WriteAll(fd, bytes, file);
  if (s && sync && fsync(fd) != 0) s = FailErrno("power-loss probe: cannot fsync " + file.string());
  close(fd);
  return s;
}

Status SyncDirectory(const fs::path& dir) {
  const int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return FailErrno("power-loss: cannot open directory " + dir.string());
  const int rc = fsync(fd);
  const int err = errno;
  close(fd);
  if (rc != 0) return FailErrno("power-loss: cannot fsync directory " + dir.string(), err);
  return {};
}

Status CheckDirectory(const char* role, const fs::path& dir) {
  if (!dir.is_absolute()) return Fail("power-loss: the " + std::string(role) + " " + dir.string() + " is not an absolute path", EINVAL);
  struct stat st {};
  if (stat(dir.c_str(), &st) != 0) return FailErrno("power-loss: the " + std::string(role) + " " + dir.string());
  if (!S_ISDIR(st.st_mode)) return Fail("power-loss: the " + std::string(role) + " " + dir.string() + " is not a directory", ENOTDIR);
  return {};
}

// Waits for pid to exit until the deadline (a pidfd, no sleeping); true iff it was reaped.
bool ReapBy(pid_t pid, Clock::time_point deadline, int* status) {
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (pidfd >= 0) {
    pollfd p{.fd = pidfd, .events = POLLIN};
    while (poll(&p, 1, MillisLeft(deadline)) < 0 && errno == EINTR) {
    }
    close(pidfd);
  }
  return waitpid(pid, status, WNOHANG) == pid;
}

}  // namespace

bool IsPowerLossMount(const fs::path& dir) {
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  while (std::getline(in, line)) {
    // id parent major:minor root mount-point options [optional...] - fstype source super-options
    std::istringstream fields(line);
    std::string id, parent, dev, root, mount_point, word;
    fields >> id >> parent >> dev >> root >> mount_point;
    while (fields >> word && word != "-") {
    }
    std::string fstype;
    fields >> fstype;
    if (fstype == "fuse.lockstep-powerloss" && Unescape(mount_point) == dir.string()) return true;
  }
  return false;
}

PowerLoss::PowerLoss(PowerLossOptions options) : options_(std::move(options)) {}

PowerLoss::~PowerLoss() {
  if (!mounted()) return;
  if (auto s = Unmount(); !s) std::fprintf(stderr, "lockstep: %s\n", s.error().message.c_str());
}

Status PowerLoss::CheckOptions() const {
  if (!options_.program.is_absolute()) {
    return Fail("power-loss: the filesystem program " + options_.program.string() + " is not an absolute path", EINVAL);
  }
  if (access(options_.program.c_str(), X_OK) != 0) {
    return FailErrno("power-loss: the filesystem program " + options_.program.string() + " cannot be run (build lockstep-powerloss-fs)");
  }
  if (auto s = CheckDirectory("backing directory", options_.backing); !s) return s;
  if (auto s = CheckDirectory("mount point", options_.mount_point); !s) return s;
  if (options_.backing.lexically_normal() == options_.mount_point.lexically_normal()) {
    return Fail("power-loss: the backing directory and the mount point are both " + options_.backing.string(), EINVAL);
  }
  if (IsPowerLossMount(options_.mount_point)) {
    return Fail("power-loss: " + options_.mount_point.string() + " is already a power-loss mount", EBUSY);
  }
  const int fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
  if (fd < 0) return FailErrno("power-loss: cannot open /dev/fuse (load the fuse module, or give the container the device)");
  close(fd);
  return {};
}

Status PowerLoss::Mount() {
  if (mounted()) return Fail("power-loss on " + options_.mount_point.string() + " is already mounted", EALREADY);
  if (auto s = CheckOptions(); !s) return s;
  // mountinfo lists canonical paths: a mount point named otherwise would not be found there,
  // and could neither be checked nor detached.
  std::error_code ec;
  const fs::path mount_point = fs::canonical(options_.mount_point, ec);
  const fs::path backing = ec ? fs::path() : fs::canonical(options_.backing, ec);
  if (ec) {
    return Fail("power-loss: cannot resolve " + options_.mount_point.string() + " or " + options_.backing.string() +
                    ": " + ec.message(),
                ec.value());
  }
  options_.mount_point = mount_point;
  options_.backing = backing;
  // Commands go through a socket, so that a send to a dead filesystem is EPIPE (MSG_NOSIGNAL),
  // never a SIGPIPE to this whole process.
  int in[2], out[2], err[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) != 0) return FailErrno("power-loss: socketpair");
  if (pipe2(out, O_CLOEXEC) != 0) {
    close(in[0]), close(in[1]);
    return FailErrno("power-loss: pipe");
  }
  if (pipe2(err, O_CLOEXEC) != 0) {
    close(in[0]), close(in[1]), close(out[0]), close(out[1]);
    return FailErrno("power-loss: pipe");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
  std::vector<std::string> argv = {options_.program.string()};
  if (options_.torn_write_bytes > 0) {
    argv.push_back("--torn-write-bytes");
    argv.push_back(std::to_string(options_.torn_write_bytes));
  }
  argv.push_back(options_.backing.string());
  argv.push_back(options_.mount_point.string());
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(in[0]), close(out[1]), close(err[1]);
  to_fs_ = in[1], from_fs_ = out[0], errors_ = err[0];
  fcntl(errors_, F_SETFL, O_NONBLOCK);
  if (rc != 0) {
    Abandon();
    return Fail("power-loss: cannot start " + options_.program.string() + ": " + std::strerror(rc), rc);
  }
  pid_ = pid;
  auto ready = ReadLine();
  if (!ready || *ready != "ready") {
    // It exits by itself when it could not mount; Abandon reaps it (or kills it when it hangs).
    const std::string why = ready ? "it said \"" + *ready + "\"" : ready.error().message;
    Abandon();
    const std::string printed = DrainErrors();
    return Fail("power-loss: lockstep-powerloss-fs could not mount " + options_.mount_point.string() + " over " +
                    options_.backing.string() + ": " + why + (printed.empty() ? "" : "; it printed: " + printed),
                EIO);
  }
  if (!IsPowerLossMount(options_.mount_point)) {
    Abandon();
    return Fail("power-loss: lockstep-powerloss-fs said ready but " + options_.mount_point.string() +
                    " is not in /proc/self/mountinfo (another mount namespace?)",
                EIO);
  }
  // At mount everything is durable, so syncing the root here makes nothing else durable. A
  // probe directory left by a run that died goes first: its canaries would be durable now.
  const fs::path probe = probe_dir();
  fs::remove_all(probe, ec);
  if (mkdir(probe.c_str(), 0700) != 0 && errno != EEXIST) {
    const Status s = FailErrno("power-loss: cannot make the probe directory " + probe.string());
    (void)Unmount();
    return s;
  }
  if (auto s = SyncDirectory(options_.mount_point); !s) {
    (void)Unmount();
    return s;
  }
  return {};
}

Result<std::string> PowerLoss::ReadLine() {
  const Clock::time_point deadline = Clock::now() + options_.deadline;
  for (;;) {
    if (auto eol = pending_.find('\n'); eol != std::string::npos) {
      std::string line = pending_.substr(0, eol);
      pending_.erase(0, eol + 1);
      return line;
    }
    pollfd p{.fd = from_fs_, .events = POLLIN};
    const int n = poll(&p, 1, MillisLeft(deadline));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return FailErrno("power-loss: poll on lockstep-powerloss-fs");
    if (n == 0) {
      return Fail("lockstep-powerloss-fs (pid " + std::to_string(pid_) + ") did not answer within " +
                      std::to_string(options_.deadline.count()) + " ms",
                  ETIMEDOUT);
    }
    char buf[512];
    const ssize_t got = read(from_fs_, buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return FailErrno("power-loss: read from lockstep-powerloss-fs");
    if (got == 0) return Fail("lockstep-powerloss-fs (pid " + std::to_string(pid_) + ") exited", EPIPE);
    pending_.append(buf, static_cast<std::size_t>(got));
  }
}

Result<std::string> PowerLoss::Command(const std::string& line) {
  const std::string text = line + "\n";
  ssize_t n;
  while ((n = send(to_fs_, text.data(), text.size(), MSG_NOSIGNAL)) < 0 && errno == EINTR) {
  }
  const int err = errno;
  if (n != static_cast<ssize_t>(text.size())) return FailErrno("power-loss: cannot send \"" + line + "\" to lockstep-powerloss-fs", err);
  return ReadLine();
}

Status PowerLoss::PlantCanaries() {
  ++cuts_;
  const fs::path synced = probe_dir() / kSyncedCanary;
  const fs::path unsynced = probe_dir() / kUnsyncedCanary;
  if (auto s = WriteCanary(synced, "durable " + std::to_string(cuts_) + "\n", true); !s) return s;
  if (auto s = SyncDirectory(probe_dir()); !s) return s;
  // Only after the directory's fsync: neither the new name nor the new bytes are durable.
  if (auto s = WriteCanary(unsynced, "not durable\n", false); !s) return s;
  return WriteCanary(synced, "not durable " + std::to_string(cuts_) + " (this overwrite was never synced)\n", false);
}

Status PowerLoss::CheckCanaries() const {
  const std::string want = "durable " + std::to_string(cuts_) + "\n";
  for (const fs::path& dir : {probe_dir(), options_.backing / kProbeDirName}) {
    const fs::path synced = dir / kSyncedCanary;
    const fs::path unsynced = dir / kUnsyncedCanary;
    std::error_code ec;
    if (fs::exists(unsynced, ec) || ec) {
      return Fail("power-loss probe failed: " + unsynced.string() +
                      ", created and written without any sync, is still there after the cut: the power cut did not happen",
                  EIO);
    }
    const std::string got = ReadWholeFile(synced);
    if (got != want) {
      return Fail("power-loss probe failed: " + synced.string() + " holds \"" + got + "\" after the cut, not its synced \"" +
                      want.substr(0, want.size() - 1) + "\\n\"",
                  EIO);
    }
  }
  return {};
}

Status PowerLoss::Cut() {
  if (!mounted()) return Fail("power-loss on " + options_.mount_point.string() + " is not mounted", EINVAL);
  last_probe_ = Fail("power-loss: the last power cut on " + options_.mount_point.string() + " failed");
  if (auto s = PlantCanaries(); !s) return last_probe_ = s;
  auto reply = Command("cut");
  if (!reply) return last_probe_ = std::unexpected(reply.error());
  if (!reply->starts_with("ok ")) {
    return last_probe_ = Fail("power-loss: the cut on " + options_.mount_point.string() + " failed: " + *reply, EIO);
  }
  last_cut_ = reply->substr(3);
  last_probe_ = CheckCanaries();
  if (!last_probe_) return last_probe_;
  // Tidy the probe directory; only its own entries become durable.
  if (unlink((probe_dir() / kSyncedCanary).c_str()) != 0) {
    return last_probe_ = FailErrno("power-loss: cannot remove the canary " + (probe_dir() / kSyncedCanary).string());
  }
  return last_probe_ = SyncDirectory(probe_dir());
}

Status PowerLoss::Probe() const { return last_probe_; }

Status PowerLoss::Unmount() {
  if (!mounted()) return Fail("power-loss on " + options_.mount_point.string() + " is not mounted", EINVAL);
  // The probe directory goes, as if it had never been (nothing else in the root changes).
  std::error_code ec;
  fs::remove_all(probe_dir(), ec);
  std::string problem;
  auto reply = Command("quit");
  if (!reply) problem = reply.error().message;
  else if (*reply != "ok") problem = "it answered \"" + *reply + "\" to quit";
  int status = 0;
  const pid_t pid = pid_;
  const bool exited = ReapBy(pid_, Clock::now() + options_.deadline, &status);
  if (exited) pid_ = -1;
  else if (problem.empty()) problem = "it did not exit within " + std::to_string(options_.deadline.count()) + " ms";
  if (exited && !(WIFEXITED(status) && WEXITSTATUS(status) == 0) && problem.empty()) {
    problem = "it ended with " + HowItEnded(status);
  }
  Abandon();  // kills and reaps it if needed, detaches a mount left behind
  if (IsPowerLossMount(options_.mount_point)) {
    problem += (problem.empty() ? "" : "; ") + options_.mount_point.string() + " is still mounted";
  }
  const std::string printed = DrainErrors();
  if (!problem.empty()) {
    return Fail("power-loss: unmount of " + options_.mount_point.string() + " (lockstep-powerloss-fs pid " +
                    std::to_string(pid) + "): " + problem + (printed.empty() ? "" : "; it printed: " + printed),
                EIO);
  }
  return {};
}

void PowerLoss::Abandon() {
  if (pid_ > 0) {
    int status = 0;
    if (!ReapBy(pid_, Clock::now() + options_.deadline, &status)) {
      kill(pid_, SIGKILL);
      while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
    }
    pid_ = -1;
  }
  // A filesystem killed while mounted leaves its mount (ENOTCONN); this process may detach it.
  if (IsPowerLossMount(options_.mount_point)) (void)umount2(options_.mount_point.c_str(), MNT_DETACH);
  if (to_fs_ >= 0) close(to_fs_);
  if (from_fs_ >= 0) close(from_fs_);
  to_fs_ = from_fs_ = -1;
  pending_.clear();
}

std::string PowerLoss::DrainErrors() {
  std::string text;
  if (errors_ < 0) return text;
  char buf[1024];
  ssize_t n;
  while ((n = read(errors_, buf, sizeof buf)) > 0) text.append(buf, static_cast<std::size_t>(n));
  close(errors_);
  errors_ = -1;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

std::string PowerLoss::mechanism() const {
  return "FUSE lockstep-powerloss-fs over " + options_.backing.string() + " on " + options_.mount_point.string() +
         ": durable = file data at fsync/fdatasync, directory entries at directory fsync; " +
         (options_.torn_write_bytes > 0 ? "torn write keeps " + std::to_string(options_.torn_write_bytes) + " bytes"
                                        : "no torn write");
}

std::string PowerLossUnavailableReason(const fs::path& program, bool in_private_mount_namespace) {
  if (!in_private_mount_namespace) {
    return "needs a private mount namespace for its FUSE mounts (run as root, or where unprivileged user "
           "namespaces are allowed)";
  }
  const char* tmpdir = std::getenv("TMPDIR");
  std::string templ = std::string(tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp") + "/lockstep-power-loss-probe-XXXXXX";
  if (mkdtemp(templ.data()) == nullptr) {
    return Error::FromErrno("cannot create a scratch directory for a trial power-loss mount", errno).message;
  }
  const fs::path scratch = templ;
  std::error_code ec;
  fs::create_directory(scratch / "backing", ec);
  fs::create_directory(scratch / "mount", ec);
  std::string reason;
  {
    PowerLoss trial({.program = program, .backing = scratch / "backing", .mount_point = scratch / "mount"});
    if (auto s = trial.Mount(); !s) {
      reason = s.error().message;
    } else {
      if (auto c = trial.Cut(); !c) reason = c.error().message;
      if (auto u = trial.Unmount(); !u && reason.empty()) reason = u.error().message;
    }
  }
  fs::remove_all(scratch, ec);
  return reason;
}

}  // namespace lockstep::faults
