// StCluster: a test fixture that runs the state-transfer system under test — one `mds` and up
// to two `logger` sides — as real child processes in a directory of its own Sandbox, and talks
// to them over their control sockets.
//
// It owns no OS code of its own: each child is a harness::RoleProcess, the type the System
// drivers hold their roles in (harness::Process underneath: PDEATHSIG, capability drop, exit
// status), requests go through harness::Request, waits through harness::PollUntil, the
// directory tree is a harness::Sandbox, and directory faults are the real injectors
// faults::AccessDenied and faults::DiskFull held by a harness::ActiveFaults (inside the sandbox,
// injected, proven by their probe), the same holder the System drivers use. The two exceptions are
// marked where they are: SignalChild (no seam sends SIGSTOP/SIGCONT) and SendRequest/ReadAnswer
// (a request held in flight, optionally half-closed, which harness::Request cannot express).
//
// Layout under dir(): mds/ (mds data), mds.sock, mds.log, mds.out; per side X: X/data,
// X/temp (its own small tmpfs when the sandbox is isolated, so it can be filled), X/logger.log,
// X/logger.out, X.sock.
//
// Binaries come from BinDir(). Loggers run without capabilities (LoggerOptions), so a revoked
// permission really applies to them even as root; the mds and operator tools keep theirs.
// LOCKSTEP_BUG, LOCKSTEP_CRASH_POINT and LOCKSTEP_CRASH_AT_ACTION are never inherited from the test's environment.
//
// Thread safety: one test thread, the main one (Process::Spawn's PDEATHSIG is per thread).
// Invariants: the destructor kills and reaps every child (RoleProcess), then removes every fault
// still active, then the Sandbox unmounts and removes the tree.
#pragma once

#include "tests/support/test_env.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "harness/os/process.h"
#include "harness/os/sandbox.h"
#include "harness/property/active_faults.h"
#include "harness/property/case_record.h"
#include "harness/property/role_process.h"

namespace lockstep::testing {

struct LoggerOptions {
  std::size_t log_capacity = 1000;
  int transfer_timeout_ms = 300;
  std::map<std::string, std::string> env;  // e.g. LOCKSTEP_CRASH_POINT, LOCKSTEP_BUG
  bool drop_capabilities = true;  // empty bounding set: a revoked permission really applies
};

// What a tool run to completion printed, and how it ended.
struct ToolRun {
  harness::ExitStatus exit;
  std::string output;  // its stdout and stderr, interleaved as written
};

// Runs `executable args...` to completion as an operator would: a harness::Process keeping its
// capabilities, stdout and stderr into `output` (replaced). Fails naming the tool when it
// cannot be started, or is still running after `timeout` (it is then killed and reaped).
Result<ToolRun> RunTool(const std::filesystem::path& executable,
                        const std::vector<std::string>& args, const std::filesystem::path& output,
                        std::chrono::milliseconds timeout = std::chrono::seconds(10));

// A request held in flight. harness::Request is one synchronous round trip; a test that must
// send a request, act while it is pending (e.g. resume a stopped sender), and only then read
// its answer needs the two halves apart, and some need the writing side shut down
// (`half_close`) the way a client that is done talking does. No seam offers that, so these
// two use the socket directly.
// SendRequest returns the connected descriptor, or -1 when nobody listens.
int SendRequest(const std::string& socket, const nlohmann::json& request, bool half_close = false);
// SendRequest of `line` as it is (a newline is added), for a request that is not valid JSON.
int SendLine(const std::string& socket, const std::string& line, bool half_close = false);
// Reads the one-line answer on `fd` (polling it against `timeout`) and closes it; std::nullopt
// when no complete line came in time.
std::optional<nlohmann::json> ReadAnswer(int fd, std::chrono::milliseconds timeout);

// The one route both fixtures (StCluster, RsCluster) take to start, signal and crash an
// implementation process.
//
// SpawnImpl starts BinDir()/`executable args...` as `role`'s process (RoleProcess::Spawn: a
// process it still held is killed first): stdout and stderr appended to `output`, `env` added to the test's environment, except that
// LOCKSTEP_BUG and LOCKSTEP_CRASH_POINT are never inherited (empty, hence inert, unless `env`
// sets them). With drop_capabilities the child execs with empty bounding, inheritable and
// ambient sets, so even as root it holds no capability. Fails naming the process when it
// cannot be started (Process::Spawn).
Status SpawnImpl(harness::RoleProcess& role, const std::string& executable,
                 std::vector<std::string> args, const std::map<std::string, std::string>& env,
                 const std::filesystem::path& output, bool drop_capabilities);
// SIGKILLs `child` and reaps it (RoleProcess::CrashNow, the driver's Crash command). A test
// failure naming the child when it is not running or cannot be killed.
void CrashChild(harness::RoleProcess& child);
// Sends `signal` (SIGSTOP/SIGCONT to hold a process mid-step) to `child`. RoleProcess
// offers SIGKILL only; this is the one place a fixture calls kill(2) itself. A test failure
// naming the child when it is not running or the signal cannot be sent.
void SignalChild(harness::RoleProcess& child, int signal);

// The one route both fixtures take to inject and remove a directory fault: `faults` (target
// inside the sandbox, injected, proven by its probe, nothing left injected when that fails;
// removed by target). Each failure is a fatal test failure naming the fault and the directory.
void InjectDirectoryFault(harness::ActiveFaults& faults, harness::DirectoryFaultKind kind,
                          const std::filesystem::path& dir);
void RemoveDirectoryFault(harness::ActiveFaults& faults, const std::filesystem::path& dir);

class StCluster {
 public:
  // Creates the Sandbox and the layout above; throws std::runtime_error (naming the path and
  // errno) when it cannot, which gtest reports as a failure of the test constructing it.
  StCluster();
  ~StCluster();
  StCluster(const StCluster&) = delete;
  StCluster& operator=(const StCluster&) = delete;

