#include "tests/impl/rs_cluster.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "harness/control/control_client.h"
#include "harness/os/deadline.h"

namespace lockstep::testing {

namespace fs = std::filesystem;
using harness::ExitStatus;
using harness::PollUntil;
using harness::Sandbox;
using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

constexpr milliseconds kStartTimeout = seconds(5);
constexpr milliseconds kStartProbeTimeout{200};  // one status request while starting
// Size of each journal set's tmpfs: ample for the tests' journals, quick to fill.
constexpr std::uint64_t kJournalBytes = 256 << 10;

Sandbox CreateSandbox() {
  auto sandbox = Sandbox::Create();
  if (!sandbox) throw std::runtime_error("RsCluster: " + sandbox.error().message);
  return std::move(*sandbox);
}

void MustMakeDir(Sandbox& sandbox, const fs::path& rel,
                 std::optional<std::uint64_t> own_tmpfs_bytes = std::nullopt) {
  if (auto dir = sandbox.MakeDir(rel, own_tmpfs_bytes); !dir) {
    throw std::runtime_error("RsCluster: " + dir.error().message);
  }
}

}  // namespace

RsCluster::RsCluster(int count) : sandbox_(CreateSandbox()) {
  for (int i = 0; i < count; ++i) {
    const std::string name = Name(i);
    names_.push_back(name);
    MustMakeDir(sandbox_, fs::path(name) / "data");
    for (int set : {1, 2}) {
      // Its own tmpfs from the start (not mounted later over a journal a system already uses),
      // so FillJournal can fill it without touching anything else.
      MustMakeDir(sandbox_, fs::path(name) / ("journal-" + std::to_string(set)),
                  sandbox_.isolated() ? std::optional(kJournalBytes) : std::nullopt);
      EXPECT_EQ(Format(name, set), 0);
    }
  }
}

RsCluster::~RsCluster() = default;

std::string RsCluster::Socket(const std::string& name) const {
  return (dir() / (name + ".sock")).string();
}
std::string RsCluster::DataDir(const std::string& name) const {
  return (dir() / name / "data").string();
}
std::string RsCluster::JournalDir(const std::string& name, int set) const {
  return (dir() / name / ("journal-" + std::to_string(set))).string();
}
std::string RsCluster::LogPath(const std::string& name) const {
  return (dir() / name / "txsys.log").string();
}

int RsCluster::Format(const std::string& name, int set) {
  auto run = RunTool(BinDir() / "journal-format", {"--dir", JournalDir(name, set)},
                     dir() / name / "journal-format.out");
  if (!run) {
    ADD_FAILURE() << "journal-format of " << JournalDir(name, set) << ": " << run.error().message;
    return -1;
  }
  return run->exit.signaled ? 128 + run->exit.signal : run->exit.code;
}

bool RsCluster::Start(const std::string& name, const TxOptions& options) {
  std::string partners;
  for (const std::string& other : names_) {
    if (other == name) continue;
    partners += (partners.empty() ? "" : ",") + other + "=" + Socket(other);
  }
  harness::RoleProcess& role =
      processes_.try_emplace(name, "txsys-" + name, LogPath(name), TracePath(name))
          .first->second;
  const lockstep::Status process = SpawnImpl(
      role, "txsys",
      {"--name", name, "--socket", Socket(name), "--data-dir", DataDir(name), "--journal",
       JournalDir(name, options.journal_set), "--log", LogPath(name), "--partners", partners,
       "--lock-wait-ms", std::to_string(options.lock_wait_ms)},
      options.env, dir() / name / "txsys.out", /*drop_capabilities=*/true);
  if (!process) {
    ADD_FAILURE() << process.error().message;
    return false;
  }
  return PollUntil(
             [&] {
               return !Running(name) ||
                      Ask(name, {{"op", "status"}}, kStartProbeTimeout).has_value();
             },
             kStartTimeout) &&
         Running(name);
}

std::optional<ExitStatus> RsCluster::StartExpectingExit(const std::string& name,
                                                        const TxOptions& options) {
  Start(name, options);
  return WaitExit(name);
}

bool RsCluster::Running(const std::string& name) {
  const auto it = processes_.find(name);
  return it != processes_.end() && it->second.Alive();
}

void RsCluster::Signal(const std::string& name, int signal) {
  const auto it = processes_.find(name);
  ASSERT_NE(it, processes_.end()) << name << " was never started";
  SignalChild(it->second, signal);
}

void RsCluster::Crash(const std::string& name) {
  const auto it = processes_.find(name);
  ASSERT_NE(it, processes_.end()) << name << " was never started";
  CrashChild(it->second);
}

std::optional<ExitStatus> RsCluster::WaitExit(const std::string& name, milliseconds timeout) {
  const auto it = processes_.find(name);
  if (it == processes_.end()) return std::nullopt;
  auto exit = it->second.WaitExit(timeout);
  if (!exit) return std::nullopt;
  return *exit;
}

std::optional<json> RsCluster::Ask(const std::string& name, const json& request,
                                   milliseconds timeout) {
  auto answer = harness::Request(Socket(name), request, timeout);
  if (!answer) return std::nullopt;
  return std::move(*answer);
}

json RsCluster::Status(const std::string& name) {
  auto status = Ask(name, {{"op", "status"}});
  EXPECT_TRUE(status.has_value()) << name << " did not answer status";
  return status.value_or(json::object());
}

json RsCluster::WaitQuiet(const std::string& name, milliseconds timeout) {
  json status;
  const bool quiet = PollUntil(
      [&] {
        status = Ask(name, {{"op", "status"}}).value_or(json::object());
        return status.value("busy", true) == false;
      },
      timeout);
  EXPECT_TRUE(quiet) << name << " not quiet; last status: " << status.dump();
  return status;
}

json RsCluster::Txn(const std::string& coordinator, const json& writes) {
  return Ask(coordinator, {{"op", "txn"}, {"writes", writes}}).value_or(json::object());
}

json RsCluster::Read(const std::string& name, const std::string& key, const std::string& at) {
  json request{{"op", "read"}, {"key", key}};
  if (!at.empty()) request["at"] = at;
  return Ask(name, request).value_or(json::object());
}

json RsCluster::Branch(const std::string& name, const std::string& dtrid) {
  for (const json& b : Status(name).value("branches", json::array())) {
    if (b["dtrid"] == dtrid) return b;
  }
  return nullptr;
}

std::string RsCluster::ReadLog(const std::string& name) const {
  std::ifstream in(LogPath(name));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

int RsCluster::CountLogLines(const std::string& name, const std::string& needle) const {
  std::istringstream in(ReadLog(name));
  int count = 0;
  for (std::string line; std::getline(in, line);) count += line.find(needle) != std::string::npos;
  return count;
}

bool RsCluster::FillJournal(const std::string& name, int set) {
  if (!sandbox_.isolated()) return false;
  InjectDirectoryFault(faults_, harness::DirectoryFaultKind::kDiskFull, JournalDir(name, set));
  return !::testing::Test::HasFatalFailure();
}

void RsCluster::UnfillJournal(const std::string& name, int set) {
  RemoveDirectoryFault(faults_, JournalDir(name, set));
}

void RsCluster::DenyAccess(const std::string& dir) {
  InjectDirectoryFault(faults_, harness::DirectoryFaultKind::kAccessDenied, dir);
}

void RsCluster::RestoreAccess(const std::string& dir) { RemoveDirectoryFault(faults_, dir); }

}  // namespace lockstep::testing
