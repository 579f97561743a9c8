// What a bad-input case needs to prove it left no trace: ScratchDir, a fresh directory the case
// runs in (its cwd and TMPDIR), with a recursive listing to compare before and after and removed
// afterwards; ScopedCwd, to start a child there; FileBytes, to check that an input file is
// byte-for-byte unchanged; and BecomeChildSubreaper with LiveDescendants, to see a grandchild the
// process under test left running (an orphan is reparented to the test, not to init).
#pragma once

#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <stdexcept>
#include <string>

#include "tests/support/process_tree.h"

namespace lockstep::testing {

// A new directory `parent`/scratch-XXXXXX, removed (with all it holds) by the destructor.
// Throws std::runtime_error naming the path and errno when it cannot be made.
class ScratchDir {
 public:
  explicit ScratchDir(const std::filesystem::path& parent) {
    std::string tmpl = (parent / "scratch-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) {
      throw std::runtime_error("mkdtemp " + tmpl + ": " + std::strerror(errno));
    }
    path_ = tmpl;
  }
  ~ScratchDir() {
    std::error_code ec;
    // A case may have taken permissions away below; give them back so everything goes.
    for (auto it = std::filesystem::recursive_directory_iterator(
             path_, std::filesystem::directory_options::skip_permission_denied, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_directory(ec)) {
        std::filesystem::permissions(it->path(), std::filesystem::perms::owner_all,
                                     std::filesystem::perm_options::add, ec);
      }
    }
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // Every entry below path(), relative to it; directories end in '/'.
  std::set<std::string> Listing() const {
    std::set<std::string> names;
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(
             path_, std::filesystem::directory_options::skip_permission_denied, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      const bool dir = it->is_directory(ec) && !it->is_symlink(ec);
      names.insert(std::filesystem::relative(it->path(), path_).string() + (dir ? "/" : ""));
    }
    return names;
  }

 private:
  std::filesystem::path path_;
};

// Changes the working directory of the test process to `dir` until destroyed (a child started
// meanwhile inherits it). Test processes are single-threaded, so nothing else sees it.
class ScopedCwd {
 public:
  explicit ScopedCwd(const std::filesystem::path& dir) : old_(std::filesystem::current_path()) {
    std::filesystem::current_path(dir);
  }
  ~ScopedCwd() {
    std::error_code ec;
    std::filesystem::current_path(old_, ec);
  }
  ScopedCwd(const ScopedCwd&) = delete;
  ScopedCwd& operator=(const ScopedCwd&) = delete;

 private:
  std::filesystem::path old_;
};

// The whole content of `path`, or "<unreadable>" when it cannot be opened.
inline std::string FileBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "<unreadable>";
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Makes the test process the reaper of its orphaned descendants, so that a grandchild whose
// parent has ended shows in LiveDescendants() instead of vanishing under init. Returns false
// when the kernel refuses.
inline bool BecomeChildSubreaper() { return ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0; }

// The live descendants of the test process.
inline std::set<pid_t> LiveDescendants() { return Descendants(::getpid()); }

}  // namespace lockstep::testing