  const std::filesystem::path& dir() const { return sandbox_.dir(); }
  // From now on every process started gets `--trace TRACE-DIR/<role>.jsonl` (role "mds",
  // "logger-A", "logger-B"; docs/trace.md). Without it no process writes a trace.
  // REQUIRES: called before the first StartMds/StartLogger.
  void TraceTo(const std::filesystem::path& trace_dir) { trace_dir_ = trace_dir; }
  // The trace file of `role` (empty without TraceTo).
  std::filesystem::path TracePath(const std::string& role) const {
    return trace_dir_.empty() ? trace_dir_ : trace_dir_ / (role + ".jsonl");
  }
  std::string MdsSocket() const;
  // The control socket of logger `side`.
  std::string SideSocket(char side) const;
  std::string DataDir(char side) const;
  std::string TempDir(char side) const;
  std::string LogPath(char side) const;

  // Starts the mds (with extra environment, e.g. LOCKSTEP_BUG) and waits until it answers.
  void StartMds(const std::map<std::string, std::string>& env = {});
  // Starts side A or B (replacing a previous, ended run of it); false, with a test failure
  // naming the cause, when it could not be started.
  bool StartLogger(char side, const LoggerOptions& options = {});
  // True while the side's process runs (reaping it once it ended).
  bool Running(char side);
  // Sends `signal` to a running side (SIGSTOP/SIGCONT to hold a sender mid-transfer).
  void Signal(char side, int signal);

  nlohmann::json MdsStatus();
  Result<nlohmann::json> LoggerStatus(char side);
  nlohmann::json Submit(const std::string& key, const std::string& value);
  nlohmann::json Delete(const std::string& key);

  // Waits until the mds reports busy=false and every running logger's own state agrees with
  // the mds; returns the mds status (fails the test on timeout).
  nlohmann::json WaitQuiet(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Waits until the mds reports side `side` in `state`.
  bool WaitSideState(char side, const std::string& state,
                     std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Waits for side `side` to end; how it ended, or std::nullopt if it was never started or is
  // still running after `timeout`.
  std::optional<harness::ExitStatus> WaitExit(char side, std::chrono::milliseconds timeout);
  // SIGKILLs side `side`, reaps it, and waits until the mds reports it down.
  void Crash(char side);

  std::string ReadLog(char side) const;
  int CountLogLines(char side, const std::string& needle) const;
  // The names in the side's temp dir, a DiskFull filler excepted.
  std::vector<std::string> TempFiles(char side) const;
  // `logger args...` run as an operator tool (RunTool), output kept in dir()/logger-tool.out.
  Result<ToolRun> RunLoggerTool(const std::vector<std::string>& args) const;
  // The side's database as `logger --dump` prints it.
  nlohmann::json Dump(char side) const;

  // faults::DiskFull on the side's temp dir, injected and probed. False (nothing changed) when
  // the sandbox is not isolated, so the temp dir is no tmpfs of its own; a failed inject or
  // probe is a test failure.
  bool FillTempDir(char side);
  // faults::AccessDenied on `dir` (a directory of this cluster), injected and probed.
  void DenyAccess(const std::string& dir);
  // Removes that fault again, restoring the directory's mode.
  void RestoreAccess(const std::string& dir);

 private:

  // Declaration order is destruction order reversed: children go first, then faults, and the
  // sandbox last.
  harness::Sandbox sandbox_;
  harness::CaseRecord fault_record_;  // what faults_ records; no test reads it
  harness::ActiveFaults faults_{sandbox_, fault_record_};
  harness::RoleProcess mds_;
  std::map<char, harness::RoleProcess> loggers_;  // the latest run of each side, ended or not
  std::filesystem::path trace_dir_;
};

}  // namespace lockstep::testing
