// The figures of a real `lockstep run` report (issue 12): faults counted once per protocol,
// not once per property; JUnit times that add up to the run's wall time; and the properties a
// failure cut short flagged as truncated passes.
#include <fstream>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "harness/os/process.h"
#include "tests/support/cli_test_fixture.h"
#include "tests/support/test_env.h"

namespace lockstep::harness {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class RunFigures : public lockstep::testing::CliTest {
 protected:
  // Runs lockstep with `args`; its exit code, output in out().
  int Lockstep(std::vector<std::string> args) {
    const auto r = RunCli(std::move(args));
    out_ = r.output;
    return r.exit.code;
  }
  std::string out() const { return out_; }
  static std::string Slurp(const fs::path& p) {
    std::ifstream in(p);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  json Report() const { return json::parse(Slurp(dir_ / "r.json")); }
  std::vector<std::string> RunArgs(std::vector<std::string> args) const {
    args.insert(args.begin(), "run");
    args.insert(args.end(), {"--sandbox-root", (dir_ / "sandbox").string(), "--report",
                             (dir_ / "r.json").string()});
    return args;
  }

  std::string out_;
};

TEST_F(RunFigures, AllProtocolsCountEachSearchOnceAndJUnitTimeIsTheRunsWallTime) {
  ASSERT_EQ(Lockstep(RunArgs({"--protocol", "all", "--tests", "3", "--max-steps", "5", "--seed", "5"})), 0)
      << out();
  const json report = Report();
  // Every property of a protocol saw that protocol's one search: the same faults.
  std::map<std::string, json> faults_of;
  for (const json& t : report["results"]["tests"]) {
    const std::string protocol = t["extra"]["protocol"];
    if (!faults_of.contains(protocol)) faults_of[protocol] = t["extra"]["faults_by_kind"];
    EXPECT_EQ(t["extra"]["faults_by_kind"], faults_of[protocol]) << t["name"];
  }
  ASSERT_EQ(faults_of.size(), 2u);
  std::map<std::string, std::uint64_t> injected;  // one count per protocol
  for (const auto& [protocol, faults] : faults_of) {
    for (const auto& [kind, n] : faults.items()) injected[kind] += n.get<std::uint64_t>();
  }
  const json& run = report["results"]["extra"];
  EXPECT_EQ(run["faults_by_kind"], json(injected)) << "not the sum over protocols of the faults";
  for (const auto& [protocol, faults] : faults_of) {
    EXPECT_EQ(run.value("protocols", json::object()).value(protocol, json::object()).value("faults_by_kind", json()),
              faults) << protocol;
  }

  ASSERT_EQ(Lockstep({"report", "junit", (dir_ / "r.json").string(), (dir_ / "r.xml").string()}), 0)
      << out();
  const std::string xml = Slurp(dir_ / "r.xml");
  const double wall_s = report["results"]["summary"]["duration"].get<double>() / 1000;
  double testcases_s = 0;
  const std::regex testcase_time("<testcase [^>]*time=\"([0-9.]+)\"");
  for (std::sregex_iterator it(xml.begin(), xml.end(), testcase_time), end; it != end; ++it) {
    testcases_s += std::stod((*it)[1]);
  }
  std::smatch suite;
  ASSERT_TRUE(std::regex_search(xml, suite, std::regex("<testsuites [^>]*time=\"([0-9.]+)\""))) << xml;
  EXPECT_NEAR(std::stod(suite[1]), wall_s, 0.1 * wall_s) << xml;
  EXPECT_NEAR(testcases_s, wall_s, 0.1 * wall_s) << "the testcases do not add up to the run\n" << xml;
}

TEST_F(RunFigures, AFailureMarksTheOtherPropertiesOfItsSearchTruncated) {
  ASSERT_EQ(Lockstep(RunArgs({"--protocol", "state-transfer", "--bug", "memory-not-transferred",
                              "--tests", "100", "--max-steps", "10", "--seed", "3"})), 1)
      << out();
  const json report = Report();
  int failed = 0;
  for (const json& t : report["results"]["tests"]) {
    if (t["extra"]["property"] == "ST-1") {
      EXPECT_EQ(t["status"], "failed");
      EXPECT_EQ(t["extra"]["truncated"], false);
      ++failed;
      continue;
    }
    EXPECT_EQ(t["status"], "passed") << t["name"];
    EXPECT_EQ(t["extra"]["truncated"], true) << t["name"] << " reads as a full pass";
    const std::string reason = t["extra"]["reason"];
    EXPECT_NE(reason.find("ST-1"), std::string::npos) << reason;
    EXPECT_NE(reason.find("(of 100 asked for)"), std::string::npos) << reason;
    EXPECT_EQ(t["message"], reason);
  }
  EXPECT_EQ(failed, 1);
}

}  // namespace
}  // namespace lockstep::harness
