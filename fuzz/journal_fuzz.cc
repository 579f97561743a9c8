// Fuzz target: a journal.dat as the resync txsys reads it at start (impl/resync/journal.h,
// DecodeJournal), then its records applied in order to a JournalState as Recover does
// (impl/resync/journal_state.h). Checks, besides never crashing:
//   - the records lie in order inside the file, the first is a format record, and valid_end
//     is the end of the last one; a torn tail is reported only where bytes follow valid_end;
//   - the records re-framed (EncodeRecord of each body) decode to the same bodies, with no
//     torn tail; and the file cut at valid_end (what Open leaves) decodes to the same records.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "impl/resync/journal.h"
#include "impl/resync/journal_state.h"

using lockstep::impl::resync::DecodeJournal;
using lockstep::impl::resync::DecodedJournal;
using lockstep::impl::resync::EncodeRecord;
using lockstep::impl::resync::JournalState;

namespace {

bool SameBodies(const DecodedJournal& a, const DecodedJournal& b) {
  if (a.records.size() != b.records.size()) return false;
  for (std::size_t i = 0; i < a.records.size(); ++i) {
    if (a.records[i].body != b.records[i].body) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto decoded = DecodeJournal(bytes, "fuzz/journal.dat");
  if (!decoded) {
    FUZZ_CHECK(!decoded.error().message.empty(), "a refusal without a message");
    return 0;
  }
  // Records follow each other from offset 0, each at least a header and "{}" long.
  std::uint64_t at = 0;
  for (std::size_t i = 0; i < decoded->records.size(); ++i) {
    const auto& r = decoded->records[i];
    FUZZ_CHECK(r.seq == i && r.offset == at, "record %zu out of place", i);
    FUZZ_CHECK(r.body.is_object() && r.body.contains("type") && r.body["type"].is_string(),
               "record %zu has no string type", i);
    at = i + 1 < decoded->records.size() ? decoded->records[i + 1].offset : decoded->valid_end;
    FUZZ_CHECK(at >= r.offset + 12 + 2, "record %zu shorter than a header and {}", i);
  }
  FUZZ_CHECK(at == decoded->valid_end, "valid_end is not the end of the last record");
  FUZZ_CHECK(decoded->valid_end <= size, "valid_end past the end of the file");
  FUZZ_CHECK(decoded->torn_tail == (decoded->valid_end < size),
             "torn_tail %d but valid_end %llu of %zu bytes", decoded->torn_tail,
             static_cast<unsigned long long>(decoded->valid_end), size);
  if (!decoded->records.empty()) {
    FUZZ_CHECK(decoded->records[0].body["type"] == "format", "first record not a format record");
  }

  std::string reframed;
  for (const auto& r : decoded->records) reframed += EncodeRecord(r.body.dump());
  auto again = DecodeJournal(reframed, "fuzz/reframed");
  FUZZ_CHECK(again.has_value(), "re-framed records refused: %s", again.error().message.c_str());
  FUZZ_CHECK(!again->torn_tail && again->valid_end == reframed.size(), "re-framed records torn");
  FUZZ_CHECK(SameBodies(*decoded, *again), "re-framed records decode differently");

  auto cut = DecodeJournal(bytes.substr(0, decoded->valid_end), "fuzz/cut");
  FUZZ_CHECK(cut.has_value(), "the file cut at valid_end refused: %s",
             cut.error().message.c_str());
  FUZZ_CHECK(!cut->torn_tail && SameBodies(*decoded, *cut), "the cut file decodes differently");

  // Recovery: apply each record in order, as TxSystem::Recover does, up to the first refused.
  JournalState state;
  for (const auto& r : decoded->records) {
    auto applied = state.Apply(r.body);
    if (!applied) break;
  }
  (void)state.InDoubtWith("SYSTEM74");
  (void)state.CommittingWith("SYSTEM74");
  (void)state.CommitRecordsWith("SYSTEM74");
  (void)state.LockedKeys();
  return 0;
}
