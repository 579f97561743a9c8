#include "faults/reformat.h"

#include <fcntl.h>
#include <spawn.h>
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

std::string ReadAll(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Runs argv with stdout to `output` and stderr to `errors` (the same file when equal);
// returns the wait status.
Result<int> RunTool(const std::vector<std::string>& argv, const fs::path& output,
                    const fs::path& errors) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, output.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (errors == output) {
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  } else {
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, errors.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
  }
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

std::string HowItEnded(int status) {
  return WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status))
                           : "signal " + std::to_string(WTERMSIG(status));
}

}  // namespace

Reformat::Reformat(fs::path tool, fs::path dir) : tool_(std::move(tool)), dir_(std::move(dir)) {
  if (!tool_.is_absolute() || !dir_.is_absolute()) {
    throw std::invalid_argument("Reformat needs absolute paths: " + tool_.string() + ", " +
                                dir_.string());
  }
}

Result<std::string> Reformat::Stamp() const {
  const fs::path output = dir_.parent_path() / (dir_.filename().string() + ".stamp.out");
  const fs::path errors = dir_.parent_path() / (dir_.filename().string() + ".stamp.err");
  auto status = RunTool({tool_.string(), "--dir", dir_.string(), "--stamp"}, output, errors);
  if (!status) return std::unexpected(status.error());
  if (!WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
    return Fail(tool_.filename().string() + " --dir " + dir_.string() + " --stamp failed (" +
                HowItEnded(*status) + "): " + ReadAll(errors));
  }
  std::string text = ReadAll(output);
  const auto newline = text.find('\n');
  if (newline == std::string::npos) {
    return Fail(tool_.filename().string() + " --dir " + dir_.string() +
                " --stamp printed no line: \"" + text.substr(0, 200) + "\"");
  }
  text.resize(newline);
  return text;
}

Status Reformat::Inject() {
  const fs::path output = dir_.parent_path() / (dir_.filename().string() + ".format.out");
  auto status = RunTool({tool_.string(), "--dir", dir_.string()}, output, output);
  if (!status) return std::unexpected(status.error());
  if (!WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
    return Fail(tool_.filename().string() + " --dir " + dir_.string() + " failed (" +
                HowItEnded(*status) + "): " + ReadAll(output));
  }
  injected_ = true;
  return {};
}

Status Reformat::Probe() const {
  if (!injected_) return Fail("reformat of " + dir_.string() + " was not injected");
  auto stamp = Stamp();
  if (!stamp) return std::unexpected(stamp.error());
  if (!stamp->empty()) {
    return Fail("journal set " + dir_.string() + " still holds stamp " + *stamp +
                " after formatting");
  }
  return {};
}

std::string Reformat::mechanism() const {
  return tool_.filename().string() +
         " --dir DIR run on the stopped system's journal set (then --stamp prints no stamp)";
}

}  // namespace lockstep::faults
