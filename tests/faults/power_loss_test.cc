#include "faults/power_loss.h"

#include "faults/access_denied.h"
#include "faults/disk_full.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <set>

#include "fault_test_env.h"
#include "tests/support/test_env.h"

namespace lockstep::faults {
namespace {

namespace fs = std::filesystem;

// What a process would do to a file, and whether it syncs.
enum class Sync { kNone, kFsync, kFdatasync };

void Write(const fs::path& file, const std::string& bytes, Sync sync, int flags = O_TRUNC) {
  const int fd = open(file.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | flags, 0644);
  ASSERT_GE(fd, 0) << file << ": " << std::strerror(errno);
  ASSERT_EQ(write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size())) << file;
  if (sync == Sync::kFsync) {
    ASSERT_EQ(fsync(fd), 0) << file << ": " << std::strerror(errno);
  }
  if (sync == Sync::kFdatasync) {
    ASSERT_EQ(fdatasync(fd), 0) << file << ": " << std::strerror(errno);
  }
  close(fd);
}

void SyncDir(const fs::path& dir) {
  const int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(fd, 0) << dir << ": " << std::strerror(errno);
  ASSERT_EQ(fsync(fd), 0) << dir << ": " << std::strerror(errno);
  close(fd);
}

std::string Read(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return "<missing>";
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::set<std::string> Names(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
  return names;
}

// Mount points of this process's namespace, as /proc/self/mountinfo lists them.
bool ListedInMountinfo(const fs::path& dir) {
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.find(" " + dir.string() + " ") != std::string::npos) return true;
  }
  return false;
}

class PowerLossTest : public FaultTest {
 protected:
  void SetUp() override {
    FaultTest::SetUp();
    if (HasFatalFailure()) return;
    RequireIsolation();
    if (IsSkipped()) return;
    if (!fs::exists("/dev/fuse")) GTEST_SKIP() << "no /dev/fuse on this machine";
    auto b = sandbox_->MakeDir("side-A/data.backing");
    ASSERT_TRUE(b) << b.error().message;
    auto m = sandbox_->MakeDir("side-A/data");
    ASSERT_TRUE(m) << m.error().message;
    backing_ = *b;
    dir_ = *m;
  }
  void TearDown() override {
    fault_.reset();
    if (!dir_.empty()) {
      EXPECT_FALSE(ListedInMountinfo(dir_)) << "a mount outlived its PowerLoss";
    }
    FaultTest::TearDown();
  }
  PowerLossOptions Options(std::uint64_t torn = 0) const {
    return {.program = testing::BinDir() / "lockstep-powerloss-fs", .backing = backing_, .mount_point = dir_,
            .torn_write_bytes = torn};
  }
  void MountIt(std::uint64_t torn = 0) {
    fault_.emplace(Options(torn));
    auto s = fault_->Mount();
    ASSERT_TRUE(s) << s.error().message;
  }
  void CutIt() {
    auto s = fault_->Cut();
    ASSERT_TRUE(s) << s.error().message;
  }
  // A file made durable: data, name and all.
  void Durable(const fs::path& file, const std::string& bytes) {
    Write(file, bytes, Sync::kFsync);
    SyncDir(file.parent_path());
  }

  fs::path backing_, dir_;
  std::optional<PowerLoss> fault_;
};

TEST_F(PowerLossTest, UnsyncedWritesAreVisibleAtOnceAndDroppedByTheCut) {
  MountIt();
  EXPECT_TRUE(IsPowerLossMount(dir_));
  Durable(dir_ / "journal", "one\n");
  Write(dir_ / "journal", "two\n", Sync::kNone, O_APPEND);
  EXPECT_EQ(Read(dir_ / "journal"), "one\ntwo\n") << "readers see a write at once";
  EXPECT_EQ(Read(backing_ / "journal"), "one\ntwo\n") << "and it is passed through";
  CutIt();
  EXPECT_EQ(Read(dir_ / "journal"), "one\n");
  EXPECT_EQ(Read(backing_ / "journal"), "one\n");
}

TEST_F(PowerLossTest, FsyncedDataSurvives) {
  MountIt();
  Write(dir_ / "db", std::string(100000, 'x'), Sync::kFsync);
  SyncDir(dir_);
  CutIt();
  EXPECT_EQ(Read(dir_ / "db"), std::string(100000, 'x'));
  // Counts include the probe directory and its synced canary ("durable 1\n", 10 bytes).
  EXPECT_EQ(fault_->last_cut(), "files=2 directories=2 bytes=100010 dropped_names=0");
}

