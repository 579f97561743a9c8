// Unit tests of the trace writer (impl/common/trace.h): sequence numbers and the Lamport clock,
// one write(2) per line on an O_APPEND descriptor, nothing without Open, a line that survives a
// SIGKILL right after it was recorded, and errors that name what failed.
#include "impl/common/trace.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "reports/trace_schema.h"

namespace lockstep::impl {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class TraceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "lockstep-trace-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Path(const std::string& name = "t.jsonl") const { return (dir_ / name).string(); }
  static std::string ReadText(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  // Every line of the file, parsed; a line that does not parse fails the test.
  static std::vector<json> ReadLines(const std::string& path) {
    std::vector<json> lines;
    std::istringstream in(ReadText(path));
    for (std::string line; std::getline(in, line);) {
      json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
      EXPECT_TRUE(j.is_object()) << "not a JSON object: " << line.substr(0, 200);
      lines.push_back(std::move(j));
    }
    return lines;
  }
  // A child process runs `body` and ends by itself; returns its wait status.
  template <class F>
  static int InChild(F body) {
    const pid_t pid = fork();
    if (pid == 0) {
      body();
      _exit(0);
    }
    int status = 0;
    EXPECT_EQ(waitpid(pid, &status, 0), pid);
    return status;
  }

  fs::path dir_;
};

TEST_F(TraceTest, LinesCarrySequenceClockAndCommonFieldsAndValidate) {
  Trace trace;
  ASSERT_TRUE(trace.Open(Path(), "logger-A", nullptr));
  trace.Record("stale");
  trace.Record("ack_sent", json{{"update_key", 7}});
  trace.Error("make input 8 durable", ENOSPC, "cannot write db.json.staging");
  const std::vector<json> lines = ReadLines(Path());
  ASSERT_EQ(lines.size(), 4u);
  const char* const events[] = {"started", "stale", "ack_sent", "error"};
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(lines[i]["event"], events[i]);
    EXPECT_EQ(lines[i]["seq"], i + 1);
    EXPECT_EQ(lines[i]["clock"], i + 1);
    EXPECT_EQ(lines[i]["process"], "logger-A");
    EXPECT_EQ(lines[i]["pid"], getpid());
    const Status valid = reports::ValidateTraceLine(lines[i]);
    EXPECT_TRUE(valid) << valid.error().message;
  }
  EXPECT_EQ(lines[2]["update_key"], 7);
  EXPECT_EQ(lines[3]["errno"], ENOSPC);
  EXPECT_EQ(lines[3]["cause"], std::strerror(ENOSPC));
  EXPECT_EQ(trace.seq(), 4u);
}

TEST_F(TraceTest, EmbeddedSchemaIsTheSourceFile) {
  std::ifstream in(LOCKSTEP_TRACE_SCHEMA_SOURCE);
  ASSERT_TRUE(in) << LOCKSTEP_TRACE_SCHEMA_SOURCE;
  EXPECT_EQ(json::parse(reports::TraceSchemaText()), json::parse(in));
}

// The schema is not an accept-all: a wrong field, a missing one, an unknown event and an event
// from the wrong kind of process are refused.
TEST_F(TraceTest, SchemaRefusesLinesOutsideTheContract) {
  const json good{{"process", "logger-B"}, {"pid", 9},  {"seq", 3},
                  {"clock", 5},            {"time", "2026-11-21T10:00:00.123456Z"},
                  {"event", "ack_sent"},   {"update_key", 4}};
  ASSERT_TRUE(reports::ValidateTraceLine(good));
  json missing = good;
  missing.erase("update_key");
  json extra = good;
  extra["surprise"] = true;
  json unknown = good;
  unknown["event"] = "teleported";
  json wrong_process = good;
  wrong_process["process"] = "mds";
  json zero_seq = good;
  zero_seq["seq"] = 0;
  for (const json& bad : {missing, extra, unknown, wrong_process, zero_seq}) {
    EXPECT_FALSE(reports::ValidateTraceLine(bad)) << bad.dump();
  }
}

