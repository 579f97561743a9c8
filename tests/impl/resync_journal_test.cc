// Unit tests of the resync journal (impl/resync/journal.h) and of the state rebuilt from it
// (impl/resync/journal_state.h).
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "faults/capability_less_child.h"
#include "impl/resync/journal.h"
#include "impl/resync/journal_state.h"
#include "impl/resync/timestamp.h"

namespace lockstep::impl::resync {
namespace {

using nlohmann::json;

class JournalTest : public ::testing::Test {
 protected:
  JournalTest() {
    char pattern[] = "/tmp/lrsj-XXXXXX";
    root_ = mkdtemp(pattern);
    dir_ = root_ + "/journal";
  }
  ~JournalTest() override {
    chmod(dir_.c_str(), 0755);
    std::filesystem::remove_all(root_);
  }
  std::string File() const { return dir_ + "/" + kJournalFile; }
  std::string Bytes() const {
    std::ifstream in(File(), std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  void WriteBytes(const std::string& bytes) const {
    std::ofstream(File(), std::ios::binary | std::ios::trunc) << bytes;
  }
  // Formats, then appends `n` records of type "stamp"; returns the file size after each.
  std::vector<std::size_t> FormatAndAppend(int n) {
    EXPECT_TRUE(FormatJournal(dir_).has_value());
    std::vector<std::size_t> sizes{Bytes().size()};
    auto journal = Journal::Open(dir_);
    EXPECT_TRUE(journal.has_value());
    for (int i = 0; i < n; ++i) {
      EXPECT_TRUE(journal->Append(json{{"type", "stamp"}, {"stamp", std::to_string(i)}}));
      sizes.push_back(Bytes().size());
    }
    return sizes;
  }

  std::string root_, dir_;
};

TEST(Crc32Test, KnownVector) {
  EXPECT_EQ(Crc32("123456789"), 0xCBF43926u);
  EXPECT_EQ(Crc32(""), 0u);
}

TEST(TimestampTest, FormatAndUniqueness) {
  const std::string a = NewTimestamp(), b = NewTimestamp();
  EXPECT_TRUE(IsTimestamp(a)) << a;
  EXPECT_NE(a, b);
  EXPECT_LT(a, b);
  EXPECT_EQ(FormatTimestamp(1043914062278334LL), "2003-01-30-08.07.42.278334");
}

TEST_F(JournalTest, RecordsRoundTripWithSequenceNumbers) {
  FormatAndAppend(3);
  auto journal = Journal::Open(dir_);
  ASSERT_TRUE(journal.has_value()) << journal.error().message;
  ASSERT_EQ(journal->recovered().size(), 4u);
  EXPECT_EQ(journal->recovered()[0].body["type"], "format");
  EXPECT_EQ(journal->recovered()[3].body["stamp"], "2");
  EXPECT_EQ(journal->recovered()[3].seq, 3u);
  EXPECT_EQ(journal->torn_tail_offset(), -1);
  EXPECT_EQ(journal->next_seq(), 4u);
}

TEST_F(JournalTest, ChecksumDetectsAFlippedPayloadByte) {
  const std::string record = EncodeRecord(R"({"type":"format","version":1})");
  auto ok = DecodeJournal(record, "f");
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->records.size(), 1u);
  std::string bad = record;
  bad[bad.size() - 3] ^= 0x01;
  // Even as the last thing in the file: every byte the header promises is there, so this was
  // not an interrupted append.
  auto refused = DecodeJournal(bad, "f");
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(refused.error().message.find("CRC mismatch"), std::string::npos)
      << refused.error().message;
}

TEST_F(JournalTest, TornLastRecordIsIgnoredAndCutOff) {
  const auto sizes = FormatAndAppend(2);
  std::string bytes = Bytes();
  WriteBytes(bytes.substr(0, sizes[2] - 5));  // the last record lost its last 5 bytes
  {
    auto journal = Journal::Open(dir_);
    ASSERT_TRUE(journal.has_value()) << journal.error().message;
    EXPECT_EQ(journal->recovered().size(), 2u);
    EXPECT_EQ(journal->torn_tail_offset(), static_cast<long long>(sizes[1]));
    EXPECT_EQ(Bytes().size(), sizes[1]);  // cut off, so appends follow a valid record
    ASSERT_TRUE(journal->Append(json{{"type", "stamp"}, {"stamp", "after"}}));
  }
  auto again = Journal::Open(dir_);
  ASSERT_TRUE(again.has_value()) << again.error().message;
  ASSERT_EQ(again->recovered().size(), 3u);
  EXPECT_EQ(again->recovered()[2].body["stamp"], "after");
}

// Issue 11: a bit flipped in the length field of a record with records after it (the high byte
// made the length point past the end of the file) was taken for a torn tail, and every later
// record was cut off. Each bit of each length byte of each such record must be refused, and the
// file left as it was.
TEST_F(JournalTest, LengthBitFlipInARecordWithRecordsAfterItIsRefused) {
  const auto sizes = FormatAndAppend(4);  // format record and 4 stamp records
  const std::string good = Bytes();
  for (std::size_t r = 0; r + 1 < sizes.size(); ++r) {
    const std::size_t offset = r == 0 ? 0 : sizes[r - 1];
    for (int byte = 0; byte < 4; ++byte) {
      for (int bit = 0; bit < 8; ++bit) {
        std::string bytes = good;
        bytes[offset + 4 + byte] ^= static_cast<char>(1 << bit);
        WriteBytes(bytes);
        const std::string where = "record " + std::to_string(r) + ", length byte " +
                                  std::to_string(byte) + ", bit " + std::to_string(bit);
        auto journal = Journal::Open(dir_);
        ASSERT_FALSE(journal.has_value()) << where << ": recovered "
                                          << journal->recovered().size() << " records";
        const std::string& message = journal.error().message;
        EXPECT_NE(message.find(File() + " has a corrupt record at offset " +
                               std::to_string(offset)),
                  std::string::npos)
            << where << ": " << message;
        EXPECT_EQ(Bytes(), bytes) << where << ": the file was changed";
      }
    }
  }
}

// Not only single bit flips: no wrong length in a middle record, whether it ends the record
// early, exactly at the end of the file or past it, is taken for a torn tail.
TEST_F(JournalTest, AnyWrongLengthInAMiddleRecordIsRefused) {
  const auto sizes = FormatAndAppend(3);
  const std::string good = Bytes();
  const std::size_t offset = sizes[1];  // record 2 of 4
  const std::uint32_t length = static_cast<std::uint32_t>(sizes[2] - sizes[1] - 12);
  for (std::uint32_t wrong = 0; wrong < good.size() + 16; ++wrong) {
    if (wrong == length) continue;
    std::string bytes = good;
    for (int i = 0; i < 4; ++i) bytes[offset + 4 + i] = static_cast<char>(wrong >> (8 * i));
    auto decoded = DecodeJournal(bytes, "f");
    EXPECT_FALSE(decoded.has_value()) << "length " << wrong << " (true " << length
                                      << "): decoded " << decoded->records.size()
                                      << " records, torn tail " << decoded->torn_tail;
  }
}

// Damage that leaves every byte in place is never a torn append, not even in the last record:
// a bit flipped anywhere in the file, in any field of any record, is refused, never cut off.
TEST_F(JournalTest, BitFlipAnywhereIsRefused) {
  FormatAndAppend(3);
  const std::string good = Bytes();
  for (std::size_t at = 0; at < good.size(); ++at) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string bytes = good;
      bytes[at] ^= static_cast<char>(1 << bit);
      auto decoded = DecodeJournal(bytes, "f");
      EXPECT_FALSE(decoded.has_value()) << "byte " << at << " bit " << bit << ": decoded "
                                        << decoded->records.size() << " records, torn tail "
                                        << decoded->torn_tail;
    }
  }
}

// What an interrupted append leaves: the file cut at any offset inside its last record. Each
// such tail is cut off, the records before it are recovered, and appends follow them.
TEST_F(JournalTest, TornLastRecordIsCutOffAtEveryOffsetInsideIt) {
  FormatAndAppend(2);
  {  // a last record with a payload over 255 bytes, so its length field has two nonzero bytes
    auto journal = Journal::Open(dir_);
    ASSERT_TRUE(journal.has_value()) << journal.error().message;
    ASSERT_TRUE(journal->Append(json{{"type", "stamp"}, {"stamp", std::string(240, 's')}}));
  }
  const std::string good = Bytes();
  auto whole = DecodeJournal(good, File());
  ASSERT_TRUE(whole.has_value()) << whole.error().message;
  ASSERT_EQ(whole->records.size(), 4u);
  const std::size_t last = whole->records.back().offset;
  for (std::size_t cut = last + 1; cut < good.size(); ++cut) {
    WriteBytes(good.substr(0, cut));
    {
      auto journal = Journal::Open(dir_);
      ASSERT_TRUE(journal.has_value()) << "cut at " << cut << ": " << journal.error().message;
      EXPECT_EQ(journal->recovered().size(), 3u) << "cut at " << cut;
      EXPECT_EQ(journal->torn_tail_offset(), static_cast<long long>(last)) << "cut at " << cut;
      EXPECT_EQ(Bytes(), good.substr(0, last)) << "cut at " << cut;
      ASSERT_TRUE(journal->Append(json{{"type", "stamp"}, {"stamp", "after"}}));
    }
    auto again = Journal::Open(dir_);
    ASSERT_TRUE(again.has_value()) << "cut at " << cut << ": " << again.error().message;
    ASSERT_EQ(again->recovered().size(), 4u) << "cut at " << cut;
    EXPECT_EQ(again->recovered()[3].body["stamp"], "after");
    EXPECT_EQ(again->torn_tail_offset(), -1);
  }
}

TEST_F(JournalTest, CorruptMiddleRecordIsRefusedWithFileAndOffset) {
  const auto sizes = FormatAndAppend(3);
  std::string bytes = Bytes();
  bytes[sizes[1] + 14] ^= 0x20;  // inside the payload of record 2
  WriteBytes(bytes);
  auto journal = Journal::Open(dir_);
  ASSERT_FALSE(journal.has_value());
  EXPECT_NE(journal.error().message.find(File()), std::string::npos) << journal.error().message;
  EXPECT_NE(journal.error().message.find("offset " + std::to_string(sizes[1])), std::string::npos)
      << journal.error().message;
  EXPECT_EQ(Bytes(), bytes);  // nothing changed on disk
}

TEST_F(JournalTest, UnformattedSetIsRefused) {
  std::filesystem::create_directories(dir_);
  auto journal = Journal::Open(dir_);
  ASSERT_FALSE(journal.has_value());
  EXPECT_EQ(journal.error().errnum, ENOENT);
  EXPECT_NE(journal.error().message.find("journal-format"), std::string::npos);
}

TEST_F(JournalTest, FormatRefusedWhileTheSetIsOpen) {
  FormatAndAppend(0);
  auto journal = Journal::Open(dir_);
  ASSERT_TRUE(journal.has_value());
  auto format = FormatJournal(dir_);
  ASSERT_FALSE(format.has_value());
  EXPECT_EQ(format.error().errnum, EWOULDBLOCK);
  auto second = Journal::Open(dir_);
  EXPECT_FALSE(second.has_value());
}

TEST_F(JournalTest, ForcedWriteInDeniedDirectoryFailsWithEacces) {
  FormatAndAppend(0);
  const std::string dir = dir_;
  auto errnum = faults::RunWithoutCapabilities(
      [dir]() -> int {
        auto journal = Journal::Open(dir);
        if (!journal) return 1000;
        if (chmod(dir.c_str(), 0) != 0) return 1001;
        auto seq = journal->Append(json{{"type", "stamp"}, {"stamp", "x"}});
        chmod(dir.c_str(), 0755);
        return seq ? 0 : seq.error().errnum;
      },
      "append in a denied journal directory");
  ASSERT_TRUE(errnum.has_value()) << errnum.error().message;
  EXPECT_EQ(*errnum, EACCES);
  auto journal = Journal::Open(dir_);
  ASSERT_TRUE(journal.has_value());
  EXPECT_EQ(journal->recovered().size(), 1u);  // nothing was written
}

TEST(JournalStateTest, ParticipantLifecycleAndLocks) {
  JournalState state;
  const std::string d = "SYSTEM74::0000000000000001-0000000000000001";
  ASSERT_TRUE(state.Apply(json{{"type", "prepared"}, {"dtrid", d}, {"coordinator", "SYSTEM74"},
                               {"branch", "SYSTEM73"}, {"writes", {{"k", "v"}}}}));
  EXPECT_EQ(state.InDoubtWith("SYSTEM74"), std::vector<std::string>{d});
  EXPECT_EQ(state.LockedKeys().at("k"), d);
  ASSERT_TRUE(state.Apply(json{{"type", "ignore"}, {"partner", "SYSTEM74"}, {"stamp", "s"},
                               {"startup", "t"}, {"dtrids", {d}}}));
  EXPECT_EQ(state.branches.at(d).state, BranchState::kManualPending);
  EXPECT_TRUE(state.InDoubtWith("SYSTEM74").empty());
  EXPECT_EQ(state.partners.at("SYSTEM74").stamp, "s");
  auto applied = state.Apply(json{{"type", "manual"}, {"dtrid", d}, {"outcome", "commit"}});
  ASSERT_TRUE(applied.has_value());
  ASSERT_TRUE(applied->has_value());
  EXPECT_EQ((**applied).at("k"), "v");
  EXPECT_EQ(state.branches.at(d).manual, "commit");
  EXPECT_TRUE(state.LockedKeys().empty());
}

TEST(JournalStateTest, CoordinatorCommitUntilEnd) {
  JournalState state;
  const std::string d = "SYSTEM73::0000000000000001-0000000000000002";
  auto applied = state.Apply(json{{"type", "commit"}, {"dtrid", d}, {"branch", "SYSTEM73"},
                                  {"participants", {"SYSTEM74"}}, {"writes", {{"a", "1"}}}});
  ASSERT_TRUE(applied.has_value() && applied->has_value());
  EXPECT_EQ(state.CommittingWith("SYSTEM74"), std::vector<std::string>{d});
  ASSERT_TRUE(state.Apply(json{{"type", "end"}, {"dtrid", d}}));
  EXPECT_TRUE(state.CommittingWith("SYSTEM74").empty());
  EXPECT_FALSE(state.Apply(json{{"type", "bogus"}}).has_value());
}

}  // namespace
}  // namespace lockstep::impl::resync
