// Unit tests of impl/state_transfer/database: applying inputs, log capacity, checksum, the
// atomic durable file, and the offline tools (--dump, --offline-synchronize).
#include "impl/state_transfer/database.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>

#include "harness/os/sandbox.h"
#include "impl/common/durable_file.h"
#include "tests/impl/st_cluster.h"

namespace lockstep::impl {
namespace {

using nlohmann::json;

LogEntry Set(std::uint64_t key, std::string name, std::string value) {
  return LogEntry{key, "set", std::move(name), std::move(value)};
}
LogEntry Del(std::uint64_t key, std::string name) { return LogEntry{key, "del", std::move(name), ""}; }

class DatabaseDir : public ::testing::Test {
 protected:
  void SetUp() override {
    auto sandbox = harness::Sandbox::Create();
    ASSERT_TRUE(sandbox) << sandbox.error().message;
    sandbox_.emplace(std::move(*sandbox));
    dir_ = sandbox_->dir().string();
  }
  std::optional<harness::Sandbox> sandbox_;  // removes dir_ and everything in it
  std::string dir_;
};

TEST(Database, ApplySetsAndDeletesRowsAndTrimsTheLog) {
  Database db;
  db.Apply(Set(1, "a", "1"), 2);
  db.Apply(Set(2, "b", "2"), 2);
  db.Apply(Del(3, "a"), 2);
  EXPECT_EQ(db.rows, (std::map<std::string, std::string>{{"b", "2"}}));
  EXPECT_EQ(db.last_update_key, 3u);
  ASSERT_EQ(db.log.size(), 2u);  // capacity 2: entry 1 was dropped
  EXPECT_EQ(db.log[0].update_key, 2u);
  EXPECT_EQ(db.log[1], Del(3, "a"));
}

TEST(Database, ZeroCapacityKeepsNoLog) {
  Database db;
  db.Apply(Set(1, "a", "1"), 0);
  EXPECT_TRUE(db.log.empty());
  EXPECT_EQ(db.last_update_key, 1u);
}

TEST(Database, ChecksumIsFnv1a64OfTheCanonicalText) {
  EXPECT_EQ(Fnv1a64Hex(""), "cbf29ce484222325");
  EXPECT_EQ(Fnv1a64Hex("a"), "af63dc4c8601ec8c");
  Database db;
  db.Apply(Set(7, "k", "v"), 10);
  EXPECT_EQ(db.Checksum(), Fnv1a64Hex(R"({"last_update_key":7,"rows":{"k":"v"}})"));
}

TEST(Database, ChecksumDependsOnRowsAndKeyOnly) {
  Database x, y;
  x.Apply(Set(1, "a", "1"), 10);
  x.Apply(Set(2, "b", "2"), 10);
  y.Apply(Set(1, "b", "2"), 1);  // different history and log, same rows...
  y.Apply(Set(2, "a", "1"), 1);
  EXPECT_EQ(x.Checksum(), y.Checksum());  // ...and same key: same checksum
  EXPECT_EQ(x.Checksum().size(), 16u);
  y.last_update_key = 3;
  EXPECT_NE(x.Checksum(), y.Checksum());
  y.last_update_key = 2;
  y.rows["a"] = "other";
  EXPECT_NE(x.Checksum(), y.Checksum());
}

TEST(Database, JsonRoundTripAndValidation) {
  Database db;
  db.Apply(Set(1, "a", "1"), 10);
  db.Apply(Del(2, "a"), 10);
  auto back = Database::FromJson(db.ToJson());
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_EQ(*back, db);
  EXPECT_FALSE(Database::FromJson(json{{"rows", 1}}).has_value());
  EXPECT_FALSE(LogEntryFromJson(json{{"update_key", 1}, {"kind", "put"}, {"key", "k"}}));
  EXPECT_FALSE(LogEntryFromJson(json{{"update_key", 1}, {"kind", "set"}, {"key", "k"}}));
}

TEST_F(DatabaseDir, MissingFileIsTheEmptyDatabase) {
  auto db = LoadDatabase(dir_);
  ASSERT_TRUE(db.has_value()) << db.error().message;
  EXPECT_EQ(*db, Database{});
  EXPECT_FALSE(LoadDatabase(dir_ + "/missing").has_value());
}

TEST_F(DatabaseDir, StoreIsAtomicAndLeavesNoStagingFile) {
  Database db;
  db.Apply(Set(1, "a", "1"), 10);
  ASSERT_TRUE(StoreDatabase(dir_, db).has_value());
  EXPECT_FALSE(std::filesystem::exists(StagingPath(DatabasePath(dir_))));
  auto back = LoadDatabase(dir_);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, db);
}

TEST_F(DatabaseDir, StagedButUncommittedDatabaseIsNotSeen) {
  Database old_db, new_db;
  old_db.Apply(Set(1, "a", "1"), 10);
  new_db = old_db;
  new_db.Apply(Set(2, "b", "2"), 10);
  ASSERT_TRUE(StoreDatabase(dir_, old_db).has_value());
  ASSERT_TRUE(StageDatabase(dir_, new_db).has_value());  // a crash here...
  EXPECT_EQ(*LoadDatabase(dir_), old_db);                  // ...leaves the old database
  ASSERT_TRUE(RemoveStaleStaging(dir_).has_value());
  EXPECT_FALSE(std::filesystem::exists(StagingPath(DatabasePath(dir_))));
  ASSERT_TRUE(StageDatabase(dir_, new_db).has_value());
  ASSERT_TRUE(CommitStagedDatabase(dir_).has_value());
  EXPECT_EQ(*LoadDatabase(dir_), new_db);
}

TEST_F(DatabaseDir, CorruptFileIsAnError) {
  std::ofstream(DatabasePath(dir_)) << "{not json";
  auto db = LoadDatabase(dir_);
  ASSERT_FALSE(db.has_value());
  EXPECT_NE(db.error().message.find("db.json"), std::string::npos);
}

TEST_F(DatabaseDir, DurableWriteFailureNamesPathAndErrno) {
  const Status s = WriteAndSync(dir_ + "/no/such/dir/file", "x");
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().errnum, ENOENT);
  EXPECT_NE(s.error().message.find("/no/such/dir/file"), std::string::npos);
  EXPECT_NE(s.error().message.find("[2]"), std::string::npos);
}

