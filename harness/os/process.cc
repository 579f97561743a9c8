#include "harness/os/process.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/process.hpp>
#include <boost/process/extend.hpp>
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string_view>
#include <system_error>

#include "harness/os/capabilities.h"
#include "harness/os/deadline.h"

namespace lockstep::harness {
namespace bp = boost::process;
namespace {

// Exit codes of a child that never reached execve (never seen by the harness as a child's
// own status: the spawn fails instead, or the parent is already gone).
constexpr int kExitPreExecFailed = 126;
constexpr int kExitParentGone = 125;

// How long Kill() waits for a SIGKILLed child to be reapable.
constexpr std::chrono::milliseconds kKillReapTimeout{10'000};

// What the child needs between fork and execve; read only, no allocation there.
struct ChildSetup {
  pid_t parent = -1;
  int output_fd = -1;
  bool drop_capabilities = true;
};

// Runs in the forked child: only async-signal-safe calls. A failure is written to Boost's
// error pipe (the parent's Spawn then fails) and the child exits without exec.
template <class Executor>
void SetUpChild(Executor& exec, const ChildSetup& setup) {
  auto fail = [&exec](int err, const char* what) {
    exec.set_error(std::error_code(err, std::system_category()), what);
    _exit(kExitPreExecFailed);
  };
  if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) fail(errno, "prctl(PR_SET_PDEATHSIG)");
  // The parent may have died before PDEATHSIG was armed; then nobody would kill us.
  if (getppid() != setup.parent) _exit(kExitParentGone);
  if (setup.output_fd >= 0) {
    if (dup2(setup.output_fd, STDOUT_FILENO) < 0 || dup2(setup.output_fd, STDERR_FILENO) < 0) {
      fail(errno, "dup2 of the output file");
    }
  }
  if (setup.drop_capabilities) {
    if (int err = DropCapabilitiesBeforeExec(); err != 0) fail(err, "dropping capabilities");
  }
  // No harness descriptor (sockets, pipes, journals) leaks into the child: a leaked pipe end
  // would keep a reader from ever seeing EOF. Best effort: kernels before 5.11 lack it.
  syscall(SYS_close_range, 3u, ~0u, CLOSE_RANGE_CLOEXEC);
}

// Blocking reap of a child that is known to be exiting.
void ReapExiting(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

// The child's environment: this process's, with spec.env replacing or adding variables.
// (Built here rather than with boost::process::environment, whose find() in Boost 1.74 reads
// past the end of shorter entries.)
std::vector<std::string> ChildEnvironment(const ProcessSpec& spec) {
  std::vector<std::string> result;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view entry(*e);
    const std::string_view key = entry.substr(0, entry.find('='));
    const bool replaced = std::any_of(spec.env.begin(), spec.env.end(),
                                      [&](const auto& kv) { return kv.first == key; });
    if (!replaced) result.emplace_back(entry);
  }
  for (const auto& [key, value] : spec.env) result.push_back(key + "=" + value);
  return result;
}

struct FdCloser {
  int fd;
  ~FdCloser() {
    if (fd >= 0) close(fd);
  }
};

// Waits until pidfd is readable (the process ended) or timeout passes.
void WaitReadable(int pidfd, std::chrono::milliseconds timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  pollfd pfd{pidfd, POLLIN, 0};
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    const int rc = poll(&pfd, 1, static_cast<int>(std::max<long long>(left.count(), 0)) + 1);
    if (rc != 0 && !(rc < 0 && errno == EINTR)) return;  // readable, or an error: caller re-checks
    if (Clock::now() >= deadline) return;
  }
}

}  // namespace

ExitStatus ExitStatus::FromWaitStatus(int wait_status) {
  if (WIFSIGNALED(wait_status)) return ExitStatus{true, 0, WTERMSIG(wait_status)};
  return ExitStatus{false, WEXITSTATUS(wait_status), 0};
}

std::string ExitStatus::Describe() const {
  if (!signaled) return "exit " + std::to_string(code);
  if (const char* abbrev = sigabbrev_np(signal); abbrev != nullptr) {
    return std::string("killed by SIG") + abbrev;
  }
  return "killed by signal " + std::to_string(signal);
}

