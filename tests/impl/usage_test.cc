// The command lines of the implementation binaries (impl/README.md, impl/resync/README.md):
// a bad argument is a usage error, exit 2, with a message naming the argument, before the
// process creates anything. Each row once started (or got further than argument parsing).
#include <filesystem>
#include <fstream>
#include <iterator>
#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness/os/process.h"
#include "tests/support/test_env.h"

namespace lockstep::testing {
namespace {

namespace fs = std::filesystem;

struct BadCommandLine {
  std::string binary;
  std::vector<std::string> args;
  std::string message;  // part of what it prints
};

void PrintTo(const BadCommandLine& bad, std::ostream* out) {
  *out << bad.binary;
  for (const auto& a : bad.args) *out << " " << a;
}

class ImplUsage : public ::testing::TestWithParam<BadCommandLine> {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/lockstep-impl-usage-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

// Every path argument points into dir_, so whatever a process that got past its arguments
// created would show there.
std::vector<std::string> TxsysArgs(const fs::path& d, std::vector<std::string> extra) {
  std::vector<std::string> args{"--socket", (d / "s.sock").string(), "--data-dir",
                                (d / "data").string(), "--journal", (d / "journal").string(),
                                "--log", (d / "txsys.log").string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}
std::vector<std::string> LoggerArgs(const fs::path& d, std::vector<std::string> extra) {
  std::vector<std::string> args{"--side", "A", "--mds", (d / "mds.sock").string(), "--socket",
                                (d / "a.sock").string(), "--data-dir", (d / "data").string(),
                                "--temp-dir", (d / "temp").string(), "--log",
                                (d / "logger.log").string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

TEST_P(ImplUsage, IsRefusedWithExitTwoNamingTheArgument) {
  const BadCommandLine& bad = GetParam();
  std::vector<std::string> args =
      bad.binary == "txsys" ? TxsysArgs(dir_, bad.args) : LoggerArgs(dir_, bad.args);
  const fs::path output = dir_.parent_path() / (dir_.filename().string() + ".out");
  auto p = harness::Process::Spawn(harness::ProcessSpec{bad.binary, BinDir() / bad.binary, args,
                                                        {}, output, true});
  ASSERT_TRUE(p) << p.error().message;
  auto exit = p->WaitExit(std::chrono::seconds(10));
  ASSERT_TRUE(exit) << bad.binary << " did not exit: " << exit.error().message;
  std::ifstream in(output);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  fs::remove(output);
  EXPECT_EQ(exit->Describe(), "exit 2") << text;
  EXPECT_NE(text.find(bad.message), std::string::npos) << text;
  EXPECT_TRUE(fs::is_empty(dir_)) << bad.binary << " created files before refusing";
}

INSTANTIATE_TEST_SUITE_P(
    Txsys, ImplUsage,
    ::testing::Values(
        BadCommandLine{"txsys", {"--name", "BOGUS", "--partners", "SYSTEM74=/x"},
                       "--name: 'BOGUS' is not a system name"},
        BadCommandLine{"txsys", {"--name", "SYSTEM", "--partners", "SYSTEM74=/x"},
                       "--name: 'SYSTEM' is not a system name"},
        BadCommandLine{"txsys", {"--name", "SYSTEM73::1", "--partners", "SYSTEM74=/x"},
                       "is not a system name"},
        BadCommandLine{"txsys", {"--name", "SYSTEM73", "--partners", "BOGUS=/x"},
                       "--partners: 'BOGUS' is not a system name"},
        BadCommandLine{"txsys",
                       {"--name", "SYSTEM73", "--partners", "SYSTEM74=/x", "--lock-wait-ms",
                        "9223372036854775808"},
                       "--lock-wait-ms must be from 1 to 86400000"},
        BadCommandLine{"txsys",
                       {"--name", "SYSTEM73", "--partners", "SYSTEM74=/x", "--lock-wait-ms",
                        "86400001"},
                       "--lock-wait-ms must be from 1 to 86400000"},
        BadCommandLine{"txsys",
                       {"--name", "SYSTEM73", "--partners", "SYSTEM74=/x", "--lock-wait-ms",
                        "0"},
                       "--lock-wait-ms must be from 1 to 86400000"}));

INSTANTIATE_TEST_SUITE_P(
    Logger, ImplUsage,
    ::testing::Values(
        BadCommandLine{"logger", {"--transfer-timeout-ms", "9223372036854775807"},
                       "--transfer-timeout-ms must be from 1 to 86400000"},
        BadCommandLine{"logger", {"--transfer-timeout-ms", "86400001"},
                       "--transfer-timeout-ms must be from 1 to 86400000"},
        BadCommandLine{"logger", {"--transfer-timeout-ms", "0"},
                       "--transfer-timeout-ms must be from 1 to 86400000"}));

}  // namespace
}  // namespace lockstep::testing
