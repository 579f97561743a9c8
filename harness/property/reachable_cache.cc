#include "harness/property/reachable_cache.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <system_error>

#include "model/explore/fingerprint.h"

namespace lockstep::harness {

namespace fs = std::filesystem;
namespace ex = lockstep::model::explore;

namespace {

fs::path& CacheDir() {
  static fs::path dir;
  return dir;
}

std::string ReadFile(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The running executable's fingerprint, as 16 hex digits (read once).
const std::string& ExecutableDigest() {
  static const std::string digest = [] {
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx",
                  static_cast<unsigned long long>(ex::Fingerprint(ReadFile("/proc/self/exe"))));
    return std::string(hex);
  }();
  return digest;
}

// Says why on stderr when the file cannot be written; the run goes on without it.
void Write(const fs::path& file, const ex::CoverageSet& set) {
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  const fs::path partial = file.string() + ".tmp-" + std::to_string(::getpid());
  std::string why;
  if (ec) {
    why = "cannot create " + file.parent_path().string() + ": " + ec.message();
  } else {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    out << ex::SerializeCoverage(set);
    out.close();
    if (!out) why = "cannot write " + partial.string() + ": " + std::strerror(errno);
    if (out) fs::rename(partial, file, ec);
    if (out && ec) why = "cannot rename " + partial.string() + ": " + ec.message();
  }
  if (why.empty()) return;
  fs::remove(partial, ec);
  std::cerr << "lockstep: the coverage cache " << file.string() << " is not written (" << why
            << "); going on without it\n";
}

}  // namespace

void SetReachableCacheDir(fs::path dir) { CacheDir() = std::move(dir); }

fs::path ReachableCacheFile(const std::string& protocol) {
  if (CacheDir().empty()) return {};
  return CacheDir() / (protocol + "-" + ExecutableDigest() + ".coverage");
}

ex::CoverageSet LoadReachable(const std::string& protocol, const std::string& bounds,
                              const std::function<ex::CoverageSet()>& search) {
  const fs::path file = ReachableCacheFile(protocol);
  if (file.empty()) return search();
  if (auto cached = ex::ParseCoverage(ReadFile(file));
      cached && cached->protocol == protocol && cached->bounds == bounds) {
    return *cached;
  }
  ex::CoverageSet set = search();
  Write(file, set);
  return set;
}

}  // namespace lockstep::harness
