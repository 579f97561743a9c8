// lockstep run by a user without root (issue 11, deliverable 3): as uid 65534 (nobody), through
// a user namespace of its own, every fault works, disk-full included; where no user namespace
// can be had, the faults that need one (disk-full, access-denied) are reported unavailable and
// the rest still run, with a report that matches its schema.
//
// The run is started the way a user would: setpriv (util-linux) drops to 65534 with no
// supplementary groups. This test binary must run as root to do that, and uid 65534 must be
// able to execute the built binaries; otherwise the tests skip saying which condition failed.
// Everything the run writes (report, sandbox root, probe scratch directories via TMPDIR) is in
// the test's own directory, handed to 65534 and removed after the test.
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "harness/os/user_namespace.h"
#include "harness/os/process.h"
#include "reports/schema.h"
#include "tests/support/as_nobody.h"
#include "tests/support/cli_test_fixture.h"
#include "tests/support/process_tree.h"
#include "tests/support/test_env.h"

namespace lockstep::harness {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using lockstep::testing::AsNobody;
using lockstep::testing::kNobody;
constexpr const char* kSetpriv = "/usr/bin/setpriv";

// Empty if uid 65534 may execute every binary a run needs.
std::string BinariesExecutable() {
  for (const char* name : {"lockstep", "mds", "logger", "txsys", "journal-format"}) {
    const fs::path p = lockstep::testing::BinDir() / name;
    if (access(p.c_str(), X_OK) != 0) {
      return p.string() + " is not executable by uid 65534 (" + std::strerror(errno) +
             "): build in a directory every user can read to run this test";
    }
  }
  return "";
}

// Empty if a uid-65534 process can enter a user and mount namespace of its own and make its
// mounts private: the steps lockstep takes at start-up (EnterPrivateMountNamespace, which in
// this forked child of a test that already entered its namespace would do nothing).
std::string UserNamespaceUsable() {
  if (const Status s = UnshareUserNamespace(CLONE_NEWNS); !s) return s.error().message;
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    return std::string("mount --make-rprivate / in the new namespace: ") + std::strerror(errno);
  }
  return "";
}

class UnprivilegedRun : public lockstep::testing::CliTest {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root, to run lockstep as uid 65534 with setpriv";
    if (access(kSetpriv, X_OK) != 0) GTEST_SKIP() << kSetpriv << " (util-linux) not found";
    if (const auto why = AsNobody(BinariesExecutable); !why.empty()) GTEST_SKIP() << why;
    CliTest::SetUp();
    ASSERT_EQ(chown(dir_.c_str(), kNobody, kNobody), 0) << dir_ << ": " << std::strerror(errno);
  }

  // `setpriv ... lockstep run ARGS` as uid 65534, through `wrapper` (its argv before setpriv)
  // when given; TMPDIR is the test's directory. Returns the exit status; output in out_.
  ExitStatus RunAsNobody(std::vector<std::string> run_args, std::vector<std::string> wrapper = {}) {
    std::vector<std::string> argv = wrapper;
    argv.insert(argv.end(), {kSetpriv, "--reuid=65534", "--regid=65534", "--clear-groups",
                             "--pdeathsig", "KILL", "--", (lockstep::testing::BinDir() / "lockstep").string(),
                             "run", "--report", report_path().string(), "--sandbox-root",
                             (dir_ / "sandbox").string()});
    argv.insert(argv.end(), run_args.begin(), run_args.end());
    const fs::path program = argv.front();
    argv.erase(argv.begin());
    auto p = Process::Spawn({"lockstep-as-nobody", program, argv, {{"TMPDIR", dir_.string()}},
                             dir_ / "run.out", /*drop_capabilities=*/false});
    EXPECT_TRUE(p) << p.error().message;
    if (!p) return {};
    auto exit = p->WaitExit(std::chrono::seconds(300));
    EXPECT_TRUE(exit) << exit.error().message;
    out_ = Output("run");
    return exit.value_or(ExitStatus{});
  }

  fs::path report_path() const { return dir_ / "r.json"; }
  json Report() const {
    std::ifstream in(report_path());
    return json::parse(in, nullptr, /*allow_exceptions=*/false);
  }

  // What a finished run must leave: no process, no run directory, a valid report.
  void ExpectCleanEndAndValidReport(const json& report) {
    EXPECT_TRUE(lockstep::testing::Descendants(getpid()).empty()) << "a process outlived the run";
    std::error_code ec;
    EXPECT_TRUE(fs::is_empty(dir_ / "sandbox", ec)) << "a run directory was left behind";
    ASSERT_FALSE(report.is_discarded()) << "no report, or not JSON\n" << out_;
    const Status valid = reports::ValidateReport(report);
    EXPECT_TRUE(valid) << valid.error().message;
  }

  // Every test of the report passed (and there are some).
  static void ExpectEveryPropertyPassed(const json& report) {
    ASSERT_FALSE(report["results"]["tests"].empty());
    for (const json& t : report["results"]["tests"]) {
      EXPECT_EQ(t["status"], "passed") << t["name"] << ": " << t.value("message", "");
    }
  }

  std::string out_;
};