TEST_F(PowerLossTest, FdatasyncedDataSurvives) {
  MountIt();
  Durable(dir_ / "db", "old");
  Write(dir_ / "db", "new and longer", Sync::kFdatasync);
  CutIt();
  EXPECT_EQ(Read(dir_ / "db"), "new and longer");
}

TEST_F(PowerLossTest, AFileFsyncedInADirectoryNeverFsyncedIsGone) {
  MountIt();
  Write(dir_ / "created", "data", Sync::kFsync);
  EXPECT_EQ(Read(dir_ / "created"), "data");
  CutIt();
  EXPECT_FALSE(fs::exists(dir_ / "created"));
  EXPECT_FALSE(fs::exists(backing_ / "created"));
}

TEST_F(PowerLossTest, ANameMadeDurableBeforeItsDataComesBackEmpty) {
  MountIt();
  Write(dir_ / "f", "never synced", Sync::kNone);
  SyncDir(dir_);
  CutIt();
  EXPECT_EQ(Read(dir_ / "f"), "");
}

TEST_F(PowerLossTest, ARenameIsUndoneUnlessTheDirectoryIsFsynced) {
  MountIt();
  Durable(dir_ / "db", "old database");
  // The atomic replace of a received database: temp file, fsync, rename over, no dir fsync.
  Write(dir_ / "db.tmp", "new database", Sync::kFsync);
  fs::rename(dir_ / "db.tmp", dir_ / "db");
  EXPECT_EQ(Read(dir_ / "db"), "new database");
  CutIt();
  EXPECT_EQ(Read(dir_ / "db"), "old database");
  EXPECT_EQ(Names(dir_), (std::set<std::string>{"db"}));

  Write(dir_ / "db.tmp", "new database", Sync::kFsync);
  fs::rename(dir_ / "db.tmp", dir_ / "db");
  SyncDir(dir_);
  CutIt();
  EXPECT_EQ(Read(dir_ / "db"), "new database");
  EXPECT_EQ(Names(dir_), (std::set<std::string>{"db"}));
}

TEST_F(PowerLossTest, ARenameBetweenDirectoriesIsDurablePerDirectory) {
  MountIt();
  fs::create_directory(dir_ / "a");
  fs::create_directory(dir_ / "b");
  SyncDir(dir_);
  Durable(dir_ / "a" / "f", "f");
  fs::rename(dir_ / "a" / "f", dir_ / "b" / "f");
  SyncDir(dir_ / "b");  // the new name only: the old one is still durable too
  CutIt();
  EXPECT_EQ(Read(dir_ / "a" / "f"), "f");
  EXPECT_EQ(Read(dir_ / "b" / "f"), "f");
  struct stat a {}, b {};
  ASSERT_EQ(stat((backing_ / "a" / "f").c_str(), &a), 0);
  ASSERT_EQ(stat((backing_ / "b" / "f").c_str(), &b), 0);
  EXPECT_EQ(a.st_ino, b.st_ino) << "one file under two names";
}

TEST_F(PowerLossTest, AnUnlinkIsUndoneUnlessTheDirectoryIsFsynced) {
  MountIt();
  Durable(dir_ / "keep", "kept");
  ASSERT_EQ(unlink((dir_ / "keep").c_str()), 0);
  EXPECT_FALSE(fs::exists(dir_ / "keep"));
  CutIt();
  EXPECT_EQ(Read(dir_ / "keep"), "kept");
  ASSERT_EQ(unlink((dir_ / "keep").c_str()), 0);
  SyncDir(dir_);
  CutIt();
  EXPECT_FALSE(fs::exists(dir_ / "keep"));
}

