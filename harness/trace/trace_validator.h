// TraceValidator: one case's trace validation (docs/trace.md, "Validation"): reads the case's
// traces (TraceReader), replays every line through the protocol's event model (EventModel)
// and stops at the first line the model cannot explain or the first breach of the contract.
// Used by `lockstep validate-trace` on finished traces and by the property runner after every
// step of a case (CheckNew at each quiet point, CheckNew(true) at the end).
//
// Not thread-safe; one per case.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "base/result.h"
#include "harness/trace/event_model.h"
#include "harness/trace/trace_reader.h"
#include "model/common/property.h"

namespace lockstep::harness::trace {

// The first line of a trace that is not explained. Exactly one of `violation` (a property
// the line breaks in the model) and `breach` (the line breaks the trace contract: the
// reader's checks, or an event model's contract rule such as causality) is set.
struct TraceFailure {
  std::optional<TraceLine> line;  // the line not explained (none for a breach the reader found)
  std::optional<model::Violation> violation;
  std::string breach;
  std::string model_states;  // the model states the line was compared with

  // One paragraph for a person: where, what, and the states.
  std::string ToString() const;
};

class TraceValidator {
 public:
  explicit TraceValidator(std::unique_ptr<EventModel> model) : model_(std::move(model)) {}

  Status Add(const std::filesystem::path& path) { return reader_.Add(path); }
  // A trace held in memory (TraceReader::AddText).
  void AddText(const std::string& name, std::string text) {
    reader_.AddText(name, std::move(text));
  }

  // Reads the lines appended since the last call and replays them; `at_end` also ends the
  // trace (a cut-short last line is a breach, EventModel::Finish). Returns the first failure
  // (and the same one on every later call), or nullopt. Fails only when a trace cannot be
  // read.
  Result<std::optional<TraceFailure>> CheckNew(bool at_end = false);

  // Lines the model explained so far.
  std::uint64_t events_validated() const { return validated_; }
  // The event model's counts of overlapping behaviour (EventModel::Overlaps).
  std::map<std::string, std::uint64_t> overlaps() const { return model_->Overlaps(); }
  // The timing tolerances the event model applied (EventModel::TolerancesMs).
  std::map<std::string, std::uint64_t> tolerances_ms() const { return model_->TolerancesMs(); }

 private:
  std::unique_ptr<EventModel> model_;
  TraceReader reader_;
  std::uint64_t validated_ = 0;
  std::optional<TraceFailure> failure_;
};

}  // namespace lockstep::harness::trace
