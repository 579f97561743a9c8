// CliTest: a fixture that runs the built `lockstep` binary as a user would, from a scratch
// directory of its own (dir(), removed after the test), and returns how it ended and what it
// printed (stdout and stderr interleaved).
#pragma once

#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "harness/os/process.h"
#include "tests/support/test_env.h"

namespace lockstep::testing {

struct CliResult {
  harness::ExitStatus exit;
  std::string output;
};

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "lockstep-cli-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  const std::filesystem::path& dir() const { return dir_; }

  // Starts `lockstep args...` in the background as the process `name`, with `env` added to the
  // test's environment, its stdout and stderr into dir()/NAME.out (read with Output(name)).
  Result<harness::Process> StartCli(const std::string& name, std::vector<std::string> args,
                                    std::vector<std::pair<std::string, std::string>> env = {}) {
    return harness::Process::Spawn({name, BinDir() / "lockstep", std::move(args), std::move(env),
                                    dir_ / (name + ".out"), /*drop_capabilities=*/false});
  }
  std::string Output(const std::string& name) const {
    std::ifstream in(dir_ / (name + ".out"));
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }

  // Runs `lockstep args...` to its end (failing the test if it is still running after
  // `timeout`, when it is killed).
  CliResult RunCli(std::vector<std::string> args,
                   std::chrono::milliseconds timeout = std::chrono::seconds(120),
                   std::vector<std::pair<std::string, std::string>> env = {}) {
    auto p = StartCli("lockstep", std::move(args), std::move(env));
    EXPECT_TRUE(p) << p.error().message;
    if (!p) return {};
    auto exit = p->WaitExit(timeout);
    EXPECT_TRUE(exit) << exit.error().message;
    std::string out = Output("lockstep");
    std::filesystem::remove(dir_ / "lockstep.out");
    return {exit.value_or(harness::ExitStatus{}), out};
  }

  std::filesystem::path dir_;  // the test's scratch directory, removed afterwards
};

}  // namespace lockstep::testing