TEST_F(PowerLossTest, ATruncateIsDurableOnlyAfterAnFsync) {
  MountIt();
  Durable(dir_ / "log", std::string(100, 'a'));
  ASSERT_EQ(truncate((dir_ / "log").c_str(), 10), 0);
  EXPECT_EQ(fs::file_size(dir_ / "log"), 10u);
  CutIt();
  EXPECT_EQ(Read(dir_ / "log"), std::string(100, 'a'));
  const int fd = open((dir_ / "log").c_str(), O_WRONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(ftruncate(fd, 10), 0);
  ASSERT_EQ(fsync(fd), 0);
  close(fd);
  CutIt();
  EXPECT_EQ(Read(dir_ / "log"), std::string(10, 'a'));
}

TEST_F(PowerLossTest, SeveralFilesAndDirectoriesEachKeepWhatWasMadeDurable) {
  MountIt();
  fs::create_directory(dir_ / "sub");
  fs::create_directory(dir_ / "lost-dir");
  SyncDir(dir_);                       // both directory names durable
  Durable(dir_ / "sub" / "a", "a1");   // durable
  Write(dir_ / "sub" / "a", "a2", Sync::kNone);
  Write(dir_ / "sub" / "b", "b1", Sync::kFsync);  // its name is not
  Durable(dir_ / "c", "c1");
  Write(dir_ / "c", "c2", Sync::kFsync);
  fs::create_directory(dir_ / "sub" / "deeper");  // never synced
  Write(dir_ / "lost-dir" / "x", "x", Sync::kFsync);
  fs::create_directory(dir_ / "unsynced-dir");
  CutIt();
  EXPECT_EQ(Names(dir_), (std::set<std::string>{"c", "lost-dir", "sub"}));
  EXPECT_EQ(Names(dir_ / "sub"), (std::set<std::string>{"a"}));
  EXPECT_TRUE(fs::is_empty(dir_ / "lost-dir"));
  EXPECT_EQ(Read(dir_ / "sub" / "a"), "a1");
  EXPECT_EQ(Read(dir_ / "c"), "c2");
  EXPECT_EQ(Names(backing_), (std::set<std::string>{"c", "lost-dir", "sub", PowerLoss::kProbeDirName}));
}

TEST_F(PowerLossTest, WhatWasThereBeforeTheMountIsDurable) {
  Write(backing_ / "before", "there before", Sync::kNone);
  fs::create_directory(backing_ / "d");
  Write(backing_ / "d" / "inner", "inner", Sync::kNone);
  MountIt();
  Write(dir_ / "before", "overwritten", Sync::kNone);
  CutIt();
  EXPECT_EQ(Read(dir_ / "before"), "there before");
  EXPECT_EQ(Read(dir_ / "d" / "inner"), "inner");
}

TEST_F(PowerLossTest, AHardLinkIsOneFileAcrossCutsAndRemounts) {
  MountIt();
  Durable(dir_ / "a", "one");
  ASSERT_EQ(link((dir_ / "a").c_str(), (dir_ / "b").c_str()), 0);
  SyncDir(dir_);
  Write(dir_ / "a", "two", Sync::kFsync);
  CutIt();
  EXPECT_EQ(Read(dir_ / "b"), "two");
  // rename(2) between two names of one file does nothing, and the tree agrees.
  ASSERT_EQ(rename((dir_ / "a").c_str(), (dir_ / "b").c_str()), 0);
  SyncDir(dir_);
  CutIt();
  EXPECT_EQ(Names(dir_), (std::set<std::string>{"a", "b"}));
  ASSERT_TRUE(fault_->Unmount());
  MountIt();
  Write(dir_ / "a", "three", Sync::kFsync);
  CutIt();
  EXPECT_EQ(Read(dir_ / "b"), "three") << "still one file after a remount";
}

TEST_F(PowerLossTest, AProbeDirectoryLeftByADeadRunIsClearedAtMount) {
  fs::create_directory(backing_ / PowerLoss::kProbeDirName);
  Write(backing_ / PowerLoss::kProbeDirName / "unsynced", "stale", Sync::kNone);
  MountIt();
  CutIt();
}

TEST_F(PowerLossTest, ATornWriteKeepsItsFirstBytes) {
  MountIt(3);
  Durable(dir_ / "journal", "abc");
  Write(dir_ / "other", "earlier write, not the last", Sync::kNone);
  Write(dir_ / "journal", "XYZW", Sync::kNone, O_APPEND);
  CutIt();
  EXPECT_EQ(Read(dir_ / "journal"), "abcXYZ");
  EXPECT_EQ(fault_->mechanism(), "FUSE lockstep-powerloss-fs over " + backing_.string() + " on " + dir_.string() +
                                     ": durable = file data at fsync/fdatasync, directory entries at directory fsync; "
                                     "torn write keeps 3 bytes");
}

TEST_F(PowerLossTest, WithoutTearingTheLastWriteIsDroppedWhole) {
  MountIt();
  Durable(dir_ / "journal", "abc");
  Write(dir_ / "journal", "XYZW", Sync::kNone, O_APPEND);
  CutIt();
  EXPECT_EQ(Read(dir_ / "journal"), "abc");
  EXPECT_NE(fault_->mechanism().find("no torn write"), std::string::npos);
}

TEST_F(PowerLossTest, AFileOpenAcrossTheCutFailsWithEio) {
  MountIt();
  Durable(dir_ / "f", "f");
  const int fd = open((dir_ / "f").c_str(), O_RDWR | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  CutIt();
  char c;
  EXPECT_EQ(read(fd, &c, 1), -1);
  EXPECT_EQ(errno, EIO);
  EXPECT_EQ(write(fd, "x", 1), -1);
  EXPECT_EQ(errno, EIO);
  close(fd);
  EXPECT_EQ(Read(dir_ / "f"), "f") << "a new open sees the restored file";
}

TEST_F(PowerLossTest, TheProbeCountsOnlyACutThatHappened) {
  MountIt();
  auto before = fault_->Probe();
  ASSERT_FALSE(before);
  EXPECT_NE(before.error().message.find("no power cut yet"), std::string::npos);
  CutIt();
  EXPECT_TRUE(fault_->Probe());
  EXPECT_EQ(Names(dir_), std::set<std::string>{}) << "the probe directory is hidden from the root's listing";
  EXPECT_TRUE(fs::is_empty(dir_ / PowerLoss::kProbeDirName)) << "the canaries are tidied away";
  EXPECT_EQ(fault_->kind(), "power-loss");
}

TEST_F(PowerLossTest, ACutFailsWhenTheFilesystemIsGoneAndNothingIsLeftMounted) {
  MountIt();
  const pid_t pid = fault_->pid();
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  auto cut = fault_->Cut();  // the canaries cannot even be written (ENOTCONN), or the reply is missing
  ASSERT_FALSE(cut);
  EXPECT_FALSE(fault_->Probe());
  auto unmounted = fault_->Unmount();
  EXPECT_FALSE(unmounted) << "the filesystem did not exit by itself";
  EXPECT_FALSE(fault_->mounted());
  EXPECT_FALSE(ListedInMountinfo(dir_));
  EXPECT_EQ(kill(pid, 0), -1) << "reaped";
}

TEST_F(PowerLossTest, UnmountLeavesNoMountNoProcessAndAllOfTheFilesDurable) {
  MountIt();
  const pid_t pid = fault_->pid();
  ASSERT_GT(pid, 0);
  EXPECT_TRUE(ListedInMountinfo(dir_));
  Write(dir_ / "f", "unsynced", Sync::kNone);
  auto s = fault_->Unmount();
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_FALSE(fault_->mounted());
  EXPECT_FALSE(ListedInMountinfo(dir_));
  EXPECT_FALSE(IsPowerLossMount(dir_));
  EXPECT_EQ(kill(pid, 0), -1);
  EXPECT_EQ(errno, ESRCH);
  EXPECT_EQ(Names(backing_), std::set<std::string>{"f"}) << "the probe directory goes with the mount";
  // A clean unmount is a clean shutdown: the next mount takes everything as durable.
  MountIt();
  CutIt();
  EXPECT_EQ(Read(dir_ / "f"), "unsynced");
}

TEST_F(PowerLossTest, AMountPointNamedNonCanonicallyIsFoundAndUnmounted) {
  PowerLossOptions options = Options();
  options.mount_point = dir_ / "." / "";
  PowerLoss fault(options);
  auto s = fault.Mount();
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(fault.target(), dir_);
  EXPECT_TRUE(ListedInMountinfo(dir_));
  ASSERT_TRUE(fault.Cut());
  ASSERT_TRUE(fault.Unmount());
  EXPECT_FALSE(ListedInMountinfo(dir_));
}

TEST_F(PowerLossTest, TheDestructorUnmounts) {
  pid_t pid;
  {
    PowerLoss fault(Options());
    ASSERT_TRUE(fault.Mount());
    pid = fault.pid();
  }
  EXPECT_FALSE(ListedInMountinfo(dir_));
  EXPECT_EQ(kill(pid, 0), -1);
}

TEST_F(PowerLossTest, BadInputIsRefusedNamingThePath) {
  PowerLossOptions missing_mount = Options();
  missing_mount.mount_point = dir_ / "no-such-dir";
  PowerLoss a(missing_mount);
  auto s = a.Mount();
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("mount point " + missing_mount.mount_point.string()), std::string::npos)
      << s.error().message;
  EXPECT_EQ(s.error().errnum, ENOENT);

  PowerLossOptions missing_backing = Options();
  missing_backing.backing = backing_ / "no-such-dir";
  PowerLoss b(missing_backing);
  s = b.Mount();
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("backing directory " + missing_backing.backing.string()), std::string::npos)
      << s.error().message;

  PowerLossOptions relative = Options();
  relative.mount_point = "relative/dir";
  s = PowerLoss(relative).Mount();
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("relative/dir is not an absolute path"), std::string::npos) << s.error().message;

  PowerLossOptions no_program = Options();
  no_program.program = "/no/such/lockstep-powerloss-fs";
  s = PowerLoss(no_program).Mount();
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("/no/such/lockstep-powerloss-fs"), std::string::npos) << s.error().message;

  EXPECT_FALSE(a.mounted());
  EXPECT_FALSE(ListedInMountinfo(dir_));
}

