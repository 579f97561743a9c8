#include "faults/directory_fault.h"

#include <sys/stat.h>

namespace lockstep::faults {

Status CheckFaultTarget(const std::filesystem::path& dir) {
  if (!dir.is_absolute()) return Fail("fault target " + dir.string() + " is not an absolute path", EINVAL);
  if (dir.lexically_normal().relative_path().empty()) return Fail("fault target may not be /", EINVAL);
  struct stat st {};
  if (lstat(dir.c_str(), &st) != 0) return FailErrno("fault target " + dir.string());
  if (S_ISLNK(st.st_mode)) return Fail("fault target " + dir.string() + " is a symlink", ELOOP);
  if (!S_ISDIR(st.st_mode)) return Fail("fault target " + dir.string() + " is not a directory", ENOTDIR);
  return {};
}

}  // namespace lockstep::faults
