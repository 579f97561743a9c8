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

ArmedPoint ParseArming() {
  ArmedPoint armed;
  const char* env = std::getenv("LOCKSTEP_CRASH_POINT");
  if (env == nullptr || *env == '\0') return armed;
  std::string_view spec(env);
  const auto colon = spec.find(':');
  armed.name = std::string(spec.substr(0, colon));
  if (colon != std::string_view::npos) {
    const std::string_view count = spec.substr(colon + 1);
    const auto [end, ec] = std::from_chars(count.data(), count.data() + count.size(), armed.hit);
    if (ec != std::errc() || end != count.data() + count.size() || armed.hit < 1) {
      std::fprintf(stderr, "LOCKSTEP_CRASH_POINT=%s: bad hit count; crash point disarmed\n", env);
      armed.name.clear();
    }
  }
  return armed;
}

}  // namespace

void CrashPoint(std::string_view name) {
  static ArmedPoint armed = ParseArming();
  if (armed.name.empty() || armed.name != name) return;
  if (++armed.seen == armed.hit) {
    kill(getpid(), SIGKILL);
    pause();  // SIGKILL is delivered before kill() returns to a single-threaded process
  }
}

}  // namespace lockstep::impl
