// StSystem: one state-transfer system under test (an mds and loggers A and B as real child
// processes) in its own directory of the sandbox, driven one model command at a time.
//
// Execute() runs a command, waits (polling against a deadline) until the system is quiet, and
// returns the observation. Disk-full and access-denied faults act on each side's temp and data
// directories and nothing else; with disk-full among the run's faults, each of those is its
// own small tmpfs (FaultDirTmpfsBytes), so filling it fills nothing else.
//
// With power-loss among the run's faults, each side's data directory X/data is, for the whole
// case, the mount of lockstep-powerloss-fs (faults/power_loss.h) over X/data-durable (the
// tmpfs that disk-full fills, when it is among the faults: a DiskFull cannot fill the FUSE
// mount itself). Mounted by Create, unmounted by the destructor after every process is gone,
// so no mount or filesystem process outlives the case. PowerLoss(X): SIGKILL of X's logger
// (reaped), then the cut with its probe; X is down. The temp directory is not on it: the
// model's leftover count does not depend on durability (docs/design.md, "Decision: power loss
// for state transfer").
//
// Thread safety: single-threaded; create, use and destroy on the thread that owns the
// children (their PR_SET_PDEATHSIG is tied to it).
// Invariant: between calls, the process set and the fault set match the last command run.
#pragma once

#include <array>
#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include "faults/power_loss.h"

#include "harness/os/sandbox.h"
#include "harness/property/active_faults.h"
#include "harness/property/case_record.h"
#include "harness/property/role_process.h"
#include "harness/property/system_driver.h"
#include "harness/state_transfer/st_settings.h"
#include "model/state_transfer/commands.h"
#include "model/state_transfer/observation.h"
#include "model/state_transfer/state.h"

namespace lockstep::harness::st {

class StSystem : public SystemDriver<StSettings> {
 public:
  using Observation = model::st::Observation;

  // Creates the directories under sandbox.dir()/case_dir and starts the mds.
  // REQUIRES: settings.impl_dir holds `mds` and `logger`; record outlives the system.
  static Result<std::unique_ptr<StSystem>> Create(Sandbox& sandbox, const std::string& case_dir,
                                                  const StSettings& settings, CaseRecord* record);
  // Kills every child and records how each ended with a log excerpt (RoleProcess::TearDown;
  // logger A, logger B, then the mds), then removes the faults still active and unmounts the
  // power-loss filesystems (errors on stderr).
  ~StSystem();

  // Runs one command to a quiet point and observes. Fails only for harness problems (a child
  // that cannot be started, a fault whose probe does not prove it, a malformed answer).
  // `predicted` (the model's state after the command) is not needed: state-transfer
  // observations hold no implementation identities to bind.
  Result<Observation> Execute(const model::st::Command& command,
                              const model::st::State& predicted);
  // Runs one command to a quiet point without observing (the raw cost, for benchmarks).
  Status Drive(const model::st::Command& command);

 private:
  struct SideRuntime {
    // data_durable: the power-loss filesystem's backing directory (empty without power-loss).
    std::filesystem::path dir, data, data_durable, temp, socket, log;
    RoleProcess logger;  // "logger-A" / "logger-B"
    std::unique_ptr<faults::PowerLoss> power;  // mounted on data, with power-loss
    // Where a fault of `kind` on `d` acts: disk-full on a power-loss data directory fills
    // its backing tmpfs; everything else acts on the directory itself.
    const std::filesystem::path& FaultDir(model::st::Dir d, model::FaultKind kind) const {
      if (d == model::st::Dir::kTemp) return temp;
      return power && kind == model::FaultKind::kDiskFull ? data_durable : data;
    }
  };

  StSystem(Sandbox& sandbox, const StSettings& settings, CaseRecord* record);
  Status StartMds();
  Status Run(const model::st::Submit& c);
  Status Run(const model::st::Start& c);
  Status SpawnLogger(const model::st::Start& c);
  Status RunWithTransferInputs(const model::st::Start& c);
  Status Run(const model::st::Crash& c);
  Status Run(const model::st::InjectFault& c);
  Status Run(const model::st::RemoveFault& c);
  Status Run(const model::st::OfflineSync& c);
  Status Run(const model::st::PowerLoss& c);
  Status MountPowerLoss(SideRuntime& rt, const std::filesystem::path& rel);
  // `data_error`: when given, exit status 3 (the tool refused the data) is no failure: the
  // tool's last lines go there.
  Status RunOperatorTool(const std::string& name, const std::vector<std::string>& args,
                         std::string* output, std::string* data_error = nullptr);
  void ReapSides();
  bool Quiet();
  Result<Observation> Observe();
  Result<model::st::SideObservation> ObserveSide(model::st::Side side, const nlohmann::json& mds);
  SideRuntime& at(model::st::Side s) { return sides_[model::st::Index(s)]; }

  std::string case_dir_;
  std::filesystem::path dir_, mds_socket_, mds_data_, mds_log_;
  RoleProcess mds_;
  std::array<SideRuntime, 2> sides_;
  std::optional<model::st::InputOutcome> last_outcome_;
  std::vector<model::st::InputOutcome> transfer_input_outcomes_;  // this step's (Start::inputs)
};

}  // namespace lockstep::harness::st
