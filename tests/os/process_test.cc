#include "harness/os/process.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "harness/os/deadline.h"

namespace lockstep::harness {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

constexpr milliseconds kDeadline{10'000};

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class ProcessTest : public testing::Test {
 protected:
  void SetUp() override {
    std::string templ = (fs::temp_directory_path() / "lockstep-process-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(templ.data()), nullptr);
    dir_ = templ;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  Process Start(ProcessSpec spec) {
    if (spec.output.empty()) spec.output = dir_ / (spec.name + ".log");
    auto p = Process::Spawn(spec);
    if (!p) throw std::runtime_error(p.error().message);
    return std::move(*p);
  }
  Process Shell(const std::string& name, const std::string& script) {
    return Start({.name = name, .executable = "/bin/sh", .args = {"-c", script}});
  }
  fs::path dir_;
};

TEST(ExitStatus, Describe) {
  EXPECT_EQ((ExitStatus{false, 3, 0}).Describe(), "exit 3");
  EXPECT_EQ((ExitStatus{true, 0, SIGKILL}).Describe(), "killed by SIGKILL");
  EXPECT_EQ(ExitStatus::FromWaitStatus(SIGTERM), (ExitStatus{true, 0, SIGTERM}));
  EXPECT_EQ(ExitStatus::FromWaitStatus(7 << 8), (ExitStatus{false, 7, 0}));
}

TEST_F(ProcessTest, ExitCodeIsReported) {
  Process p = Shell("exit-3", "exit 3");
  auto st = p.WaitExit(kDeadline);
  ASSERT_TRUE(st) << st.error().message;
  EXPECT_EQ(*st, (ExitStatus{false, 3, 0}));
  EXPECT_EQ(p.exit_status(), *st);
  EXPECT_FALSE(p.Running());
  EXPECT_TRUE(p.Kill()) << "killing a reaped child is a no-op";
}

TEST_F(ProcessTest, KillReportsSigkill) {
  Process p = Start({.name = "sleeper", .executable = "/bin/sleep", .args = {"1000"}});
  EXPECT_TRUE(p.Running());
  EXPECT_FALSE(p.exit_status());
  ASSERT_TRUE(p.Kill());
  ASSERT_TRUE(p.exit_status());
  EXPECT_EQ(*p.exit_status(), (ExitStatus{true, 0, SIGKILL}));
  EXPECT_EQ(p.exit_status()->Describe(), "killed by SIGKILL");
}

TEST_F(ProcessTest, WaitExitTimesOutNamingTheProcess) {
  Process p = Start({.name = "slowpoke", .executable = "/bin/sleep", .args = {"1000"}});
  auto st = p.WaitExit(milliseconds(30));
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("slowpoke"), std::string::npos) << st.error().message;
  EXPECT_TRUE(p.Running());
}

TEST_F(ProcessTest, MissingExecutableIsAClearErrorAndLeavesNoZombie) {
  const std::string missing = (dir_ / "no-such-binary").string();
  auto p = Process::Spawn({.name = "ghost", .executable = missing, .output = dir_ / "ghost.log"});
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().errnum, ENOENT);
  EXPECT_NE(p.error().message.find(missing), std::string::npos) << p.error().message;
  EXPECT_NE(p.error().message.find("ghost"), std::string::npos) << p.error().message;
  EXPECT_NE(p.error().message.find("No such file"), std::string::npos) << p.error().message;
  int status = 0;
  EXPECT_EQ(waitpid(-1, &status, WNOHANG), -1) << "an unreaped child was left behind";
  EXPECT_EQ(errno, ECHILD);
}

TEST_F(ProcessTest, UnwritableOutputIsAnErrorNamingTheFile) {
  const fs::path output = dir_ / "missing-dir" / "out.log";
  auto p = Process::Spawn({.name = "x", .executable = "/bin/true", .output = output});
  ASSERT_FALSE(p);
  EXPECT_NE(p.error().message.find(output.string()), std::string::npos) << p.error().message;
}

TEST_F(ProcessTest, OutputFileReceivesStdoutAndStderrAppended) {
  const fs::path log = dir_ / "both.log";
  std::ofstream(log) << "before\n";
  Process p = Start({.name = "talker", .executable = "/bin/sh",
                     .args = {"-c", "echo out; echo err >&2; echo $LOCKSTEP_TEST_VAR"},
                     .env = {{"LOCKSTEP_TEST_VAR", "from-env"}}, .output = log});
  ASSERT_TRUE(p.WaitExit(kDeadline));
  EXPECT_EQ(ReadFile(log), "before\nout\nerr\nfrom-env\n");
}

TEST_F(ProcessTest, EnvironmentIsInheritedWithOverrides) {
  ASSERT_EQ(setenv("LOCKSTEP_INHERITED", "kept", 1), 0);
  ASSERT_EQ(setenv("LOCKSTEP_OVERRIDDEN", "old", 1), 0);
  Process p = Start({.name = "env", .executable = "/bin/sh",
                     .args = {"-c", "echo $LOCKSTEP_INHERITED $LOCKSTEP_OVERRIDDEN; env | grep -c ^LOCKSTEP_OVERRIDDEN="},
                     .env = {{"LOCKSTEP_OVERRIDDEN", "new"}}});
  unsetenv("LOCKSTEP_INHERITED");
  unsetenv("LOCKSTEP_OVERRIDDEN");
  ASSERT_EQ(p.WaitExit(kDeadline), (ExitStatus{false, 0, 0}));
  EXPECT_EQ(ReadFile(dir_ / "env.log"), "kept new\n1\n");
}

TEST_F(ProcessTest, HarnessDescriptorsDoNotLeakIntoTheChild) {
  constexpr int kLeaky = 100;
  ASSERT_EQ(dup2(STDERR_FILENO, kLeaky), kLeaky);  // dup2 clears FD_CLOEXEC
  Process p = Start({.name = "fds", .executable = "/bin/sh", .args = {"-c", "ls /proc/$$/fd"}});
  close(kLeaky);
  ASSERT_EQ(p.WaitExit(kDeadline), (ExitStatus{false, 0, 0}));
  const std::string fds = ReadFile(dir_ / "fds.log");
  EXPECT_EQ(fds.find("100"), std::string::npos) << fds;
}

TEST_F(ProcessTest, ChildHasNoCapabilities) {
  Process p = Start({.name = "caps", .executable = "/bin/grep", .args = {"^Cap", "/proc/self/status"}});
  ASSERT_EQ(p.WaitExit(kDeadline), (ExitStatus{false, 0, 0}));
  const std::string caps = ReadFile(dir_ / "caps.log");
  for (const char* set : {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"}) {
    EXPECT_NE(caps.find(std::string(set) + ":\t0000000000000000"), std::string::npos) << set << " in\n" << caps;
  }
}

TEST_F(ProcessTest, CapabilitiesAreKeptWhenAskedTo) {
  const std::string own = ReadFile("/proc/self/status");
  if (own.find("CapEff:\t0000000000000000") != std::string::npos) GTEST_SKIP() << "the test has no capabilities";
  Process p = Start({.name = "capsful", .executable = "/bin/grep", .args = {"^CapEff", "/proc/self/status"},
                     .drop_capabilities = false});
  ASSERT_TRUE(p.WaitExit(kDeadline));
  EXPECT_EQ(ReadFile(dir_ / "capsful.log").find("0000000000000000"), std::string::npos);
}

TEST_F(ProcessTest, DestructorKillsAndReaps) {
  pid_t pid;
  {
    Process p = Start({.name = "doomed", .executable = "/bin/sleep", .args = {"1000"}});
    pid = p.pid();
    Process moved = std::move(p);
    EXPECT_EQ(moved.pid(), pid);
  }
  EXPECT_EQ(kill(pid, 0), -1) << "still exists (running or zombie)";
  EXPECT_EQ(errno, ESRCH);
}

// The intermediate process runs Process::Spawn, reports its child's pid, then waits forever.
[[noreturn]] void Intermediate(int report_fd) {
  auto child = Process::Spawn({.name = "grandchild", .executable = "/bin/sleep", .args = {"1000"}});
  const pid_t pid = child ? child->pid() : -1;
  if (write(report_fd, &pid, sizeof pid) != sizeof pid) _exit(2);
  while (true) pause();
}

TEST_F(ProcessTest, ChildDiesWhenItsParentIsKilled) {
  // Orphans are re-parented to us, so the grandchild can be reaped and its status checked.
  ASSERT_EQ(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0);
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t intermediate = fork();
  ASSERT_GE(intermediate, 0);
  if (intermediate == 0) {
    close(fds[0]);
    Intermediate(fds[1]);
  }
  close(fds[1]);
  pid_t grandchild = -1;
  ASSERT_EQ(read(fds[0], &grandchild, sizeof grandchild), static_cast<ssize_t>(sizeof grandchild));
  close(fds[0]);
  ASSERT_GT(grandchild, 0);
  ASSERT_EQ(kill(intermediate, SIGKILL), 0);
  ASSERT_EQ(waitpid(intermediate, nullptr, 0), intermediate);
  int status = 0;
  const bool gone = PollUntil([&] { return waitpid(grandchild, &status, WNOHANG) == grandchild; }, kDeadline);
  if (!gone) kill(grandchild, SIGKILL), waitpid(grandchild, nullptr, 0);
  prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
  ASSERT_TRUE(gone) << "the grandchild outlived its parent";
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

}  // namespace
}  // namespace lockstep::harness
