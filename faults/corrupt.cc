#include "faults/corrupt.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "faults/run_tool.h"

namespace lockstep::faults {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr std::uint64_t kSector = 512;

bool PlainName(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos;
}

Result<std::uint64_t> Unsigned(const json& j, const char* key, const std::string& where) {
  if (!j.contains(key) || !j[key].is_number_unsigned()) {
    return Fail(where + ": \"" + key + "\" is missing or not a non-negative integer");
  }
  return j[key].get<std::uint64_t>();
}

Result<RecordSpan> ParseRecord(const std::string& line, const std::string& where) {
  const json j = json::parse(line, nullptr, false);
  if (!j.is_object()) return Fail(where + ": not a JSON object");
  RecordSpan r;
  if (!j.contains("file") || !j["file"].is_string() || !PlainName(j["file"])) {
    return Fail(where + ": \"file\" is missing or not a plain file name");
  }
  r.file = j["file"];
  auto offset = Unsigned(j, "offset", where);
  auto size = Unsigned(j, "size", where);
  if (!offset) return std::unexpected(offset.error());
  if (!size) return std::unexpected(size.error());
  r.offset = *offset;
  r.size = *size;
  if (!j.contains("fields") || !j["fields"].is_array() || j["fields"].empty()) {
    return Fail(where + ": \"fields\" is missing or not a non-empty array");
  }
  for (const json& f : j["fields"]) {
    if (!f.is_object() || !f.contains("name") || !f["name"].is_string()) {
      return Fail(where + ": a field has no string \"name\"");
    }
    auto field_offset = Unsigned(f, "offset", where);
    auto field_size = Unsigned(f, "size", where);
    if (!field_offset) return std::unexpected(field_offset.error());
    if (!field_size) return std::unexpected(field_size.error());
    if (*field_size == 0 || *field_offset < r.offset ||
        *field_offset + *field_size > r.offset + r.size) {
      return Fail(where + ": field \"" + f["name"].get<std::string>() +
                  "\" lies outside its record");
    }
    r.fields.push_back({f["name"], *field_offset, *field_size});
  }
  return r;
}

// The byte a field's damage flips (corrupt.h).
std::uint64_t FlippedByte(const RecordSpan::Field& f) {
  return f.size > 8 ? f.offset + f.size / 2 : f.offset + f.size - 1;
}

}  // namespace

Result<std::vector<RecordSpan>> ParseRecordListing(std::string_view text) {
  std::vector<RecordSpan> records;
  std::size_t number = 0;
  while (!text.empty()) {
    const auto newline = text.find('\n');
    const std::string line(text.substr(0, newline));
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    ++number;
    if (line.empty()) continue;
    auto r = ParseRecord(line, "record listing line " + std::to_string(number));
    if (!r) return std::unexpected(r.error());
    if (!records.empty() && r->file != records.front().file) {
      return Fail("record listing line " + std::to_string(number) + ": file \"" + r->file +
                  "\" differs from \"" + records.front().file + "\"");
    }
    records.push_back(std::move(*r));
  }
  return records;
}

Result<ByteDamage> PlanDamage(const std::vector<RecordSpan>& records, std::string_view contents,
                              int record, std::string_view field, int ordinal) {
  if (records.size() < 2) {
    return Fail("the journal set holds " + std::to_string(records.size()) +
                " record(s): none has another record after it");
  }
  const std::size_t index = static_cast<std::size_t>(record) % (records.size() - 1);
  const RecordSpan& r = records[index];
  if (r.offset + r.size > contents.size()) {
    return Fail("record " + std::to_string(index) + " at offset " + std::to_string(r.offset) +
                " lies past the end of " + r.file + " (" + std::to_string(contents.size()) +
                " bytes)");
  }
  const std::string where = " of record " + std::to_string(index) + " at offset " +
                            std::to_string(r.offset) + ")";
  ByteDamage d;
  if (field == "sector") {
    d.offset = r.offset / kSector * kSector;
    const std::uint64_t end = std::min<std::uint64_t>(d.offset + kSector, contents.size());
    d.original = std::string(contents.substr(d.offset, end - d.offset));
    d.bytes.assign(d.original.size(), '\0');
    d.what = "bytes " + std::to_string(d.offset) + ".." + std::to_string(end - 1) +
             " zeroed (the sector" + where;
    return d;
  }
  auto it = std::find_if(r.fields.begin(), r.fields.end(),
                         [&](const RecordSpan::Field& f) { return f.name == field; });
  const RecordSpan::Field& f =
      it != r.fields.end() ? *it : r.fields[static_cast<std::size_t>(ordinal) % r.fields.size()];
  d.offset = FlippedByte(f);
  d.original = std::string(1, contents[d.offset]);
  d.bytes = std::string(1, static_cast<char>(contents[d.offset] ^ 0x80));
  d.what = "bit 7 of byte " + std::to_string(d.offset) + " (" + f.name + where;
  return d;
}

