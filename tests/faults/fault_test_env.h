// Shared set-up of the fault tests: a sandbox (tmpfs over a fresh root in the private mount
// namespace) and capability-less shell children to try what the implementation would try.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "harness/os/process.h"
#include "harness/os/sandbox.h"

namespace lockstep::faults {

class FaultTest : public testing::Test {
 protected:
  void SetUp() override {
    std::string templ = (std::filesystem::temp_directory_path() / "lockstep-fault-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(templ.data()), nullptr);
    root_ = templ;
    auto s = harness::Sandbox::Create({.root = root_, .tmpfs_bytes = 16 << 20});
    ASSERT_TRUE(s) << s.error().message;
    sandbox_.emplace(std::move(*s));
  }
  void TearDown() override {
    sandbox_.reset();
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  void RequireIsolation() {
    if (!sandbox_->isolated()) GTEST_SKIP() << "needs a private mount namespace (run as root)";
  }

  // Runs `script` with /bin/sh as a supervised child (capabilities dropped unless told
  // otherwise); returns its exit status and sets *output to what it printed.
  harness::ExitStatus Shell(const std::string& script, std::string* output, bool drop_capabilities = true) {
    const std::filesystem::path log = sandbox_->dir() / ("shell-" + std::to_string(++shells_) + ".log");
    auto p = harness::Process::Spawn({.name = "shell", .executable = "/bin/sh", .args = {"-c", script},
                                      .output = log, .drop_capabilities = drop_capabilities});
    if (!p) throw std::runtime_error(p.error().message);
    auto st = p->WaitExit(std::chrono::seconds(10));
    if (!st) throw std::runtime_error(st.error().message);
    std::ifstream in(log);
    std::stringstream text;
    text << in.rdbuf();
    *output = text.str();
    return *st;
  }

  std::filesystem::path root_;
  std::optional<harness::Sandbox> sandbox_;
  int shells_ = 0;
};

}  // namespace lockstep::faults