Result<Process> Process::Spawn(const ProcessSpec& spec) {
  const std::string who = spec.name + " (" + spec.executable.string() + ")";
  FdCloser output{-1};
  if (!spec.output.empty()) {
    output.fd = open(spec.output.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (output.fd < 0) return FailErrno("cannot open output file " + spec.output.string() + " for " + who);
  }
  const ChildSetup setup{getpid(), output.fd, spec.drop_capabilities};
  pid_t started = -1;  // a child that was forked but failed before or at execve
  std::vector<std::string> env = ChildEnvironment(spec);
  std::vector<char*> envp;
  for (auto& entry : env) envp.push_back(entry.data());
  envp.push_back(nullptr);
  std::error_code ec;
  try {
    bp::child child(
        bp::exe = spec.executable.string(), bp::args = spec.args, bp::std_in < bp::null,
        bp::extend::on_setup = [&envp](auto& exec) { exec.env = envp.data(); },
        bp::extend::on_exec_setup = [&setup](auto& exec) { SetUpChild(exec, setup); },
        bp::extend::on_error = [&started](auto& exec, const std::error_code&) { started = exec.pid; },
        ec);
    if (!ec) {
      const pid_t pid = child.id();
      child.detach();  // reaped by us with waitpid, never by Boost
      return Process(spec.name, pid);
    }
  } catch (const std::exception& e) {
    return Fail("cannot start " + who + ": " + e.what());
  }
  if (started > 0) ReapExiting(started);
  return FailErrno("cannot start " + who, ec.value());
}

Process::Process(Process&& other) noexcept
    : name_(std::move(other.name_)),
      pid_(std::exchange(other.pid_, -1)),
      exit_status_(std::exchange(other.exit_status_, std::nullopt)),
      reaped_(std::exchange(other.reaped_, false)) {}

Process& Process::operator=(Process&& other) noexcept {
  if (this != &other) {
    Release();
    name_ = std::move(other.name_);
    pid_ = std::exchange(other.pid_, -1);
    exit_status_ = std::exchange(other.exit_status_, std::nullopt);
    reaped_ = std::exchange(other.reaped_, false);
  }
  return *this;
}

Process::~Process() { Release(); }

void Process::Release() noexcept {
  if (pid_ > 0 && !reaped_) {
    if (auto s = Kill(); !s) std::fprintf(stderr, "lockstep: %s\n", s.error().message.c_str());
  }
  pid_ = -1;
}

std::string Process::Who() const { return name_ + " (pid " + std::to_string(pid_) + ")"; }

bool Process::Running() {
  if (pid_ <= 0 || reaped_) return false;
  int status = 0;
  pid_t rc;
  while ((rc = waitpid(pid_, &status, WNOHANG)) < 0 && errno == EINTR) {
  }
  if (rc == 0) return true;
  reaped_ = true;  // rc < 0 (ECHILD): someone else reaped it; the status is lost
  if (rc == pid_) exit_status_ = ExitStatus::FromWaitStatus(status);
  return false;
}

Result<ExitStatus> Process::WaitExit(std::chrono::milliseconds timeout) {
  if (Running()) {
    const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
    if (pidfd >= 0) {
      WaitReadable(pidfd, timeout);
      close(pidfd);
      Running();
    } else {  // kernel without pidfd_open (< 5.3): poll waitpid with backoff
      PollUntil([this] { return !Running(); }, timeout);
    }
  }
  if (exit_status_) return *exit_status_;
  if (reaped_) return Fail(Who() + " was reaped outside its Process; its exit status is lost", ECHILD);
  return Fail(Who() + " still running after " + std::to_string(timeout.count()) + " ms", ETIMEDOUT);
}

Result<bool> Process::WaitStopped(std::chrono::milliseconds timeout) {
  if (pid_ <= 0 || reaped_) return false;
  std::optional<bool> stopped;
  const auto look = [&] {
    siginfo_t info{};
    if (waitid(P_PID, static_cast<id_t>(pid_), &info, WSTOPPED | WEXITED | WNOWAIT | WNOHANG) != 0) {
      stopped = false;  // not waitable any more: it is gone
      return true;
    }
    if (info.si_pid == 0) return false;
    stopped = info.si_code == CLD_STOPPED;
    return true;
  };
  if (!PollUntil(look, timeout)) {
    return Fail(Who() + " neither stopped at its hold nor ended within " +
                std::to_string(timeout.count()) + " ms");
  }
  return *stopped;
}

Status Process::Continue() {
  if (pid_ <= 0 || reaped_) return Fail("cannot SIGCONT " + Who() + ": it has ended");
  if (kill(pid_, SIGCONT) != 0) return FailErrno("cannot SIGCONT " + Who());
  return {};
}

Status Process::Kill() {
  if (pid_ <= 0 || reaped_) return {};
  if (kill(pid_, SIGKILL) != 0) return FailErrno("cannot SIGKILL " + Who());
  if (auto st = WaitExit(kKillReapTimeout); !st) return std::unexpected(st.error());
  return {};
}

}  // namespace lockstep::harness
