// TraceReader: reads the event traces of one case (docs/trace.md), checks every line against
// the trace contract, and hands the lines out in an order consistent with causality, for an
// event model (event_model.h) to replay.
//
// Checked, per line: it is a JSON object that satisfies the schema
// (reports/schema/lockstep-trace.schema.json). Per file (one role): each process life (one
// pid) starts with `started` at seq 1 and counts seq 1, 2, ... without gaps; lives do not
// interleave and none writes after its `exiting`; `clock` rises strictly from line to line
// (rules 2 to 4). Lines of the harness (process "harness") belong to no life and only need a
// rising clock. A breach ends the reading of its file: breach() names the file, the line and
// what is wrong, and the lines before it are still handed out (so a model sees them first).
//
// Order (rule 5): the lines of one read are sorted by clock, ties broken by process name;
// within a file the clock rises, so each file's order is kept. Reads may be incremental:
// ReadNew() returns only the complete lines appended since the last read, and a line read
// later always comes after every line read before. That is a causal order when reads happen
// at quiet points (the property runner reads after every step), because nothing written
// after a quiet point can precede anything written before it.
//
// Not thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "harness/trace/trace_line.h"

namespace lockstep::harness::trace {

// The trace files (*.jsonl) directly in `dir`, by name; none when it cannot be listed.
std::vector<std::filesystem::path> TraceFilesIn(const std::filesystem::path& dir);

class TraceReader {
 public:
  // Adds a trace file, or a directory whose *.jsonl files (read in name order, those that
  // appear later included) are traces. Fails naming a path that is neither.
  Status Add(const std::filesystem::path& path);
  // Adds a trace held in memory, read exactly as a file named `name` holding `text` would be
  // (breaches and TraceLine::file name it); it never grows, so a second read finds nothing new
  // but a last line without its newline, with `at_end`. For callers that have the text
  // already (the trace_validation fuzz target). REQUIRES: `name` names no other trace added.
  void AddText(const std::string& name, std::string text);

  // The complete lines appended since the last call, checked and merged. With `at_end`, a
  // last line without its newline is a breach too (a line cut short). Fails only for a file
  // that cannot be read.
  Result<std::vector<TraceLine>> ReadNew(bool at_end = false);
  // The first breach of the contract found ("trace F:N breaks the trace contract ...: what").
  const std::optional<std::string>& breach() const { return breach_; }
  // The clock of the last good line of the file with the breach: lines of other files with a
  // larger clock may follow the breaching line, so a replay stops before them.
  std::uint64_t breach_clock() const { return breach_clock_; }

  // Lines read so far, over every file.
  std::uint64_t lines_read() const { return lines_read_; }

 private:
  struct FileState {
    std::uintmax_t offset = 0;   // bytes consumed (complete lines)
    std::size_t lines = 0;       // lines consumed
    std::uint64_t last_clock = 0;
    std::optional<long> pid;     // the current life
    std::uint64_t last_seq = 0;
    bool exited = false;
    std::vector<long> ended_pids;  // lives that are over
  };
  Status ReadFile(const std::filesystem::path& file, bool at_end, std::vector<TraceLine>& out);
  // Checks and takes the complete lines of `unread`, the text of `file` past what its state
  // has consumed (a cut-short last line too, with `at_end`); stops at a breach.
  void ReadLines(const std::filesystem::path& file, std::string_view unread, bool at_end,
                 std::vector<TraceLine>& out);
  // The breach `line` makes, if any ("" when none); when none, takes its life into `state`
  // (the caller takes its clock).
  std::string CheckLine(const TraceLine& line, FileState& state) const;

  std::vector<std::filesystem::path> dirs_;
  std::vector<std::filesystem::path> files_;  // added as files
  std::map<std::filesystem::path, std::string> texts_;  // added as text (AddText)
  std::map<std::filesystem::path, FileState> state_;
  std::uint64_t lines_read_ = 0;
  std::optional<std::string> breach_;
  std::uint64_t breach_clock_ = 0;
  std::set<std::filesystem::path> broken_;  // files no longer read (a breach in them)
};

}  // namespace lockstep::harness::trace
