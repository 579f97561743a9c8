#include "faults/reformat.h"

#include <sys/wait.h>

#include <stdexcept>

#include "faults/run_tool.h"

namespace lockstep::faults {

namespace fs = std::filesystem;


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
                HowItEnded(*status) + "): " + ReadWholeFile(errors));
  }
  std::string text = ReadWholeFile(output);
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
                HowItEnded(*status) + "): " + ReadWholeFile(output));
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
