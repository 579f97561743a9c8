#include "tests/impl/st_cluster.h"

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

#include "faults/disk_full.h"
#include "harness/control/control_client.h"
#include "harness/os/deadline.h"

namespace lockstep::testing {

namespace fs = std::filesystem;
using harness::Clock;
using harness::ExitStatus;
using harness::PollUntil;
using harness::Process;
using harness::ProcessSpec;
using harness::Sandbox;
using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

// Size of each side's temp-dir tmpfs: ample for the tests' databases, quick to fill.
constexpr std::uint64_t kTempDirBytes = 1 << 20;
constexpr milliseconds kRequestTimeout = seconds(5);
constexpr milliseconds kLoggerStatusTimeout{500};
constexpr milliseconds kStartTimeout = seconds(5);
constexpr milliseconds kCrashTimeout = seconds(5);  // a SIGKILLed child is reaped by then

Sandbox CreateSandbox() {
  auto sandbox = Sandbox::Create();
  if (!sandbox) throw std::runtime_error("StCluster: " + sandbox.error().message);
  return std::move(*sandbox);
}

fs::path MustMakeDir(Sandbox& sandbox, const fs::path& rel,
                     std::optional<std::uint64_t> own_tmpfs_bytes = std::nullopt) {
  auto dir = sandbox.MakeDir(rel, own_tmpfs_bytes);
  if (!dir) throw std::runtime_error("StCluster: " + dir.error().message);
  return *dir;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

Result<ToolRun> RunTool(const fs::path& executable, const std::vector<std::string>& args,
                        const fs::path& output, milliseconds timeout) {
  std::error_code ignored;
  fs::remove(output, ignored);  // Process appends; each run gets its own output
  ProcessSpec spec{executable.filename().string(), executable, args, {}, output,
                   /*drop_capabilities=*/false};
  auto process = Process::Spawn(spec);
  if (!process) return std::unexpected(process.error());
  auto exit = process->WaitExit(timeout);  // on failure, ~Process kills and reaps it
  if (!exit) return std::unexpected(exit.error());
  return ToolRun{*exit, ReadFile(output)};
}

int SendRequest(const std::string& socket_path, const json& request, bool half_close) {
  return SendLine(socket_path, request.dump(), half_close);
}

int SendLine(const std::string& socket_path, const std::string& text, bool half_close) {
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, socket_path.c_str(), sizeof addr.sun_path - 1);
  const std::string line = text + "\n";
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      send(fd, line.data(), line.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(line.size())) {
    close(fd);
    return -1;
  }
  if (half_close) shutdown(fd, SHUT_WR);
  return fd;
}

std::optional<json> ReadAnswer(int fd, milliseconds timeout) {
  if (fd < 0) return std::nullopt;
  const auto deadline = Clock::now() + timeout;
  std::string answer;
  while (answer.find('\n') == std::string::npos) {
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    pollfd p{fd, POLLIN, 0};
    if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    char buf[65536];
    const ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    answer.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  if (answer.find('\n') == std::string::npos) return std::nullopt;
  return json::parse(answer.substr(0, answer.find('\n')), nullptr, false);
}

Status SpawnImpl(harness::RoleProcess& role, const std::string& executable,
                 std::vector<std::string> args, const std::map<std::string, std::string>& env,
                 const fs::path& output, bool drop_capabilities) {
  // Empty values are inert (impl/README.md): nothing leaks in from the test's environment.
  std::map<std::string, std::string> merged{
      {"LOCKSTEP_BUG", ""}, {"LOCKSTEP_CRASH_POINT", ""}, {"LOCKSTEP_CRASH_AT_ACTION", ""}};
  for (const auto& [key, value] : env) merged[key] = value;
  return role.Spawn(ProcessSpec{role.name(), BinDir() / executable, std::move(args),
                                {merged.begin(), merged.end()}, output, drop_capabilities});
}

void CrashChild(harness::RoleProcess& child) {
  const Status killed = child.CrashNow(kCrashTimeout);
  ASSERT_TRUE(killed) << killed.error().message;
}

void SignalChild(harness::RoleProcess& child, int signal) {
  ASSERT_TRUE(child.Alive()) << child.name() << " is not running";
  // The pid cannot have been reused: the child is held, hence not reaped.
  ASSERT_EQ(kill(*child.pid(), signal), 0) << child.name() << ": " << std::strerror(errno);
}

void InjectDirectoryFault(harness::ActiveFaults& faults, harness::DirectoryFaultKind kind,
                          const fs::path& dir) {
  // A fixture's record is never reported: the directory names both the target and the lane.
  const Status injected = faults.Inject(kind, dir, dir.string(), dir.string());
  ASSERT_TRUE(injected) << injected.error().message;
}

void RemoveDirectoryFault(harness::ActiveFaults& faults, const fs::path& dir) {
  const Status removed = faults.Remove(dir);
  ASSERT_TRUE(removed) << removed.error().message;
}

// ---- StCluster ----

StCluster::StCluster() : sandbox_(CreateSandbox()) {
  MustMakeDir(sandbox_, "mds");
  for (const char* side : {"A", "B"}) {
    MustMakeDir(sandbox_, fs::path(side) / "data");
    // Its own tmpfs from the start (not mounted later over a directory the logger already
    // uses), so FillTempDir can fill it without touching anything else.
    MustMakeDir(sandbox_, fs::path(side) / "temp",
                sandbox_.isolated() ? std::optional(kTempDirBytes) : std::nullopt);
  }
}

StCluster::~StCluster() = default;

std::string StCluster::MdsSocket() const { return (dir() / "mds.sock").string(); }
std::string StCluster::SideSocket(char side) const {
  return (dir() / (std::string(1, side) + ".sock")).string();
}
std::string StCluster::DataDir(char side) const {
  return (dir() / std::string(1, side) / "data").string();
}
std::string StCluster::TempDir(char side) const {
  return (dir() / std::string(1, side) / "temp").string();
}
std::string StCluster::LogPath(char side) const {
  return (dir() / std::string(1, side) / "logger.log").string();
}

void StCluster::StartMds(const std::map<std::string, std::string>& env) {
  mds_ = harness::RoleProcess("mds", dir() / "mds.log", TracePath("mds"));
  const Status spawned =
      SpawnImpl(mds_, "mds",
                {"--socket", MdsSocket(), "--data-dir", (dir() / "mds").string(), "--log",
                 (dir() / "mds.log").string()},
                env, dir() / "mds.out", /*drop_capabilities=*/false);
  ASSERT_TRUE(spawned) << spawned.error().message;
  const bool up = PollUntil(
      [&] {
        return !mds_.Alive() ||
               harness::Request(MdsSocket(), {{"op", "status"}}, kRequestTimeout).has_value();
      },
      kStartTimeout);
  mds_.ReapIfExited();
  ASSERT_TRUE(up && mds_.Running())
      << "mds did not answer status on " << MdsSocket() << " ("
      << (mds_.last_exit() ? mds_.last_exit()->Describe() : "still running") << ")";
}

bool StCluster::StartLogger(char side, const LoggerOptions& options) {
  const std::string s(1, side);
  harness::RoleProcess& role =
      loggers_.try_emplace(side, "logger-" + s, LogPath(side), TracePath("logger-" + s))
          .first->second;
  const Status logger = SpawnImpl(
      role, "logger",
      {"--side", s, "--mds", MdsSocket(), "--socket", SideSocket(side), "--data-dir",
       DataDir(side), "--temp-dir", TempDir(side), "--log", LogPath(side), "--log-capacity",
       std::to_string(options.log_capacity), "--transfer-timeout-ms",
       std::to_string(options.transfer_timeout_ms)},
      options.env, dir() / s / "logger.out", options.drop_capabilities);
  if (!logger) {
    ADD_FAILURE() << logger.error().message;
    return false;
  }
  return true;
}

bool StCluster::Running(char side) {
  const auto it = loggers_.find(side);
  return it != loggers_.end() && it->second.Alive();
}

void StCluster::Signal(char side, int signal) {
  const auto it = loggers_.find(side);
  ASSERT_NE(it, loggers_.end()) << "side " << side << " was never started";
  SignalChild(it->second, signal);
}

json StCluster::MdsStatus() {
  auto status = harness::Request(MdsSocket(), {{"op", "status"}}, kRequestTimeout);
  EXPECT_TRUE(status) << "mds status: " << status.error().message;
  return status.value_or(json::object());
}

Result<json> StCluster::LoggerStatus(char side) {
  return harness::Request(SideSocket(side), {{"op", "status"}}, kLoggerStatusTimeout);
}

json StCluster::Submit(const std::string& key, const std::string& value) {
  auto answer = harness::Request(
      MdsSocket(), {{"op", "submit"}, {"kind", "set"}, {"key", key}, {"value", value}},
      kRequestTimeout);
  EXPECT_TRUE(answer) << "submit " << key << ": " << answer.error().message;
  return answer.value_or(json::object());
}

json StCluster::Delete(const std::string& key) {
  auto answer = harness::Request(MdsSocket(), {{"op", "submit"}, {"kind", "del"}, {"key", key}},
                                 kRequestTimeout);
  EXPECT_TRUE(answer) << "delete " << key << ": " << answer.error().message;
  return answer.value_or(json::object());
}

json StCluster::WaitQuiet(milliseconds timeout) {
  json status;
  const bool quiet = PollUntil(
      [&] {
        status = MdsStatus();
        if (!status.contains("busy") || status["busy"] != false) return false;
        for (const char side : {'A', 'B'}) {
          const std::string mds_view = status["sides"][std::string(1, side)]["state"];
          if (!Running(side)) {
            if (mds_view != "down") return false;
            continue;
          }
          const auto own = LoggerStatus(side);
          if (!own || (*own)["state"] != mds_view) return false;
        }
        return true;
      },
      timeout);
  EXPECT_TRUE(quiet) << "no quiet point; last mds status: " << status.dump();
  return status;
}

bool StCluster::WaitSideState(char side, const std::string& state, milliseconds timeout) {
  return PollUntil(
      [&] { return MdsStatus()["sides"][std::string(1, side)]["state"] == state; }, timeout);
}

std::optional<ExitStatus> StCluster::WaitExit(char side, milliseconds timeout) {
  const auto it = loggers_.find(side);
  if (it == loggers_.end()) return std::nullopt;
  auto exit = it->second.WaitExit(timeout);
  if (!exit) return std::nullopt;
  return *exit;
}

void StCluster::Crash(char side) {
  const auto it = loggers_.find(side);
  ASSERT_NE(it, loggers_.end()) << "side " << side << " was never started";
  ASSERT_NO_FATAL_FAILURE(CrashChild(it->second));
  ASSERT_TRUE(WaitSideState(side, "down"));
}

std::string StCluster::ReadLog(char side) const { return ReadFile(LogPath(side)); }

int StCluster::CountLogLines(char side, const std::string& needle) const {
  std::istringstream in(ReadLog(side));
  int count = 0;
  for (std::string line; std::getline(in, line);) count += line.find(needle) != std::string::npos;
  return count;
}

std::vector<std::string> StCluster::TempFiles(char side) const {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(TempDir(side))) {
    const std::string name = entry.path().filename().string();
    if (name != faults::DiskFull::kFillerName) names.push_back(name);
  }
  return names;
}

Result<ToolRun> StCluster::RunLoggerTool(const std::vector<std::string>& args) const {
  return RunTool(BinDir() / "logger", args, dir() / "logger-tool.out");
}

json StCluster::Dump(char side) const {
  auto dump = RunLoggerTool({"--dump", "--data-dir", DataDir(side)});
  EXPECT_TRUE(dump) << "logger --dump: " << dump.error().message;
  if (!dump) return json();
  EXPECT_EQ(dump->exit.Describe(), "exit 0") << "logger --dump: " << dump->output;
  return json::parse(dump->output, nullptr, false);
}

bool StCluster::FillTempDir(char side) {
  if (!sandbox_.isolated()) return false;
  InjectDirectoryFault(faults_, harness::DirectoryFaultKind::kDiskFull, TempDir(side));
  return !::testing::Test::HasFatalFailure();
}

void StCluster::DenyAccess(const std::string& dir) {
  InjectDirectoryFault(faults_, harness::DirectoryFaultKind::kAccessDenied, dir);
}

void StCluster::RestoreAccess(const std::string& dir) { RemoveDirectoryFault(faults_, dir); }

}  // namespace lockstep::testing