TEST_F(PowerLossTest, TheFilesystemRefusesWhatItDoesNotModel) {
  ASSERT_EQ(symlink("target", (backing_ / "link").c_str()), 0);
  PowerLoss fault(Options());
  auto s = fault.Mount();
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find((backing_ / "link").string() + " is neither a regular file nor a directory"),
            std::string::npos)
      << s.error().message;
  EXPECT_FALSE(ListedInMountinfo(dir_));
  ASSERT_EQ(unlink((backing_ / "link").c_str()), 0);
  MountIt();
  EXPECT_EQ(symlink("target", (dir_ / "link").c_str()), -1);
  EXPECT_EQ(errno, EPERM);
}

TEST_F(PowerLossTest, ACapabilityLessProcessUsesTheMountAsAnImplementationWould) {
  MountIt();
  std::string out;
  const std::string script = "cd " + dir_.string() + " && echo durable > f && sync f && sync . && "
                             "echo lost >> f && cat f";
  EXPECT_EQ(Shell(script, &out), (harness::ExitStatus{})) << out;
  EXPECT_EQ(out, "durable\nlost\n");
  CutIt();
  EXPECT_EQ(Read(dir_ / "f"), "durable\n");
}

TEST_F(PowerLossTest, AccessDeniedAndDiskFullStillReachTheImplementationThroughTheMount) {
  auto full = sandbox_->MakeDir("side-B/data.backing", 1 << 20);
  ASSERT_TRUE(full) << full.error().message;
  auto mount = sandbox_->MakeDir("side-B/data");
  ASSERT_TRUE(mount) << mount.error().message;
  PowerLoss fault({.program = testing::BinDir() / "lockstep-powerloss-fs", .backing = *full, .mount_point = *mount});
  ASSERT_TRUE(fault.Mount());
  std::string out;
  fs::create_directory(*mount / "denied");
  {
    AccessDenied denied(*mount / "denied");
    ASSERT_TRUE(denied.Inject());
    EXPECT_NE(Shell("echo x > " + (*mount / "denied" / "f").string(), &out), (harness::ExitStatus{}));
    EXPECT_NE(out.find("Permission denied"), std::string::npos) << out;
    ASSERT_TRUE(denied.Remove());
  }
  DiskFull disk_full(*full);
  ASSERT_TRUE(disk_full.Inject());
  EXPECT_NE(Shell("head -c 1 /dev/zero > " + (*mount / "journal").string(), &out), (harness::ExitStatus{}));
  EXPECT_NE(out.find("No space left on device"), std::string::npos) << out;
  ASSERT_TRUE(disk_full.Remove());
  ASSERT_TRUE(fault.Unmount());
}

TEST(PowerLossAvailability, AvailableAsRootInAPrivateMountNamespaceWithDevFuse) {
  if (geteuid() != 0 || !fs::exists("/dev/fuse")) GTEST_SKIP() << "needs root and /dev/fuse";
  const fs::path program = testing::BinDir() / "lockstep-powerloss-fs";
  EXPECT_EQ(PowerLossUnavailableReason(program, true), "");
  EXPECT_NE(PowerLossUnavailableReason(program, false).find("private mount namespace"), std::string::npos);
  EXPECT_NE(PowerLossUnavailableReason("/no/such/program", true).find("/no/such/program"), std::string::npos);
}

}  // namespace
}  // namespace lockstep::faults
