// CaseRecord: what one test case did to the real system, kept so that a failure can be
// reported with its command sequence, the faults injected at each step, and how every process
// ended with an excerpt of its log.
//
// Written by a protocol's System while a case runs (single thread); read by the runner after.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "model/common/property.h"
#include "reports/property_result.h"

namespace lockstep::harness {

struct CaseRecord {
  std::vector<std::string> commands;             // Describe() of each command run, in order
  std::vector<reports::FaultRecord> faults;      // injected faults, step = index in commands (1-based)
  std::vector<reports::ProcessRecord> processes; // filled when the system is torn down
  std::map<std::string, std::uint64_t> command_counts;
  std::map<std::string, std::uint64_t> fault_counts;       // by kind
  std::map<std::string, std::uint64_t> crash_point_counts; // crash points that fired
  std::map<std::string, std::string> mechanisms;            // fault kind -> how it was done
  // Model coverage (model/explore/coverage.h): abstract state and transition fingerprints of
  // the model states the case passed through, for protocols whose model provides them.
  std::set<std::uint64_t> visited_states, visited_transitions;
  // Trace lines the protocol's event model explained (SystemDriver::CheckTraces).
  std::uint64_t trace_events = 0;
  // Overlapping behaviour: name -> count. What the traces showed (EventModel::Overlaps), and
  // the commands that ran overlapping, by kind ("overlapping_commands.Read(reply)": the
  // driver's, SystemDriver::CountOverlappingCommand).
  std::map<std::string, std::uint64_t> overlaps;
  std::map<std::string, std::uint64_t> tolerances_ms;  // EventModel::TolerancesMs, the case's
  // Why the case failed, set by the step that failed it (at most one of the two): a property
  // the model's check found broken, or a harness problem (a process that could not be
  // started, a fault whose probe did not prove it): the run's verdict is then "other".
  std::optional<model::Violation> violation;
  std::optional<std::string> harness_error;

  void Clear() { *this = CaseRecord{}; }
  // Records a fault injected at the current step: in the list, the count and the mechanism.
  // `side` is the side or system hit, the report's lane ("A", "SYSTEM73").
  void AddFault(const std::string& kind, const std::string& target, const std::string& mechanism,
                const std::string& side) {
    faults.push_back({step(), kind, target, mechanism, side});
    fault_counts[kind]++;
    mechanisms[kind] = mechanism;
  }
  int step() const { return static_cast<int>(commands.size()); }
};

}  // namespace lockstep::harness
