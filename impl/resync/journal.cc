#include "impl/resync/journal.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>

#include "impl/common/durable_file.h"
#include "impl/common/seeded_bug.h"

namespace lockstep::impl::resync {
namespace {

constexpr std::uint32_t kMagic = 0x524A534C;  // "LSJR" little-endian
constexpr std::size_t kHeaderSize = 12;

std::array<std::uint32_t, 256> MakeCrcTable() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  return table;
}

void PutU32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::uint32_t GetU32(std::string_view bytes, std::size_t at) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(bytes[at + i]);
  return v;
}

// The CRC of a record: over its length field, then its payload.
std::uint32_t FrameCrc(std::uint32_t length, std::string_view payload) {
  std::string covered;
  PutU32(covered, length);
  covered.append(payload);
  return Crc32(covered);
}

// One record read at `offset`: its body and size when it decodes, else what is wrong with it.
struct ParsedRecord {
  nlohmann::json body;
  std::size_t size = 0;
  std::string defect;  // empty when the record decodes
};

ParsedRecord ParseRecordAt(std::string_view bytes, std::size_t offset) {
  const std::size_t rest = bytes.size() - offset;
  if (rest < kHeaderSize) {
    return {.defect = "only " + std::to_string(rest) + " of the 12 header bytes"};
  }
  if (const std::uint32_t magic = GetU32(bytes, offset); magic != kMagic) {
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%08X", magic);
    return {.defect = std::string("bad magic ") + hex};
  }
  const std::uint32_t length = GetU32(bytes, offset + 4);
  if (length > rest - kHeaderSize) {
    return {.defect = "length " + std::to_string(length) + " reaches past the end of the file (" +
                      std::to_string(bytes.size()) + " bytes)"};
  }
  const std::string_view payload = bytes.substr(offset + kHeaderSize, length);
  if (FrameCrc(length, payload) != GetU32(bytes, offset + 8)) return {.defect = "CRC mismatch"};
  auto body = nlohmann::json::parse(payload, nullptr, false);
  if (body.is_discarded() || !body.is_object() || !body.contains("type") ||
      !body["type"].is_string()) {
    return {.defect = "the payload is not a JSON object with a string \"type\""};
  }
  return {.body = std::move(body), .size = kHeaderSize + length};
}

// The offset of the first record that decodes at or after `from`, if any.
std::optional<std::size_t> NextValidRecord(std::string_view bytes, std::size_t from) {
  std::string magic;
  PutU32(magic, kMagic);
  for (std::size_t at = bytes.find(magic, from); at != std::string_view::npos;
       at = bytes.find(magic, at + 1)) {
    if (ParseRecordAt(bytes, at).defect.empty()) return at;
  }
  return std::nullopt;
}

// Why the damaged record at `offset` cannot be what an interrupted append left (journal.h,
// "Recovery", rules 1-3), or std::nullopt when it can be: a torn tail.
std::optional<std::string> NotATornTail(std::string_view bytes, std::size_t offset) {
  if (auto next = NextValidRecord(bytes, offset + 1)) {  // rule 1
    return "a valid record follows at offset " + std::to_string(*next);
  }
  const std::size_t rest = bytes.size() - offset;
  if (rest < kHeaderSize) return std::nullopt;  // the header itself was cut short
  const std::uint32_t length = GetU32(bytes, offset + 4);
  const std::uint64_t extent = kHeaderSize + std::uint64_t{length};
  if (extent < rest) {  // rule 2
    return "its header declares " + std::to_string(extent) + " bytes and " +
           std::to_string(rest - extent) + " more follow them";
  }
  if (extent == rest) {  // rule 2
    return "all " + std::to_string(extent) + " bytes its header declares are in the file";
  }
  const std::size_t present = rest - kHeaderSize;
  if (FrameCrc(static_cast<std::uint32_t>(present), bytes.substr(offset + kHeaderSize)) ==
      GetU32(bytes, offset + 8)) {  // rule 3
    return "the " + std::to_string(present) +
           " bytes after its header match its CRC as a whole payload, so only the length is "
           "wrong";
  }
  return std::nullopt;
}

Status WriteAt(int fd, std::string_view data, std::uint64_t offset, const std::string& path) {
  while (!data.empty()) {
    const ssize_t n = pwrite(fd, data.data(), data.size(), static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return FailErrno("cannot write journal " + path);
    }
    data.remove_prefix(static_cast<std::size_t>(n));
    offset += static_cast<std::uint64_t>(n);
  }
  return {};
}

}  // namespace

