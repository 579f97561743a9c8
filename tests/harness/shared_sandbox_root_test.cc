// Two real `lockstep run` processes sharing one --sandbox-root, the second started while the
// first runs, the first ending while the second still runs (issue 12): neither disturbs the
// other, and nothing of theirs shows on the host beyond one empty directory per live run.
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "harness/os/deadline.h"
#include "harness/os/process.h"
#include "tests/support/cli_test_fixture.h"
#include "tests/support/test_env.h"

namespace lockstep::harness {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class SharedSandboxRoot : public lockstep::testing::CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    root_ = dir_ / "root";  // missing: the first run creates it
  }

  Result<Process> StartRun(const std::string& name, std::vector<std::string> args) {
    args.insert(args.begin(), "run");
    args.insert(args.end(), {"--sandbox-root", root_.string(), "--report",
                             (dir_ / (name + ".json")).string()});
    return StartCli(name, std::move(args));
  }

  std::string Log(const std::string& name) { return Output(name); }

  // The run directories now under the root, as the host sees them.
  std::vector<fs::path> RunDirs() {
    std::vector<fs::path> found;
    std::error_code ec;
    for (fs::directory_iterator it(root_, ec), end; !ec && it != end; it.increment(ec)) {
      found.push_back(it->path());
    }
    return found;
  }

  // Empty when the host sees under the root only empty `run-*` directories (each run's files
  // live in its own tmpfs, in its own namespace); else the first thing found that should not be.
  std::string StrayOnHost() {
    std::error_code ec;
    for (fs::recursive_directory_iterator it(root_, ec), end; !ec && it != end; it.increment(ec)) {
      const bool run_dir = it.depth() == 0 && it->is_directory() &&
                           it->path().filename().string().starts_with("run-");
      if (!run_dir) return it->path().string();
    }
    return "";
  }

  // Every test of the report passed (the report is read once its run has exited).
  void ExpectAllPassed(const std::string& name) {
    std::ifstream in(dir_ / (name + ".json"));
    ASSERT_TRUE(in) << name << " wrote no report:\n" << Log(name);
    const json report = json::parse(in);
    ASSERT_FALSE(report["results"]["tests"].empty());
    for (const json& test : report["results"]["tests"]) {
      EXPECT_EQ(test["status"], "passed") << name << ": " << test["name"] << ": "
                                          << test["extra"]["reason"] << "\n" << Log(name);
    }
  }

  fs::path root_;
};

TEST_F(SharedSandboxRoot, RunsEndingAtDifferentTimesDoNotDisturbEachOther) {
  auto first = StartRun("first", {"--protocol", "state-transfer", "--tests", "2", "--max-steps",
                                  "4", "--seed", "1"});
  ASSERT_TRUE(first) << first.error().message;
  // Known to be running in its sandbox: it has said so (the line comes once the sandbox is
  // made), and its run directory is on the host.
  ASSERT_TRUE(PollUntil([&] {
    return Log("first").find("cases per protocol") != std::string::npos || !first->Running();
  }, std::chrono::seconds(30)));
  ASSERT_TRUE(first->Running()) << "the first run ended before its sandbox was seen\n" << Log("first");
  EXPECT_EQ(RunDirs().size(), 1u) << "the first run's directory is not on the host";

  auto second = StartRun("second", {"--protocol", "resync", "--tests", "60", "--max-steps", "20",
                                    "--seed", "2"});
  ASSERT_TRUE(second) << second.error().message;
  std::string stray;
  const auto watch = [&](Process& p) {  // samples the host view until p has exited
    return PollUntil([&] {
      if (stray.empty()) stray = StrayOnHost();
      return !p.Running();
    }, std::chrono::seconds(120));
  };
  ASSERT_TRUE(watch(*first)) << "the first run did not end\n" << Log("first");
  ASSERT_TRUE(second->Running()) << "the second run ended before the first: nothing was shared\n"
                                 << Log("second");
  ASSERT_TRUE(watch(*second)) << "the second run did not end\n" << Log("second");

  const auto first_exit = first->WaitExit(std::chrono::seconds(1));
  const auto second_exit = second->WaitExit(std::chrono::seconds(1));
  ASSERT_TRUE(first_exit && second_exit);
  EXPECT_EQ(first_exit->code, 0) << Log("first");
  EXPECT_EQ(second_exit->code, 0) << Log("second");
  ExpectAllPassed("first");
  ExpectAllPassed("second");
  EXPECT_EQ(stray, "") << "written on the host, outside any run's tmpfs";
  EXPECT_TRUE(fs::is_directory(root_)) << "the shared root was removed";
  EXPECT_TRUE(RunDirs().empty()) << "a run left its directory: " << RunDirs().front();
  std::ifstream mounts("/proc/mounts");
  const std::string all((std::istreambuf_iterator<char>(mounts)), std::istreambuf_iterator<char>());
  EXPECT_EQ(all.find(root_.string()), std::string::npos) << "a mount under the root is visible here";
}

}  // namespace
}  // namespace lockstep::harness
