#include "faults/reformat.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fstream>

#include "fault_test_env.h"
#include "impl/resync/journal.h"
#include "tests/support/test_env.h"

namespace lockstep::faults {
namespace {

class ReformatTest : public FaultTest {
 protected:
  std::filesystem::path Tool() const { return lockstep::testing::BinDir() / "journal-format"; }
  std::filesystem::path Set() const { return sandbox_->dir() / "journal-1"; }
  // Appends a stamp record as a txsys does the first time it opens a fresh set.
  void Stamp(const std::string& stamp) {
    auto journal = impl::resync::Journal::Open(Set().string());
    ASSERT_TRUE(journal) << journal.error().message;
    auto seq = journal->Append(nlohmann::json{{"type", "stamp"}, {"stamp", stamp}});
    ASSERT_TRUE(seq) << seq.error().message;
  }
  static constexpr const char* kStamp = "2003-01-30-08.07.42.278334";
};

TEST_F(ReformatTest, FormattingRemovesTheStampAsTheToolReportsIt) {
  Reformat first(Tool(), Set());
  ASSERT_TRUE(first.Inject());
  ASSERT_TRUE(first.Probe()) << first.Probe().error().message;
  Stamp(kStamp);  // a system opened the set and stamped it
  auto stamped = first.Stamp();
  ASSERT_TRUE(stamped) << stamped.error().message;
  EXPECT_EQ(*stamped, kStamp);
  Reformat again(Tool(), Set());
  ASSERT_TRUE(again.Inject());
  auto probe = again.Probe();
  EXPECT_TRUE(probe) << probe.error().message;
  auto fresh = again.Stamp();
  ASSERT_TRUE(fresh) << fresh.error().message;
  EXPECT_EQ(*fresh, "");
  EXPECT_EQ(again.kind(), "reformat");
  EXPECT_NE(again.mechanism().find("journal-format"), std::string::npos);
}

// The probe asks the tool, so a tool that exits 0 without formatting is caught.
TEST_F(ReformatTest, ProbeFailsWhenTheSetKeepsItsStamp) {
  Reformat first(Tool(), Set());
  ASSERT_TRUE(first.Inject());
  Stamp(kStamp);
  const std::filesystem::path lazy = sandbox_->dir() / "lazy-format";
  std::ofstream(lazy) << "#!/bin/sh\ncase \"$*\" in *--stamp*) exec '" << Tool().string()
                      << "' \"$@\";; esac\nexit 0\n";
  std::filesystem::permissions(lazy, std::filesystem::perms::owner_all);
  Reformat r(lazy, Set());
  ASSERT_TRUE(r.Inject());
  auto probe = r.Probe();
  ASSERT_FALSE(probe);
  EXPECT_NE(probe.error().message.find(std::string("still holds stamp ") + kStamp),
            std::string::npos)
      << probe.error().message;
}

TEST_F(ReformatTest, StampFailsOnASetThatWasNeverFormatted) {
  std::filesystem::create_directories(Set());
  Reformat r(Tool(), Set());
  auto stamp = r.Stamp();
  ASSERT_FALSE(stamp);
  EXPECT_NE(stamp.error().message.find("exit status 3"), std::string::npos)
      << stamp.error().message;
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
