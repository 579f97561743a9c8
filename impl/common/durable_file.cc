#include "impl/common/durable_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace lockstep::impl {

std::string StagingPath(const std::string& target) { return target + ".staging"; }

Status WriteAll(int fd, std::string_view data, const std::string& what) {
  while (!data.empty()) {
    const ssize_t n = write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return FailErrno("cannot write " + what);
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

Result<std::optional<std::string>> ReadWholeFile(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<std::string>();
    return FailErrno("cannot open " + path);
  }
  std::string content;
  char buf[65536];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      close(fd);
      return FailErrno("cannot read " + path, err);
    }
    content.append(buf, static_cast<std::size_t>(n));
  }
  close(fd);
  return std::optional<std::string>(std::move(content));
}

Status WriteAndSync(const std::string& path, std::string_view data) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return FailErrno("cannot create " + path);
  Status status = WriteAll(fd, data, path);
  if (status && fsync(fd) != 0) status = FailErrno("cannot fsync " + path);
  if (close(fd) != 0 && status) status = FailErrno("cannot close " + path);
  if (!status) unlink(path.c_str());  // best effort: do not leave a partial staging file
  return status;
}

Status SyncDirectory(const std::string& dir) {
  const int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return FailErrno("cannot open directory " + dir);
  Status status;
  if (fsync(fd) != 0) status = FailErrno("cannot fsync directory " + dir);
  close(fd);
  return status;
}

Status CommitStaged(const std::string& dir, const std::string& target) {
  const std::string staging = StagingPath(target);
  if (rename(staging.c_str(), target.c_str()) != 0) {
    return FailErrno("cannot rename " + staging + " to " + target);
  }
  return SyncDirectory(dir);
}

Status ReplaceAtomically(const std::string& dir, const std::string& target,
                         std::string_view data) {
  if (auto s = WriteAndSync(StagingPath(target), data); !s) return s;
  return CommitStaged(dir, target);
}

}  // namespace lockstep::impl
