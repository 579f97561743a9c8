#include "impl/common/crash_point.h"

#include <signal.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace lockstep::impl {
namespace {

struct ArmedPoint {
  std::string name;  // empty: disarmed
  long hit = 1;
  long seen = 0;
};

ArmedPoint ParseArming(const char* variable) {
  ArmedPoint armed;
  const char* env = std::getenv(variable);
  if (env == nullptr || *env == '\0') return armed;
  std::string_view spec(env);
  const auto colon = spec.find(':');
  armed.name = std::string(spec.substr(0, colon));
  if (colon != std::string_view::npos) {
    const std::string_view count = spec.substr(colon + 1);
    const auto [end, ec] = std::from_chars(count.data(), count.data() + count.size(), armed.hit);
    if (ec != std::errc() || end != count.data() + count.size() || armed.hit < 1) {
      std::fprintf(stderr, "%s=%s: bad hit count; crash point disarmed\n", variable, env);
      armed.name.clear();
    }
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

void CrashPoint(std::string_view name) {
  static ArmedPoint armed = ParseArming("LOCKSTEP_CRASH_POINT");
  CountHit(armed, name);
}

void CrashAtAction(std::string_view event) {
  static ArmedPoint armed = ParseArming("LOCKSTEP_CRASH_AT_ACTION");
  CountHit(armed, event);
}

}  // namespace lockstep::impl
