#include "harness/os/capabilities.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace lockstep::harness {
namespace {

// In a forked child: drops everything, then exits 0 iff every set in /proc/self/status is 0.
[[noreturn]] void DropAndCheck() {
  if (!DropAllCapabilitiesInThisProcess()) _exit(2);
  std::ifstream in("/proc/self/status");
  std::string line;
  int zero_sets = 0;
  while (std::getline(in, line)) {
    if (line.starts_with("Cap") && line.ends_with("\t0000000000000000")) ++zero_sets;
  }
  _exit(zero_sets == 5 ? 0 : 1);
}

TEST(Capabilities, DropAllClearsEverySetOfTheProcess) {
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) DropAndCheck();
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "2: drop failed; 1: a capability set is not empty";
}

}  // namespace
}  // namespace lockstep::harness
