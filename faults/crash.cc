#include "faults/crash.h"

#include <signal.h>

#include <stdexcept>

namespace lockstep::faults {

Status KillProcess(pid_t pid, std::string_view name) {
  const std::string who = std::string(name) + " (pid " + std::to_string(pid) + ")";
  if (pid <= 0) return Fail("crash: refusing to SIGKILL " + who + ": not a single process", EINVAL);
  if (kill(pid, SIGKILL) != 0) return FailErrno("crash: cannot SIGKILL " + who);
  return {};
}

std::pair<std::string, std::string> CrashPointEnv(std::string_view point, int hit) {
  if (point.empty() || point.find(':') != std::string_view::npos || hit < 1) {
    throw std::invalid_argument("crash point \"" + std::string(point) + "\" hit " + std::to_string(hit) +
                                ": need a non-empty name without ':' and hit >= 1");
  }
  return {kCrashPointVariable, std::string(point) + ":" + std::to_string(hit)};
}

std::string CrashMechanism() {
  return "SIGKILL: sent by the harness at a quiet point, or sent by the process to itself at a "
         "named crash point armed with LOCKSTEP_CRASH_POINT=name:hit; the supervisor reaps it "
         "and checks WTERMSIG == SIGKILL";
}

}  // namespace lockstep::faults
