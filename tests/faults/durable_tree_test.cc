// DurableTree without FUSE: the bookkeeping of faults/power_loss/durable_tree.h driven directly
// over a plain scratch directory, as the filesystem drives it, so that it also runs inside the
// sanitized test binary (the filesystem is a child process).
#include "faults/power_loss/durable_tree.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <fstream>
#include <set>

namespace lockstep::faults::power_loss {
namespace {

namespace fs = std::filesystem;

class PowerLossDurableTreeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string templ = (fs::temp_directory_path() / "lockstep-durable-tree-XXXXXX").string();
    ASSERT_NE(mkdtemp(templ.data()), nullptr);
    dir_ = templ;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  static void Put(const fs::path& file, const std::string& bytes) { std::ofstream(file, std::ios::binary) << bytes; }
  static std::string Get(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return "<missing>";
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  std::set<std::string> Names(const fs::path& d) const {
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(d)) names.insert(e.path().filename().string());
    return names;
  }
  // What the filesystem does for a create, then a write.
  NodeId Create(DurableTree& tree, const std::string& path, const std::string& bytes) {
    Put(dir_.string() + path, bytes);
    const NodeId node = tree.Created(path, false, 0644, getuid(), getgid());
    tree.Wrote(node, 0, bytes);
    return node;
  }
  fs::path dir_;
};

TEST_F(PowerLossDurableTreeTest, LoadTakesEverythingAsDurable) {
  fs::create_directory(dir_ / "d");
  Put(dir_ / "d" / "f", "f");
  ASSERT_EQ(link((dir_ / "d" / "f").c_str(), (dir_ / "g").c_str()), 0);
  auto tree = DurableTree::Load(dir_);
  ASSERT_TRUE(tree) << tree.error().message;
  EXPECT_EQ(tree->Resolve("/d/f"), tree->Resolve("/g"));
  EXPECT_TRUE(tree->IsDirectory(*tree->Resolve("/d")));
  EXPECT_FALSE(tree->Resolve("/nope"));
  Put(dir_ / "d" / "f", "changed behind the tree's back");
  auto counts = tree->Restore(dir_, 0);
  ASSERT_TRUE(counts) << counts.error().message;
  EXPECT_EQ(Get(dir_ / "g"), "f");
  EXPECT_EQ(counts->files, 1);
  EXPECT_EQ(counts->directories, 2);
}

TEST_F(PowerLossDurableTreeTest, RestoreKeepsSyncedBytesAndSyncedNamesOnly) {
  auto tree = DurableTree::Load(dir_);
  ASSERT_TRUE(tree);
  const NodeId a = Create(*tree, "/a", "a-synced");
  tree->SyncFile(a, "a-synced");
  tree->SyncDirectory(kRoot);
  Put(dir_ / "a", "a-unsynced");
  Create(*tree, "/b", "b never named durably");
  auto counts = tree->Restore(dir_, 0);
  ASSERT_TRUE(counts);
  EXPECT_EQ(Names(dir_), std::set<std::string>{"a"});
  EXPECT_EQ(Get(dir_ / "a"), "a-synced");
  EXPECT_EQ(tree->Resolve("/a"), a);
  EXPECT_FALSE(tree->Resolve("/b")) << "the live tree is the durable one after a restore";
}

TEST_F(PowerLossDurableTreeTest, ATornWriteKeepsItsPrefixOverTheDurableBytes) {
  auto tree = DurableTree::Load(dir_);
  ASSERT_TRUE(tree);
  const NodeId a = Create(*tree, "/a", "0123456789");
  tree->SyncFile(a, "0123456789");
  tree->SyncDirectory(kRoot);
  tree->Wrote(a, 8, "ABCDEF");  // past the end: the kept prefix extends the file
  ASSERT_TRUE(tree->Restore(dir_, 4));
  EXPECT_EQ(Get(dir_ / "a"), "01234567ABCD");
  ASSERT_TRUE(tree->Restore(dir_, 4)) << "a restore forgets the last write";
  EXPECT_EQ(Get(dir_ / "a"), "01234567ABCD");
}

TEST_F(PowerLossDurableTreeTest, DirectoryCyclesLeftByRenamesAreCut) {
  auto tree = DurableTree::Load(dir_);
  ASSERT_TRUE(tree);
  fs::create_directory(dir_ / "a");
  fs::create_directory(dir_ / "b");
  tree->Created("/a", true, 0755, getuid(), getgid());
  tree->Created("/b", true, 0755, getuid(), getgid());
  tree->SyncDirectory(kRoot);  // durable: /a, /b
  fs::rename(dir_ / "b", dir_ / "a" / "b");
  tree->Renamed("/b", "/a/b");
  tree->SyncDirectory(*tree->Resolve("/a"));  // durable: a -> b
  fs::rename(dir_ / "a" / "b", dir_ / "b");
  tree->Renamed("/a/b", "/b");
  fs::rename(dir_ / "a", dir_ / "b" / "a");
  tree->Renamed("/a", "/b/a");
  tree->SyncDirectory(*tree->Resolve("/b"));  // durable: b -> a; a cycle a -> b -> a
  auto counts = tree->Restore(dir_, 0);
  ASSERT_TRUE(counts) << counts.error().message;
  EXPECT_EQ(counts->dropped_names, 2);
  EXPECT_EQ(Names(dir_), std::set<std::string>{"a"});
  EXPECT_EQ(Names(dir_ / "a"), std::set<std::string>{"b"});
  EXPECT_TRUE(fs::is_empty(dir_ / "a" / "b"));
}

TEST_F(PowerLossDurableTreeTest, LoadRefusesSymlinksNamingThem) {
  ASSERT_EQ(symlink("x", (dir_ / "l").c_str()), 0);
  auto tree = DurableTree::Load(dir_);
  ASSERT_FALSE(tree);
  EXPECT_NE(tree.error().message.find((dir_ / "l").string()), std::string::npos) << tree.error().message;
  auto missing = DurableTree::Load(dir_ / "missing");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find((dir_ / "missing").string()), std::string::npos);
}

}  // namespace
}  // namespace lockstep::faults::power_loss
