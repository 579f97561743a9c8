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

namespace {

std::pair<std::string, std::string> ArmingEnv(const char* variable, std::string_view name,
                                              int hit) {
  if (name.empty() || name.find(':') != std::string_view::npos || hit < 1) {
    throw std::invalid_argument(std::string(variable) + ": crash at \"" + std::string(name) +
                                "\" hit " + std::to_string(hit) +
                                ": need a non-empty name without ':' and hit >= 1");
  }
  return {variable, std::string(name) + ":" + std::to_string(hit)};
}

}  // namespace

std::pair<std::string, std::string> CrashPointEnv(std::string_view point, int hit) {
  return ArmingEnv(kCrashPointVariable, point, hit);
}

std::pair<std::string, std::string> CrashAtActionEnv(std::string_view event, int hit) {
  return ArmingEnv(kCrashAtActionVariable, event, hit);
}

std::string CrashMechanism() {
  return "SIGKILL: sent by the harness at a quiet point, or sent by the process to itself at a "
         "named crash point armed with LOCKSTEP_CRASH_POINT=name:hit or right after a traced action "
         "armed with LOCKSTEP_CRASH_AT_ACTION=event:hit; the supervisor reaps it and checks "
         "WTERMSIG == SIGKILL";
}

}  // namespace lockstep::faults
