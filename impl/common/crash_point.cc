#include "impl/common/crash_point.h"

#include <signal.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace lockstep::impl {
namespace {

constexpr const char* kCrashPointVariable = "LOCKSTEP_CRASH_POINT";
constexpr const char* kCrashAtActionVariable = "LOCKSTEP_CRASH_AT_ACTION";

// What is wrong with `spec` ("name[:hit]"), or "" when nothing is.
std::string SpecProblem(std::string_view spec) {
  const auto colon = spec.find(':');
  if (colon == 0) return "no name before ':'";
  if (colon == std::string_view::npos) return "";
  const std::string_view count = spec.substr(colon + 1);
  long hit = 0;
  const auto [end, ec] = std::from_chars(count.data(), count.data() + count.size(), hit);
  if (ec != std::errc() || end != count.data() + count.size() || hit < 1) {
    return "bad hit count '" + std::string(count) + "' (need an integer >= 1)";
  }
  return "";
}

struct ArmedPoint {
  std::string name;  // empty: disarmed
  long hit = 1;
  long seen = 0;
};

ArmedPoint ParseArming(const char* variable) {
  ArmedPoint armed;
  const char* env = std::getenv(variable);
  if (env == nullptr || *env == '\0') return armed;
  const std::string_view spec(env);
  if (const std::string problem = SpecProblem(spec); !problem.empty()) {
    std::fprintf(stderr, "%s=%s: %s; crash point disarmed\n", variable, env, problem.c_str());
    return armed;
  }
  const auto colon = spec.find(':');
  armed.name = std::string(spec.substr(0, colon));
  if (colon != std::string_view::npos) {
    std::from_chars(spec.data() + colon + 1, spec.data() + spec.size(), armed.hit);
  }
  return armed;
}

void CountHit(ArmedPoint& armed, std::string_view name) {
  if (armed.name.empty() || armed.name != name) return;
  if (++armed.seen == armed.hit) {
    kill(getpid(), SIGKILL);
    pause();  // SIGKILL is delivered before kill() returns to a single-threaded process
  }
}

}  // namespace

std::optional<std::string> CrashArmingProblem() {
  for (const char* variable : {kCrashPointVariable, kCrashAtActionVariable}) {
    const char* env = std::getenv(variable);
    if (env == nullptr || *env == '\0') continue;
    if (std::string problem = SpecProblem(env); !problem.empty()) {
      return std::string(variable) + "=" + env + ": " + problem;
    }
  }
  return std::nullopt;
}

bool CrashArmingRefused(const char* binary) {
  const auto problem = CrashArmingProblem();
  if (problem) std::fprintf(stderr, "%s: %s\n", binary, problem->c_str());
  return problem.has_value();
}

void CrashPoint(std::string_view name) {
  static ArmedPoint armed = ParseArming(kCrashPointVariable);
  CountHit(armed, name);
}

void CrashAtAction(std::string_view event) {
  static ArmedPoint armed = ParseArming(kCrashAtActionVariable);
  CountHit(armed, event);
}

}  // namespace lockstep::impl
