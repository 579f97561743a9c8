// `lockstep report` as CI meets it: every verb answers --help, input that is not a lockstep
// report is refused (exit 2, naming what is wrong) by every verb, `report diff` exits 1 when a
// verdict got worse, `report show` prints model coverage and `report junit` one suite per
// protocol.
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "reports/ctrf.h"
#include "reports/report_file.h"
#include "tests/reports/fixtures.h"
#include "tests/support/cli_test_fixture.h"

namespace lockstep::harness {
namespace {

namespace fs = std::filesystem;

using reports::testing::FailedProperty;
using reports::testing::PassedProperty;
using reports::testing::SampleRun;
using reports::testing::UndecidedProperty;

class ReportCli : public lockstep::testing::CliTest {
 protected:
  // Writes `properties` as a run report to dir()/NAME and returns its path.
  std::string Write(const std::string& name, const std::vector<reports::PropertyResult>& properties) {
    const fs::path path = dir_ / name;
    EXPECT_TRUE(reports::WriteJsonAtomically(path, reports::ToCtrf(SampleRun(), properties)));
    return path.string();
  }
};

TEST_F(ReportCli, EveryVerbAnswersHelp) {
  for (const std::string verb : {"show", "diff", "merge", "junit", "html"}) {
    for (const std::string flag : {"--help", "-h"}) {
      const auto r = RunCli({"report", verb, flag});
      EXPECT_EQ(r.exit.code, 0) << verb << " " << flag << "\n" << r.output;
      EXPECT_NE(r.output.find("usage: lockstep report " + verb), std::string::npos)
          << verb << " " << flag << "\n" << r.output;
    }
  }
}

TEST_F(ReportCli, EveryVerbRefusesWhatIsNoLockstepReport) {
  std::ofstream(dir_ / "empty.json") << "{}";
  const std::string ok = Write("ok.json", {PassedProperty()});
  const std::string bad = (dir_ / "empty.json").string();
  const std::vector<std::vector<std::string>> commands{
      {"report", "show", bad},
      {"report", "html", bad},
      {"report", "junit", bad},
      {"report", "diff", bad, ok},
      {"report", "diff", ok, bad},
      {"report", "merge", (dir_ / "merged.json").string(), ok, bad},
  };
  for (const auto& args : commands) {
    const auto r = RunCli(args);
    const std::string what = args[1];
    EXPECT_EQ(r.exit.code, 2) << what << "\n" << r.output;
    EXPECT_NE(r.output.find("report " + bad + ": not a valid lockstep report"), std::string::npos)
        << what << "\n" << r.output;
    EXPECT_EQ(r.output.find("OTHER (0 passed"), std::string::npos) << what << " rendered it\n" << r.output;
  }
  EXPECT_FALSE(fs::exists(dir_ / "merged.json")) << "merge wrote a report from bad input";
}

TEST_F(ReportCli, DiffExitsOneOnlyWhenAVerdictGotWorse) {
  const std::string pass = Write("pass.json", {PassedProperty(), UndecidedProperty()});
  reports::PropertyResult st1_failed = FailedProperty();
  st1_failed.id = PassedProperty().id;
  st1_failed.name = PassedProperty().name;
  const std::string fail = Write("fail.json", {st1_failed, UndecidedProperty()});
  auto r = RunCli({"report", "diff", pass, fail});
  EXPECT_EQ(r.exit.code, 1) << r.output;
  EXPECT_NE(r.output.find("ST-1 single service [state-transfer]: passed -> failed"), std::string::npos)
      << r.output;
  r = RunCli({"report", "diff", fail, pass});
  EXPECT_EQ(r.exit.code, 0) << "a fix is not worse\n" << r.output;
  r = RunCli({"report", "diff", pass, pass});
  EXPECT_EQ(r.exit.code, 0) << r.output;
  EXPECT_NE(r.output.find("no differences"), std::string::npos) << r.output;
}

TEST_F(ReportCli, ShowPrintsModelCoverageAndJUnitOneSuitePerProtocol) {
  const std::string report = Write("r.json", {PassedProperty(), UndecidedProperty()});
  auto r = RunCli({"report", "show", report});
  EXPECT_EQ(r.exit.code, 0) << r.output;
  const auto& c = PassedProperty().coverage;
  EXPECT_NE(r.output.find("model states " + std::to_string(c.states_hit) + " of " +
                          std::to_string(c.states_total)),
            std::string::npos)
      << r.output;
  r = RunCli({"report", "junit", report});
  EXPECT_EQ(r.exit.code, 0) << r.output;
  EXPECT_NE(r.output.find("<testsuite name=\"lockstep.state-transfer\""), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("<testsuite name=\"lockstep.resync\""), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(" timestamp=\""), std::string::npos) << r.output;
}

}  // namespace
}  // namespace lockstep::harness
