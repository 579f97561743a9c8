// Lines of the harness in a case's traces (docs/trace.md, "Lines of the harness"): what the
// harness did to the system under test between two steps that no traced process can record
// (an offline synchronize of a logger's database, a journal set formatted or damaged), so
// that an event model replaying the traces alone (validate-trace) knows of it.
//
// A harness line goes into the trace file of the role it concerns, with process "harness",
// the harness's pid, its own seq over the case, and a clock above every line of every trace
// file of the case at that moment: it is written at a quiet point, so everything before is
// causally before it, and the role's next process continues its clock above it (rule 4).
//
// Not thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace lockstep::harness::trace {

class HarnessLines {
 public:
  // Appends `event` with `fields` (which must hold "role") to `file`, a trace in `trace_dir`.
  // Fails naming the file when it cannot be written.
  Status Append(const std::filesystem::path& trace_dir, const std::filesystem::path& file,
                std::string_view event, nlohmann::json fields);

 private:
  std::uint64_t seq_ = 0;
};

}  // namespace lockstep::harness::trace
