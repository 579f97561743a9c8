#include "faults/access_denied.h"

#include <sys/stat.h>

#include <stdexcept>

#include "fault_test_env.h"

namespace lockstep::faults {
namespace {

namespace fs = std::filesystem;

mode_t ModeOf(const fs::path& p) {
  struct stat st {};
  if (stat(p.c_str(), &st) != 0) return 07777;
  return st.st_mode & 07777;
}

class AccessDeniedTest : public FaultTest {
 protected:
  void SetUp() override {
    FaultTest::SetUp();
    if (HasFatalFailure()) return;
    auto d = sandbox_->MakeDir("side-A/temp");
    ASSERT_TRUE(d) << d.error().message;
    dir_ = *d;
    ASSERT_EQ(chmod(dir_.c_str(), 02751), 0);  // distinctive, with setgid, to check restoration
  }
  fs::path dir_;
};

TEST_F(AccessDeniedTest, CapabilityLessProcessGetsEaccesUntilRemoved) {
  AccessDenied fault(dir_);
  EXPECT_FALSE(fault.Probe()) << "probe must fail before the fault is injected";
  ASSERT_TRUE(fault.Inject());
  EXPECT_TRUE(fault.active());
  EXPECT_EQ(ModeOf(dir_), 0u);
  auto probed = fault.Probe();
  EXPECT_TRUE(probed) << probed.error().message;
  std::string out;
  const std::string create = ": > " + (dir_ / "file").string();
  EXPECT_NE(Shell(create, &out), (harness::ExitStatus{}));
  EXPECT_NE(out.find("Permission denied"), std::string::npos) << out;

  ASSERT_TRUE(fault.Remove());
  EXPECT_FALSE(fault.active());
  EXPECT_EQ(ModeOf(dir_), 02751u);
  auto after = fault.Probe();
  ASSERT_FALSE(after);
  EXPECT_NE(after.error().message.find("expected EACCES"), std::string::npos) << after.error().message;
  EXPECT_EQ(Shell(create, &out), (harness::ExitStatus{})) << out;
}

TEST_F(AccessDeniedTest, AProcessWithCapabilitiesWouldBypassIt) {
  if (geteuid() != 0) GTEST_SKIP() << "only root bypasses permissions";
  AccessDenied fault(dir_);
  ASSERT_TRUE(fault.Inject());
  std::string out;
  EXPECT_EQ(Shell(": > " + (dir_ / "file").string(), &out, /*drop_capabilities=*/false), (harness::ExitStatus{}))
      << "why children must run without capabilities: " << out;
}

TEST_F(AccessDeniedTest, ReportsItsMechanismAndRefusesDoubleInject) {
  AccessDenied fault(dir_);
  ASSERT_TRUE(fault.Inject());
  EXPECT_FALSE(fault.Inject());
  EXPECT_EQ(fault.kind(), "access-denied");
  EXPECT_NE(fault.mechanism().find("chmod 000"), std::string::npos);
  EXPECT_EQ(fault.saved_mode(), 02751u);
}

TEST_F(AccessDeniedTest, DestructorRestoresTheMode) {
  {
    AccessDenied fault(dir_);
    ASSERT_TRUE(fault.Inject());
  }
  EXPECT_EQ(ModeOf(dir_), 02751u);
}

TEST(AccessDeniedTarget, ConstructorRefusesPlainlyWrongTargets) {
  EXPECT_THROW(AccessDenied("relative"), std::invalid_argument);
  EXPECT_THROW(AccessDenied("/"), std::invalid_argument);
  EXPECT_THROW(AccessDenied("/no/such/lockstep/dir"), std::invalid_argument);
}

}  // namespace
}  // namespace lockstep::faults
