#include "faults/reformat.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fstream>

#include "fault_test_env.h"
#include "tests/support/test_env.h"

namespace lockstep::faults {
namespace {

class ReformatTest : public FaultTest {
 protected:
  std::filesystem::path Tool() const { return lockstep::testing::BinDir() / "journal-format"; }
  std::filesystem::path Set() const { return sandbox_->dir() / "journal-1"; }
};

TEST_F(ReformatTest, FreshSetHasNoStampAndIsAnotherFile) {
  Reformat first(Tool(), Set());
  ASSERT_TRUE(first.Inject());
  ASSERT_TRUE(first.Probe()) << first.Probe().error().message;
  {  // a system opened it and stamped it
    std::ofstream out(Set() / "journal.dat", std::ios::app | std::ios::binary);
    out << R"({"stamp":"2003-01-30-08.07.42.278334","type":"stamp"})";
  }
  ASSERT_TRUE(Reformat::HoldsStamp(Set() / "journal.dat"));
  Reformat again(Tool(), Set());
  ASSERT_TRUE(again.Inject());
  auto probe = again.Probe();
  EXPECT_TRUE(probe) << probe.error().message;
  EXPECT_FALSE(Reformat::HoldsStamp(Set() / "journal.dat"));
  EXPECT_EQ(again.kind(), "reformat");
  EXPECT_NE(again.mechanism().find("journal-format"), std::string::npos);
}

TEST_F(ReformatTest, ProbeFailsUnlessInjected) {
  Reformat r(Tool(), Set());
  auto probe = r.Probe();
  ASSERT_FALSE(probe);
  EXPECT_NE(probe.error().message.find("not injected"), std::string::npos);
}

TEST_F(ReformatTest, RefusesASetHeldByARunningSystem) {
  Reformat r(Tool(), Set());
  ASSERT_TRUE(r.Inject());
  const int fd = ::open((Set() / "journal.lock").c_str(), O_RDWR | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  Reformat held(Tool(), Set());
  auto s = held.Inject();
  ::close(fd);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("exit status 4"), std::string::npos) << s.error().message;
}

TEST(Reformat, NeedsAbsolutePaths) {
  EXPECT_THROW(Reformat("journal-format", "/tmp/x"), std::invalid_argument);
}

}  // namespace
}  // namespace lockstep::faults
