#include "faults/disk_full.h"

#include <fcntl.h>
#include <unistd.h>

#include <stdexcept>

#include "fault_test_env.h"

namespace lockstep::faults {
namespace {

namespace fs = std::filesystem;
constexpr std::uint64_t kTmpfsBytes = 1 << 20;

// Appends n bytes to path as this (capable) process; returns 0 or errno.
int Append(const fs::path& path, std::size_t n) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return errno;
  const std::string bytes(n, 'a');
  const int err = write(fd, bytes.data(), n) == static_cast<ssize_t>(n) ? 0 : errno;
  close(fd);
  return err;
}

class DiskFullTest : public FaultTest {
 protected:
  void SetUp() override {
    FaultTest::SetUp();
    if (HasFatalFailure()) return;
    RequireIsolation();
    if (IsSkipped()) return;
    auto d = sandbox_->MakeDir("side-A/data", kTmpfsBytes);
    ASSERT_TRUE(d) << d.error().message;
    dir_ = *d;
  }
  fs::path dir_;
};

TEST_F(DiskFullTest, InjectFillsTheTmpfsAndTheProbeSeesEnospc) {
  DiskFull fault(dir_);
  EXPECT_FALSE(fault.Probe()) << "probe must fail before the fault is injected";
  auto injected = fault.Inject();
  ASSERT_TRUE(injected) << injected.error().message;
  EXPECT_TRUE(fault.active());
  EXPECT_GT(fault.filled_bytes(), kTmpfsBytes - 4096 * 4);
  EXPECT_LE(fault.filled_bytes(), kTmpfsBytes);
  auto probed = fault.Probe();
  EXPECT_TRUE(probed) << probed.error().message;
  EXPECT_EQ(fault.kind(), "disk-full");
  EXPECT_EQ(fault.mechanism(), "tmpfs size=1048576 filled to ENOSPC in a private mount namespace");
  EXPECT_FALSE(fault.Inject()) << "injecting twice";
}

TEST_F(DiskFullTest, CapabilityLessWriterGetsEnospcUntilRemoved) {
  DiskFull fault(dir_);
  ASSERT_TRUE(fault.Inject());
  std::string out;
  const std::string write_new = "head -c 1 /dev/zero > " + (dir_ / "journal").string();
  EXPECT_NE(Shell(write_new, &out), (harness::ExitStatus{}));
  EXPECT_NE(out.find("No space left on device"), std::string::npos) << out;
  ASSERT_TRUE(fault.Remove());
  EXPECT_FALSE(fault.active());
  EXPECT_FALSE(fs::exists(dir_ / DiskFull::kFillerName));
  auto probed = fault.Probe();
  ASSERT_FALSE(probed);
  EXPECT_NE(probed.error().message.find("expected ENOSPC"), std::string::npos) << probed.error().message;
  EXPECT_EQ(Shell(write_new, &out), (harness::ExitStatus{})) << out;
}

TEST_F(DiskFullTest, RootGetsEnospcTooAndPageAlignedFilesCannotGrow) {
  const fs::path aligned = dir_ / "aligned";
  const fs::path partial = dir_ / "partial";
  ASSERT_EQ(Append(aligned, 4096), 0);
  ASSERT_EQ(Append(partial, 100), 0);
  DiskFull fault(dir_);
  ASSERT_TRUE(fault.Inject());
  EXPECT_EQ(Append(dir_ / "new-by-root", 1), ENOSPC) << "tmpfs keeps nothing in reserve for root";
  EXPECT_EQ(Append(aligned, 1), ENOSPC);
  EXPECT_EQ(Append(dir_ / DiskFull::kFillerName, 1), ENOSPC) << "the filler's last page is full too";
  // Documented limit: the unused tail of an allocated page still takes bytes, as on disks.
  EXPECT_EQ(Append(partial, 1), 0);
}

TEST_F(DiskFullTest, RefusesADirectoryThatIsNotItsOwnTmpfs) {
  auto plain = sandbox_->MakeDir("side-A/plain");
  ASSERT_TRUE(plain);
  DiskFull fault(*plain);
  auto injected = fault.Inject();
  ASSERT_FALSE(injected);
  EXPECT_NE(injected.error().message.find("disk-full fault needs " + plain->string() + " to be its own tmpfs mount"),
            std::string::npos)
      << injected.error().message;
  EXPECT_FALSE(fault.active());
  EXPECT_TRUE(fs::is_empty(*plain));
}

TEST_F(DiskFullTest, RefusesADirectoryOnAnotherFileSystem) {
  const fs::path here = fs::current_path();  // the build tree: not the sandbox tmpfs
  DiskFull fault(here);
  auto injected = fault.Inject();
  ASSERT_FALSE(injected);
  EXPECT_NE(injected.error().message.find("to be its own tmpfs mount"), std::string::npos);
  EXPECT_FALSE(fs::exists(here / DiskFull::kFillerName));
}

TEST_F(DiskFullTest, DestructorRemovesAnActiveFault) {
  {
    DiskFull fault(dir_);
    ASSERT_TRUE(fault.Inject());
  }
  EXPECT_FALSE(fs::exists(dir_ / DiskFull::kFillerName));
  EXPECT_EQ(Append(dir_ / "after", 1), 0);
}

TEST(DiskFullTarget, ConstructorRefusesPlainlyWrongTargets) {
  EXPECT_THROW(DiskFull("relative/dir"), std::invalid_argument);
  EXPECT_THROW(DiskFull("/"), std::invalid_argument);
  EXPECT_THROW(DiskFull("/no/such/lockstep/dir"), std::invalid_argument);
  EXPECT_THROW(DiskFull("/proc/self/status"), std::invalid_argument);
}

}  // namespace
}  // namespace lockstep::faults
