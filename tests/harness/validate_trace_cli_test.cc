// lockstep validate-trace as a user meets it (issue 9, deliverable 2): the traces of a passing
// run, kept with run --keep-traces, are explained (exit 0); the same traces with one line
// removed, two lines swapped, or one line changed so the model cannot explain it exit 1,
// naming the file, line, process and event; bad input exits 2 naming what was wrong.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/cli_test_fixture.h"
#include "tests/support/test_env.h"

namespace lockstep::harness {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::vector<std::string> ReadLines(const fs::path& file) {
  std::ifstream in(file);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

void WriteLines(const fs::path& file, const std::vector<std::string>& lines) {
  std::ofstream out(file, std::ios::trunc);
  for (const std::string& line : lines) out << line << "\n";
}

std::string EventOf(const std::string& line) { return json::parse(line).value("event", ""); }

class ValidateTrace : public lockstep::testing::CliTest {
 protected:
  // Runs a short passing state-transfer run keeping its traces in dir()/kept; returns the kept
  // case directory whose logger-B trace holds the most lines (it surely acknowledged inputs).
  fs::path KeepPassingRun() {
    auto r = RunCli({"run", "--protocol", "state-transfer", "--seed", "3", "--tests", "8",
                     "--report", (dir() / "report.json").string(), "--keep-traces",
                     (dir() / "kept").string()});
    EXPECT_EQ(r.exit.code, 0) << r.output;
    fs::path best;
    std::size_t most = 0;
    for (const auto& c : fs::directory_iterator(dir() / "kept" / "state-transfer")) {
      const fs::path b = c.path() / "logger-B.jsonl";
      if (!fs::exists(b)) continue;
      const auto lines = ReadLines(b);
      const bool acked = std::any_of(lines.begin(), lines.end(), [](const std::string& l) {
        return EventOf(l) == "ack_sent";
      });
      if (acked && lines.size() > most) most = lines.size(), best = c.path();
    }
    EXPECT_FALSE(best.empty()) << "no kept case where logger-B acknowledged an input";
    return best;
  }
};

TEST_F(ValidateTrace, HelpExitsZero) {
  auto r = RunCli({"validate-trace", "--help"});
  EXPECT_EQ(r.exit.code, 0) << r.output;
  EXPECT_NE(r.output.find("first line the model cannot explain"), std::string::npos) << r.output;
}

TEST_F(ValidateTrace, PassingRunIsExplainedAndEditedTracesAreNot) {
  const fs::path kept = KeepPassingRun();
  ASSERT_FALSE(kept.empty());
  auto r = RunCli({"validate-trace", (dir() / "kept").string()});
  EXPECT_EQ(r.exit.code, 0) << r.output;
  EXPECT_NE(r.output.find("8 cases, 0 failed"), std::string::npos) << r.output;

  const fs::path b = kept / "logger-B.jsonl";
  const std::vector<std::string> original = ReadLines(b);
  const auto durable = std::find_if(original.begin(), original.end(), [](const std::string& l) {
    return EventOf(l) == "input_durable";
  });
  ASSERT_NE(durable, original.end());
  const std::size_t at = durable - original.begin();

  // One line removed: the next one's seq does not follow.
  std::vector<std::string> removed = original;
  removed.erase(removed.begin() + at);
  WriteLines(b, removed);
  r = RunCli({"validate-trace", kept.string()});
  EXPECT_EQ(r.exit.code, 1) << r.output;
  EXPECT_NE(r.output.find("logger-B.jsonl:" + std::to_string(at + 1)), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("a line is missing or out of order"), std::string::npos) << r.output;

  // Two lines swapped (input_durable after ack_sent): named the same way.
  std::vector<std::string> swapped = original;
  std::swap(swapped[at], swapped[at + 1]);
  WriteLines(b, swapped);
  r = RunCli({"validate-trace", kept.string()});
  EXPECT_EQ(r.exit.code, 1) << r.output;
  EXPECT_NE(r.output.find("logger-B.jsonl:" + std::to_string(at + 1)), std::string::npos)
      << r.output;

  // A well-formed trace the model cannot explain: the input_durable line names another key,
  // so the ack that follows acknowledges an input that is not durable (ST-7 first: made
  // durable without receiving it), and --json says so field by field.
  json changed = json::parse(original[at]);
  changed["update_key"] = changed["update_key"].get<int>() + 100;
  std::vector<std::string> edited = original;
  edited[at] = changed.dump();
  WriteLines(b, edited);
  r = RunCli({"validate-trace", "--json", kept.string()});
  EXPECT_EQ(r.exit.code, 1) << r.output;
  const json report = json::parse(r.output, nullptr, false);
  ASSERT_TRUE(report.is_object()) << r.output;
  EXPECT_EQ(report["failed"], 1);
  const json& failure = report["cases"][0]["failure"];
  EXPECT_EQ(failure["property"], "ST-7") << failure.dump(2);
  EXPECT_EQ(failure["process"], "logger-B");
  EXPECT_EQ(failure["event"], "input_durable");
  EXPECT_EQ(failure["line"], at + 1);
  EXPECT_NE(failure["model_states"].get<std::string>().find("logger-B"), std::string::npos);
  EXPECT_GT(report["events_per_second"].get<double>(), 0);

  WriteLines(b, original);
  r = RunCli({"validate-trace", kept.string()});
  EXPECT_EQ(r.exit.code, 0) << r.output;
}

TEST_F(ValidateTrace, BadInputExitsTwoNamingIt) {
  auto r = RunCli({"validate-trace"});
  EXPECT_EQ(r.exit.code, 2);
  EXPECT_NE(r.output.find("give the trace FILEs or DIRs"), std::string::npos) << r.output;
  r = RunCli({"validate-trace", (dir() / "nowhere").string()});
  EXPECT_EQ(r.exit.code, 2);
  EXPECT_NE(r.output.find("no such trace file or directory"), std::string::npos) << r.output;
  fs::create_directories(dir() / "empty");
  r = RunCli({"validate-trace", (dir() / "empty").string()});
  EXPECT_EQ(r.exit.code, 2);
  EXPECT_NE(r.output.find("no trace files"), std::string::npos) << r.output;
  WriteLines(dir() / "paxos-1.jsonl", {"{}"});
  r = RunCli({"validate-trace", (dir() / "paxos-1.jsonl").string()});
  EXPECT_EQ(r.exit.code, 2);
  EXPECT_NE(r.output.find("no protocol has a role named 'paxos-1'"), std::string::npos)
      << r.output;
  r = RunCli({"run", "--trace-validation", "maybe"});
  EXPECT_EQ(r.exit.code, 2);
  EXPECT_NE(r.output.find("--trace-validation must be on or off"), std::string::npos) << r.output;
  r = RunCli({"run", "--crash-at-action", "sometimes"});
  EXPECT_EQ(r.exit.code, 2);
  EXPECT_NE(r.output.find("--crash-at-action must be on or off"), std::string::npos) << r.output;
  WriteLines(dir() / "file", {"x"});
  r = RunCli({"run", "--keep-traces", (dir() / "file").string()});
  EXPECT_EQ(r.exit.code, 2);
  EXPECT_NE(r.output.find("--keep-traces"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace lockstep::harness