TEST_F(DatabaseDir, DumpAndOfflineSynchronizeTools) {
  const std::string from = dir_ + "/from", to = dir_ + "/to";
  std::filesystem::create_directories(from);
  std::filesystem::create_directories(to);
  Database db;
  db.Apply(Set(1, "a", "1"), 10);
  db.Apply(Set(2, "b", "2"), 10);
  ASSERT_TRUE(StoreDatabase(from, db).has_value());
  // `logger args...`: how it ended, and its output.
  const auto logger = [&](const std::vector<std::string>& args) {
    auto run = testing::RunTool(testing::BinDir() / "logger", args, dir_ + "/tool.out");
    EXPECT_TRUE(run) << run.error().message;
    return run.value_or(testing::ToolRun{});
  };
  auto run = logger({"--dump", "--data-dir", to});
  EXPECT_EQ(run.exit.Describe(), "exit 0");
  EXPECT_EQ(json::parse(run.output), Database{}.ToJson());  // missing database: empty
  EXPECT_EQ(logger({"--offline-synchronize", "--from", from, "--to", to}).exit.Describe(), "exit 0");
  run = logger({"--dump", "--data-dir", to});
  EXPECT_EQ(run.exit.Describe(), "exit 0");
  EXPECT_EQ(json::parse(run.output), db.ToJson());
  EXPECT_EQ(logger({"--offline-synchronize", "--from", from, "--to", dir_ + "/x"}).exit.Describe(),
            "exit 3");
  EXPECT_EQ(logger({"--dump"}).exit.Describe(), "exit 2");
}

}  // namespace
}  // namespace lockstep::impl
