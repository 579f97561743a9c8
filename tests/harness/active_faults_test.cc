// ActiveFaults: directory faults injected proven (inside the sandbox, probe passed), recorded,
// removed by target and all removed at teardown, with the real injectors of faults/.
#include "harness/property/active_faults.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <memory>
#include <optional>

#include "faults/access_denied.h"
#include "faults/capability_less_child.h"
#include "faults/disk_full.h"
#include "tests/faults/fault_test_env.h"

namespace lockstep::harness {
namespace {

namespace fs = std::filesystem;
using Kind = DirectoryFaultKind;

mode_t ModeOf(const fs::path& p) {
  struct stat st {};
  if (stat(p.c_str(), &st) != 0) return 07777;
  return st.st_mode & 07777;
}

// What a capability-less child (the implementation under test) gets when it creates a file in
// `dir` and writes a byte to it: 0, or the errno.
int WriteWithoutCapabilities(const fs::path& dir) {
  const fs::path file = dir / faults::ProbeFileName();
  auto result = faults::RunWithoutCapabilities(
      [&] {
        const int fd = open(file.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
        if (fd < 0) return errno;
        const int err = write(fd, "x", 1) == 1 ? 0 : errno;
        close(fd);
        unlink(file.c_str());
        return err;
      },
      "write in " + dir.string());
  return result ? *result : -1;
}

// A fault that injects, but whose probe never proves it: records whether it was removed.
class UnprovenFault final : public faults::DirectoryFault {
 public:
  UnprovenFault(fs::path dir, bool* removed) : dir_(std::move(dir)), removed_(removed) {}
  Status Inject() override {
    active_ = true;
    return {};
  }
  Status Remove() override {
    active_ = false;
    *removed_ = true;
    return {};
  }
  Status Probe() const override { return Fail("the child could write"); }
  bool active() const override { return active_; }
  std::string kind() const override { return "unproven"; }
  std::string mechanism() const override { return "none"; }
  const fs::path& target() const override { return dir_; }

 private:
  fs::path dir_;
  bool* removed_;
  bool active_ = false;
};

// A sandbox with a root of its own (FaultTest) and a directory of a case in it.
class ActiveFaultsTest : public faults::FaultTest {
 protected:
  void SetUp() override {
    FaultTest::SetUp();
    if (!HasFatalFailure()) dir_ = MakeCaseDir("case/A/data", std::nullopt);
  }
  void TearDown() override {
    if (!outside_.empty()) fs::remove_all(outside_);
    FaultTest::TearDown();
  }
  // sandbox dir/rel (its own tmpfs of `tmpfs_bytes` if given) with mode 02751: distinctive,
  // setgid included, to check that removing a fault restores it. Empty (a test failure) if not.
  fs::path MakeCaseDir(const std::string& rel, std::optional<std::uint64_t> tmpfs_bytes) {
    auto dir = sandbox_->MakeDir(rel, tmpfs_bytes);
    EXPECT_TRUE(dir) << dir.error().message;
    if (!dir) return {};
    EXPECT_EQ(chmod(dir->c_str(), 02751), 0);
    return *dir;
  }
  // A directory of its own tmpfs, for disk-full; empty when the sandbox is no tmpfs (the test
  // then skips).
  fs::path OwnTmpfs(const std::string& rel) {
    return sandbox_->isolated() ? MakeCaseDir(rel, 1 << 20) : fs::path();
  }
  // Disk-full on `temp` and access-denied on dir_, both proven.
  void InjectBoth(ActiveFaults& faults, const fs::path& temp) {
    ASSERT_TRUE(faults.Inject(Kind::kDiskFull, temp, "A/temp", "A"));
    ASSERT_TRUE(faults.Inject(Kind::kAccessDenied, dir_, "A/data", "A"));
    ASSERT_EQ(WriteWithoutCapabilities(temp), ENOSPC);
    ASSERT_EQ(WriteWithoutCapabilities(dir_), EACCES);
  }
  fs::path MakeOutside() {
    std::string templ = (fs::temp_directory_path() / "lockstep-outside-XXXXXX").string();
    EXPECT_NE(mkdtemp(templ.data()), nullptr);
    outside_ = templ;
    return outside_;
  }

  CaseRecord record_;
  fs::path dir_, outside_;
};

TEST_F(ActiveFaultsTest, AFaultOutsideTheSandboxIsRefusedAndNothingStaysInjected) {
  const fs::path outside = MakeOutside();
  const mode_t before = ModeOf(outside);
  ActiveFaults faults(*sandbox_, record_);
  const Status built = faults.Inject(Kind::kAccessDenied, outside, "outside", "A");
  ASSERT_FALSE(built);
  EXPECT_NE(built.error().message.find("outside the sandbox"), std::string::npos);
  const Status given = faults.Inject(std::make_unique<faults::AccessDenied>(outside), "outside", "A");
  ASSERT_FALSE(given);
  EXPECT_NE(given.error().message.find("outside the sandbox"), std::string::npos);
  EXPECT_EQ(ModeOf(outside), before);
  EXPECT_EQ(faults.size(), 0u);
  EXPECT_TRUE(record_.faults.empty());
}

TEST_F(ActiveFaultsTest, AProvenFaultIsRecordedAtTheStepAndRemovedByTarget) {
  record_.commands = {"Start(A)", "InjectFault(A, data, access-denied)"};
  ActiveFaults faults(*sandbox_, record_);
  const Status injected = faults.Inject(Kind::kAccessDenied, dir_, "A/data", "A");
  ASSERT_TRUE(injected) << injected.error().message;
  EXPECT_TRUE(faults.ActiveOn(dir_));
  EXPECT_EQ(ModeOf(dir_), 0u);
  EXPECT_EQ(WriteWithoutCapabilities(dir_), EACCES);
  ASSERT_EQ(record_.faults.size(), 1u);
  EXPECT_EQ(record_.faults[0].step, 2);
  EXPECT_EQ(record_.faults[0].kind, "access-denied");
  EXPECT_EQ(record_.faults[0].target, "A/data");
  EXPECT_EQ(record_.faults[0].mechanism.rfind("chmod 000 (mode 2751 restored", 0), 0u)
      << record_.faults[0].mechanism;
  EXPECT_EQ(record_.fault_counts["access-denied"], 1u);

  const Status removed = faults.Remove(dir_ / "x" / ".." / "");  // the same directory
  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_EQ(ModeOf(dir_), 02751u);
  EXPECT_EQ(faults.size(), 0u);
  const Status again = faults.Remove(dir_);
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message.find(dir_.string()), std::string::npos);
}

TEST_F(ActiveFaultsTest, AFaultWhoseProbeFailsIsRemovedAndNotRecorded) {
  bool removed = false;
  ActiveFaults faults(*sandbox_, record_);
  const Status injected = faults.Inject(std::make_unique<UnprovenFault>(dir_, &removed), "A/data", "A");
  ASSERT_FALSE(injected);
  EXPECT_NE(injected.error().message.find("did not take effect: the child could write"),
            std::string::npos);
  EXPECT_TRUE(removed);
  EXPECT_EQ(faults.size(), 0u);
  EXPECT_TRUE(record_.faults.empty());
}

TEST_F(ActiveFaultsTest, AFaultThatCannotBeInjectedLeavesNothing) {
  ActiveFaults faults(*sandbox_, record_);
  const Status injected = faults.Inject(Kind::kDiskFull, dir_, "A/data", "A");  // not its own tmpfs
  ASSERT_FALSE(injected);
  EXPECT_EQ(faults.size(), 0u);
  EXPECT_TRUE(record_.faults.empty());
  EXPECT_FALSE(fs::exists(dir_ / faults::DiskFull::kFillerName));
  EXPECT_EQ(WriteWithoutCapabilities(dir_), 0);
}

TEST_F(ActiveFaultsTest, ASecondFaultOnTheSameTargetIsRefused) {
  ActiveFaults faults(*sandbox_, record_);
  ASSERT_TRUE(faults.Inject(Kind::kAccessDenied, dir_, "A/data", "A"));
  const Status second = faults.Inject(Kind::kAccessDenied, dir_, "A/data", "A");
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().message.find("already active"), std::string::npos);
  EXPECT_EQ(faults.size(), 1u);
  EXPECT_EQ(record_.faults.size(), 1u);
  EXPECT_EQ(ModeOf(dir_), 0u) << "the first fault stays in effect";
}

TEST_F(ActiveFaultsTest, TeardownLeavesEveryDirectoryWritableAndUnfilled) {
  const fs::path temp = OwnTmpfs("case/A/temp");
  if (temp.empty()) GTEST_SKIP() << "needs a private mount namespace (run as root)";
  {
    ActiveFaults faults(*sandbox_, record_);
    ASSERT_NO_FATAL_FAILURE(InjectBoth(faults, temp));
  }  // the end of the case: nothing removed them but the destructor
  EXPECT_FALSE(fs::exists(temp / faults::DiskFull::kFillerName));
  EXPECT_EQ(WriteWithoutCapabilities(temp), 0);
  EXPECT_EQ(ModeOf(dir_), 02751u);
  EXPECT_EQ(WriteWithoutCapabilities(dir_), 0);
}

TEST_F(ActiveFaultsTest, RemoveAllRemovesEveryFault) {
  const fs::path temp = OwnTmpfs("case/A/temp");
  if (temp.empty()) GTEST_SKIP() << "needs a private mount namespace (run as root)";
  ActiveFaults faults(*sandbox_, record_);
  ASSERT_NO_FATAL_FAILURE(InjectBoth(faults, temp));
  const Status removed = faults.RemoveAll();
  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_EQ(faults.size(), 0u);
  EXPECT_FALSE(faults.ActiveOn(temp));
  EXPECT_EQ(WriteWithoutCapabilities(temp), 0);
  EXPECT_EQ(WriteWithoutCapabilities(dir_), 0);
}

}  // namespace
}  // namespace lockstep::harness
