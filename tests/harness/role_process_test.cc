// RoleProcess: spawn, reap, crash and teardown of one role's child, with real /bin/sh children.
#include "harness/property/role_process.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>


#include "harness/os/deadline.h"
#include "tests/faults/fault_test_env.h"

namespace lockstep::harness {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

constexpr milliseconds kDeadline{10'000};
const ExitStatus kSigkill{true, 0, SIGKILL};

// A sandbox with a root of its own (FaultTest), for the logs and outputs.
class RoleProcessTest : public faults::FaultTest {
 protected:
  fs::path Path(const std::string& name) const { return sandbox_->dir() / name; }
  RoleProcess Role(const std::string& name) { return RoleProcess(name, Path(name + ".log")); }
  ProcessSpec Shell(const std::string& script) const {
    return {"not the role's name", "/bin/sh", {"-c", script}, {}, Path("role.out")};
  }
  ProcessSpec Sleeper() const { return {"", "/bin/sleep", {"1000"}, {}, Path("role.out")}; }
  // Runs `spec` as the role's process to its end and reaps it: a previous run.
  static void RunToEnd(RoleProcess& role, const ProcessSpec& spec) {
    ASSERT_TRUE(role.Spawn(spec));
    ASSERT_TRUE(PollUntil([&] { return !role.Alive(); }, kDeadline));
    role.ReapIfExited();
  }
  // Blocks until the held process has exited, without reaping it (it stays a zombie).
  static void AwaitExitUnreaped(const RoleProcess& role) {
    ASSERT_TRUE(role.pid());
    siginfo_t info{};
    ASSERT_EQ(waitid(P_PID, *role.pid(), &info, WEXITED | WNOWAIT), 0);
  }
};

TEST_F(RoleProcessTest, ARoleNeverStartedIsDescribedSo) {
  RoleProcess role = Role("mds");
  EXPECT_FALSE(role.Running());
  EXPECT_FALSE(role.last_exit());
  const reports::ProcessRecord record = role.TearDown(5);
  EXPECT_EQ(record.name, "mds");
  EXPECT_EQ(record.exit, "never started");
  EXPECT_EQ(record.log_excerpt, "");
}

// The rule the two drivers disagreed on: a process that exited by itself but was not reaped
// yet is described by its own exit, not by the previous run's.
TEST_F(RoleProcessTest, AnExitedUnreapedProcessIsDescribedByItsOwnExit) {
  RoleProcess role = Role("logger-A");
  ASSERT_NO_FATAL_FAILURE(RunToEnd(role, Shell("exit 5")));
  ASSERT_EQ(role.last_exit(), (ExitStatus{false, 5, 0}));  // the previous run

  const std::string log = role.log().string();
  ASSERT_TRUE(role.Spawn(Shell("printf 'one\\ntwo\\nthree\\n' > " + log + "; exit 3")));
  EXPECT_FALSE(role.last_exit()) << "a new run clears the previous run's exit";
  AwaitExitUnreaped(role);
  EXPECT_TRUE(role.Running()) << "still held until reaped";

  const reports::ProcessRecord record = role.TearDown(2);
  EXPECT_EQ(record.name, "logger-A");
  EXPECT_EQ(record.exit, "exit 3");
  EXPECT_EQ(record.log_excerpt, "two\nthree\n");
  EXPECT_FALSE(role.Running());
  EXPECT_EQ(role.last_exit(), (ExitStatus{false, 3, 0}));
}

TEST_F(RoleProcessTest, TearDownKillsAProcessStillRunning) {
  RoleProcess role = Role("SYSTEM73");
  ASSERT_TRUE(role.Spawn(Sleeper()));
  const pid_t pid = *role.pid();
  EXPECT_EQ(role.TearDown(5).exit, "running at the end of the case");
  EXPECT_FALSE(role.Running());
  EXPECT_FALSE(role.pid());
  EXPECT_EQ(role.last_exit(), kSigkill);
  EXPECT_EQ(kill(pid, 0), -1) << "killed and reaped";
  EXPECT_EQ(role.TearDown(5).exit, "killed by SIGKILL") << "a second teardown";
}

TEST_F(RoleProcessTest, ReapIfExitedLeavesARunningProcessAloneAndCrashNowKillsIt) {
  RoleProcess role = Role("logger-B");
  ASSERT_TRUE(role.Spawn(Sleeper()));
  role.ReapIfExited();
  EXPECT_TRUE(role.Running());
  EXPECT_TRUE(role.Alive());
  EXPECT_FALSE(role.last_exit());
  const Status crashed = role.CrashNow(kDeadline);
  ASSERT_TRUE(crashed) << crashed.error().message;
  EXPECT_FALSE(role.Running());
  EXPECT_EQ(role.last_exit(), kSigkill);
  EXPECT_EQ(role.TearDown(5).exit, "killed by SIGKILL");
}

TEST_F(RoleProcessTest, CrashNowFailsNamingTheRoleWhenNothingRuns) {
  RoleProcess role = Role("logger-A");
  const Status none = role.CrashNow(kDeadline);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message.rfind("logger-A: ", 0), 0u) << none.error().message;

  ASSERT_TRUE(role.Spawn(Shell("exit 0")));
  AwaitExitUnreaped(role);
  const Status ended = role.CrashNow(kDeadline);
  ASSERT_FALSE(ended);
  EXPECT_EQ(ended.error().message.rfind("logger-A: ", 0), 0u) << ended.error().message;
  EXPECT_EQ(role.TearDown(5).exit, "exit 0");
}

TEST_F(RoleProcessTest, AFailedSpawnChangesNothing) {
  RoleProcess role = Role("mds");
  ASSERT_NO_FATAL_FAILURE(RunToEnd(role, Shell("exit 4")));
  const Status failed = role.Spawn({"", Path("no-such-binary"), {}, {}, Path("role.out")});
  ASSERT_FALSE(failed);
  EXPECT_NE(failed.error().message.find("mds"), std::string::npos) << failed.error().message;
  EXPECT_FALSE(role.Running());
  EXPECT_EQ(role.last_exit(), (ExitStatus{false, 4, 0}));
}

TEST_F(RoleProcessTest, SpawningOverAHeldProcessKillsIt) {
  RoleProcess role = Role("SYSTEM74");
  ASSERT_TRUE(role.Spawn(Sleeper()));
  const pid_t first = *role.pid();
  ASSERT_TRUE(role.Spawn(Sleeper()));
  EXPECT_NE(*role.pid(), first);
  EXPECT_EQ(kill(first, 0), -1) << "the first run was killed and reaped";
  EXPECT_TRUE(role.Alive());
  EXPECT_FALSE(role.last_exit());
}

TEST_F(RoleProcessTest, WaitExitReapsTheEndAndKeepsAnsweringIt) {
  RoleProcess role = Role("SYSTEM73");
  const auto never = role.WaitExit(kDeadline);
  ASSERT_FALSE(never);
  EXPECT_EQ(never.error().message, "SYSTEM73: never started");

  ASSERT_TRUE(role.Spawn(Shell("exit 3")));
  EXPECT_EQ(role.WaitExit(kDeadline), (ExitStatus{false, 3, 0}));
  EXPECT_FALSE(role.Running());
  EXPECT_EQ(role.last_exit(), (ExitStatus{false, 3, 0}));
  EXPECT_EQ(role.WaitExit(kDeadline), (ExitStatus{false, 3, 0})) << "asked again";

  ASSERT_TRUE(role.Spawn(Sleeper()));
  const auto still = role.WaitExit(milliseconds(50));
  ASSERT_FALSE(still);
  EXPECT_EQ(still.error().message.rfind("SYSTEM73: ", 0), 0u) << still.error().message;
  EXPECT_TRUE(role.Alive()) << "a process still running at the timeout stays held";
}

}  // namespace
}  // namespace lockstep::harness