std::uint32_t Crc32(std::string_view bytes) {
  static const std::array<std::uint32_t, 256> kTable = MakeCrcTable();
  std::uint32_t c = 0xFFFFFFFFu;
  for (const char ch : bytes) c = kTable[(c ^ static_cast<unsigned char>(ch)) & 0xff] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

std::string EncodeRecord(std::string_view payload) {
  const auto length = static_cast<std::uint32_t>(payload.size());
  std::string out;
  PutU32(out, kMagic);
  PutU32(out, length);
  PutU32(out, FrameCrc(length, payload));
  out.append(payload);
  return out;
}

Result<DecodedJournal> DecodeJournal(std::string_view bytes, const std::string& path) {
  DecodedJournal decoded;
  std::size_t offset = 0;
  while (offset < bytes.size()) {
    ParsedRecord record = ParseRecordAt(bytes, offset);
    if (!record.defect.empty()) {
      auto why = NotATornTail(bytes, offset);
      // Seeded bug: every damaged record passes for a torn tail and is cut off, with what
      // follows it.
      if (BugEnabled("recovery-accepts-damaged-record")) why.reset();
      if (why) {
        return Fail("journal " + path + " has a corrupt record at offset " +
                    std::to_string(offset) + ": " + record.defect + "; not a torn last write: " +
                    *why + ". Refusing to start: restore the journal set or format it");
      }
      decoded.torn_tail = true;
      break;
    }
    decoded.records.push_back(
        JournalRecord{decoded.records.size(), offset, std::move(record.body)});
    offset += record.size;
  }
  decoded.valid_end = offset;
  if (!decoded.records.empty() && decoded.records[0].body["type"] != "format") {
    return Fail("journal " + path + " does not begin with a format record (offset 0)");
  }
  return decoded;
}

Result<int> LockJournalSet(const std::string& dir) {
  const std::string path = dir + "/" + kJournalLockFile;
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return FailErrno("cannot open the journal lock " + path);
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    close(fd);
    return FailErrno("journal set " + dir + " is locked by another process (" + path + ")", err);
  }
  return fd;
}

Status FormatJournal(const std::string& dir) {
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return FailErrno("cannot create journal directory " + dir);
  }
  auto lock = LockJournalSet(dir);
  if (!lock) return std::unexpected(lock.error());
  const nlohmann::json format{{"type", "format"}, {"version", 1}};
  const std::string target = dir + "/" + kJournalFile;
  Status status = ReplaceAtomically(dir, target, EncodeRecord(format.dump()));
  close(*lock);
  return status;
}

namespace {

// The set in `dir` as a snapshot, read without the lock, changing nothing (a torn tail is not
// cut off): what the tool's queries show. Fails as ReadJournalStamp documents.
Result<DecodedJournal> ReadSnapshot(const std::string& dir) {
  const std::string path = dir + "/" + kJournalFile;
  auto bytes = ReadWholeFile(path);
  if (!bytes) return std::unexpected(bytes.error());
  if (!bytes->has_value()) {
    return Fail("journal set " + dir + " is not formatted (" + path + " is missing)", ENOENT);
  }
  return DecodeJournal(**bytes, path);
}

}  // namespace

Result<std::string> ReadJournalStamp(const std::string& dir) {
  const std::string path = dir + "/" + kJournalFile;
  auto decoded = ReadSnapshot(dir);
  if (!decoded) return std::unexpected(decoded.error());
  if (decoded->records.empty()) return Fail("journal " + path + " holds no valid format record");
  std::string stamp;
  for (const JournalRecord& r : decoded->records) {
    const auto value = r.body.find("stamp");
    if (r.body["type"] == "stamp" && value != r.body.end() && value->is_string()) {
      stamp = value->get<std::string>();
    }
  }
  return stamp;
}

Result<std::string> ListJournalRecords(const std::string& dir) {
  auto decoded = ReadSnapshot(dir);
  if (!decoded) return std::unexpected(decoded.error());
  std::string out;
  const auto& records = decoded->records;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const std::uint64_t offset = records[i].offset;
    const std::uint64_t end = i + 1 < records.size() ? records[i + 1].offset : decoded->valid_end;
    const auto field = [](const char* name, std::uint64_t at, std::uint64_t size) {
      return nlohmann::json{{"name", name}, {"offset", at}, {"size", size}};
    };
    const nlohmann::json line{
        {"file", kJournalFile}, {"seq", records[i].seq}, {"type", records[i].body["type"]},
        {"offset", offset}, {"size", end - offset},
        {"fields", {field("magic", offset, 4), field("length", offset + 4, 4),
                    field("crc", offset + 8, 4),
                    field("payload", offset + kHeaderSize, end - offset - kHeaderSize)}}};
    out += line.dump() + "\n";
  }
  return out;
}

