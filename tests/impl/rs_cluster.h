// RsCluster: a test fixture that runs the resync system under test — two or three `txsys`
// processes (SYSTEM73, SYSTEM74, SYSTEM75), each with its data directory and two journal sets
// (journal-1, journal-2) — as real child processes in a directory of its own Sandbox, and talks
// to them over their control sockets (impl/resync/README.md).
//
// Like StCluster it owns no OS code of its own: each system is a harness::RoleProcess started
// by SpawnImpl (PDEATHSIG, so it dies with the test; empty capability sets, so a revoked permission
// really applies to it even as root; LOCKSTEP_BUG and LOCKSTEP_CRASH_POINT never inherited from
// the test's environment), `journal-format` runs as an operator tool (RunTool, keeping its
// capabilities), requests go through harness::Request, every wait polls a condition against a
// deadline (harness::PollUntil, RoleProcess::WaitExit), the directory tree is a harness::Sandbox
// (a tmpfs in the test's private mount namespace, so nothing survives even a SIGKILLed test),
// and directory faults are the real injectors faults::DiskFull and faults::AccessDenied held by a
// harness::ActiveFaults (InjectDirectoryFault: inside the sandbox, injected, then probed). Signal() is SignalChild, the one exception StCluster also has.
//
// Layout under dir(): per system X: X.sock, X/data, X/journal-1, X/journal-2 (each journal set
// its own small tmpfs when the sandbox is isolated, so it can be filled), X/txsys.log,
// X/txsys.out, X/journal-format.out.
//
// Thread safety: one test thread, the main one (Process::Spawn's PDEATHSIG is per thread).
// Invariants: the destructor kills and reaps every child (RoleProcess), then removes every fault
// still active, then the Sandbox unmounts and removes the tree.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/os/process.h"
#include "harness/os/sandbox.h"
#include "harness/property/active_faults.h"
#include "harness/property/case_record.h"
#include "tests/impl/st_cluster.h"

namespace lockstep::testing {

struct TxOptions {
  int journal_set = 1;  // 1 or 2
  int lock_wait_ms = 300;
  std::map<std::string, std::string> env;  // LOCKSTEP_CRASH_POINT, LOCKSTEP_BUG
};

class RsCluster {
 public:
  // Systems SYSTEM73.. (count of 2 or 3) in a new Sandbox; every journal set is formatted (a
  // test failure when one cannot be). Throws std::runtime_error (naming the path and errno) when
  // the Sandbox or the layout cannot be created, which gtest reports as a failure of the test
  // constructing it.
  explicit RsCluster(int count = 2);
  ~RsCluster();
  RsCluster(const RsCluster&) = delete;
  RsCluster& operator=(const RsCluster&) = delete;

  const std::filesystem::path& dir() const { return sandbox_.dir(); }
  // From now on every system started gets `--trace TRACE-DIR/<name>.jsonl` (docs/trace.md).
  // Without it no system writes a trace. REQUIRES: called before the first Start.
  void TraceTo(const std::filesystem::path& trace_dir) { trace_dir_ = trace_dir; }
  // The trace file of system `name` (empty without TraceTo).
  std::filesystem::path TracePath(const std::string& name) const {
    return trace_dir_.empty() ? trace_dir_ : trace_dir_ / (name + ".jsonl");
  }
  static std::string Name(int i) { return "SYSTEM7" + std::to_string(3 + i); }
  std::string Socket(const std::string& name) const;
  std::string DataDir(const std::string& name) const;
  std::string JournalDir(const std::string& name, int set = 1) const;
  std::string LogPath(const std::string& name) const;

  // Runs journal-format on the set; returns its exit code (128 + signal when killed by one);
  // -1, with a test failure naming the cause, when it could not be run to completion.
  int Format(const std::string& name, int set = 1);
  // Starts the system (killing and reaping a previous run of it still going) and waits until
  // it answers status; false if it exited first, did not answer within 5 s, or could not be
  // started (then with a test failure naming the cause).
  bool Start(const std::string& name, const TxOptions& options = {});
  // Starts it and waits for its exit; std::nullopt when it is still running after 5 s.
  std::optional<harness::ExitStatus> StartExpectingExit(const std::string& name,
                                                        const TxOptions& options = {});
  // True while the system's process runs (reaping it once it ended).
  bool Running(const std::string& name);
  // Sends `signal` to the running system (SignalChild).
  void Signal(const std::string& name, int signal);
  // SIGKILLs the running system and reaps it (CrashChild).
  void Crash(const std::string& name);
  // Waits for the process to end (by itself, e.g. at a crash point); how it ended, or
  // std::nullopt if it was never started or is still running after `timeout`.
  std::optional<harness::ExitStatus> WaitExit(
      const std::string& name, std::chrono::milliseconds timeout = std::chrono::seconds(5));

  // The system's answer to `request`; std::nullopt when none came within `timeout`.
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

  // faults::DiskFull on the journal set, injected and probed: from here every write needing a
  // new page there fails with ENOSPC. False (nothing changed) when the sandbox is not isolated,
  // so the set is no tmpfs of its own; a failed inject or probe is a test failure.
  [[nodiscard]] bool FillJournal(const std::string& name, int set = 1);
  // Removes that fault again (deletes the filler).
  void UnfillJournal(const std::string& name, int set = 1);
  // faults::AccessDenied on `dir` (a directory of this cluster), injected and probed: the
  // capability-less systems get EACCES there.
  void DenyAccess(const std::string& dir);
  // Removes that fault again, restoring the directory's mode.
  void RestoreAccess(const std::string& dir);

 private:
  // Declaration order is destruction order reversed: children go first, then faults, and the
  // sandbox last.
  harness::Sandbox sandbox_;
  harness::CaseRecord fault_record_;  // what faults_ records; no test reads it
  harness::ActiveFaults faults_{sandbox_, fault_record_};
  std::vector<std::string> names_;
  std::map<std::string, harness::RoleProcess> processes_;  // the latest run of each system
  std::filesystem::path trace_dir_;
};

}  // namespace lockstep::testing
