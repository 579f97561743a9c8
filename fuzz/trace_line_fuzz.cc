// Fuzz target: one event-trace line (docs/trace.md): the check the trace reader
// (harness/trace/trace_reader.h) runs on each line, the JSON text parsed as ParseObject does
// (impl/common/json_lines.h) and validated against the trace schema
// (reports/trace_schema.h, ValidateTraceLine). Checks that validation never crashes or throws
// and that a refusal says why.
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "fuzz/fuzz_check.h"
#include "reports/trace_schema.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const nlohmann::json line = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (line.is_discarded()) return 0;
  if (auto valid = lockstep::reports::ValidateTraceLine(line); !valid) {
    FUZZ_CHECK(!valid.error().message.empty(), "a line refused without a message");
  }
  return 0;
}
