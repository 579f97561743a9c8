#include "harness/trace/trace_reader.h"

#include <algorithm>
#include <fstream>
#include <system_error>

#include "reports/trace_schema.h"

namespace lockstep::harness::trace {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string ContractBreach(const fs::path& file, std::size_t line_no, const std::string& what) {
  return "trace " + file.string() + ":" + std::to_string(line_no) +
         " breaks the trace contract (docs/trace.md): " + what;
}

}  // namespace

std::vector<fs::path> TraceFilesIn(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".jsonl" && entry.is_regular_file(ec)) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

Status TraceReader::Add(const fs::path& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    dirs_.push_back(path);
    return {};
  }
  if (fs::is_regular_file(path, ec)) {
    files_.push_back(path);
    return {};
  }
  return std::unexpected(Error{"trace " + path.string() + " is neither a file nor a directory"});
}

void TraceReader::AddText(const std::string& name, std::string text) {
  texts_.emplace(name, std::move(text));
}

Result<std::vector<TraceLine>> TraceReader::ReadNew(bool at_end) {
  std::vector<fs::path> files = files_;
  for (const fs::path& dir : dirs_) {
    for (fs::path& f : TraceFilesIn(dir)) files.push_back(std::move(f));
  }
  std::vector<TraceLine> lines;
  for (const fs::path& file : files) {
    if (broken_.contains(file)) continue;
    if (auto s = ReadFile(file, at_end, lines); !s) return std::unexpected(s.error());
  }
  for (const auto& [name, text] : texts_) {
    if (broken_.contains(name)) continue;
    ReadLines(name, std::string_view(text).substr(state_[name].offset), at_end, lines);
  }
  // Clock order; ties between files by process name. stable_sort keeps each file's order,
  // whose clocks rise strictly anyway.
  std::stable_sort(lines.begin(), lines.end(), [](const TraceLine& a, const TraceLine& b) {
    if (a.clock != b.clock) return a.clock < b.clock;
    return a.process < b.process;
  });
  lines_read_ += lines.size();
  return lines;
}

Status TraceReader::ReadFile(const fs::path& file, bool at_end, std::vector<TraceLine>& out) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::unexpected(Error::FromErrno("cannot read trace " + file.string(), errno));
  in.seekg(static_cast<std::streamoff>(state_[file].offset));
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ReadLines(file, text, at_end, out);
  return {};
}

void TraceReader::ReadLines(const fs::path& file, std::string_view unread, bool at_end,
                            std::vector<TraceLine>& out) {
  FileState& state = state_[file];
  auto breach = [&](std::size_t line_no, const std::string& what) {
    if (!breach_) {
      breach_ = ContractBreach(file, line_no, what);
      breach_clock_ = state.last_clock;
    }
    broken_.insert(file);
  };
  std::size_t start = 0;
  while (start < unread.size()) {
    const std::size_t end = unread.find('\n', start);
    if (end == std::string_view::npos) {
      if (at_end) breach(state.lines + 1, "the last line has no newline (cut short)");
      return;
    }
    const std::string_view text_line = unread.substr(start, end - start);
    const std::size_t consumed = end + 1 - start;
    start = end + 1;
    TraceLine line;
    line.file = file.string();
    line.line_no = state.lines + 1;
    line.json = json::parse(text_line, nullptr, /*allow_exceptions=*/false);
    if (line.json.is_discarded() || !line.json.is_object()) {
      return breach(line.line_no, "not a JSON object");
    }
    if (auto valid = reports::ValidateTraceLine(line.json); !valid) {
      return breach(line.line_no, valid.error().message);
    }
    line.process = line.json["process"].get<std::string>();
    line.pid = line.json["pid"].get<long>();
    line.seq = line.json["seq"].get<std::uint64_t>();
    line.clock = line.json["clock"].get<std::uint64_t>();
    line.event = line.json["event"].get<std::string>();
    if (const std::string what = CheckLine(line, state); !what.empty()) {
      return breach(line.line_no, what);
    }
    state.last_clock = line.clock;
    state.offset += consumed;
    state.lines++;
    out.push_back(std::move(line));
  }
}

std::string TraceReader::CheckLine(const TraceLine& line, FileState& state) const {
  if (line.clock <= state.last_clock) {
    return "clock " + std::to_string(line.clock) + " does not rise above the previous line's " +
           std::to_string(state.last_clock);
  }
  if (line.from_harness()) return "";
  const bool new_life = !state.pid || *state.pid != line.pid;
  if (new_life) {
    if (std::find(state.ended_pids.begin(), state.ended_pids.end(), line.pid) !=
        state.ended_pids.end()) {
      return "pid " + std::to_string(line.pid) + " writes again after a later life began";
    }
    if (line.seq != 1 || line.event != "started") {
      return "a process life (pid " + std::to_string(line.pid) + ") begins with " + line.event +
             " at seq " + std::to_string(line.seq) + ", not started at seq 1";
    }
    if (state.pid) state.ended_pids.push_back(*state.pid);
    state.pid = line.pid;
    state.last_seq = 1;
    state.exited = false;
    return "";
  }
  if (state.exited) return line.event + " after the life's exiting";
  if (line.seq != state.last_seq + 1) {
    return "seq " + std::to_string(line.seq) + " follows seq " + std::to_string(state.last_seq) +
           " (a line is missing or out of order)";
  }
  if (line.event == "started") return "started in the middle of a life";
  state.last_seq = line.seq;
  if (line.event == "exiting") state.exited = true;
  return "";
}

}  // namespace lockstep::harness::trace
