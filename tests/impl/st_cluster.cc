#include "tests/impl/st_cluster.h"


#include <dirent.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
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
using Clock = std::chrono::steady_clock;

bool WaitUntil(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (Clock::now() >= deadline) return false;
    poll(nullptr, 0, 5);  // the interval between two looks at the condition
  }
}


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

std::string ReadAll(int fd) {
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  return out;
}

}  // namespace

int SendRequest(const std::string& socket_path, const json& request, bool half_close) {
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, socket_path.c_str(), sizeof addr.sun_path - 1);
  const std::string line = request.dump() + "\n";
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      send(fd, line.data(), line.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(line.size())) {
    close(fd);
    return -1;
  }
  if (half_close) shutdown(fd, SHUT_WR);
  return fd;
}

std::optional<json> ReadAnswer(int fd, std::chrono::milliseconds timeout) {
  if (fd < 0) return std::nullopt;
  const auto deadline = Clock::now() + timeout;
  std::string answer;
  while (answer.find('\n') == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
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

std::optional<json> Request(const std::string& socket_path, const json& request,
                            std::chrono::milliseconds timeout) {
  return ReadAnswer(SendRequest(socket_path, request), timeout);
}

ExitInfo RunTool(const std::vector<std::string>& argv, std::string* out) {
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return {};
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(pipe_fds[1], STDOUT_FILENO);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  *out = ReadAll(pipe_fds[0]);
  close(pipe_fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return Decode(status);
}

StCluster::StCluster() {
  char pattern[] = "/tmp/lst-XXXXXX";
  if (mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp failed");
  root_ = pattern;
  for (const std::string sub : {"mds", "A/data", "A/temp", "B/data", "B/temp"}) {
    std::filesystem::create_directories(root_ + "/" + sub);
  }
}

StCluster::~StCluster() {
  std::vector<pid_t> pids;
  if (mds_pid_ > 0) pids.push_back(mds_pid_);
  for (const auto& [side, pid] : logger_pids_) pids.push_back(pid);
  for (const pid_t pid : pids) kill(pid, SIGKILL);
  for (const pid_t pid : pids) waitpid(pid, nullptr, 0);
  for (const std::string& path : chmodded_) chmod(path.c_str(), 0755);
  for (const std::string& mount_point : mounts_) umount2(mount_point.c_str(), MNT_DETACH);
  std::error_code ignored;
  std::filesystem::remove_all(root_, ignored);
}

std::string StCluster::DataDir(char side) const { return root_ + "/" + side + "/data"; }
std::string StCluster::TempDir(char side) const { return root_ + "/" + side + "/temp"; }
std::string StCluster::LogPath(char side) const { return root_ + "/" + side + "/logger.log"; }

pid_t StCluster::Spawn(const std::vector<std::string>& argv,
                       const std::map<std::string, std::string>& env, bool drop_capabilities,
                       const std::string& output) {
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
  if (drop_capabilities) DropAllCapabilities();
  const int out = open(output.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (out >= 0) {
    dup2(out, STDOUT_FILENO);
    dup2(out, STDERR_FILENO);
  }
  execve(args[0], args.data(), envp.data());
  _exit(127);
}

std::optional<ExitInfo> StCluster::Reap(pid_t pid, std::chrono::milliseconds timeout) {
  std::optional<ExitInfo> info;
  WaitUntil(
      [&] {
        int status = 0;
        if (waitpid(pid, &status, WNOHANG) == pid) info = Decode(status);
        return info.has_value();
      },
      timeout);
  return info;
}

void StCluster::StartMds(const std::map<std::string, std::string>& env) {
  const std::string socket = root_ + "/mds.sock";
  mds_pid_ = Spawn({(BinDir() / "mds").string(), "--socket", socket, "--data-dir", root_ + "/mds", "--log",
                    root_ + "/mds.log"},
                   env, false, root_ + "/mds.out");
  ASSERT_TRUE(WaitUntil([&] { return Request(socket, {{"op", "status"}}).has_value(); },
                        std::chrono::seconds(5)))
      << "mds did not answer status";
}

bool StCluster::StartLogger(char side, const LoggerOptions& options) {
  const std::string s(1, side);
  exits_.erase(side);
  logger_pids_[side] = Spawn(
      {(BinDir() / "logger").string(), "--side", s, "--mds", root_ + "/mds.sock", "--socket",
       root_ + "/" + s + ".sock", "--data-dir", DataDir(side), "--temp-dir", TempDir(side),
       "--log", LogPath(side), "--log-capacity", std::to_string(options.log_capacity),
       "--transfer-timeout-ms", std::to_string(options.transfer_timeout_ms)},
      options.env, options.drop_capabilities, root_ + "/" + s + "/logger.out");
  return logger_pids_[side] > 0;
}

bool StCluster::Running(char side) {
  const auto it = logger_pids_.find(side);
  if (it == logger_pids_.end()) return false;
  int status = 0;
  if (waitpid(it->second, &status, WNOHANG) != it->second) return true;
  exits_[side] = Decode(status);
  logger_pids_.erase(it);
  return false;
}

void StCluster::Signal(char side, int signal) {
  const auto it = logger_pids_.find(side);
  ASSERT_NE(it, logger_pids_.end()) << "side " << side << " is not running";
  ASSERT_EQ(kill(it->second, signal), 0);
}

json StCluster::MdsStatus() {
  auto status = Request(root_ + "/mds.sock", {{"op", "status"}});
  EXPECT_TRUE(status.has_value()) << "mds did not answer status";
  return status.value_or(json::object());
}

std::optional<json> StCluster::LoggerStatus(char side) {
  return Request(root_ + "/" + std::string(1, side) + ".sock", {{"op", "status"}},
                 std::chrono::milliseconds(500));
}

json StCluster::Submit(const std::string& key, const std::string& value) {
  return Request(root_ + "/mds.sock",
                 {{"op", "submit"}, {"kind", "set"}, {"key", key}, {"value", value}})
      .value_or(json::object());
}

json StCluster::Delete(const std::string& key) {
  return Request(root_ + "/mds.sock", {{"op", "submit"}, {"kind", "del"}, {"key", key}})
      .value_or(json::object());
}

json StCluster::WaitQuiet(std::chrono::milliseconds timeout) {
  json status;
  const bool quiet = WaitUntil(
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

bool StCluster::WaitSideState(char side, const std::string& state,
                              std::chrono::milliseconds timeout) {
  return WaitUntil(
      [&] { return MdsStatus()["sides"][std::string(1, side)]["state"] == state; }, timeout);
}

std::optional<ExitInfo> StCluster::WaitExit(char side, std::chrono::milliseconds timeout) {
  WaitUntil([&] { return !Running(side); }, timeout);
  const auto it = exits_.find(side);
  if (it == exits_.end()) return std::nullopt;
  return it->second;
}

void StCluster::Crash(char side) {
  const auto it = logger_pids_.find(side);
  ASSERT_NE(it, logger_pids_.end()) << "side " << side << " is not running";
  kill(it->second, SIGKILL);
  const auto info = WaitExit(side, std::chrono::seconds(5));
  ASSERT_TRUE(info.has_value());
  ASSERT_TRUE(WaitSideState(side, "down"));
}

std::string StCluster::ReadLog(char side) const {
  std::ifstream in(LogPath(side));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

int StCluster::CountLogLines(char side, const std::string& needle) const {
  std::istringstream in(ReadLog(side));
  int count = 0;
  for (std::string line; std::getline(in, line);) count += line.find(needle) != std::string::npos;
  return count;
}

std::vector<std::string> StCluster::TempFiles(char side) const {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(TempDir(side))) {
    const std::string name = entry.path().filename().string();
    if (name != "filler") names.push_back(name);
  }
  return names;
}

json StCluster::Dump(char side) const {
  std::string out;
  const ExitInfo info = RunTool({(BinDir() / "logger").string(), "--dump", "--data-dir", DataDir(side)}, &out);
  EXPECT_TRUE(info.exited && info.status == 0) << "logger --dump failed";
  return json::parse(out, nullptr, false);
}

bool StCluster::FillTempDir(char side) {
  const std::string dir = TempDir(side);
  if (mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=65536,mode=0755") != 0) return false;
  mounts_.push_back(dir);
  const int fd = open((dir + "/filler").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return false;
  std::string chunk(4096, 'x');
  for (std::size_t size = chunk.size(); size > 0; size /= 2) {
    while (write(fd, chunk.data(), size) == static_cast<ssize_t>(size)) {
    }
  }
  close(fd);
  return true;
}

void StCluster::Chmod(const std::string& path, mode_t mode) {
  ASSERT_EQ(chmod(path.c_str(), mode), 0) << path << ": " << std::strerror(errno);
  chmodded_.push_back(path);
}

}  // namespace lockstep::testing
