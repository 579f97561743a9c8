// RsCluster: a test fixture that runs the resync system under test — two or three `txsys`
// processes (SYSTEM73, SYSTEM74, SYSTEM75), each with its data directory and two journal sets
// (journal-1, journal-2) — as real child processes in a fresh directory under /tmp, and talks
// to them over their control sockets (impl/resync/README.md).
//
// Children run without capabilities (a revoked permission really applies to them) and with
// PR_SET_PDEATHSIG=SIGKILL. Every wait polls a condition against a deadline. The destructor
// SIGKILLs and reaps every child, restores permissions, unmounts what it mounted (inside the
// test's private mount namespace) and removes the directory.
//
// Thread safety: one test thread.
#pragma once

#include <sys/types.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tests/impl/st_cluster.h"

namespace lockstep::testing {

struct TxOptions {
  int journal_set = 1;  // 1 or 2
  int lock_wait_ms = 300;
  std::map<std::string, std::string> env;  // LOCKSTEP_CRASH_POINT, LOCKSTEP_BUG
};

class RsCluster {
 public:
  // Systems SYSTEM73.. (count of 2 or 3); every journal set is formatted.
  explicit RsCluster(int count = 2);
  ~RsCluster();
  RsCluster(const RsCluster&) = delete;
  RsCluster& operator=(const RsCluster&) = delete;

  static std::string Name(int i) { return "SYSTEM7" + std::to_string(3 + i); }
  std::string Socket(const std::string& name) const;
  std::string DataDir(const std::string& name) const;
  std::string JournalDir(const std::string& name, int set = 1) const;
  std::string LogPath(const std::string& name) const;

  // Runs journal-format on the set; returns its exit status.
  int Format(const std::string& name, int set = 1);
  // Starts the system and waits until it answers status (false if it exited first).
  bool Start(const std::string& name, const TxOptions& options = {});
  // Starts it and waits for its exit; std::nullopt when it is still running after 5 s.
  std::optional<ExitInfo> StartExpectingExit(const std::string& name,
                                             const TxOptions& options = {});
  bool Running(const std::string& name);
  void Signal(const std::string& name, int signal);
  // SIGKILL and reap.
  void Crash(const std::string& name);
  // Waits for the process to exit by itself (crash point); its exit info.
  std::optional<ExitInfo> WaitExit(const std::string& name,
                                   std::chrono::milliseconds timeout = std::chrono::seconds(5));

  std::optional<nlohmann::json> Ask(const std::string& name, const nlohmann::json& request,
                                    std::chrono::milliseconds timeout = std::chrono::seconds(10));
  nlohmann::json Status(const std::string& name);
  // Polls status until busy is false; returns it (fails the test on timeout).
  nlohmann::json WaitQuiet(const std::string& name,
                           std::chrono::milliseconds timeout = std::chrono::seconds(5));
  nlohmann::json Txn(const std::string& coordinator, const nlohmann::json& writes);
  nlohmann::json Read(const std::string& name, const std::string& key, const std::string& at = "");
  // The branch with `dtrid` in the system's status, or null.
  nlohmann::json Branch(const std::string& name, const std::string& dtrid);

  std::string ReadLog(const std::string& name) const;
  int CountLogLines(const std::string& name, const std::string& needle) const;

  // Mounts a small tmpfs over the journal set (before formatting it) so it can be filled.
  bool MountJournalTmpfs(const std::string& name, int set = 1);
  // Fills the journal set's tmpfs until ENOSPC / removes the filler.
  void FillJournal(const std::string& name, int set = 1);
  void UnfillJournal(const std::string& name, int set = 1);
  void Chmod(const std::string& path, mode_t mode);

 private:
  pid_t Spawn(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
              const std::string& output);

  std::string root_;
  std::vector<std::string> names_;
  std::map<std::string, pid_t> pids_;
  std::map<std::string, ExitInfo> exits_;
  std::vector<std::string> mounts_;
  std::vector<std::string> chmodded_;
};

}  // namespace lockstep::testing
