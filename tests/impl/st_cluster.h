// StCluster: a test fixture that runs the state-transfer system under test — one `mds` and up
// to two `logger` sides — as real child processes in a fresh directory under /tmp, and talks to
// them over their control sockets.
//
// Binaries come from $LOCKSTEP_BIN_DIR. Every wait is a condition polled against a deadline
// (never a blind sleep). The destructor SIGKILLs and reaps every child it started (children
// also get PR_SET_PDEATHSIG=SIGKILL), restores permissions, unmounts what it mounted, and
// removes the directory.
//
// Thread safety: one test thread.
#pragma once

#include "tests/support/test_env.h"

#include <sys/types.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lockstep::testing {

struct LoggerOptions {
  std::size_t log_capacity = 1000;
  int transfer_timeout_ms = 300;
  std::map<std::string, std::string> env;  // e.g. LOCKSTEP_CRASH_POINT, LOCKSTEP_BUG
  bool drop_capabilities = true;  // empty bounding set: a revoked permission really applies
};

// How a child ended, from its wait status.
struct ExitInfo {
  bool exited = false;
  int status = -1;  // exit status when exited
  int signal = 0;   // terminating signal otherwise
};

// Polls `condition` every few milliseconds until it holds or `timeout` passes.
bool WaitUntil(const std::function<bool()>& condition, std::chrono::milliseconds timeout);


// One request on a fresh connection to `socket`; the answer, or std::nullopt when the socket
// did not answer within `timeout`.
std::optional<nlohmann::json> Request(const std::string& socket, const nlohmann::json& request,
                                      std::chrono::milliseconds timeout = std::chrono::seconds(5));

// Sends one request without waiting for its answer (shutting down the writing side after it
// when `half_close`); returns the connected descriptor, or -1.
int SendRequest(const std::string& socket, const nlohmann::json& request, bool half_close = false);
// Reads the one-line answer on `fd` and closes it.
std::optional<nlohmann::json> ReadAnswer(int fd, std::chrono::milliseconds timeout);

// Runs `argv` to completion; returns its exit info and stdout.
ExitInfo RunTool(const std::vector<std::string>& argv, std::string* out);

class StCluster {
 public:
  StCluster();
  ~StCluster();
  StCluster(const StCluster&) = delete;
  StCluster& operator=(const StCluster&) = delete;

  const std::string& root() const { return root_; }
  std::string DataDir(char side) const;
  std::string TempDir(char side) const;
  std::string LogPath(char side) const;

  // Starts the mds (with extra environment, e.g. LOCKSTEP_BUG) and waits until it answers.
  void StartMds(const std::map<std::string, std::string>& env = {});
  // Starts side A or B; returns false when it could not be started.
  bool StartLogger(char side, const LoggerOptions& options = {});
  bool Running(char side);
  // Sends `signal` to a running side (SIGSTOP/SIGCONT to hold a sender mid-transfer).
  void Signal(char side, int signal);

  nlohmann::json MdsStatus();
  std::optional<nlohmann::json> LoggerStatus(char side);
  nlohmann::json Submit(const std::string& key, const std::string& value);
  nlohmann::json Delete(const std::string& key);

  // Waits until the mds reports busy=false and every running logger's own state agrees with
  // the mds; returns the mds status (fails the test on timeout).
  nlohmann::json WaitQuiet(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Waits until the mds reports side `side` in `state`.
  bool WaitSideState(char side, const std::string& state,
                     std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Waits for side `side` to exit; std::nullopt on timeout.
  std::optional<ExitInfo> WaitExit(char side, std::chrono::milliseconds timeout);
  // SIGKILLs side `side`, reaps it, and waits until the mds reports it down.
  void Crash(char side);

  std::string ReadLog(char side) const;
  int CountLogLines(char side, const std::string& needle) const;
  std::vector<std::string> TempFiles(char side) const;
  // The side's database as `logger --dump` prints it.
  nlohmann::json Dump(char side) const;

  // Mounts a small tmpfs over side's temp dir and fills it until ENOSPC. False when mounting
  // is not possible here (no private mount namespace).
  bool FillTempDir(char side);
  void Chmod(const std::string& path, mode_t mode);

 private:
  pid_t Spawn(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
              bool drop_capabilities, const std::string& output);
  std::optional<ExitInfo> Reap(pid_t pid, std::chrono::milliseconds timeout);

  std::string root_;
  pid_t mds_pid_ = -1;
  std::map<char, pid_t> logger_pids_;  // running (not yet reaped) sides
  std::map<char, ExitInfo> exits_;     // how a reaped side ended
  std::vector<std::string> mounts_;
  std::vector<std::string> chmodded_;
};

}  // namespace lockstep::testing
