#include "harness/property/child_slot.h"

#include "faults/crash.h"

namespace lockstep::harness {

void ReapIfExited(std::optional<Process>& process, std::optional<ExitStatus>& last_exit) {
  if (process && !process->Running()) {
    last_exit = process->exit_status();
    process.reset();
  }
}

Status CrashNow(std::optional<Process>& process, std::optional<ExitStatus>& last_exit,
                std::chrono::milliseconds deadline) {
  if (!process || !process->Running()) return Fail("Crash: the process is not running");
  if (auto s = faults::KillProcess(process->pid(), process->name()); !s) return s;
  auto exit = process->WaitExit(deadline);
  if (!exit) return std::unexpected(exit.error());
  last_exit = *exit;
  process.reset();
  return {};
}

}  // namespace lockstep::harness
