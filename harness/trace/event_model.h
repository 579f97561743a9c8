// EventModel: a protocol's reference model at the granularity of its event trace (the third
// use of the model, ../shared/spec/harness.md, "One model, used three ways"; docs/trace.md,
// "Validation"). validate-trace and the property runner feed it one case's trace lines in a
// causal order (trace_reader.h); for each line it answers whether a transition of the model
// from the states it holds explains the line, and if not, which property the line breaks.
//
// Contract for every protocol's event model:
//  1. State. It reconstructs the protocol model's state variables (model/<protocol>/state.h)
//     from events: what each process holds durably and in memory, what it told the others.
//     Where the trace cannot tell (a process killed after an effect and before its line, rule 1
//     of docs/trace.md), it keeps every value the kill could have left ("maybe happened") and
//     the next line that reads the value resolves it.
//  2. Gaps. A process life that ends without `exiting` was killed: the model fills the crash
//     in when the role's next life starts, or at Finish(). Lines of the harness (process
//     kHarnessProcess) are the changes no process traces (offline synchronize, format,
//     corruption).
//  3. Verdict. Apply() returns nullopt when the line is explained, else a Violation whose
//     property is the protocol's (ST-n, RS-n) and whose message names what the model
//     expected; Describe() then shows the states the line was compared with. A rule of the
//     trace contract that belongs to no property (causality: a message received that nobody
//     sent) has an id starting with kContractRulePrefix ("TRACE-1"); the validator reports it
//     as a breach of the contract. After a violation the model's state is unspecified: stop
//     feeding it.
//  4. Structure is not its business: the reader has already checked each line against the
//     schema and each file's lives, sequence numbers and clocks.
//
// Not thread-safe; one per case.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "harness/trace/trace_line.h"
#include "model/common/property.h"

namespace lockstep::harness::trace {

// The id prefix of a rule of the trace contract (point 3 above), not of a property.
inline constexpr const char* kContractRulePrefix = "TRACE-";

class EventModel {
 public:
  virtual ~EventModel() = default;

  // Whether `line` is explained by a transition from the current states (and takes it).
  virtual std::optional<model::Violation> Apply(const TraceLine& line) = 0;
  // The end of the trace: every life that did not exit is taken as killed. Violations the
  // end makes certain (none in the models so far) are returned like Apply's.
  virtual std::optional<model::Violation> Finish() { return std::nullopt; }
  // The model states the last line was compared with, for a person: several lines.
  virtual std::string Describe() const = 0;
  // How often the lines so far showed things overlapping (docs/trace.md, "Overlaps counted"):
  // name -> count, cumulative over the case ("inputs_queued_in_transfer"). Empty for a
  // protocol that counts none.
  virtual std::map<std::string, std::uint64_t> Overlaps() const { return {}; }
  // The timing tolerances its rules applied to the lines so far, in ms, by rule ("ST-6
  // receiver past its timeout" -> 125), for the report to state (docs/trace.md, "Timing
  // tolerances"). Empty for a protocol that measures no time.
  virtual std::map<std::string, std::uint64_t> TolerancesMs() const { return {}; }
};

}  // namespace lockstep::harness::trace
