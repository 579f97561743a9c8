// Seeded bugs: deliberately broken variants of the system under test, used to show that
// lockstep's properties catch real mistakes ("every property has a seeded bug that makes it
// fail"). The catalogue and the symptom of each is in impl/README.md.
//
// Enabling: environment variable LOCKSTEP_BUG=<name> (one name, or several separated by
// commas). Unset means every bug is inert and the implementation is correct.
//
// Thread safety: reads the environment; call from the main thread only.
#pragma once

#include <cstdlib>
#include <string_view>

namespace lockstep::impl {

// True when `name` is listed in LOCKSTEP_BUG.
inline bool BugEnabled(std::string_view name) {
  const char* env = std::getenv("LOCKSTEP_BUG");
  if (env == nullptr) return false;
  std::string_view list(env);
  while (!list.empty()) {
    const auto comma = list.find(',');
    if (list.substr(0, comma) == name) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace lockstep::impl
