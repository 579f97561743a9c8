#include "impl/common/unix_listener.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

#include "impl/common/unix_socket.h"

namespace lockstep::impl {
namespace {

bool OutOfDescriptors(int err) { return err == EMFILE || err == ENFILE; }

int OpenSpare() { return open("/dev/null", O_RDONLY | O_CLOEXEC); }

}  // namespace

UnixListener::~UnixListener() {
  if (fd_ >= 0) {
    close(fd_);
    unlink(path_.c_str());
  }
  if (spare_fd_ >= 0) close(spare_fd_);
}

Status UnixListener::Listen(const std::string& path) {
  auto fd = ListenUnix(path);
  if (!fd) return std::unexpected(fd.error());
  fd_ = *fd;
  path_ = path;
  spare_fd_ = OpenSpare();
  if (spare_fd_ < 0) return FailErrno("cannot open the spare descriptor for " + path);
  return {};
}

void UnixListener::AcceptAll(LogFile& log, const std::function<void(int fd)>& on_connection) {
  for (;;) {
    auto fd = AcceptUnix(fd_);
    if (!fd && OutOfDescriptors(fd.error().errnum)) {
      if (!short_of_descriptors_) {
        log.Line("Out of file descriptors (" + fd.error().message +
                 "): closing new connections unanswered until descriptors are free");
        short_of_descriptors_ = true;
      }
      if (!Shed()) return;  // could not even shed: the next poll tries again
      continue;
    }
    if (!fd) {
      log.Line(fd.error().message);
      return;
    }
    if (!fd->has_value()) return;
    if (short_of_descriptors_) {
      log.Line("File descriptors are free again: accepting connections (" +
               std::to_string(shed_) + " closed unanswered so far)");
      short_of_descriptors_ = false;
    }
    on_connection(**fd);
  }
}

bool UnixListener::Shed() {
  if (spare_fd_ >= 0) {
    close(spare_fd_);
    spare_fd_ = -1;
  }
  const int fd = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
  const int err = errno;
  if (fd >= 0) {
    close(fd);
    ++shed_;
  }
  spare_fd_ = OpenSpare();
  if (fd < 0 && !OutOfDescriptors(err)) return false;  // nothing pending any more
  if (fd < 0) {
    // Even the spare's slot did not let accept succeed (the system-wide table is full): the
    // connection stays pending and poll(2) would wake at once, so pause before the next try.
    const timespec pause{0, 10 * 1000 * 1000};
    nanosleep(&pause, nullptr);
    return false;
  }
  return true;
}

}  // namespace lockstep::impl
