// The lockstep command line as a user meets it: usage errors exit 2 with a message naming what
// was wrong, the bug catalogue is machine-readable, and a SIGKILLed run leaves nothing behind.
#include <signal.h>
#include <sys/mount.h>

#include <fstream>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "harness/os/deadline.h"
#include "harness/os/process.h"
#include "harness/os/sandbox.h"
#include "tests/support/process_tree.h"
#include "tests/support/test_env.h"

namespace lockstep::harness {
namespace {

namespace fs = std::filesystem;

struct CliResult {
  ExitStatus exit;
  std::string output;
};

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/lockstep-cli-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }

  ProcessSpec Spec(std::vector<std::string> args) {
    return ProcessSpec{"lockstep", testing::BinDir() / "lockstep", std::move(args), {},
                       dir_ / "output.txt", /*drop_capabilities=*/false};
  }

  CliResult RunCli(std::vector<std::string> args) {
    auto p = Process::Spawn(Spec(std::move(args)));
    EXPECT_TRUE(p) << p.error().message;
    auto exit = p->WaitExit(std::chrono::seconds(120));
    EXPECT_TRUE(exit) << exit.error().message;
    std::ifstream in(dir_ / "output.txt");
    std::string out((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    fs::remove(dir_ / "output.txt");
    return {*exit, out};
  }

  fs::path dir_;
};

TEST_F(Cli, UnknownSubcommandIsAUsageError) {
  auto r = RunCli({"frobnicate"});
  EXPECT_EQ(r.exit.code, 2);
  EXPECT_NE(r.output.find("unknown command 'frobnicate'"), std::string::npos) << r.output;
}

TEST_F(Cli, BadArgumentsNameTheArgument) {
  auto r = RunCli({"run", "--protocol", "paxos"});
  EXPECT_EQ(r.exit.code, 2);
  EXPECT_NE(r.output.find("unknown protocol 'paxos'"), std::string::npos) << r.output;
  r = RunCli({"run", "--faults", "disk-full,meteor"});
  EXPECT_EQ(r.exit.code, 2);
  EXPECT_NE(r.output.find("unknown fault kind 'meteor'"), std::string::npos) << r.output;
  r = RunCli({"run", "--tests", "ten"});
  EXPECT_EQ(r.exit.code, 2);
  EXPECT_NE(r.output.find("--tests"), std::string::npos) << r.output;
  r = RunCli({"run", "--bug", "no-such-bug"});
  EXPECT_EQ(r.exit.code, 2);
  EXPECT_NE(r.output.find("unknown seeded bug 'no-such-bug'"), std::string::npos) << r.output;
  r = RunCli({"campaign", "--shard", "3/2"});
  EXPECT_EQ(r.exit.code, 2);
  EXPECT_NE(r.output.find("bad shard '3/2'"), std::string::npos) << r.output;
}

TEST_F(Cli, MissingBinaryIsAnEnvironmentError) {
  auto r = RunCli({"run", "--impl-dir", dir_.string(), "--report", (dir_ / "r.json").string()});
  EXPECT_EQ(r.exit.code, 2);
  EXPECT_NE(r.output.find((dir_ / "mds").string()), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir_ / "r.json"));
}

TEST_F(Cli, UnwritableReportPathIsAnEnvironmentError) {
  auto r = RunCli({"run", "--report", (dir_ / "no" / "such" / "dir" / "r.json").string()});
  EXPECT_EQ(r.exit.code, 2);
  EXPECT_NE(r.output.find("not writable"), std::string::npos) << r.output;
}

TEST_F(Cli, BugsJsonListsNameProtocolAndProperty) {
  auto r = RunCli({"bugs", "--json"});
  ASSERT_EQ(r.exit.code, 0) << r.output;
  auto bugs = nlohmann::json::parse(r.output);
  ASSERT_TRUE(bugs.is_array());
  std::set<std::string> properties;
  for (const auto& b : bugs) {
    EXPECT_TRUE(b.contains("name") && b.contains("protocol") && b.contains("property")) << b;
    properties.insert(b["property"].get<std::string>());
  }
  for (const char* p : {"ST-1", "ST-2", "ST-3", "ST-4", "ST-5", "ST-6", "ST-7"}) {
    EXPECT_TRUE(properties.contains(p)) << "no seeded bug for " << p;
  }
}

using testing::Alive;
using testing::Descendants;

TEST_F(Cli, SigkilledRunLeavesNoProcessMountOrFile) {
  const fs::path root = dir_ / "sandbox-root";
  fs::create_directories(root);
  auto p = Process::Spawn(Spec({"run", "--protocol", "state-transfer", "--tests", "100000",
                                "--sandbox-root", root.string(), "--report",
                                (dir_ / "r.json").string()}));
  ASSERT_TRUE(p) << p.error().message;
  std::set<pid_t> children;
  // Wait until the run has loggers going (mds plus at least one logger).
  ASSERT_TRUE(PollUntil([&] {
    children = Descendants(p->pid());
    return children.size() >= 2;
  }, std::chrono::seconds(30))) << "the run never started its processes";
  // Its sandbox tmpfs is mounted in its own namespace, never in ours.
  std::ifstream theirs("/proc/" + std::to_string(p->pid()) + "/mountinfo");
  std::string mounts((std::istreambuf_iterator<char>(theirs)), std::istreambuf_iterator<char>());
  EXPECT_NE(mounts.find(root.string()), std::string::npos) << "no sandbox tmpfs in the run's namespace";

  ASSERT_TRUE(p->Kill());
  EXPECT_TRUE(PollUntil([&] {
    for (pid_t c : children) {
      if (Alive(c)) return false;
    }
    return true;
  }, std::chrono::seconds(10))) << "children outlived the SIGKILLed harness";
  std::ifstream ours("/proc/self/mountinfo");
  std::string our_mounts((std::istreambuf_iterator<char>(ours)), std::istreambuf_iterator<char>());
  EXPECT_EQ(our_mounts.find(root.string()), std::string::npos);
  // The host sees at most the killed run's own directory, empty: its files were in a tmpfs
  // that died with its namespace. A new sandbox on the root removes that directory once no
  // process of the killed run holds it (one forked just before the kill may still be dying).
  for (const auto& e : fs::directory_iterator(root)) {
    EXPECT_TRUE(e.path().filename().string().starts_with("run-") && fs::is_empty(e.path()))
        << "the sandbox root kept " << e.path();
  }
  EXPECT_TRUE(PollUntil([&] {
    if (!Sandbox::Create({.root = root})) return false;  // made and at once removed again
    return fs::is_empty(root);
  }, std::chrono::seconds(10))) << "the killed run's directory was not removed by a new run";
  EXPECT_FALSE(fs::exists(dir_ / "r.json"));
}

}  // namespace
}  // namespace lockstep::harness
