// Shared main for every lockstep test binary. The private mount namespace must be entered
// before any thread exists (unshare(CLONE_NEWNS) refuses a multi-threaded process).
#include <gtest/gtest.h>

#include <cstdio>

#include "harness/os/mount_namespace.h"

int main(int argc, char** argv) {
  if (auto s = lockstep::harness::EnterPrivateMountNamespace(); !s) {
    std::fprintf(stderr, "lockstep tests: %s (mount-based faults will be unavailable)\n",
                 s.error().message.c_str());
  }
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
