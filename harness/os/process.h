// Process: one supervised child of the harness (an implementation process, a tool).
//
// Children are started with Boost.Process. Before exec, in the child:
//  * PR_SET_PDEATHSIG = SIGKILL, then a getppid() check against the parent's pid taken before
//    fork (if the parent died in between, the child exits at once): children never outlive
//    the harness, even when it is killed with SIGKILL;
//  * stdout and stderr appended to ProcessSpec::output, stdin from /dev/null, every other
//    descriptor of the harness closed at exec;
//  * with drop_capabilities, the bounding, inheritable and ambient capability sets emptied, so
//    even a root child execs with no capabilities and obeys file permissions.
//
// The harness reaps its children itself with waitpid() (Boost's child handle is detached at
// once): exactly one reap per child, no zombies, and exit_status() is what the kernel said.
//
// Thread safety: single-threaded use. Spawn from the MAIN thread only: the kernel delivers
// PDEATHSIG when the *thread* that forked exits, so a child spawned from a worker thread would
// be killed when that thread ends. Only this object may wait for its pid (no waitpid(-1) or
// SIGCHLD=SIG_IGN elsewhere in the harness).
//
// Invariants: pid() > 0 until moved from; exit_status() is set iff the child has been reaped;
// the destructor SIGKILLs a still-running child and reaps it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"

namespace lockstep::harness {

// How a reaped child ended.
struct ExitStatus {
  bool signaled = false;  // true: killed by `signal`; false: exited with `code`
  int code = 0;
  int signal = 0;

  static ExitStatus FromWaitStatus(int wait_status);
  // "exit 3" / "killed by SIGKILL".
  std::string Describe() const;
  bool operator==(const ExitStatus&) const = default;
};

struct ProcessSpec {
  std::string name;                 // for logs and errors, e.g. "logger-A"
  std::filesystem::path executable; // run as given: no PATH search
  std::vector<std::string> args;    // argv[1..]; argv[0] is the executable
  std::vector<std::pair<std::string, std::string>> env;  // added to (or overriding) the inherited environment
  std::filesystem::path output;     // stdout+stderr appended here (created 0644); empty: inherited
  bool drop_capabilities = true;    // empty capability bounding set before exec
};

class Process {
 public:
  // Starts the child. Fails (nothing left running, nothing left unreaped) with a message
  // naming the process, the executable and the errno when the output file cannot be opened,
  // a pre-exec step fails, or execve fails (e.g. ENOENT for a missing binary).
  static Result<Process> Spawn(const ProcessSpec& spec);

  Process(Process&& other) noexcept;
  Process& operator=(Process&& other) noexcept;  // kills and reaps the child it held
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  ~Process();  // SIGKILL and reap a child still running

  pid_t pid() const { return pid_; }
  const std::string& name() const { return name_; }

  // Non-blocking: true while the child runs; reaps it (setting exit_status()) once it ended.
  bool Running();
  // How the child ended; set once reaped.
  std::optional<ExitStatus> exit_status() const { return exit_status_; }
  // Waits until the child ends (no blind sleep: a pidfd is polled) and reaps it. Fails naming
  // the process and the timeout if it is still running then; the child is left running.
  Result<ExitStatus> WaitExit(std::chrono::milliseconds timeout);
  // Waits until the child is stopped (it sent itself SIGSTOP: a hold at a traced action,
  // impl/README.md) or has ended, polling waitid(WSTOPPED | WEXITED | WNOWAIT) against the
  // deadline; nothing is reaped or consumed. Returns true if stopped, false if it ended (a
  // later Running() reaps it). Fails naming the process when neither happens in `timeout`.
  Result<bool> WaitStopped(std::chrono::milliseconds timeout);
  // Sends SIGCONT (releases a hold). Fails naming the process if it cannot be signalled.
  Status Continue();
  // SIGKILLs the child and reaps it; no-op if already reaped. Fails if the child cannot be
  // signalled or is not gone within a few seconds (e.g. stuck in an uninterruptible sleep).
  Status Kill();

 private:
  Process(std::string name, pid_t pid) : name_(std::move(name)), pid_(pid) {}
  std::string Who() const;  // "logger-A (pid 123)"
  void Release() noexcept;

  std::string name_;
  pid_t pid_ = -1;
  std::optional<ExitStatus> exit_status_;
  bool reaped_ = false;  // also true when the status was lost to another waiter
};

}  // namespace lockstep::harness
