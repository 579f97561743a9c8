#include "faults/crash.h"

#include <signal.h>

#include <stdexcept>

#include "fault_test_env.h"

namespace lockstep::faults {
namespace {

TEST_F(FaultTest, KillProcessEndsTheChildWithSigkill) {
  auto p = harness::Process::Spawn({.name = "logger-A", .executable = "/bin/sleep", .args = {"1000"},
                                    .output = sandbox_->dir() / "logger-A.log"});
  ASSERT_TRUE(p) << p.error().message;
  ASSERT_TRUE(KillProcess(p->pid(), p->name()));
  auto st = p->WaitExit(std::chrono::seconds(10));
  ASSERT_TRUE(st) << st.error().message;
  EXPECT_EQ(*st, (harness::ExitStatus{true, 0, SIGKILL}));
  EXPECT_EQ(st->Describe(), "killed by SIGKILL");
}

TEST(Crash, KillProcessRefusesProcessGroupsAndNamesTheProcess) {
  for (pid_t pid : {0, -1}) {
    auto s = KillProcess(pid, "logger-B");
    ASSERT_FALSE(s) << "kill(" << pid << ") would hit more than one process";
    EXPECT_NE(s.error().message.find("logger-B"), std::string::npos) << s.error().message;
  }
}

TEST(Crash, CrashPointEnv) {
  EXPECT_EQ(CrashPointEnv("after-append", 3),
            (std::pair<std::string, std::string>{"LOCKSTEP_CRASH_POINT", "after-append:3"}));
  EXPECT_EQ(CrashPointEnv("before-fsync").second, "before-fsync:1");
  EXPECT_THROW(CrashPointEnv(""), std::invalid_argument);
  EXPECT_THROW(CrashPointEnv("a:b"), std::invalid_argument);
  EXPECT_THROW(CrashPointEnv("a", 0), std::invalid_argument);
  EXPECT_NE(CrashMechanism().find("SIGKILL"), std::string::npos);
}

TEST(Crash, CrashAtActionEnv) {
  EXPECT_EQ(CrashAtActionEnv("ack_sent", 2),
            (std::pair<std::string, std::string>{"LOCKSTEP_CRASH_AT_ACTION", "ack_sent:2"}));
  EXPECT_EQ(CrashAtActionEnv("state_sent").second, "state_sent:1");
  EXPECT_THROW(CrashAtActionEnv(""), std::invalid_argument);
  EXPECT_THROW(CrashAtActionEnv("a:b"), std::invalid_argument);
  EXPECT_THROW(CrashAtActionEnv("a", 0), std::invalid_argument);
  EXPECT_NE(CrashMechanism().find("LOCKSTEP_CRASH_AT_ACTION"), std::string::npos);
}

TEST_F(FaultTest, CrashPointReachesTheChildsEnvironment) {
  // A stand-in for an implementation process: kills itself when its crash point is armed.
  const std::string script = "[ \"$LOCKSTEP_CRASH_POINT\" = after-append:1 ] && kill -KILL $$; exit 0";
  std::string out;
  auto armed = harness::Process::Spawn({.name = "armed", .executable = "/bin/sh", .args = {"-c", script},
                                        .env = {CrashPointEnv("after-append")},
                                        .output = sandbox_->dir() / "armed.log"});
  ASSERT_TRUE(armed) << armed.error().message;
  EXPECT_EQ(armed->WaitExit(std::chrono::seconds(10)), (harness::ExitStatus{true, 0, SIGKILL}));
  EXPECT_EQ(Shell(script, &out), (harness::ExitStatus{})) << "inert unless set";
}

}  // namespace
}  // namespace lockstep::faults