Journal::Journal(Journal&& other) noexcept
    : dir_(std::move(other.dir_)),
      lock_fd_(std::exchange(other.lock_fd_, -1)),
      recovered_(std::move(other.recovered_)),
      end_(other.end_),
      next_seq_(other.next_seq_),
      torn_tail_offset_(other.torn_tail_offset_),
      maybe_written_(other.maybe_written_) {}

Journal::~Journal() {
  if (lock_fd_ >= 0) close(lock_fd_);
}

std::string Journal::path() const { return dir_ + "/" + kJournalFile; }

namespace {

Error NotFormatted(const std::string& dir) {
  const std::string path = dir + "/" + kJournalFile;
  return Error{"journal set " + dir + " is not formatted (" + path +
                   " is missing): run journal-format --dir " + dir,
               ENOENT};
}

}  // namespace

Result<Journal> Journal::Open(const std::string& dir) {
  // An unformatted set is refused before the lock is taken, so a refused start creates
  // nothing in it (a set journal-format made holds the lock file already).
  if (struct stat st {}; stat((dir + "/" + kJournalFile).c_str(), &st) != 0 && errno == ENOENT) {
    return std::unexpected(NotFormatted(dir));
  }
  auto lock = LockJournalSet(dir);
  if (!lock) return std::unexpected(lock.error());
  Journal journal(dir, *lock);
  if (auto s = journal.Recover(); !s) return std::unexpected(s.error());
  return journal;
}

Status Journal::Recover() {
  auto bytes = ReadWholeFile(path());
  if (!bytes) return std::unexpected(bytes.error());
  if (!bytes->has_value()) return std::unexpected(NotFormatted(dir_));
  auto decoded = DecodeJournal(**bytes, path());
  if (!decoded) return std::unexpected(decoded.error());
  if (decoded->records.empty()) {
    return Fail("journal " + path() + " holds no valid format record: run journal-format");
  }
  recovered_ = std::move(decoded->records);
  end_ = decoded->valid_end;
  next_seq_ = recovered_.size();
  if (!decoded->torn_tail) return {};
  torn_tail_offset_ = static_cast<long long>(end_);
  const int fd = open(path().c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return FailErrno("cannot open journal " + path() + " to cut a torn record");
  Status status;
  if (ftruncate(fd, static_cast<off_t>(end_)) != 0 || fdatasync(fd) != 0) {
    status = FailErrno("cannot cut the torn record off journal " + path());
  }
  close(fd);
  return status;
}

Status Journal::CheckWritable() const {
  const int fd = open(path().c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return FailErrno("cannot open journal " + path());
  struct statvfs fs {};
  Status status;
  if (fstatvfs(fd, &fs) == 0 && fs.f_bavail == 0) {
    status = FailErrno("cannot write journal " + path(), ENOSPC);
  }
  close(fd);
  return status;
}

Result<std::uint64_t> Journal::Append(const nlohmann::json& body) {
  if (maybe_written_) {
    return Fail("journal " + path() + " has an unrepaired tail after a failed write: restart");
  }
  const std::string record = EncodeRecord(body.dump());
  const int fd = open(path().c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return FailErrno("cannot open journal " + path());
  // A full file system fails the write even when the record would fit in the slack of the
  // file's last block: disk full takes effect at the next forced write, not pages later.
  struct statvfs fs {};
  Status status;
  if (fstatvfs(fd, &fs) == 0 && fs.f_bavail == 0) {
    status = FailErrno("cannot write journal " + path(), ENOSPC);  // no free block left
  }
  if (status) status = WriteAt(fd, record, end_, path());
  if (status && fdatasync(fd) != 0) status = FailErrno("cannot fdatasync journal " + path());
  if (!status) {
    if (ftruncate(fd, static_cast<off_t>(end_)) != 0 || fdatasync(fd) != 0) {
      maybe_written_ = true;
    }
    close(fd);
    return std::unexpected(status.error());
  }
  close(fd);  // the record is durable: a failing close changes nothing on disk
  end_ += record.size();
  return next_seq_++;
}

}  // namespace lockstep::impl::resync
