#include "tests/impl/rs_cluster.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace lockstep::testing {

using nlohmann::json;

namespace {

ExitInfo Decode(int wait_status) {
  ExitInfo info;
  if (WIFEXITED(wait_status)) {
    info.exited = true;
    info.status = WEXITSTATUS(wait_status);
  } else if (WIFSIGNALED(wait_status)) {
    info.signal = WTERMSIG(wait_status);
  }
  return info;
}

// In the forked child: no capability survives the exec, even for root.
void DropAllCapabilities() {
  for (int cap = 0; cap < 64; ++cap) prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
  prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  if (syscall(SYS_capget, &header, data) == 0) {
    data[0].inheritable = data[1].inheritable = 0;
    syscall(SYS_capset, &header, data);
  }
}

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
  for (const auto& [name, pid] : pids_) kill(pid, SIGKILL);
  for (const auto& [name, pid] : pids_) waitpid(pid, nullptr, 0);
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
  std::string out;
  const ExitInfo info =
      RunTool({(BinDir() / "journal-format").string(), "--dir", JournalDir(name, set)}, &out);
  return info.exited ? info.status : 128 + info.signal;
}

pid_t RsCluster::Spawn(const std::vector<std::string>& argv,
                       const std::map<std::string, std::string>& env, const std::string& output) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry = *e;
    if (!entry.starts_with("LOCKSTEP_CRASH_POINT=") && !entry.starts_with("LOCKSTEP_BUG=")) {
      env_strings.push_back(entry);
    }
  }
  for (const auto& [name, value] : env) env_strings.push_back(name + "=" + value);
  std::vector<char*> args, envp;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  for (const std::string& e : env_strings) envp.push_back(const_cast<char*>(e.c_str()));
  args.push_back(nullptr);
  envp.push_back(nullptr);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid != 0) return pid;
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(126);
  DropAllCapabilities();
  const int out = open(output.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (out >= 0) {
    dup2(out, STDOUT_FILENO);
    dup2(out, STDERR_FILENO);
  }
  execve(args[0], args.data(), envp.data());
  _exit(127);
}

bool RsCluster::Start(const std::string& name, const TxOptions& options) {
  std::string partners;
  for (const std::string& other : names_) {
    if (other == name) continue;
    partners += (partners.empty() ? "" : ",") + other + "=" + Socket(other);
  }
  exits_.erase(name);
  pids_[name] = Spawn({(BinDir() / "txsys").string(), "--name", name, "--socket", Socket(name),
                       "--data-dir", DataDir(name), "--journal",
                       JournalDir(name, options.journal_set), "--log", LogPath(name),
                       "--partners", partners, "--lock-wait-ms",
                       std::to_string(options.lock_wait_ms)},
                      options.env, root_ + "/" + name + "/txsys.out");
  return WaitUntil([&] { return !Running(name) || Ask(name, {{"op", "status"}}, std::chrono::milliseconds(200)).has_value(); },
                   std::chrono::seconds(5)) &&
         Running(name);
}

std::optional<ExitInfo> RsCluster::StartExpectingExit(const std::string& name,
                                                      const TxOptions& options) {
  Start(name, options);
  return WaitExit(name);
}

bool RsCluster::Running(const std::string& name) {
  const auto it = pids_.find(name);
  if (it == pids_.end()) return false;
  int status = 0;
  if (waitpid(it->second, &status, WNOHANG) != it->second) return true;
  exits_[name] = Decode(status);
  pids_.erase(it);
  return false;
}

void RsCluster::Signal(const std::string& name, int signal) {
  ASSERT_TRUE(pids_.contains(name)) << name << " is not running";
  ASSERT_EQ(kill(pids_.at(name), signal), 0);
}

void RsCluster::Crash(const std::string& name) {
  ASSERT_TRUE(pids_.contains(name)) << name << " is not running";
  kill(pids_.at(name), SIGKILL);
  ASSERT_TRUE(WaitExit(name).has_value());
}

std::optional<ExitInfo> RsCluster::WaitExit(const std::string& name,
                                            std::chrono::milliseconds timeout) {
  WaitUntil([&] { return !Running(name); }, timeout);
  const auto it = exits_.find(name);
  if (it == exits_.end()) return std::nullopt;
  return it->second;
}

std::optional<json> RsCluster::Ask(const std::string& name, const json& request,
                                   std::chrono::milliseconds timeout) {
  return Request(Socket(name), request, timeout);
}

json RsCluster::Status(const std::string& name) {
  auto status = Ask(name, {{"op", "status"}});
  EXPECT_TRUE(status.has_value()) << name << " did not answer status";
  return status.value_or(json::object());
}

json RsCluster::WaitQuiet(const std::string& name, std::chrono::milliseconds timeout) {
  json status;
  const bool quiet = WaitUntil(
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
