// The trace reader (harness/trace/trace_reader.h): merges a case's files by clock, reads
// incrementally, and names each breach of the trace contract by file and line.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/trace/trace_reader.h"
#include "tests/support/scratch_dir.h"

namespace lockstep::harness::trace {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string Line(const std::string& process, long pid, int seq, int clock, const std::string& event,
                 json fields = json::object()) {
  json j = {{"process", process}, {"pid", pid}, {"seq", seq}, {"clock", clock},
            {"time", "2026-12-03T10:00:00.000000Z"}, {"event", event}};
  for (auto& [k, v] : fields.items()) j[k] = v;
  return j.dump() + "\n";
}

void Append(const fs::path& file, const std::string& text) {
  std::ofstream(file, std::ios::app) << text;
}

class TraceReaderTest : public ::testing::Test {
 protected:
  fs::path dir() const { return scratch_.path(); }
  std::vector<std::string> Events(TraceReader& reader, bool at_end = false) {
    auto lines = reader.ReadNew(at_end);
    EXPECT_TRUE(lines) << lines.error().message;
    std::vector<std::string> out;
    for (const TraceLine& l : lines.value_or(std::vector<TraceLine>{})) {
      out.push_back(l.process + ":" + l.event);
    }
    return out;
  }
  lockstep::testing::ScratchDir scratch_{fs::temp_directory_path()};
};

TEST_F(TraceReaderTest, MergesFilesByClockAndReadsOnlyWhatIsNew) {
  Append(dir() / "mds.jsonl", Line("mds", 10, 1, 1, "started") +
                                  Line("mds", 10, 2, 4, "keys_loaded",
                                       {{"high_water_key", 0}, {"last_assigned_key", 0}}));
  Append(dir() / "logger-A.jsonl", Line("logger-A", 11, 1, 2, "started"));
  TraceReader reader;
  ASSERT_TRUE(reader.Add(dir()));
  EXPECT_EQ(Events(reader),
            (std::vector<std::string>{"mds:started", "logger-A:started", "mds:keys_loaded"}));
  // A line still being written (no newline yet) waits; once whole it is read, alone.
  const std::string next = Line("logger-A", 11, 2, 3, "register_sent", {{"last_update_key", 0}});
  Append(dir() / "logger-A.jsonl", next.substr(0, 20));
  EXPECT_TRUE(Events(reader).empty());
  Append(dir() / "logger-A.jsonl", next.substr(20));
  EXPECT_EQ(Events(reader), (std::vector<std::string>{"logger-A:register_sent"}));
  EXPECT_FALSE(reader.breach());
  EXPECT_EQ(reader.lines_read(), 4u);
}

TEST_F(TraceReaderTest, EachBreachIsNamedByFileAndLine) {
  struct Case {
    std::string what, lines, breach;
  };
  const std::vector<Case> cases{
      {"seq gap", Line("mds", 10, 1, 1, "started") + Line("mds", 10, 3, 2, "exiting", {{"status", 0}}),
       "mds.jsonl:2 breaks the trace contract (docs/trace.md): seq 3 follows seq 1"},
      {"no started", Line("mds", 10, 1, 1, "exiting", {{"status", 0}}),
       "mds.jsonl:1 breaks the trace contract (docs/trace.md): a process life (pid 10) begins with exiting"},
      {"clock", Line("mds", 10, 1, 5, "started") + Line("mds", 10, 2, 5, "exiting", {{"status", 0}}),
       "mds.jsonl:2 breaks the trace contract (docs/trace.md): clock 5 does not rise"},
      {"after exiting", Line("mds", 10, 1, 1, "started") + Line("mds", 10, 2, 2, "exiting", {{"status", 0}}) +
                            Line("mds", 10, 3, 3, "keys_loaded", {{"high_water_key", 0}, {"last_assigned_key", 0}}),
       "mds.jsonl:3 breaks the trace contract (docs/trace.md): keys_loaded after the life's exiting"},
      {"old pid again", Line("mds", 10, 1, 1, "started") + Line("mds", 11, 1, 2, "started") +
                            Line("mds", 10, 2, 3, "exiting", {{"status", 0}}),
       "mds.jsonl:3 breaks the trace contract (docs/trace.md): pid 10 writes again"},
      {"schema", Line("mds", 10, 1, 1, "started", {{"extra", 1}}),
       "mds.jsonl:1 breaks the trace contract (docs/trace.md): not a valid trace line"},
      {"not json", "{\"process\":\n", "mds.jsonl:1 breaks the trace contract (docs/trace.md): not a JSON object"},
  };
  for (const Case& c : cases) {
    fs::remove(dir() / "mds.jsonl");
    Append(dir() / "mds.jsonl", c.lines);
    TraceReader reader;
    ASSERT_TRUE(reader.Add(dir() / "mds.jsonl"));
    ASSERT_TRUE(reader.ReadNew());
    ASSERT_TRUE(reader.breach()) << c.what;
    EXPECT_NE(reader.breach()->find(c.breach), std::string::npos) << c.what << ": " << *reader.breach();
  }
}

TEST_F(TraceReaderTest, ALastLineCutShortIsABreachAtTheEndOnly) {
  Append(dir() / "mds.jsonl", Line("mds", 10, 1, 1, "started") + "{\"process\":\"mds\"");
  TraceReader reader;
  ASSERT_TRUE(reader.Add(dir()));
  EXPECT_EQ(Events(reader).size(), 1u);
  EXPECT_FALSE(reader.breach());
  EXPECT_TRUE(Events(reader, /*at_end=*/true).empty());
  ASSERT_TRUE(reader.breach());
  EXPECT_NE(reader.breach()->find("mds.jsonl:2"), std::string::npos) << *reader.breach();
  EXPECT_NE(reader.breach()->find("cut short"), std::string::npos) << *reader.breach();
}

// Lines of the harness belong to no process life: they need only a rising clock.
TEST_F(TraceReaderTest, HarnessLinesNeedOnlyARisingClock) {
  Append(dir() / "logger-B.jsonl",
         Line("logger-B", 20, 1, 1, "started") +
             Line("harness", 99, 1, 7, "offline_sync", {{"from", "A"}, {"to", "B"}, {"role", "logger-B"}}) +
             Line("logger-B", 21, 1, 8, "started"));
  TraceReader reader;
  ASSERT_TRUE(reader.Add(dir()));
  EXPECT_EQ(Events(reader), (std::vector<std::string>{"logger-B:started", "harness:offline_sync",
                                                      "logger-B:started"}));
  EXPECT_FALSE(reader.breach()) << *reader.breach();
}

// A trace held in memory is read as the same text in a file would be: merged with files by
// clock, its breaches named by its name and line, its cut-short last line a breach at the end.
TEST_F(TraceReaderTest, ATraceInMemoryIsReadAsItsFileWouldBe) {
  Append(dir() / "mds.jsonl", Line("mds", 10, 1, 1, "started"));
  TraceReader reader;
  ASSERT_TRUE(reader.Add(dir() / "mds.jsonl"));
  reader.AddText("logger-A.jsonl", Line("logger-A", 11, 1, 2, "started") +
                                       Line("logger-A", 11, 3, 3, "exiting", {{"status", 0}}) +
                                       "{\"process\"");
  EXPECT_EQ(Events(reader), (std::vector<std::string>{"mds:started", "logger-A:started"}));
  ASSERT_TRUE(reader.breach());
  EXPECT_NE(reader.breach()->find("trace logger-A.jsonl:2 breaks the trace contract "
                                  "(docs/trace.md): seq 3 follows seq 1"),
            std::string::npos)
      << *reader.breach();

  TraceReader cut;
  cut.AddText("mds.jsonl", Line("mds", 10, 1, 1, "started") + "{\"process\"");
  EXPECT_EQ(Events(cut).size(), 1u);
  EXPECT_FALSE(cut.breach());
  EXPECT_TRUE(Events(cut, /*at_end=*/true).empty());
  ASSERT_TRUE(cut.breach());
  EXPECT_NE(cut.breach()->find("mds.jsonl:2"), std::string::npos) << *cut.breach();
  EXPECT_NE(cut.breach()->find("cut short"), std::string::npos) << *cut.breach();
  EXPECT_EQ(cut.lines_read(), 1u);
}

TEST_F(TraceReaderTest, APathThatIsNeitherFileNorDirectoryIsRefused) {
  TraceReader reader;
  auto s = reader.Add(dir() / "missing");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("missing is neither a file nor a directory"), std::string::npos);
}

}  // namespace
}  // namespace lockstep::harness::trace
