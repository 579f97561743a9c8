// Journal: one system's journal set — a directory holding `journal.dat` (the records) and
// `journal.lock` (the set's lock). impl/resync/README.md, "Journal format", is the contract.
//
// Record framing, all integers little-endian:
//   magic u32 0x524A534C ("LSJR") | length u32 | crc32 u32 | payload (length bytes, JSON text)
// The CRC-32 (IEEE, reflected, poly 0xEDB88320) covers the length field and the payload. The
// first record of a set is {"type":"format",...}; records are numbered from 0 in file order
// (their `seq`).
//
// Recovery (Open): the records are read in order up to the first one that does not decode
// (short header, bad magic, length past the end of the file, CRC mismatch, payload not a JSON
// object with a string "type"). From there on the file holds either a torn tail or corruption.
//
// A torn tail is what an interrupted Append leaves, and that is a strict prefix of ONE record
// at the end of the file: Append writes a single record at the known end; a failed Append cuts
// the file back, or, when it cannot, refuses every later Append (maybe_written); Open cuts a
// torn tail off before anything can be appended after it; and journal.dat is never preallocated
// or zero-filled, so its size covers only bytes that were written. So the damaged record at
// offset O is a torn tail only if all three hold:
//   1. no record that decodes starts anywhere after O. (None can lie inside a torn record
//      either: a payload is compact JSON, whose bytes are all >= 0x20, so a header whose length
//      field lies in it would declare over 500 MB; and a magic cannot start inside the first
//      8 bytes of a real header unless that header declares over 1 GB.)
//   2. the file ends before the end the header declares: the header is incomplete, or
//      O + 12 + length > file size. A record still damaged although all the bytes its header
//      declares are there was written in full and damaged later.
//   3. the bytes after the header, taken as the whole payload, do not match the CRC; if they
//      do, the record was written in full and only its length field is wrong.
// A torn tail is ignored, logged by the caller, and cut off (ftruncate + fdatasync) so later
// appends follow a valid record. Anything else is corruption: Open refuses (errno 0) with a
// message naming the file, the byte offset, what is wrong with the record and which rule rules
// out a tear, and changes nothing on disk. Rule 1 is the one that matters for issue 11: a bit
// flipped in the high byte of the length of a middle record points past the end of the file,
// which an older rule took for a torn tail, cutting every later record off. Where the rules
// err they err towards refusing: a tear is refused only if the CRC of its prefix matches by
// chance (2^-32), or on a file system that could extend the size over unwritten bytes (zeros
// after a power loss), which the journal does not support.
//
// Forced writes (Append): the file is opened for each write (so chmod 000 on the directory
// takes effect at once), the record is written at the known end, fdatasync'ed and the file
// closed before Append returns success. When the file system has no free block left (statvfs
// f_bavail == 0) Append fails with ENOSPC without writing, even if the record would fit in the
// slack of the file's last block, so a disk-full fault takes effect at the next forced write.
// On any failure the file is cut back to the previous end
// (a partial record never stays in front of later records) and the error names the path and
// errno. If even that cut fails, maybe_written() becomes true: the record might be found at the
// next start (callers report such an outcome as unknown) and every later Append fails.
//
// Locking: Open holds an exclusive flock(2) on journal.lock for the Journal's lifetime, and
// FormatJournal takes it too, so a set is never formatted under a running txsys and never used
// by two txsys at once.
//
// Thread safety: single-threaded use; one Journal per set per machine (enforced by the lock).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace lockstep::impl::resync {

inline constexpr const char* kJournalFile = "journal.dat";
inline constexpr const char* kJournalLockFile = "journal.lock";

// CRC-32 (IEEE 802.3) of `bytes`.
std::uint32_t Crc32(std::string_view bytes);

// The framed bytes of one record with `payload`.
std::string EncodeRecord(std::string_view payload);

struct JournalRecord {
  std::uint64_t seq = 0;
  std::uint64_t offset = 0;  // byte offset of the record's header in the file
  nlohmann::json body;       // a JSON object with a string "type"
};