TEST_F(TraceTest, WithoutOpenNothingIsWrittenOrStamped) {
  Trace trace;
  EXPECT_FALSE(trace.enabled());
  trace.Record("stale");
  json message{{"type", "ack"}};
  trace.Stamp(message);
  EXPECT_FALSE(message.contains("clock"));
  json incoming{{"type", "input"}, {"clock", 12}};
  trace.Receive(incoming);  // a traced peer's clock is taken off even here
  EXPECT_FALSE(incoming.contains("clock"));
  EXPECT_TRUE(fs::is_empty(dir_));
  EXPECT_EQ(trace.seq(), 0u);
}

TEST_F(TraceTest, ClockIsLamport) {
  Trace trace;
  ASSERT_TRUE(trace.Open(Path(), "mds", nullptr));  // clock 1
  json incoming{{"type", "ack"}, {"clock", 40}};
  trace.Receive(incoming);
  EXPECT_FALSE(incoming.contains("clock"));
  trace.Record("ack_received", json{{"side", "A"}, {"update_key", 1}});  // after 40: 41
  json outgoing{{"type", "input"}};
  trace.Stamp(outgoing);
  EXPECT_EQ(outgoing["clock"], 41);
  json older{{"clock", 3}};
  trace.Receive(older);  // an older clock does not move it back
  trace.Record("side_down", json{{"side", "A"}, {"why", "link end of file"}});
  const std::vector<json> lines = ReadLines(Path());
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[1]["clock"], 41);
  EXPECT_EQ(lines[2]["clock"], 42);
}

// A later life of the same role appends, starts again at seq 1, and continues the clock above
// the largest clock already in the file.
TEST_F(TraceTest, ReopenAppendsAndContinuesTheClock) {
  {
    Trace first;
    ASSERT_TRUE(first.Open(Path(), "SYSTEM73", nullptr));
    json incoming{{"clock", 90}};
    first.Receive(incoming);
    first.Record("stamp_read", json{{"stamp", "2026-11-21-10.00.00.000000"}});  // clock 91
  }
  Trace second;
  ASSERT_TRUE(second.Open(Path(), "SYSTEM73", nullptr));
  const std::vector<json> lines = ReadLines(Path());
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[2]["event"], "started");
  EXPECT_EQ(lines[2]["seq"], 1);
  EXPECT_EQ(lines[2]["clock"], 92);
}

// Two processes appending big lines to one file at once: every line arrives whole and each
// process's lines are 1..n in order. Written in pieces, or without O_APPEND, lines would mix
// or overwrite each other.
TEST_F(TraceTest, ConcurrentWritersNeverMixLines) {
  constexpr int kLines = 200;
  const std::string filler(16 * 1024, 'x');
  auto writer = [&] {
    Trace trace;
    if (!trace.Open(Path(), "mds", nullptr)) _exit(2);
    for (int i = 0; i < kLines; ++i) trace.Error("fill", 0, filler);
  };
  const pid_t a = fork();
  if (a == 0) {
    writer();
    _exit(0);
  }
  const pid_t b = fork();
  if (b == 0) {
    writer();
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(a, &status, 0), a);
  EXPECT_EQ(status, 0);
  ASSERT_EQ(waitpid(b, &status, 0), b);
  EXPECT_EQ(status, 0);
  std::map<long, std::uint64_t> last_seq;
  const std::vector<json> lines = ReadLines(Path());
  ASSERT_EQ(lines.size(), 2u * (kLines + 1));
  for (const json& line : lines) {
    const long pid = line["pid"].get<long>();
    EXPECT_EQ(line["seq"].get<std::uint64_t>(), last_seq[pid] + 1) << "pid " << pid;
    last_seq[pid] = line["seq"].get<std::uint64_t>();
    if (line["event"] == "error") {
      EXPECT_EQ(line["message"], filler);
    }
  }
  EXPECT_EQ(last_seq.size(), 2u);
}

