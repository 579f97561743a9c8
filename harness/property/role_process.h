// RoleProcess: one role of the system under test (the mds, logger side A, transaction system
// SYSTEM73, ...) and the child process currently playing it. It knows the role's name, log
// file and trace file, holds the running harness::Process if there is one, and remembers how
// the previous one ended. Both System drivers keep one per role and do everything with their children through
// it: spawn, reap, crash, and describe at teardown.
//
// "Held" below means: spawned and not yet reaped by ReapIfExited(), CrashNow() or TearDown().
// A held process may already have ended; it stays held (and Running() stays true) until one
// of those reaps it, so that a driver reaping once at the start of an observation sees one
// consistent picture of the role for the whole observation.
//
// Thread safety: none; single-threaded, like the drivers. Spawn from the main thread only
// (Process::Spawn: PDEATHSIG is per thread).
// Invariants: Running() implies !last_exit(); the destructor SIGKILLs and reaps a held
// process (Process does).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

#include "base/result.h"
#include "harness/os/process.h"
#include "reports/property_result.h"

namespace lockstep::harness {

class RoleProcess {
 public:
  // A role with no name and no log; assign a named one before use.
  RoleProcess() = default;
  // `name` is the role's name in errors and reports (and the name of its processes); `log` is
  // the log file the implementation writes, whose end TearDown() quotes; `trace`, when not
  // empty, is the event trace every process of the role appends to (`--trace`, docs/trace.md).
  RoleProcess(std::string name, std::filesystem::path log, std::filesystem::path trace = {});
  RoleProcess(RoleProcess&&) noexcept = default;
  RoleProcess& operator=(RoleProcess&&) noexcept = default;
  RoleProcess(const RoleProcess&) = delete;
  RoleProcess& operator=(const RoleProcess&) = delete;

  const std::string& name() const { return name_; }
  const std::filesystem::path& log() const { return log_; }
  const std::filesystem::path& trace() const { return trace_; }

  // Starts `spec` (renamed to name(), and given `--trace trace()` when the role has a trace)
  // as the role's process. On success it is held and
  // last_exit() is cleared; a process still held from before is SIGKILLed and reaped first,
  // its end not kept. On failure (Process::Spawn's error) nothing changes.
  Status Spawn(ProcessSpec spec);
  // If the held process has ended, reaps it: Running() becomes false and last_exit() says how
  // it ended. A running process, or none, is left alone. Non-blocking.
  void ReapIfExited();
  // The Crash command at a quiet point: SIGKILLs the held process and waits (up to `deadline`)
  // until it is reaped; then last_exit() is that SIGKILL. Fails with a message starting with
  // name() when no process is held or alive, or it cannot be killed or does not die in time
  // (then it stays held).
  Status CrashNow(std::chrono::milliseconds deadline);

  // Waits up to `timeout` for the held process to end (Process::WaitExit: a pidfd is polled,
  // no blind sleep), reaps it and returns how it ended, which last_exit() says from then on.
  // With no process held, returns the previous one's end. Fails naming the role when it never
  // ran, or when its process is still running at the timeout (it stays held).
  Result<ExitStatus> WaitExit(std::chrono::milliseconds timeout);

  // True iff a process is held (see above). Const: does not look at the process.
  bool Running() const { return process_.has_value(); }
  // Non-blocking look at the process itself: true iff one is held and has not ended yet. It
  // stays held either way (for a caller polling for a death, e.g. at a crash point).
  bool Alive();
  // A hold at a traced action (impl/README.md, "Holding a process at an action"): waits up to
  // `timeout` until the held process has stopped itself (true) or ended (false), as
  // Process::WaitStopped; Continue() releases it. Both fail naming the role when no process is
  // held.
  Result<bool> WaitStopped(std::chrono::milliseconds timeout);
  Status Continue();
  // The held process's pid, if one is held (it cannot be reused while held: not reaped).
  std::optional<pid_t> pid() const;
  // How the previous process ended, while none is held; empty while one is held or if the
  // role never ran. This is what a driver observes as the role's last exit.
  const std::optional<ExitStatus>& last_exit() const { return last_exit_; }

  // Teardown at the end of a case: SIGKILLs and reaps a held process and returns the role's
  // record for the report: name(), how it ended, and the last `excerpt_lines` lines of log().
  // How it ended is, by one rule:
  //  * a held process still running:        "running at the end of the case";
  //  * a held process that ended by itself: its own exit ("exit 3"), even if not yet reaped;
  //  * no process held:                     the previous one's exit, or "never started".
  // Afterwards no process is held. Calling it again describes the SIGKILL it sent.
  reports::ProcessRecord TearDown(std::size_t excerpt_lines);

 private:
  std::string HowItEnded();  // kills and reaps a held process; see TearDown()

  std::string name_;
  std::filesystem::path log_;
  std::filesystem::path trace_;
  std::optional<Process> process_;
  std::optional<ExitStatus> last_exit_;
};

}  // namespace lockstep::harness