Corrupt::Corrupt(fs::path tool, fs::path dir, int record, std::string field, int ordinal)
    : tool_(std::move(tool)), dir_(std::move(dir)), record_(record), field_(std::move(field)),
      ordinal_(ordinal) {
  if (!tool_.is_absolute() || !dir_.is_absolute()) {
    throw std::invalid_argument("Corrupt needs absolute paths: " + tool_.string() + ", " +
                                dir_.string());
  }
}

Status Corrupt::Inject() {
  const fs::path output = dir_.parent_path() / (dir_.filename().string() + ".records.out");
  const fs::path errors = dir_.parent_path() / (dir_.filename().string() + ".records.err");
  auto status = RunTool({tool_.string(), "--dir", dir_.string(), "--records"}, output, errors);
  if (!status) return std::unexpected(status.error());
  if (!WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
    return Fail(tool_.filename().string() + " --dir " + dir_.string() + " --records failed (" +
                HowItEnded(*status) + "): " + ReadWholeFile(errors));
  }
  auto records = ParseRecordListing(ReadWholeFile(output));
  if (!records) {
    return Fail(tool_.filename().string() + " --dir " + dir_.string() + " --records: " +
                records.error().message);
  }
  if (records->empty()) return Fail("journal set " + dir_.string() + " lists no records");
  file_ = dir_ / records->front().file;
  const std::string contents = ReadWholeFile(file_);
  auto damage = PlanDamage(*records, contents, record_, field_, ordinal_);
  if (!damage) return Fail(file_.string() + ": " + damage.error().message);
  const int fd = ::open(file_.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return FailErrno("cannot open " + file_.string() + " to corrupt it");
  const auto n = ::pwrite(fd, damage->bytes.data(), damage->bytes.size(),
                          static_cast<off_t>(damage->offset));
  const int write_errno = errno;
  const bool synced = n >= 0 && ::fdatasync(fd) == 0;
  const int sync_errno = errno;
  ::close(fd);
  if (n < 0) return FailErrno("cannot write the damage into " + file_.string(), write_errno);
  if (n != static_cast<ssize_t>(damage->bytes.size())) {
    return Fail("wrote " + std::to_string(n) + " of the " + std::to_string(damage->bytes.size()) +
                " damaged bytes into " + file_.string());
  }
  if (!synced) return FailErrno("cannot fdatasync " + file_.string(), sync_errno);
  file_size_ = contents.size();
  damage_ = std::move(*damage);
  injected_ = true;
  return {};
}

Status Corrupt::Probe() const {
  if (!injected_) return Fail("corruption of " + dir_.string() + " was not injected");
  const std::string now = ReadWholeFile(file_);
  if (now.size() != file_size_) {
    return Fail(file_.string() + " changed size: " + std::to_string(file_size_) + " -> " +
                std::to_string(now.size()) + " bytes");
  }
  if (now.compare(damage_.offset, damage_.bytes.size(), damage_.bytes) != 0 ||
      damage_.bytes == damage_.original) {
    return Fail(file_.string() + " does not hold the damage: " + damage_.what);
  }
  return {};
}

std::string Corrupt::mechanism() const {
  return damage_.what + " of " + file_.filename().string() + " changed at rest (located by " +
         tool_.filename().string() + " --records)";
}

}  // namespace lockstep::faults
