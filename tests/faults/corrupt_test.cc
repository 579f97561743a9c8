#include "faults/corrupt.h"

#include <fstream>
#include <iterator>

#include "fault_test_env.h"
#include "faults/reformat.h"
#include "impl/resync/journal.h"
#include "tests/support/test_env.h"

namespace lockstep::faults {
namespace {

std::string Bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A real journal set (journal-format, then records appended as a txsys appends them), damaged
// through the tool's listing, and then opened as a txsys opens it.
class CorruptTest : public FaultTest {
 protected:
  std::filesystem::path Tool() const { return lockstep::testing::BinDir() / "journal-format"; }
  std::filesystem::path Set() const { return sandbox_->dir() / "journal-1"; }
  std::filesystem::path File() const { return Set() / impl::resync::kJournalFile; }
  // The format record, a stamp and `extra` partner records after it.
  void MakeJournal(int extra) {
    Reformat format(Tool(), Set());
    ASSERT_TRUE(format.Inject());
    auto journal = impl::resync::Journal::Open(Set().string());
    ASSERT_TRUE(journal) << journal.error().message;
    ASSERT_TRUE(journal->Append(nlohmann::json{{"type", "stamp"}, {"stamp", "2003-01-30"}}));
    for (int i = 0; i < extra; ++i) {
      ASSERT_TRUE(journal->Append(nlohmann::json{
          {"type", "partner"}, {"partner", "SYSTEM74"}, {"stamp", "s"}, {"startup", "u"}}));
    }
  }
};

// Every damage on every record that has a successor: proved on disk, and a txsys opening the
// set refuses naming the file and the offset, leaving the file as it is.
TEST_F(CorruptTest, EveryDamageOfAMiddleRecordMakesRecoveryRefuse) {
  for (const char* field : {"magic", "length", "crc", "payload", "sector"}) {
    for (int record = 0; record < 3; ++record) {
      SCOPED_TRACE(std::string(field) + " of record " + std::to_string(record));
      std::filesystem::remove_all(Set());
      std::filesystem::create_directories(Set());
      MakeJournal(2);
      const std::string before = Bytes(File());
      Corrupt corrupt(Tool(), Set(), record, field, 0);
      ASSERT_TRUE(corrupt.Inject());
      auto probe = corrupt.Probe();
      ASSERT_TRUE(probe) << probe.error().message;
      const std::string damaged = Bytes(File());
      EXPECT_NE(damaged, before);
      EXPECT_EQ(damaged.size(), before.size());
      EXPECT_EQ(corrupt.kind(), "corrupt");
      EXPECT_NE(corrupt.mechanism().find("journal.dat"), std::string::npos) << corrupt.mechanism();
      auto opened = impl::resync::Journal::Open(Set().string());
      ASSERT_FALSE(opened) << "recovery accepted " << corrupt.mechanism();
      EXPECT_NE(opened.error().message.find(File().string()), std::string::npos)
          << opened.error().message;
      EXPECT_NE(opened.error().message.find("offset"), std::string::npos) << opened.error().message;
      EXPECT_EQ(Bytes(File()), damaged) << "a refused recovery changed the file";
    }
  }
}

// The record is taken modulo the records that have a successor: never the last one.
TEST_F(CorruptTest, NeverDamagesTheLastRecord) {
  MakeJournal(0);  // format + stamp: only record 0 qualifies
  Corrupt corrupt(Tool(), Set(), 3, "payload", 3);
  ASSERT_TRUE(corrupt.Inject());
  EXPECT_NE(corrupt.mechanism().find("record 0 at offset 0"), std::string::npos)
      << corrupt.mechanism();
}

TEST_F(CorruptTest, AFreshlyFormattedSetCannotBeCorrupted) {
  Reformat format(Tool(), Set());
  ASSERT_TRUE(format.Inject());
  const std::string before = Bytes(File());
  Corrupt corrupt(Tool(), Set(), 0, "length", 1);
  auto injected = corrupt.Inject();
  ASSERT_FALSE(injected);
  EXPECT_NE(injected.error().message.find("1 record(s)"), std::string::npos)
      << injected.error().message;
  EXPECT_EQ(Bytes(File()), before);
  EXPECT_FALSE(corrupt.Probe());
}

TEST(RecordListing, RefusesWhatIsNotAListing) {
  const std::string good =
      R"({"file":"j","offset":0,"size":20,"fields":[{"name":"a","offset":0,"size":20}]})";
  ASSERT_TRUE(ParseRecordListing(good + "\n"));
  for (const std::string bad : {
           std::string("not json"),
           std::string(R"({"offset":0,"size":1,"fields":[{"name":"a","offset":0,"size":1}]})"),
           std::string(R"({"file":"../x","offset":0,"size":1,"fields":[{"name":"a","offset":0,"size":1}]})"),
           std::string(R"({"file":"j","offset":-1,"size":1,"fields":[{"name":"a","offset":0,"size":1}]})"),
           std::string(R"({"file":"j","offset":0,"size":1,"fields":[]})"),
           std::string(R"({"file":"j","offset":0,"size":4,"fields":[{"name":"a","offset":2,"size":4}]})"),
           good + "\n" + R"({"file":"k","offset":20,"size":1,"fields":[{"name":"a","offset":20,"size":1}]})",
       }) {
    auto parsed = ParseRecordListing(bad);
    EXPECT_FALSE(parsed) << bad;
    if (!parsed) EXPECT_NE(parsed.error().message.find("line"), std::string::npos);
  }
}

TEST(RecordListing, AnUnknownFieldNameFallsBackToThePosition) {
  auto records = ParseRecordListing(
      R"({"file":"j","offset":0,"size":4,"fields":[{"name":"x","offset":0,"size":2},{"name":"y","offset":2,"size":2}]})"
      "\n"
      R"({"file":"j","offset":4,"size":4,"fields":[{"name":"x","offset":4,"size":4}]})");
  ASSERT_TRUE(records) << records.error().message;
  auto damage = PlanDamage(*records, std::string(8, 'a'), 0, "crc", 3);
  ASSERT_TRUE(damage) << damage.error().message;
  EXPECT_EQ(damage->offset, 3u);  // field 3 % 2 = "y", its last byte
  EXPECT_EQ(damage->bytes, std::string(1, static_cast<char>('a' ^ 0x80)));
}

}  // namespace
}  // namespace lockstep::faults
