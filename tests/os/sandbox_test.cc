#include "harness/os/sandbox.h"

#include <gtest/gtest.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

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

TEST_F(IsolatedSandboxTest, MountsTmpfsOverRootAndMakesAUniqueRunDir) {
  Sandbox a = MakeSandbox();
  EXPECT_TRUE(a.isolated());
  EXPECT_TRUE(IsTmpfs(root_));
  EXPECT_EQ(FsBytes(root_), 8u << 20);
  EXPECT_EQ(a.dir().parent_path(), root_);
  EXPECT_TRUE(a.dir().filename().string().starts_with("run-"));
  EXPECT_TRUE(fs::is_directory(a.dir()));
  Sandbox b = MakeSandbox();
  EXPECT_NE(a.dir(), b.dir());
  EXPECT_EQ(MountsUnder(root_).size(), 1u) << "two sandboxes on one root share its tmpfs";
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
  EXPECT_EQ(MountsUnder(s.dir()), std::vector<std::string>{dir->string()});
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
  EXPECT_TRUE(MountsUnder(s.dir()).empty());
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

TEST_F(IsolatedSandboxTest, RootTmpfsStaysWhileAnySandboxUsesIt) {
  auto a = std::make_unique<Sandbox>(MakeSandbox());
  Sandbox b = MakeSandbox();
  a.reset();
  EXPECT_TRUE(IsTmpfs(root_));
  EXPECT_TRUE(fs::is_directory(b.dir()));
  Sandbox moved = std::move(b);
  EXPECT_TRUE(fs::is_directory(moved.dir()));
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
}

TEST_F(SandboxTest, RootThatIsAFileIsAnErrorNamingIt) {
  WriteFile(root_ / "file", "x");
  auto s = Sandbox::Create({.root = root_ / "file"});
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find((root_ / "file").string()), std::string::npos) << s.error().message;
}

}  // namespace
}  // namespace lockstep::harness
