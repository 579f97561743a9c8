// SystemDriver<Settings>: what every protocol's system driver (P::System, protocol.h) holds for
// one test case, written once: the sandbox it runs in, its settings, the case record it
// writes, the directory faults it has active, where the case's event traces go, and the one
// rule for how long a request to the real processes may take.
//
// Traces (docs/trace.md): every role's processes get `--trace TraceFile(role)` (RoleProcess),
// all in trace_dir() = <case dir>/traces, one file per role, appended to over the role's
// restarts. They live as long as the case directory: the property runner removes it after the
// case. CheckedStep validates them after every step (CheckTraces), so a line the model cannot
// explain fails the case with the property it breaks, even when the quiet point looks right.
//
// A driver derives from SystemDriver<its settings>. Its destructor tears its processes down
// (RoleProcess::TearDown, in the order the report shows them); the faults still active are
// removed after that, as the base is destroyed (ActiveFaults::~ActiveFaults).
//
// Thread safety: single-threaded, like the drivers.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "harness/os/sandbox.h"
#include "harness/property/active_faults.h"
#include "harness/property/case_record.h"
#include "harness/trace/harness_lines.h"
#include "harness/trace/trace_validator.h"

namespace lockstep::harness {

// The prefix of the case record's overlaps a driver counts itself (CountOverlappingCommand).
inline constexpr std::string_view kOverlappingCommandsPrefix = "overlapping_commands.";

template <class Settings>
class SystemDriver {
 public:
  SystemDriver(const SystemDriver&) = delete;
  SystemDriver& operator=(const SystemDriver&) = delete;

  CaseRecord& record() { return *record_; }

  // Validates the trace lines the case's processes wrote since the last call (at a quiet
  // point: trace/trace_reader.h) against the protocol's event model, and counts them in the
  // case record. Returns the first line the model cannot explain or the first breach of the
  // trace contract (the same one on every later call), or nullopt. Fails only when a trace
  // cannot be read.
  Result<std::optional<trace::TraceFailure>> CheckTraces() {
    if (!validator_) return std::optional<trace::TraceFailure>();
    const std::uint64_t before = validator_->events_validated();
    auto failure = validator_->CheckNew();
    record_->trace_events += validator_->events_validated() - before;
    for (const auto& [name, n] : validator_->overlaps()) record_->overlaps[name] = n;
    record_->tolerances_ms = validator_->tolerances_ms();
    return failure;
  }
  // The directory holding one trace file per role (empty before MakeTraceDir).
  const std::filesystem::path& trace_dir() const { return trace_dir_; }

 protected:
  // `longest_wait`: the longest a request may legitimately take in this protocol with these
  // settings (a transfer's timeout, a lock wait); RequestTimeout() adds the quiet deadline.
  // REQUIRES: sandbox and *record outlive the driver.
  SystemDriver(Sandbox& sandbox, const Settings& settings, CaseRecord* record,
               std::chrono::milliseconds longest_wait)
      : sandbox_(sandbox),
        settings_(settings),
        record_(record),
        faults_(sandbox, *record),
        longest_wait_(longest_wait) {}
  ~SystemDriver() = default;

  // Creates sandbox.dir()/case_dir/traces, whose traces CheckTraces() replays through
  // `model`; fails (naming it) when the sandbox cannot.
  Status MakeTraceDir(const std::string& case_dir, std::unique_ptr<trace::EventModel> model) {
    auto dir = sandbox_.MakeDir(std::filesystem::path(case_dir) / "traces");
    if (!dir) return std::unexpected(dir.error());
    trace_dir_ = *dir;
    validator_.emplace(std::move(model));
    return validator_->Add(trace_dir_);
  }
  // The trace file of role `role` ("mds", "logger-A", "SYSTEM73").
  // REQUIRES: MakeTraceDir succeeded.
  std::filesystem::path TraceFile(const std::string& role) const {
    return trace_dir_ / (role + ".jsonl");
  }
  // Records in role `role`'s trace what the harness did to it that no process traces
  // (harness/trace/harness_lines.h): `event` with `fields` and "role".
  // REQUIRES: MakeTraceDir succeeded.
  Status RecordHarnessEvent(const std::string& role, std::string_view event,
                            nlohmann::json fields = nlohmann::json::object()) {
    fields["role"] = role;
    return harness_lines_.Append(trace_dir_, TraceFile(role), event, std::move(fields));
  }

  // Counts one command of `kind` ("Start(inputs)", "Read(reply)") that ran overlapping with
  // another (its hold fired: docs/design.md, "Decision: overlapping commands hold a process at
  // a traced action") in the case record's overlaps, as "overlapping_commands.<kind>", beside
  // the event model's counts (docs/trace.md, "Overlaps counted").
  void CountOverlappingCommand(std::string_view kind) {
    ++record_->overlaps[std::string(kOverlappingCommandsPrefix) + std::string(kind)];
  }

  // How long to wait for an answer, or for a quiet point, before observing anyway.
  std::chrono::milliseconds RequestTimeout() const {
    return longest_wait_ + settings_.quiet_deadline;
  }

  Sandbox& sandbox_;
  const Settings settings_;
  CaseRecord* const record_;
  ActiveFaults faults_;  // after sandbox_ and record_, which it uses

 private:
  const std::chrono::milliseconds longest_wait_;
  std::filesystem::path trace_dir_;
  trace::HarnessLines harness_lines_;
  std::optional<trace::TraceValidator> validator_;
};

}  // namespace lockstep::harness
