// Another implementation under test (--impl-dir): the report names the binaries actually run,
// a seeded bug is refused for binaries that are not the reference implementation, and a
// failure's reproduce string replays against the run's own binaries, as printed.
#include <sys/stat.h>

#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/cli_test_fixture.h"

namespace lockstep::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class ImplDirCli : public CliTest {
 protected:
  // OTHER/NAME for each state-transfer binary: a copy of the reference binary.
  fs::path CopyReference() {
    const fs::path other = dir() / "other";
    fs::create_directories(other);
    for (const char* name : {"mds", "logger"}) fs::copy_file(BinDir() / name, other / name);
    return other;
  }
  // OTHER/NAME for each state-transfer binary: a wrapper that runs the reference binary but
  // answers --version as another implementation would.
  fs::path Wrappers(const std::string& version) {
    const fs::path other = dir() / "acme";
    fs::create_directories(other);
    for (const char* name : {"mds", "logger"}) {
      std::ofstream(other / name) << "#!/bin/sh\n[ \"$1\" = --version ] && { echo '" << version
                                  << "'; exit 0; }\nexec '" << (BinDir() / name).string()
                                  << "' \"$@\"\n";
      fs::permissions(other / name, fs::perms::owner_all);
    }
    return other;
  }
  json Report(const fs::path& path) {
    std::ifstream in(path);
    return json::parse(in);
  }
  static std::string FirstReproduce(const json& report) {
    for (const auto& t : report["results"]["tests"]) {
      if (t["status"] == "failed") return t["extra"]["reproduce"];
    }
    return "";
  }
};

TEST_F(ImplDirCli, ReportNamesTheBinariesActuallyRun) {
  const fs::path acme = Wrappers("acme duplexed logger 2.0");
  const fs::path report = dir() / "r.json";
  auto r = RunCli({"run", "--protocol", "state-transfer", "--tests", "2", "--impl-dir",
                   acme.string(), "--report", report.string()});
  ASSERT_EQ(r.exit.code, 0) << r.output;
  EXPECT_EQ(Report(report)["results"]["extra"]["impl_version"], "acme duplexed logger 2.0");
}

TEST_F(ImplDirCli, SeededBugIsRefusedForAnotherImplementation) {
  const fs::path acme = Wrappers("acme duplexed logger 2.0");
  auto r = RunCli({"run", "--bug", "memory-not-transferred", "--impl-dir", acme.string(),
                   "--report", (dir() / "r.json").string()});
  EXPECT_EQ(r.exit.code, 2) << r.output;
  EXPECT_NE(r.output.find("needs the reference implementation"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("acme duplexed logger 2.0"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir() / "r.json"));
}

TEST_F(ImplDirCli, ReproduceStringReplaysAgainstTheRunsBinariesAsPrinted) {
  const fs::path other = CopyReference();
  const fs::path report = dir() / "r.json";
  // Any reproduce string will do, shrunk or not: a short shrink budget keeps the run well
  // inside RunCli's deadline under the sanitizers on a loaded machine.
  auto run = RunCli({"run", "--bug", "memory-not-transferred", "--impl-dir", other.string(),
                     "--shrink-budget", "20s", "--report", report.string()});
  ASSERT_EQ(run.exit.code, 1) << run.output;
  const std::string reproduce = FirstReproduce(Report(report));
  ASSERT_NE(reproduce.find("|impl-dir=" + other.string() + "|"), std::string::npos) << reproduce;

  auto replay = RunCli({"replay", "--reproduce", reproduce});
  EXPECT_EQ(replay.exit.code, 1) << "fails again, as printed, with no --impl-dir\n"
                                 << replay.output;
  EXPECT_EQ(replay.output.find("other binaries"), std::string::npos) << replay.output;
  auto from_file = RunCli({"replay", report.string()});
  EXPECT_EQ(from_file.exit.code, 1) << from_file.output;

  // The string's binaries are the ones replayed: without them the replay says so...
  fs::rename(other / "mds", dir() / "mds.moved");
  auto missing = RunCli({"replay", "--reproduce", reproduce});
  EXPECT_EQ(missing.exit.code, 2) << missing.output;
  EXPECT_NE(missing.output.find((other / "mds").string()), std::string::npos) << missing.output;
  // ...and changed binaries are replayed with a warning naming the one that differs.
  fs::rename(dir() / "mds.moved", other / "mds");
  std::ofstream(other / "mds", std::ios::app) << '\0';
  auto changed = RunCli({"replay", "--reproduce", reproduce});
  EXPECT_NE(changed.output.find("other binaries than the run's (mds "), std::string::npos)
      << changed.output;
}

}  // namespace
}  // namespace lockstep::testing
