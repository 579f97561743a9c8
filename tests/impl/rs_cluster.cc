#include "tests/impl/rs_cluster.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "harness/control/control_client.h"
#include "harness/os/deadline.h"

namespace lockstep::testing {

using harness::ExitStatus;
using harness::PollUntil;
using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

constexpr milliseconds kStartTimeout = seconds(5);
constexpr milliseconds kStartProbeTimeout{200};  // one status request while starting

}  // namespace

RsCluster::RsCluster(int count) {
  char pattern[] = "/tmp/lrs-XXXXXX";
  if (mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp failed");
  root_ = pattern;
  chmod(root_.c_str(), 0755);
  for (int i = 0; i < count; ++i) {
    names_.push_back(Name(i));
    std::filesystem::create_directories(DataDir(Name(i)));
    for (int set : {1, 2}) EXPECT_EQ(Format(Name(i), set), 0);
  }
}

RsCluster::~RsCluster() {
  processes_.clear();  // ~Process SIGKILLs and reaps each one still running
  for (const std::string& path : chmodded_) chmod(path.c_str(), 0755);
  for (const std::string& mount_point : mounts_) umount2(mount_point.c_str(), MNT_DETACH);
  std::error_code ignored;
  std::filesystem::remove_all(root_, ignored);
}

std::string RsCluster::Socket(const std::string& name) const { return root_ + "/" + name + ".sock"; }
std::string RsCluster::DataDir(const std::string& name) const { return root_ + "/" + name + "/data"; }
std::string RsCluster::JournalDir(const std::string& name, int set) const {
  return root_ + "/" + name + "/journal-" + std::to_string(set);
}
std::string RsCluster::LogPath(const std::string& name) const {
  return root_ + "/" + name + "/txsys.log";
}

int RsCluster::Format(const std::string& name, int set) {
  auto run = RunTool(BinDir() / "journal-format", {"--dir", JournalDir(name, set)},
                     root_ + "/" + name + "/journal-format.out");
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
  auto process = SpawnImpl(
      "txsys-" + name, "txsys",
      {"--name", name, "--socket", Socket(name), "--data-dir", DataDir(name), "--journal",
       JournalDir(name, options.journal_set), "--log", LogPath(name), "--partners", partners,
       "--lock-wait-ms", std::to_string(options.lock_wait_ms)},
      options.env, root_ + "/" + name + "/txsys.out", /*drop_capabilities=*/true);
  if (!process) {
    ADD_FAILURE() << process.error().message;
    return false;
  }
  processes_.insert_or_assign(name, std::move(*process));
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
  return it != processes_.end() && it->second.Running();
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

bool RsCluster::MountJournalTmpfs(const std::string& name, int set) {
  const std::string dir = JournalDir(name, set);
  if (mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=262144,mode=0755") != 0) return false;
  mounts_.push_back(dir);
  return Format(name, set) == 0;
}

void RsCluster::FillJournal(const std::string& name, int set) {
  const int fd = open((JournalDir(name, set) + "/filler").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0) << std::strerror(errno);
  std::string chunk(65536, 'x');
  for (std::size_t size = chunk.size(); size > 0; size /= 2) {
    while (write(fd, chunk.data(), size) == static_cast<ssize_t>(size)) {
    }
  }
  close(fd);
}

void RsCluster::UnfillJournal(const std::string& name, int set) {
  ASSERT_EQ(unlink((JournalDir(name, set) + "/filler").c_str()), 0) << std::strerror(errno);
}

void RsCluster::Chmod(const std::string& path, mode_t mode) {
  ASSERT_EQ(chmod(path.c_str(), mode), 0) << path << ": " << std::strerror(errno);
  chmodded_.push_back(path);
}

}  // namespace lockstep::testing
