// RsSystem: the resync system under test for one test case: N `txsys` processes (SYSTEM73
// upwards, N from the model's Config) in their own directory of the sandbox, driven one model
// command at a time (impl/resync/README.md is the contract).
//
// Layout of system X under the case directory:
//   X/data                  its database directory
//   X/journal               its own small tmpfs (fault_dir_bytes) when disk-full is among
//                           the run's faults (FaultDirTmpfsBytes), holding the two
//     X/journal/journal-1   journal sets, both formatted with journal-format at creation.
//     X/journal/journal-2   A journal fault (disk-full, access-denied) acts on X/journal, so it
//                           covers both sets, as the model says (design decision 20).
//   X/txsys.log, X/txsys.out, X.sock
// Every process gets LOCKSTEP_BUG (when set) and, at Start, LOCKSTEP_CRASH_POINT.
//
// Execute() runs a command and waits (PollUntil against a deadline, never a blind sleep) for
// the quiet point: every system whose process is running answers status with "busy": false,
// and every system the process table shows as ended has been reaped. It then observes: status
// of each running system, exit of the others, the answer to the last Transaction or Read, with
// the implementation's strings (stamps, startups, DTRIDs) left for the protocol to map onto the
// model's identities (rs_json.h) against the model's prediction.
//
// Thread safety: single-threaded; create, use and destroy on the thread that owns the
// children (their PR_SET_PDEATHSIG is tied to it).
// Invariant: between calls, the process set and the fault set match the last command run.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include "harness/os/sandbox.h"
#include "harness/property/active_faults.h"
#include "harness/property/case_record.h"
#include "harness/property/role_process.h"
#include "harness/property/system_driver.h"
#include "harness/resync/rs_settings.h"
#include "harness/resync/rs_json.h"
#include "model/resync/commands.h"
#include "model/resync/observation.h"
#include "model/resync/state.h"

namespace lockstep::harness::rs {

class RsSystem : public SystemDriver<RsSettings> {
 public:
  using Observation = model::rs::Observation;

  // Creates the directories and formats every journal set; starts no process.
  // REQUIRES: settings.impl_dir holds `txsys` and `journal-format`;
  // 2 <= settings.protocol.systems <= 3; record outlives the system.
  static Result<std::unique_ptr<RsSystem>> Create(Sandbox& sandbox, const std::string& case_dir,
                                                  const RsSettings& settings, CaseRecord* record);
  // Kills every child and records how each ended with a log excerpt (RoleProcess::TearDown,
  // in system order), then removes the faults still active.
  ~RsSystem();

  // Runs one command to a quiet point and observes in the model's identities, binding each
  // implementation string seen for the first time at the place `predicted` (the model's state
  // after the command) gives it. Fails only for harness problems.
  Result<Observation> Execute(const model::rs::Command& command,
                              const model::rs::State& predicted);
  // Runs one command to a quiet point without observing (benchmarks).
  Status Drive(const model::rs::Command& command);
  const std::filesystem::path& LogPath(int system) const { return systems_[system].log; }
  const std::filesystem::path& JournalDir(int system, int set) const {
    return systems_[system].sets[set - 1];
  }
  int size() const { return static_cast<int>(systems_.size()); }
  // The implementation strings bound to model identities so far (stamps, startups, DTRIDs).
  const Identities& identities() const { return ids_; }

 private:
  struct SystemRuntime {
    std::string name;
    std::filesystem::path dir, data, journal, socket, log;
    std::filesystem::path sets[2];
    int last_set = 0;  // the journal set of the latest start (0: never started)
    RoleProcess txsys;
  };

  RsSystem(Sandbox& sandbox, const RsSettings& settings, CaseRecord* record);
  Status MakeLayout(const std::string& case_dir, int systems);
  Status Run(const model::rs::Transaction& c);
  Status Run(const model::rs::Read& c);
  Status Run(const model::rs::Start& c);
  Status Run(const model::rs::Crash& c);
  Status Run(const model::rs::Format& c);
  Status Run(const model::rs::Reply& c);
  Status Run(const model::rs::VaryRm& c);
  Status Run(const model::rs::Complete& c);
  Status Run(const model::rs::InjectFault& c);
  Status Run(const model::rs::RemoveFault& c);
  Status Run(const model::rs::Corrupt& c);
  Status FormatSet(int system, int set, bool record_fault);
  // Read(S, k, via=V, reply=A) and Read(S, k, via=S, complete=A of txn N): the operator's
  // request made while V holds at the read's wait.
  Status RunReadHeldAtItsWait(const model::rs::Read& c);
  Result<nlohmann::json> OperatorRequestOf(const model::rs::Read& c) const;
  Result<nlohmann::json> CompleteRequest(const model::rs::Complete& c) const;
  // The read's answer, or its death while reading, as last_outcome_.
  Status TakeReadAnswer(int via, Result<nlohmann::json> answer);
  // Sends an operator request; an answer of any kind is fine, and so is no answer when the
  // system died meanwhile (a crash point). *died tells which.
  Result<nlohmann::json> Ask(int system, const nlohmann::json& request, bool* died);
  void Reap();
  bool Quiet();
  Result<Observation> Observe(const model::rs::State& predicted);

  std::filesystem::path dir_;
  std::vector<SystemRuntime> systems_;
  std::optional<model::rs::OpOutcome> last_outcome_;
  Identities ids_;  // the case's implementation strings bound to model identities
};

}  // namespace lockstep::harness::rs
