// Corrupt: the "corrupt" fault. Damages one record of a stopped system's journal set at rest,
// as a bad sector or a stray write would, in a record that has more records after it (so the
// damage can never pass for a torn last write).
//
// Where the records are is the implementation's own layout (docs/design.md, "Conformance"), so
// the injector asks the tool: `journal-format --dir DIR --records` prints one JSON line per
// record, {"file":F,"seq":N,"offset":N,"size":N,"fields":[{"name":S,"offset":N,"size":N},..]}
// (impl/resync/README.md, "Command lines"), F a file name inside DIR, offsets absolute in F.
// Damage (a Corrupt command's `record` and `damage`):
//   * a field ("magic", "length", "crc", "payload"): the top bit of one byte flipped: the
//     field's last byte (the high byte of a little-endian integer: a length then points past
//     the end of the file), or its middle byte when the field is longer than 8 bytes. A field
//     name the tool does not list falls back to the field at the same position (0..3) modulo
//     the number of fields it lists.
//   * "sector": the 512-byte aligned range holding the record's first byte, zeroed (up to the
//     end of the file).
// The record is `record` modulo the number of records with another after them; a set of fewer
// than two records cannot be corrupted (Inject fails).
//
// Inject() writes the damage with pwrite + fdatasync. Probe() re-reads the file: its size is
// unchanged and the range holds the damaged bytes, which differ from the original ones. There
// is no Remove(): the damage stays until the set is formatted (the model's Corrupt is
// permanent), as on a disk.
//
// Depends on base/ and nlohmann/json. Thread safety: none; one thread drives an injector.
// REQUIRES (constructor): tool and dir are absolute paths.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace lockstep::faults {

// One record as the tool lists it.
struct RecordSpan {
  struct Field {
    std::string name;
    std::uint64_t offset = 0;
    std::uint64_t size = 0;
  };
  std::string file;
  std::uint64_t offset = 0;
  std::uint64_t size = 0;
  std::vector<Field> fields;
};

// The records of a `--records` listing, in file order. Fails naming the line and what is wrong
// (not JSON, a field missing or of the wrong type, a file name that is not a plain name, a
// field outside its record, records of several files).
Result<std::vector<RecordSpan>> ParseRecordListing(std::string_view text);

// Which bytes a damage changes: [offset, offset + bytes.size()) of the record's file gets
// `bytes` in place of `original`.
struct ByteDamage {
  std::uint64_t offset = 0;
  std::string original;
  std::string bytes;
  std::string what;  // "bit 7 of byte 1223 (length of record 1 at offset 1220)"
};

// The damage of `field` ("sector" or a field name; `ordinal` its position 0..3 for the
// fallback above) on record `record` (taken modulo the records with a successor) of `file`'s
// bytes `contents`. Fails when fewer than two records are listed or the record lies outside
// `contents`.
Result<ByteDamage> PlanDamage(const std::vector<RecordSpan>& records, std::string_view contents,
                              int record, std::string_view field, int ordinal);

class Corrupt {
 public:
  Corrupt(std::filesystem::path tool, std::filesystem::path dir, int record, std::string field,
          int ordinal);

  // Lists the records with the tool, plans the damage and writes it; fails naming the tool,
  // the directory or the file and what went wrong, with the file unchanged.
  Status Inject();
  // Ok iff, after Inject(), the file has its size and holds the damaged bytes.
  Status Probe() const;
  std::string kind() const { return "corrupt"; }
  // "bit 7 of byte 1223 (length of record 1 at offset 1220) of journal.dat flipped at rest"
  std::string mechanism() const;
  const std::filesystem::path& target() const { return dir_; }

 private:
  std::filesystem::path tool_, dir_;
  int record_;
  std::string field_;
  int ordinal_;
  std::filesystem::path file_;
  std::uint64_t file_size_ = 0;
  ByteDamage damage_;
  bool injected_ = false;
};

}  // namespace lockstep::faults
