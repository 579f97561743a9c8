#include "harness/trace/harness_lines.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <string>
#include <system_error>

#include "base/utc_timestamp.h"

namespace lockstep::harness::trace {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The largest clock of any line of any *.jsonl in `dir`.
std::uint64_t LargestClockIn(const fs::path& dir) {
  std::uint64_t largest = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".jsonl") continue;
    std::ifstream in(entry.path());
    for (std::string text; std::getline(in, text);) {
      const json line = json::parse(text, nullptr, /*allow_exceptions=*/false);
      if (!line.is_object()) continue;
      const auto clock = line.find("clock");
      if (clock != line.end() && clock->is_number_unsigned()) {
        largest = std::max(largest, clock->get<std::uint64_t>());
      }
    }
  }
  return largest;
}

}  // namespace

Status HarnessLines::Append(const fs::path& trace_dir, const fs::path& file,
                            std::string_view event, json fields) {
  json line = {{"process", "harness"},
               {"pid", static_cast<long>(getpid())},
               {"seq", ++seq_},
               {"clock", LargestClockIn(trace_dir) + 1},
               {"time", UtcTimestamp()},
               {"event", event}};
  for (auto& [name, value] : fields.items()) line[name] = value;
  const std::string text = line.dump() + "\n";
  const int fd = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return std::unexpected(Error::FromErrno("cannot open trace " + file.string(), errno));
  const ssize_t written = ::write(fd, text.data(), text.size());
  const int write_errno = errno;
  ::close(fd);
  if (written != static_cast<ssize_t>(text.size())) {
    return std::unexpected(Error::FromErrno("cannot write trace " + file.string(),
                                            written < 0 ? write_errno : ENOSPC));
  }
  return {};
}

}  // namespace lockstep::harness::trace