std::uint64_t Injected(const json& faults_by_kind, const std::string& kind) {
  return faults_by_kind.value(kind, std::uint64_t{0});
}

TEST_F(UnprivilegedRun, AllProtocolsPassWithEveryFaultDiskFullIncluded) {
  if (const auto why = AsNobody(UserNamespaceUsable); !why.empty()) {
    GTEST_SKIP() << "uid 65534 cannot have a user namespace here, so the unprivileged run with "
                    "disk-full cannot be tested (the fallback test covers this host): " << why;
  }
  const auto started = std::chrono::steady_clock::now();
  const ExitStatus exit = RunAsNobody({"--protocol", "all", "--tests", "20", "--seed", "11"});
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(exit, (ExitStatus{})) << out_;
  const json report = Report();
  ExpectCleanEndAndValidReport(report);
  if (HasFatalFailure()) return;
  ExpectEveryPropertyPassed(report);
  const json& run = report["results"]["extra"];
  const std::string disk_full = run["fault_mechanisms"].value("disk-full", "");
  EXPECT_NE(disk_full.find("of a user namespace (uid 0 there is uid 65534 on the host)"),
            std::string::npos) << disk_full;
  for (const auto& [protocol, totals] : run["protocols"].items()) {
    EXPECT_GT(Injected(totals["faults_by_kind"], "disk-full"), 0u) << protocol;
    EXPECT_GT(Injected(totals["faults_by_kind"], "access-denied"), 0u) << protocol;
  }
  EXPECT_EQ(run["protocols"].size(), 2u);
  std::printf("unprivileged run of --tests 20 took %.1f s\n",
              std::chrono::duration<double>(took).count());
}

// Without user namespaces (the kernel's limit set to 0 in a namespace made for the test, see
// tests/support/no_nested_userns_main.cc) the unprivileged run cannot mount, and holds no
// capability over its children: disk-full and access-denied are reported unavailable, each
// with its reason, and crash and reformat still run.
TEST_F(UnprivilegedRun, WithoutUserNamespacesMountFaultsAreUnavailableAndTheRestRun) {
  const std::vector<std::string> no_userns{(lockstep::testing::BinDir() / "lockstep-no-nested-userns").string()};
  const ExitStatus exit = RunAsNobody({"--protocol", "all", "--tests", "10", "--seed", "11"}, no_userns);
  if (exit.code == 125 && out_.starts_with("lockstep-no-nested-userns:")) {
    GTEST_SKIP() << "cannot make a user namespace even as root here: " << out_;
  }
  EXPECT_EQ(exit, (ExitStatus{})) << out_;
  EXPECT_NE(out_.find("disk-full faults unavailable"), std::string::npos) << out_;
  const json report = Report();
  ExpectCleanEndAndValidReport(report);
  if (HasFatalFailure()) return;
  ExpectEveryPropertyPassed(report);
  const json& run = report["results"]["extra"];
  const std::string disk_full = run["fault_mechanisms"].value("disk-full", "");
  EXPECT_TRUE(disk_full.starts_with("unavailable: ")) << disk_full;
  EXPECT_NE(disk_full.find("unshare(CLONE_NEWUSER|CLONE_NEWNS) as uid 65534"), std::string::npos) << disk_full;
  const std::string access_denied = run["fault_mechanisms"].value("access-denied", "");
  EXPECT_TRUE(access_denied.starts_with("unavailable: ")) << access_denied;
  EXPECT_NE(access_denied.find("CAP_DAC_OVERRIDE"), std::string::npos) << access_denied;
  EXPECT_EQ(Injected(run["faults_by_kind"], "disk-full"), 0u);
  EXPECT_EQ(Injected(run["faults_by_kind"], "access-denied"), 0u);
  EXPECT_GT(Injected(run["faults_by_kind"], "crash"), 0u);
  EXPECT_GT(Injected(run["faults_by_kind"], "reformat"), 0u);
  for (const auto& [protocol, totals] : run["protocols"].items()) {
    EXPECT_GT(totals["steps"].get<std::uint64_t>(), 0u) << protocol << " ran no step";
  }
}

}  // namespace
}  // namespace lockstep::harness