// Recorded, then killed at once: the line is in the file.
TEST_F(TraceTest, ALineSurvivesSigkillRightAfterIt) {
  const int status = InChild([&] {
    Trace trace;
    if (!trace.Open(Path(), "logger-A", nullptr)) _exit(2);
    trace.Record("input_durable", json{{"update_key", 17}});
    kill(getpid(), SIGKILL);
  });
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
  const std::vector<json> lines = ReadLines(Path());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines.back()["event"], "input_durable");
  EXPECT_EQ(lines.back()["update_key"], 17);
}

TEST_F(TraceTest, OpenFailsNamingThePathAndLeavesNothing) {
  const std::string path = Path("missing-dir/t.jsonl");
  Trace trace;
  const Status opened = trace.Open(path, "mds", nullptr);
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().message.find(path), std::string::npos) << opened.error().message;
  EXPECT_NE(opened.error().message.find("No such file or directory [2]"), std::string::npos)
      << opened.error().message;
  EXPECT_EQ(opened.error().errnum, ENOENT);
  EXPECT_FALSE(trace.enabled());
  EXPECT_TRUE(fs::is_empty(dir_));
}

// Discard removes a file Open created (a process that cannot start leaves nothing), never one
// that was there before.
TEST_F(TraceTest, DiscardRemovesOnlyAFileItCreated) {
  Trace fresh;
  ASSERT_TRUE(fresh.Open(Path("fresh.jsonl"), "mds", nullptr));
  fresh.Discard();
  EXPECT_FALSE(fs::exists(Path("fresh.jsonl")));
  EXPECT_FALSE(fresh.enabled());

  std::ofstream(Path("old.jsonl")) << "";
  Trace old;
  ASSERT_TRUE(old.Open(Path("old.jsonl"), "mds", nullptr));
  old.Discard();
  EXPECT_TRUE(fs::exists(Path("old.jsonl")));
}

// A write that fails is logged, once, naming the trace file and the errno; a line cut short
// is ended before the next one, so the next line stands alone.
TEST_F(TraceTest, WriteFailuresAreLoggedAndCutLinesEnded) {
  const std::string log_path = Path("process.log");
  const int status = InChild([&] {
    LogFile log;
    if (!log.Open(log_path, "A")) _exit(2);
    Trace trace;
    if (!trace.Open(Path(), "logger-A", &log)) _exit(3);
    signal(SIGXFSZ, SIG_IGN);  // past the size limit write fails with EFBIG instead
    rlimit limit{};
    limit.rlim_cur = limit.rlim_max = static_cast<rlim_t>(fs::file_size(Path()) + 300);
    if (setrlimit(RLIMIT_FSIZE, &limit) != 0) _exit(4);
    trace.Error("fill", 0, std::string(1000, 'y'));  // cut short at the limit
    trace.Error("fill", 0, std::string(1000, 'z'));  // lost
    limit.rlim_cur = limit.rlim_max = RLIM_INFINITY;
    // Raising a hard limit needs privilege; without it the file cannot recover here.
    if (setrlimit(RLIMIT_FSIZE, &limit) != 0) _exit(0);
    trace.Record("stale");
    _exit(0);
  });
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  const std::string log = ReadText(log_path);
  EXPECT_NE(log.find("Unable to write trace file " + Path() + " (line 2 cut short)"),
            std::string::npos)
      << log;
  EXPECT_EQ(log.find("(line 3"), std::string::npos) << "logged once until a write succeeds\n"
                                                    << log;
  const std::string text = ReadText(Path());
  if (text.find("\"stale\"") != std::string::npos) {  // the limit could be raised again
    EXPECT_NE(log.find("writable again; 2 trace lines were lost or cut short"), std::string::npos)
        << log;
    const std::string last = text.substr(text.rfind('\n', text.size() - 2) + 1);
    EXPECT_EQ(json::parse(last)["event"], "stale") << last;
  }
}

}  // namespace
}  // namespace lockstep::impl
