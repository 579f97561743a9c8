#include "harness/os/sandbox.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/magic.h>
#include <poll.h>
#include <sched.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <memory>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "harness/os/mount_namespace.h"

namespace lockstep::harness {
namespace {

namespace fs = std::filesystem;

// Mount points (field 5 of /proc/self/mountinfo) at or under `top`.
std::vector<std::string> MountsUnder(const fs::path& top) {
  std::ifstream in("/proc/self/mountinfo");
  std::vector<std::string> found;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string id, parent, devs, root, mount_point;
    fields >> id >> parent >> devs >> root >> mount_point;
    if (mount_point == top.string() || mount_point.starts_with(top.string() + "/")) {
      found.push_back(mount_point);
    }
  }
  return found;
}

bool IsTmpfs(const fs::path& p) {
  struct statfs s {};
  return statfs(p.c_str(), &s) == 0 && static_cast<unsigned long>(s.f_type) == TMPFS_MAGIC;
}

std::uint64_t FsBytes(const fs::path& p) {
  struct statfs s {};
  if (statfs(p.c_str(), &s) != 0) return 0;
  return static_cast<std::uint64_t>(s.f_blocks) * s.f_bsize;
}

void WriteFile(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

// A forked child standing in for another lockstep process: it enters its own private mount
// namespace (as every lockstep process does), then runs `setup`, says so, and waits; Finish()
// lets it run `finish` and exit, and reaps it. Each step returns 0 for success, else the
// child's exit code. The child never returns into the test.
class OtherProcess {
 public:
  using Step = std::function<int()>;
  OtherProcess(Step setup, Step finish) {
    int to_child[2], to_parent[2];
    if (pipe2(to_child, O_CLOEXEC) != 0 || pipe2(to_parent, O_CLOEXEC) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      close(to_child[1]);
      close(to_parent[0]);
      _exit(RunChild(setup, finish, to_child[0], to_parent[1]));
    }
    close(to_child[0]);
    close(to_parent[1]);
    go_ = to_child[1];
    ready_ = to_parent[0];
  }
  ~OtherProcess() {
    if (pid_ > 0 && !reaped_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (go_ >= 0) close(go_);
    if (ready_ >= 0) close(ready_);
  }

  // True once `setup` has succeeded in the child (waits at most 10 s, never blindly).
  bool WaitReady() {
    pollfd p{ready_, POLLIN, 0};
    char c = 0;
    return pid_ > 0 && poll(&p, 1, 10'000) == 1 && read(ready_, &c, 1) == 1 && c == 'r';
  }
  // Lets the child run `finish` and exit; returns its exit code (-1 if it did not exit).
  int Finish() { return write(go_, "x", 1) == 1 ? Wait() : -1; }
  // Waits for the child to exit (all its files closed, its locks dropped); its exit code.
  int Wait() {
    int status = 0;
    if (waitpid(pid_, &status, 0) != pid_) return -1;
    reaped_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

 private:
  static int RunChild(const Step& setup, const Step& finish, int go, int ready) {
    if (unshare(CLONE_NEWNS) != 0) return 90;
    if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return 91;
    if (int rc = setup(); rc != 0) return rc;
    if (write(ready, "r", 1) != 1) return 92;
    char c = 0;
    if (read(go, &c, 1) != 1) return 93;
    return finish();
  }

  pid_t pid_ = -1;
  int go_ = -1, ready_ = -1;
  bool reaped_ = false;
};

class SandboxTest : public testing::Test {
 protected:
  void SetUp() override {
    std::string templ = (fs::temp_directory_path() / "lockstep-sandbox-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(templ.data()), nullptr);
    root_ = fs::canonical(templ);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  Sandbox MakeSandbox() {
    auto s = Sandbox::Create({.root = root_, .tmpfs_bytes = 8 << 20});
    if (!s) ADD_FAILURE() << s.error().message;
    return std::move(*s);
  }
  fs::path root_;
};

// Tests of the isolated sandbox: skipped, visibly, where no private mount namespace exists.
class IsolatedSandboxTest : public SandboxTest {
 protected:
  void SetUp() override {
    if (!InPrivateMountNamespace()) GTEST_SKIP() << "needs a private mount namespace (run as root)";
    SandboxTest::SetUp();
  }
};

TEST_F(IsolatedSandboxTest, MountsATmpfsOverItsOwnRunDirNeverOverTheRoot) {
  Sandbox a = MakeSandbox();
  EXPECT_TRUE(a.isolated());
  EXPECT_EQ(a.dir().parent_path(), root_);
  EXPECT_TRUE(a.dir().filename().string().starts_with("run-"));
  EXPECT_TRUE(IsTmpfs(a.dir()));
  EXPECT_EQ(FsBytes(a.dir()), 8u << 20);
  Sandbox b = MakeSandbox();
  EXPECT_NE(a.dir(), b.dir());
  std::vector<std::string> mounts = MountsUnder(root_);
  std::sort(mounts.begin(), mounts.end());
  std::vector<std::string> expected{a.dir().string(), b.dir().string()};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(mounts, expected) << "one tmpfs per run directory, none over the shared root";
}

TEST_F(IsolatedSandboxTest, MakeDirWithOwnTmpfsMountsASizeLimitedTmpfs) {
  Sandbox s = MakeSandbox();
  auto dir = s.MakeDir("side-A/data", 1 << 20);
  ASSERT_TRUE(dir) << dir.error().message;
  EXPECT_EQ(*dir, s.dir() / "side-A" / "data");
  EXPECT_TRUE(IsTmpfs(*dir));
  EXPECT_EQ(FsBytes(*dir), 1u << 20);
  struct stat here {}, parent {};
  ASSERT_EQ(stat(dir->c_str(), &here), 0);
  ASSERT_EQ(stat(dir->parent_path().c_str(), &parent), 0);
  EXPECT_NE(here.st_dev, parent.st_dev) << "its own mount, not a subdirectory of the root tmpfs";
  EXPECT_EQ(MountsUnder(s.dir() / "side-A"), std::vector<std::string>{dir->string()});
  auto again = s.MakeDir("side-A/data", 1 << 20);
  EXPECT_FALSE(again) << "a second tmpfs on the same directory would hide the first";
}

TEST_F(SandboxTest, MakeDirWithoutTmpfsIsIdempotentAndRefusesEscapes) {
  Sandbox s = MakeSandbox();
  auto a = s.MakeDir("x/y");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_TRUE(fs::is_directory(*a));
  EXPECT_TRUE(s.MakeDir("x/y"));
  EXPECT_FALSE(s.MakeDir("../escape"));
  EXPECT_FALSE(s.MakeDir("x/../../escape"));
  EXPECT_FALSE(s.MakeDir("/tmp/abs"));
  EXPECT_FALSE(s.MakeDir(""));
  EXPECT_FALSE(s.MakeDir("z", 0));
  EXPECT_FALSE(fs::exists(root_ / "escape"));
}

TEST_F(SandboxTest, DestructorUnmountsEverythingAndLeavesRootEmpty) {
  {
    Sandbox s = MakeSandbox();
    if (s.isolated()) {
      ASSERT_TRUE(s.MakeDir("a/b", 1 << 20));
      ASSERT_TRUE(s.MakeDir("a/b/c", 1 << 20));  // nested: must go innermost first
      WriteFile(s.dir() / "a/b/c/file", "data");
    }
    ASSERT_TRUE(s.MakeDir("plain/dir"));
    WriteFile(s.dir() / "plain/dir/file", "data");
  }
  EXPECT_TRUE(MountsUnder(root_).empty());
  EXPECT_TRUE(fs::is_directory(root_));
  EXPECT_TRUE(fs::is_empty(root_));
}

TEST_F(IsolatedSandboxTest, RemoveDirUnmountsAndDeletesSoItCanBeMadeAgain) {
  Sandbox s = MakeSandbox();
  ASSERT_TRUE(s.MakeDir("scenario/A/data", 1 << 20));
  ASSERT_TRUE(s.MakeDir("scenario/B/data", 1 << 20));
  WriteFile(s.dir() / "scenario/A/data/f", "x");
  ASSERT_TRUE(s.MakeDir("other"));
  auto removed = s.RemoveDir("scenario");
  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_FALSE(fs::exists(s.dir() / "scenario"));
  EXPECT_TRUE(fs::exists(s.dir() / "other"));
  EXPECT_TRUE(MountsUnder(s.dir() / "scenario").empty());
  EXPECT_TRUE(s.RemoveDir("scenario")) << "removing a missing directory is not an error";
  auto again = s.MakeDir("scenario/A/data", 1 << 20);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_TRUE(IsTmpfs(*again));
  EXPECT_TRUE(fs::is_empty(*again));
}

TEST_F(SandboxTest, RemoveDirDotEmptiesTheRunDirButKeepsIt) {
  Sandbox s = MakeSandbox();
  ASSERT_TRUE(s.MakeDir("a"));
  WriteFile(s.dir() / "f", "x");
  ASSERT_TRUE(s.RemoveDir("."));
  EXPECT_TRUE(fs::is_directory(s.dir()));
  EXPECT_TRUE(fs::is_empty(s.dir()));
  EXPECT_FALSE(s.RemoveDir("../.."));
}

TEST_F(SandboxTest, ContainsIsLexicalAndDoesNotFollowSymlinksOut) {
  Sandbox s = MakeSandbox();
  EXPECT_TRUE(s.Contains(s.dir()));
  EXPECT_TRUE(s.Contains(s.dir() / "a/b"));
  EXPECT_TRUE(s.Contains(s.dir() / "a/../b"));
  EXPECT_FALSE(s.Contains(s.dir() / ".." / "other"));
  EXPECT_FALSE(s.Contains(s.dir().parent_path()));
  EXPECT_FALSE(s.Contains(s.dir().string() + "x"));  // a sibling sharing the prefix
  EXPECT_FALSE(s.Contains("/"));
  EXPECT_FALSE(s.Contains("relative/path"));
  fs::create_directory_symlink("/etc", s.dir() / "link");
  EXPECT_FALSE(s.Contains(s.dir() / "link"));
  EXPECT_FALSE(s.Contains(s.dir() / "link/passwd"));
}

TEST_F(SandboxTest, DestroyingOneSandboxLeavesAnotherOnTheRootIntact) {
  auto a = std::make_unique<Sandbox>(MakeSandbox());
  Sandbox b = MakeSandbox();
  WriteFile(b.dir() / "kept", "x");
  const fs::path a_dir = a->dir();
  a.reset();
  EXPECT_FALSE(fs::exists(a_dir));
  EXPECT_TRUE(fs::exists(b.dir() / "kept"));
  EXPECT_EQ(IsTmpfs(b.dir()), b.isolated());
  Sandbox moved = std::move(b);
  EXPECT_TRUE(fs::exists(moved.dir() / "kept"));
  EXPECT_TRUE(b.dir().empty());
}

TEST_F(SandboxTest, WithoutANamespaceTheSandboxIsAPlainDirAndRefusesTmpfs) {
  if (InPrivateMountNamespace()) GTEST_SKIP() << "covers the unprivileged fallback only";
  Sandbox s = MakeSandbox();
  EXPECT_FALSE(s.isolated());
  EXPECT_EQ(s.dir().parent_path(), root_);
  auto d = s.MakeDir("data", 1 << 20);
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().message.find("private mount namespace"), std::string::npos) << d.error().message;
}

TEST_F(SandboxTest, CreatesAMissingRootWithMode0700) {
  const fs::path root = root_ / "nested" / "root";
  {
    auto s = Sandbox::Create({.root = root, .tmpfs_bytes = 1 << 20});
    ASSERT_TRUE(s) << s.error().message;
    struct stat st {};
    ASSERT_EQ(stat(root.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0700u);
  }
  EXPECT_TRUE(MountsUnder(root).empty());
  EXPECT_TRUE(fs::is_directory(root)) << "a root is never removed: another run may be using it";
  EXPECT_TRUE(fs::is_empty(root));
}

TEST_F(SandboxTest, RootThatIsAFileIsAnErrorNamingIt) {
  WriteFile(root_ / "file", "x");
  auto s = Sandbox::Create({.root = root_ / "file"});
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find((root_ / "file").string()), std::string::npos) << s.error().message;
}

// Another process (its own namespace, as every lockstep process) makes the root, then ends its
// sandbox while ours lives. Before the fix its exit removed the root, which detached our tmpfs
// over it: our run directory vanished and MakeDir went on to recreate it on the host.
TEST_F(IsolatedSandboxTest, ASandboxEndedByAnotherProcessLeavesOursIntact) {
  const fs::path root = root_ / "shared";  // missing: the other process creates it
  std::unique_ptr<Sandbox> theirs;
  OtherProcess other(
      [&] {
        auto s = Sandbox::Create({.root = root, .tmpfs_bytes = 1 << 20});
        if (!s) return 1;
        theirs = std::make_unique<Sandbox>(std::move(*s));
        return 0;
      },
      [&] {
        theirs.reset();
        return 0;
      });
  ASSERT_TRUE(other.WaitReady()) << "the other process could not make its sandbox";
  auto ours = Sandbox::Create({.root = root, .tmpfs_bytes = 1 << 20});
  ASSERT_TRUE(ours) << ours.error().message;
  WriteFile(ours->dir() / "kept", "x");
  ASSERT_EQ(other.Finish(), 0);

  EXPECT_TRUE(fs::exists(ours->dir() / "kept")) << "our sandbox was torn down by the other's exit";
  EXPECT_TRUE(IsTmpfs(ours->dir()));
  EXPECT_EQ(MountsUnder(root), std::vector<std::string>{ours->dir().string()});
  auto made = ours->MakeDir("after", 1 << 20);
  ASSERT_TRUE(made) << made.error().message;
  EXPECT_TRUE(IsTmpfs(*made));
  std::vector<fs::path> on_host;
  for (const auto& e : fs::directory_iterator(root)) on_host.push_back(e.path());
  EXPECT_EQ(on_host, std::vector<fs::path>{ours->dir()}) << "the other run left its directory";
}

// Our run directory removed from another namespace detaches our tmpfs: from then on the path
// leads to the host, and the sandbox must refuse to write there rather than recreate it.
TEST_F(IsolatedSandboxTest, RefusesToWriteOnceItsRunDirIsGoneFromOutside) {
  Sandbox s = MakeSandbox();
  const fs::path dir = s.dir();
  OtherProcess remover(
      [&] {
        if (umount2(dir.c_str(), MNT_DETACH) != 0) return 1;  // its copy of our mount
        return rmdir(dir.c_str()) == 0 ? 0 : 2;
      },
      [] { return 0; });
  ASSERT_TRUE(remover.WaitReady()) << "could not remove the run directory from outside";
  ASSERT_EQ(remover.Finish(), 0);
  ASSERT_FALSE(fs::exists(dir)) << "the kernel kept our tmpfs over a removed directory";
  auto made = s.MakeDir("case-1/data");
  ASSERT_FALSE(made) << "recreated " << *made << " outside any sandbox";
  EXPECT_NE(made.error().message.find(dir.string()), std::string::npos) << made.error().message;
  EXPECT_FALSE(s.RemoveDir("case-1"));
  EXPECT_FALSE(fs::exists(dir)) << "the run directory was made again on the host";
}

// A run killed with SIGKILL (here: a child that exits without ending its sandbox) leaves its
// run directory empty and unlocked; the next Sandbox on the root removes it, and nothing else.
TEST_F(IsolatedSandboxTest, RemovesTheDirectoryOfADeadRunAndNothingElse) {
  OtherProcess dead(
      [&] {
        auto s = Sandbox::Create({.root = root_, .tmpfs_bytes = 1 << 20});
        if (!s) return 1;
        WriteFile(s->dir() / "file", "gone with its tmpfs");
        _exit(0);  // no destructor: as after SIGKILL
      },
      [] { return 0; });
  EXPECT_FALSE(dead.WaitReady());
  ASSERT_EQ(dead.Wait(), 0);
  std::vector<fs::path> left;
  for (const auto& e : fs::directory_iterator(root_)) left.push_back(e.path());
  ASSERT_EQ(left.size(), 1u) << "the dead run left no directory to remove";
  EXPECT_TRUE(fs::is_empty(left[0])) << "its files outlived its namespace";
  const fs::path busy = root_ / "run-Locked", full = root_ / "run-Filled";
  fs::create_directory(busy);
  fs::create_directory(full);
  WriteFile(full / "data", "x");
  const int lock = open(busy.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ASSERT_EQ(flock(lock, LOCK_EX), 0);

  Sandbox next = MakeSandbox();
  EXPECT_FALSE(fs::exists(left[0])) << "the dead run's directory was not removed";
  EXPECT_TRUE(fs::exists(busy)) << "removed a locked (live) run directory";
  EXPECT_TRUE(fs::exists(full / "data")) << "removed a directory that was not empty";
  close(lock);
}

}  // namespace
}  // namespace lockstep::harness
