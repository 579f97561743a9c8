#include "harness/property/reachable_cache.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>

namespace lockstep::harness {
namespace {

namespace ex = lockstep::model::explore;
namespace fs = std::filesystem;

class ReachableCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string templ = (fs::temp_directory_path() / "lockstep-reachable-XXXXXX").string();
    ASSERT_NE(mkdtemp(templ.data()), nullptr);
    dir_ = templ;
  }
  void TearDown() override {
    SetReachableCacheDir({});
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  // A search that counts its calls.
  ex::CoverageSet Search(const std::string& bounds) {
    ++searches_;
    return {"toy", bounds, {1, 2, 3}, {7, 9}};
  }
  ex::CoverageSet Load(const std::string& bounds) {
    return LoadReachable("toy", bounds, [&] { return Search(bounds); });
  }
  static bool Same(const ex::CoverageSet& a, const ex::CoverageSet& b) {
    return a.protocol == b.protocol && a.bounds == b.bounds && a.states == b.states &&
           a.transitions == b.transitions;
  }
  fs::path dir_;
  int searches_ = 0;
};

TEST_F(ReachableCacheTest, WithoutADirectoryEveryLoadSearches) {
  Load("n=1");
  Load("n=1");
  EXPECT_EQ(searches_, 2);
  EXPECT_TRUE(ReachableCacheFile("toy").empty());
}

// The second process of a campaign reads what the first wrote, and searches nothing.
TEST_F(ReachableCacheTest, ASecondLoadReadsTheFileTheFirstWrote) {
  SetReachableCacheDir(dir_ / "coverage");
  const auto first = Load("n=1");
  ASSERT_TRUE(fs::exists(ReachableCacheFile("toy"))) << ReachableCacheFile("toy");
  EXPECT_EQ(ReachableCacheFile("toy").parent_path(), dir_ / "coverage");
  const auto second = Load("n=1");
  EXPECT_EQ(searches_, 1);
  EXPECT_TRUE(Same(first, second));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_ / "coverage"), fs::directory_iterator()), 1)
      << "a temporary file was left beside the cache";
}

TEST_F(ReachableCacheTest, OtherBoundsOrADamagedFileAreSearchedAgain) {
  SetReachableCacheDir(dir_);
  Load("n=1");
  const auto other = Load("n=2");
  EXPECT_EQ(searches_, 2);
  EXPECT_EQ(other.bounds, "n=2");
  std::ofstream(ReachableCacheFile("toy"), std::ios::trunc) << "lockstep-coverage 1\nprotocol toy\n";
  Load("n=2");
  EXPECT_EQ(searches_, 3);
  Load("n=2");
  EXPECT_EQ(searches_, 3) << "the rewritten file is read again";
}

TEST_F(ReachableCacheTest, AnUnwritableCacheStillGivesTheSearchedSet) {
  std::ofstream(dir_ / "file") << "x";
  SetReachableCacheDir(dir_ / "file");  // a directory that cannot be made
  const auto set = Load("n=1");
  EXPECT_TRUE(Same(set, Search("n=1")));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);
}

}  // namespace
}  // namespace lockstep::harness
