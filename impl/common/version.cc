#include "impl/common/version.h"

#include <cstdio>
#include <cstring>

#include "lockstep_revision.h"  // LOCKSTEP_GIT_REVISION, generated at build time

namespace lockstep::impl {

bool VersionRequested(int argc, const char* const* argv) {
  return argc == 2 && std::strcmp(argv[1], "--version") == 0;
}

int PrintVersion() {
  std::printf("%s %s (%s)\n", kReferenceName, LOCKSTEP_VERSION, LOCKSTEP_GIT_REVISION);
  return 0;
}

}  // namespace lockstep::impl