struct DecodedJournal {
  std::vector<JournalRecord> records;
  std::uint64_t valid_end = 0;  // bytes up to the end of the last good record
  bool torn_tail = false;       // a torn tail was found (at valid_end, up to the end)
};

// Decodes a whole journal file. `path` only names the file in errors.
// Fails (errno 0) on a damaged record that is not a torn tail (see "Recovery" above), and on a
// first record that is not a format record.
[[nodiscard]] Result<DecodedJournal> DecodeJournal(std::string_view bytes,
                                                   const std::string& path);

// Takes the set's lock: exclusive, non-blocking. Returns the open lock descriptor.
// Fails with EWOULDBLOCK when another process holds it; other errors name the path.
[[nodiscard]] Result<int> LockJournalSet(const std::string& dir);

// Prepares a fresh set in `dir` (created if missing): takes the lock, replaces journal.dat
// atomically with a single format record, releases the lock. The stamp is assigned later, by
// the first txsys that opens the set. Fails with EWOULDBLOCK while a txsys holds the set.
[[nodiscard]] Status FormatJournal(const std::string& dir);

// The journal stamp of the set in `dir` as a txsys opening it would read it: the value of its
// last stamp record, "" when it has none yet (a freshly formatted set). This is what
// `journal-format --dir DIR --stamp` prints (impl/resync/README.md, "Command lines"), so the
// harness can prove a reformat without knowing this file layout. Reads a snapshot without
// taking the lock and changes nothing (a torn tail is not cut off).
// Fails: not formatted (ENOENT: journal.dat missing), unreadable (errno), corrupt or without a
// format record (errno 0, names the file and offset).
[[nodiscard]] Result<std::string> ReadJournalStamp(const std::string& dir);

// The records of the set in `dir`, one JSON line each, for `journal-format --dir DIR --records`
// (impl/resync/README.md, "Command lines": where the harness's corrupt fault finds a record and
// its fields without knowing this layout):
//   {"file":"journal.dat","seq":N,"type":T,"offset":N,"size":N,"fields":[{"name":"magic",
//    "offset":N,"size":4},{"name":"length",..},{"name":"crc",..},{"name":"payload",..}]}
// Offsets are absolute in the file. Reads a snapshot as ReadJournalStamp does, with its
// failures; a torn tail is not listed.
[[nodiscard]] Result<std::string> ListJournalRecords(const std::string& dir);

class Journal {
 public:
  // Locks and reads the set in `dir`; cuts a torn tail off (see above).
  // Fails: directory or file unreadable (errno), set in use (EWOULDBLOCK), not formatted
  // (ENOENT: journal.dat missing), corruption in the middle (errno 0, names file and offset).
  [[nodiscard]] static Result<Journal> Open(const std::string& dir);

  Journal(Journal&& other) noexcept;
  Journal& operator=(Journal&&) = delete;
  Journal(const Journal&) = delete;
  ~Journal();

  const std::string& dir() const { return dir_; }
  std::string path() const;
  // The records found by Open (not updated by Append).
  const std::vector<JournalRecord>& recovered() const { return recovered_; }
  // Where Open found a torn last record and cut it off; -1 when none.
  long long torn_tail_offset() const { return torn_tail_offset_; }

  // Forced write of one record; its seq on success.
  // REQUIRES: body is a JSON object with a string "type".
  [[nodiscard]] Result<std::uint64_t> Append(const nlohmann::json& body);
  bool maybe_written() const { return maybe_written_; }
  // Whether a forced write could succeed now: the file opens for writing and its file system
  // has a free block. Fails with the errno a write would meet (EACCES, ENOSPC). Writes nothing.
  [[nodiscard]] Status CheckWritable() const;
  std::uint64_t next_seq() const { return next_seq_; }

 private:
  Journal(std::string dir, int lock_fd) : dir_(std::move(dir)), lock_fd_(lock_fd) {}
  [[nodiscard]] Status Recover();

  std::string dir_;
  int lock_fd_ = -1;
  std::vector<JournalRecord> recovered_;
  std::uint64_t end_ = 0;
  std::uint64_t next_seq_ = 0;
  long long torn_tail_offset_ = -1;
  bool maybe_written_ = false;
};

}  // namespace lockstep::impl::resync
