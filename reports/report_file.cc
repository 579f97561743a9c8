#include "reports/report_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <string>

namespace lockstep::reports {

namespace {

// Writes all of `data` to `fd`, retrying on EINTR and short writes. Returns 0 or the errno.
int WriteAll(int fd, const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    done += static_cast<std::size_t>(n);
  }
  return 0;
}

// The directory of `path` is fsynced so that the rename itself survives a crash. Best effort:
// some file systems refuse fsync on a directory, and the data is already safe in the file.
void SyncDirectoryOf(const std::filesystem::path& path) {
  std::filesystem::path dir = path.parent_path();
  if (dir.empty()) dir = ".";
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// Fills `tmp` with `text` and makes it durable; returns "" or the failing step. Not O_EXCL: a
// file already at `tmp` can only be the leftover of a dead process that had our pid.
std::string WriteTemporary(const std::filesystem::path& tmp, const std::string& text,
                           int* err) {
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    *err = errno;
    return "cannot create";
  }
  std::string failed_step;
  if ((*err = WriteAll(fd, text)) != 0) {
    failed_step = "cannot write";
  } else if (::fsync(fd) != 0) {
    *err = errno;
    failed_step = "cannot fsync";
  }
  if (::close(fd) != 0 && failed_step.empty()) {
    *err = errno;
    failed_step = "cannot close";
  }
  return failed_step;
}

}  // namespace

Status WriteJsonAtomically(const std::filesystem::path& path, const nlohmann::json& json) {
  const std::string text =
      json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  const std::filesystem::path tmp = path.string() + ".tmp." + std::to_string(::getpid());
  int err = 0;
  std::string failed_step = WriteTemporary(tmp, text, &err);
  if (failed_step.empty() && ::rename(tmp.c_str(), path.c_str()) != 0) {
    err = errno;
    failed_step = "cannot rename the temporary file over";
  }
  if (failed_step.empty()) {
    SyncDirectoryOf(path);
    return {};
  }
  if (failed_step != "cannot create") ::unlink(tmp.c_str());
  const Error os_error = Error::FromErrno(
      failed_step + " report " + path.string() + " (temporary " + tmp.string() + ")", err);
  return Fail(os_error.message + "; check that the directory exists, is writable and has space",
              err);
}

Result<nlohmann::json> ReadJson(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return FailErrno("cannot open report " + path.string());
  std::string text;
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return FailErrno("cannot read report " + path.string(), err);
    }
    text.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return ParseJson(text, path);
}

Result<nlohmann::json> ParseJson(std::string_view text, const std::filesystem::path& path) {
  // The parser itself is iterative, but copying or walking a document is recursive: refuse one
  // nested deeper than any report before it is built (the callback sees every array and object
  // as it opens).
  struct TooDeep {};
  const auto guard = [](int depth, nlohmann::json::parse_event_t event, nlohmann::json&) {
    if ((event == nlohmann::json::parse_event_t::object_start ||
         event == nlohmann::json::parse_event_t::array_start) &&
        depth >= kMaxJsonDepth) {
      throw TooDeep{};
    }
    return true;
  };
  try {
    return nlohmann::json::parse(text, guard);
  } catch (const TooDeep&) {
    return Fail("report " + path.string() + " is not a report: its JSON is nested more than " +
                std::to_string(kMaxJsonDepth) + " levels deep");
  } catch (const nlohmann::json::parse_error& e) {
    return Fail("report " + path.string() + " is not valid JSON: syntax error at byte " +
                std::to_string(e.byte) + ": " + e.what());
  } catch (const nlohmann::json::out_of_range& e) {
    // A number too large for a double (1E400): nlohmann throws this, not a parse_error.
    return Fail("report " + path.string() + " is not valid JSON: " + e.what());
  }
}

}  // namespace lockstep::reports
