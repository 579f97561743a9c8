// UnixListener: the socket file goes with the listener, and running out of descriptors sheds
// pending connections (closed unanswered, logged once) instead of leaving them pending, which
// would make a poll loop wake at once and spin.
#include "impl/common/unix_listener.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "impl/common/unix_socket.h"

namespace lockstep::impl {
namespace {

namespace fs = std::filesystem;

class UnixListenerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "lockstep-listener-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    ASSERT_TRUE(log_.Open((dir_ / "log").string(), "T").has_value());
    ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved_limit_), 0);
  }
  void TearDown() override {
    setrlimit(RLIMIT_NOFILE, &saved_limit_);
    for (int fd : clients_) close(fd);
    fs::remove_all(dir_);
  }

  std::string SocketPath() const { return (dir_ / "s").string(); }

  int CountLogLines(const std::string& needle) const {
    std::ifstream in(dir_ / "log");
    int n = 0;
    for (std::string line; std::getline(in, line);) n += line.find(needle) != std::string::npos;
    return n;
  }

  // Lowers the soft descriptor limit to just above what is open now, then connects clients
  // until the table is full: every client is a connection pending on the listener.
  void FillDescriptorTable() {
    const int lowest_free = dup(0);
    ASSERT_GE(lowest_free, 0);
    close(lowest_free);
    rlimit tight = saved_limit_;
    tight.rlim_cur = static_cast<rlim_t>(lowest_free) + 4;
    ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &tight), 0);
    for (;;) {
      auto fd = ConnectUnix(SocketPath());
      if (!fd) {
        ASSERT_EQ(fd.error().errnum, EMFILE) << fd.error().message;
        break;
      }
      clients_.push_back(*fd);
    }
    ASSERT_FALSE(clients_.empty());
  }

  static bool Readable(int fd) {
    pollfd p{fd, POLLIN, 0};
    return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
  }

  fs::path dir_;
  LogFile log_;
  rlimit saved_limit_{};
  std::vector<int> clients_;
};

TEST_F(UnixListenerTest, RemovesItsSocketFileWhenDestroyed) {
  {
    UnixListener listener;
    ASSERT_TRUE(listener.Listen(SocketPath()).has_value());
    EXPECT_TRUE(fs::exists(SocketPath()));
  }
  EXPECT_FALSE(fs::exists(SocketPath()));
}

TEST_F(UnixListenerTest, HandsEveryPendingConnectionOver) {
  UnixListener listener;
  ASSERT_TRUE(listener.Listen(SocketPath()).has_value());
  for (int i = 0; i < 3; ++i) clients_.push_back(*ConnectUnix(SocketPath()));
  std::vector<int> accepted;
  listener.AcceptAll(log_, [&](int fd) { accepted.push_back(fd); });
  EXPECT_EQ(accepted.size(), 3u);
  for (int fd : accepted) close(fd);
  EXPECT_FALSE(Readable(listener.fd()));
}

TEST_F(UnixListenerTest, OutOfDescriptorsShedsPendingConnectionsAndLogsOnce) {
  UnixListener listener;
  ASSERT_TRUE(listener.Listen(SocketPath()).has_value());
  FillDescriptorTable();

  int handed_over = 0;
  listener.AcceptAll(log_, [&](int fd) { ++handed_over, close(fd); });
  EXPECT_EQ(handed_over, 0);
  EXPECT_EQ(listener.shed(), clients_.size());
  EXPECT_FALSE(Readable(listener.fd())) << "a connection left pending makes poll spin";
  for (int fd : clients_) {
    char byte;
    EXPECT_EQ(read(fd, &byte, 1), 0) << "a shed client sees its connection closed";
  }
  // A second wave while still short of descriptors is shed without a second log line.
  close(clients_.back());
  clients_.back() = *ConnectUnix(SocketPath());
  listener.AcceptAll(log_, [&](int fd) { ++handed_over, close(fd); });
  EXPECT_EQ(handed_over, 0);

  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &saved_limit_), 0);
  EXPECT_EQ(CountLogLines("Out of file descriptors"), 1);
  clients_.push_back(*ConnectUnix(SocketPath()));
  listener.AcceptAll(log_, [&](int fd) { ++handed_over, close(fd); });
  EXPECT_EQ(handed_over, 1);
  EXPECT_EQ(CountLogLines("File descriptors are free again"), 1);
}

}  // namespace
}  // namespace lockstep::impl
