#include "reports/report_file.h"

#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace lockstep::reports {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class ReportFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("lockstep-report-file-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(dir_, ec);
  }
  std::size_t Entries(const fs::path& dir) const {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), {}));
  }
  fs::path dir_;
};

TEST_F(ReportFileTest, WritesThenReadsBack) {
  const json doc = {{"reportFormat", "CTRF"}, {"n", 7}, {"s", "<&>"}};
  const fs::path path = dir_ / "report.json";
  ASSERT_TRUE(WriteJsonAtomically(path, doc));
  Result<json> back = ReadJson(path);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, doc);
  EXPECT_EQ(Entries(dir_), 1u) << "temporary file left behind";
}

TEST_F(ReportFileTest, ReplacesAnExistingReport) {
  const fs::path path = dir_ / "report.json";
  ASSERT_TRUE(WriteJsonAtomically(path, json{{"v", 1}}));
  ASSERT_TRUE(WriteJsonAtomically(path, json{{"v", 2}}));
  EXPECT_EQ((*ReadJson(path))["v"], 2);
  EXPECT_EQ(Entries(dir_), 1u);
}

TEST_F(ReportFileTest, InvalidUtf8IsReplacedNotFatal) {
  const fs::path path = dir_ / "report.json";
  ASSERT_TRUE(WriteJsonAtomically(path, json{{"log", std::string("bad \xff byte")}}));
  EXPECT_TRUE(ReadJson(path));
}

TEST_F(ReportFileTest, MissingDirectoryFailsNamingThePath) {
  const fs::path path = dir_ / "no-such-dir" / "report.json";
  Status s = WriteJsonAtomically(path, json::object());
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find(path.string()), std::string::npos) << s.error().message;
  EXPECT_EQ(s.error().errnum, ENOENT);
  EXPECT_NE(s.error().message.find("No such file or directory"), std::string::npos);
  EXPECT_EQ(Entries(dir_), 0u);
}

TEST_F(ReportFileTest, ParentIsAFileFails) {
  std::ofstream(dir_ / "plain").put('x');
  const fs::path path = dir_ / "plain" / "report.json";
  Status s = WriteJsonAtomically(path, json::object());
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().errnum, ENOTDIR);
  EXPECT_NE(s.error().message.find(path.string()), std::string::npos);
}

// A read-only tmpfs refuses everyone, root included (the test binary runs in a private mount
// namespace, see tests/test_main.cc). Without mount rights, a mode-0500 directory does for a
// non-root user.
TEST_F(ReportFileTest, UnwritableDirectoryFailsAndLeavesNothing) {
  const fs::path ro = dir_ / "ro";
  fs::create_directories(ro);
  const bool mounted = ::mount("lockstep-ro", ro.c_str(), "tmpfs", MS_RDONLY, "size=64k") == 0;
  if (!mounted) {
    if (::geteuid() == 0) GTEST_SKIP() << "root without mount rights bypasses permissions";
    fs::permissions(ro, fs::perms::owner_read | fs::perms::owner_exec);
  }
  Status s = WriteJsonAtomically(ro / "report.json", json::object());
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().errnum, mounted ? EROFS : EACCES);
  EXPECT_NE(s.error().message.find((ro / "report.json").string()), std::string::npos)
      << s.error().message;
  EXPECT_EQ(Entries(ro), 0u);
  if (mounted) ::umount2(ro.c_str(), MNT_DETACH);
}

// The temporary file is created and written, and only the rename fails: it must be removed.
TEST_F(ReportFileTest, FailedRenameRemovesTheTemporaryFile) {
  const fs::path path = dir_ / "report.json";
  fs::create_directories(path / "occupied");  // a non-empty directory cannot be replaced
  Status s = WriteJsonAtomically(path, json{{"v", 1}});
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("cannot rename"), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find(path.string()), std::string::npos);
  EXPECT_EQ(Entries(dir_), 1u) << "only the directory in the way remains";
  EXPECT_TRUE(fs::is_directory(path));
}

TEST_F(ReportFileTest, ReadMissingFileNamesIt) {
  Result<json> r = ReadJson(dir_ / "absent.json");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find((dir_ / "absent.json").string()), std::string::npos);
  EXPECT_EQ(r.error().errnum, ENOENT);
}

TEST_F(ReportFileTest, ReadInvalidJsonGivesByteOffset) {
  const fs::path path = dir_ / "broken.json";
  std::ofstream(path) << "{\"a\": 1,, }";
  Result<json> r = ReadJson(path);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find(path.string()), std::string::npos);
  EXPECT_NE(r.error().message.find("at byte 9"), std::string::npos) << r.error().message;
}

// A number beyond a double (found by fuzz/report_fuzz.cc): nlohmann throws out_of_range, not
// parse_error, and `lockstep report show` once died of it uncaught.
TEST_F(ReportFileTest, ReadNumberTooLargeIsRefused) {
  const fs::path path = dir_ / "huge.json";
  std::ofstream(path) << "10E7700";
  Result<json> r = ReadJson(path);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("is not valid JSON"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find(path.string()), std::string::npos);
  EXPECT_FALSE(ParseJson("{\"n\": -1e999}", "x.json"));
}

// 200,000 levels of nesting once overflowed the stack when the document was copied; now the
// reader refuses it, naming the file and the limit, and takes a document just within it.
TEST_F(ReportFileTest, ReadTooDeeplyNestedJsonIsRefused) {
  const fs::path path = dir_ / "deep.json";
  for (const char* open_close : {"[]", "{}"}) {
    const bool object = open_close[0] == '{';
    std::string text;
    for (int i = 0; i < 200'000; ++i) text += object ? "{\"a\":" : "[";
    text += "1";
    text += std::string(200'000, open_close[1]);
    std::ofstream(path) << text;
    Result<json> r = ReadJson(path);
    ASSERT_FALSE(r) << open_close;
    EXPECT_NE(r.error().message.find(path.string()), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("nested more than 256 levels"), std::string::npos)
        << r.error().message;
  }
  std::string within = std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
  std::ofstream(path) << within;
  EXPECT_TRUE(ReadJson(path)) << "a document exactly kMaxJsonDepth deep is read";
  std::ofstream(path) << "[" + within + "]";
  EXPECT_FALSE(ReadJson(path));
}

TEST_F(ReportFileTest, ReadDirectoryFails) {
  Result<json> r = ReadJson(dir_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().errnum, EISDIR);
}

}  // namespace
}  // namespace lockstep::reports
