#include "faults/reformat.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <vector>

extern char** environ;

namespace lockstep::faults {

namespace fs = std::filesystem;

namespace {

std::optional<ino_t> Inode(const fs::path& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return std::nullopt;
  return st.st_ino;
}

std::string ReadAll(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Runs argv with stdout and stderr to `output`; returns the wait status.
Result<int> RunTool(const std::vector<std::string>& argv, const fs::path& output) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, output.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return Fail("cannot start " + argv[0] + ": " + std::strerror(rc), rc);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return Fail("waitpid for " + argv[0] + " failed", errno);
  }
  return status;
}

}  // namespace

Reformat::Reformat(fs::path tool, fs::path dir) : tool_(std::move(tool)), dir_(std::move(dir)) {
  if (!tool_.is_absolute() || !dir_.is_absolute()) {
    throw std::invalid_argument("Reformat needs absolute paths: " + tool_.string() + ", " +
                                dir_.string());
  }
}

bool Reformat::HoldsStamp(const fs::path& journal_file) {
  return ReadAll(journal_file).find("\"type\":\"stamp\"") != std::string::npos;
}

Status Reformat::Inject() {
  inode_before_ = Inode(dir_ / "journal.dat");
  const fs::path output = dir_.parent_path() / (dir_.filename().string() + ".format.out");
  auto status = RunTool({tool_.string(), "--dir", dir_.string()}, output);
  if (!status) return std::unexpected(status.error());
  if (!WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
    const std::string how = WIFEXITED(*status) ? "exit status " + std::to_string(WEXITSTATUS(*status))
                                               : "signal " + std::to_string(WTERMSIG(*status));
    return Fail(tool_.filename().string() + " --dir " + dir_.string() + " failed (" + how +
                "): " + ReadAll(output));
  }
  injected_ = true;
  return {};
}

Status Reformat::Probe() const {
  const fs::path file = dir_ / "journal.dat";
  if (!injected_) return Fail("reformat of " + dir_.string() + " was not injected");
  const auto inode = Inode(file);
  if (!inode) return Fail(file.string() + " is missing after formatting");
  if (inode_before_ && *inode == *inode_before_) {
    return Fail(file.string() + " is the same file as before formatting");
  }
  if (HoldsStamp(file)) return Fail(file.string() + " still holds a stamp record");
  return {};
}

std::string Reformat::mechanism() const {
  return tool_.filename().string() +
         " --dir DIR run on the stopped system's journal set (fresh journal.dat, no stamp "
         "record)";
}

}  // namespace lockstep::faults
