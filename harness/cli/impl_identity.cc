#include "harness/cli/impl_identity.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>

#include "harness/os/process.h"
#include "model/explore/fingerprint.h"

namespace lockstep::harness::cli {
namespace fs = std::filesystem;
namespace {

constexpr const char* kReferencePrefix = "lockstep reference implementation";
constexpr std::chrono::milliseconds kVersionTimeout{5000};

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// What the memory file `fd` holds.
std::string ReadMemoryFile(int fd) {
  std::string text;
  char buf[4096];
  for (off_t at = 0;;) {
    const ssize_t n = pread(fd, buf, sizeof buf, at);
    if (n <= 0) return text;
    text.append(buf, static_cast<std::size_t>(n));
    at += n;
  }
}

// The first line `exe --version` prints, or why there is none. The output goes to a memory
// file (memfd), so nothing is written to any directory before a sandbox exists.
std::string VersionLine(const fs::path& exe) {
  const int fd = memfd_create("lockstep-version", MFD_CLOEXEC);
  if (fd < 0) {
    return "unknown (cannot create a memory file for the output of " + exe.string() + " --version: " +
           std::strerror(errno) + " [" + std::to_string(errno) + "])";
  }
  const fs::path out = "/proc/self/fd/" + std::to_string(fd);
  std::string line;
  {
    auto child = Process::Spawn({exe.filename().string(), exe, {"--version"}, {}, out});
    if (!child) {
      line = "no --version (" + child.error().message + ")";
    } else if (auto exit = child->WaitExit(kVersionTimeout); !exit) {
      line = "no --version (still running after " + std::to_string(kVersionTimeout.count()) +
             " ms)";
    } else if (exit->signaled || exit->code != 0) {
      line = "no --version (" + exit->Describe() + ")";
    } else {
      std::istringstream text(ReadMemoryFile(fd));
      std::getline(text, line);
      if (line.empty()) line = "no --version (printed nothing)";
    }
  }  // a child still running is killed and reaped here
  close(fd);
  return line;
}

std::string Hex(std::uint64_t v) {
  std::ostringstream s;
  s << std::hex << v;
  return s.str();
}

}  // namespace

ImplIdentity IdentifyImpl(const fs::path& dir, const std::vector<std::string>& binaries) {
  ImplIdentity id;
  id.reference = !binaries.empty();
  std::vector<std::string> lines;
  for (const std::string& name : binaries) {
    const fs::path exe = dir / name;
    lines.push_back(VersionLine(exe));
    id.reference = id.reference && lines.back().rfind(kReferencePrefix, 0) == 0;
    id.digests += (id.digests.empty() ? "" : ",") + name + ":" +
                  Hex(model::explore::Fingerprint(ReadAll(exe)));
  }
  bool same = true;
  for (const auto& l : lines) same = same && l == lines.front();
  if (same && !lines.empty()) {
    id.version = lines.front();
  } else {
    for (std::size_t i = 0; i < lines.size(); ++i) {
      id.version += (i ? "; " : "") + binaries[i] + ": " + lines[i];
    }
  }
  return id;
}

namespace {

std::map<std::string, std::string> DigestMap(const std::string& list) {
  std::map<std::string, std::string> digests;
  std::istringstream in(list);
  for (std::string item; std::getline(in, item, ',');) {
    const auto colon = item.find(':');
    if (colon != std::string::npos) digests[item.substr(0, colon)] = item.substr(colon + 1);
  }
  return digests;
}

}  // namespace

std::string DigestDifference(const std::string& run, const std::string& replay) {
  const auto before = DigestMap(run);
  std::string differ;
  for (const auto& [name, digest] : DigestMap(replay)) {
    const auto it = before.find(name);
    if (it == before.end() || it->second == digest) continue;
    differ += (differ.empty() ? "" : ", ") + name + " " + digest + ", the run's " + it->second;
  }
  return differ;
}

}  // namespace lockstep::harness::cli
