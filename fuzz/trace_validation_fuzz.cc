// Fuzz target: one case's event traces (docs/trace.md), read, merged and replayed end to end
// as `lockstep validate-trace` does: TraceReader (schema, lives, seq, clocks, causal merge)
// and TraceValidator with a protocol's event model (StEventModel or RsEventModel). The traces
// are handed to the reader in memory (TraceReader::AddText), read as files of those names
// would be: nothing touches the disk.
//
// Input: a header line, then the traces.
//   * The header's first byte chooses: bit 0 the protocol (0 state transfer, 1 resync), bit 1
//     how the traces are read (0 in one CheckNew(at_end), 1 in CheckNew() then
//     CheckNew(at_end), as the property runner reads after a step and at the end). The rest of
//     the header line is ignored (the seed corpus names its source there).
//   * Then sections, separated by lines "---": section i is the trace file of the protocol's
//     role i, named <role>.jsonl (state transfer: mds, logger-A, logger-B; resync: SYSTEM73,
//     SYSTEM74, SYSTEM75). Sections past the last role are ignored.
//
// Checks, whatever the input:
//   * nothing crashes, leaks or throws (the fuzz build has ASan and UBSan);
//   * a failure names a line of the input: the line not explained is at the file and line it
//     claims, and is that line's JSON; a breach the reader found names "trace F:N" with F one
//     of the input's traces and N one of its lines (the cut-short last one included);
//   * a property violated is one of the protocol's (ST-n or RS-n), and every failure reads as
//     a message; the validator explains no more lines than the input holds; a later
//     CheckNew returns the same failure.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "fuzz/fuzz_check.h"
#include "harness/resync/rs_event_model.h"
#include "harness/state_transfer/st_event_model.h"
#include "harness/trace/trace_validator.h"

namespace {

using lockstep::harness::trace::TraceFailure;
using lockstep::harness::trace::TraceValidator;

// One trace file of the input: its name and its lines as written (the last one perhaps
// without its newline).
struct Trace {
  std::string name;
  std::string text;
  std::vector<std::string> lines;
};

std::vector<std::string> SplitLines(std::string_view text) {
  std::vector<std::string> lines;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    lines.emplace_back(text.substr(0, end));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  }
  return lines;
}

// The traces of the input after its header, one per role.
std::vector<Trace> SplitTraces(std::string_view body, const std::vector<std::string>& roles) {
  std::vector<Trace> traces;
  std::string section;
  auto close = [&] {
    if (traces.size() < roles.size()) {
      traces.push_back({roles[traces.size()] + ".jsonl", section, SplitLines(section)});
    }
    section.clear();
  };
  while (!body.empty()) {
    const std::size_t end = body.find('\n');
    const std::string_view line = body.substr(0, end == std::string_view::npos ? body.size() : end + 1);
    body.remove_prefix(line.size());
    if (line == "---\n") {
      close();
    } else {
      section += line;
    }
  }
  close();
  return traces;
}

const Trace* Named(const std::vector<Trace>& traces, std::string_view name) {
  for (const Trace& t : traces) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

// The line the failure names is in the input, and is that line's text.
void CheckLineNamed(const TraceFailure& f, const std::vector<Trace>& traces) {
  const Trace* t = Named(traces, f.line->file);
  FUZZ_CHECK(t != nullptr, "a failure names the file %s, not in the input", f.line->file.c_str());
  FUZZ_CHECK(f.line->line_no >= 1 && f.line->line_no <= t->lines.size(),
             "a failure names line %zu of %s, which has %zu", f.line->line_no, t->name.c_str(),
             t->lines.size());
  const auto json = nlohmann::json::parse(t->lines[f.line->line_no - 1], nullptr, false);
  FUZZ_CHECK(json == f.line->json, "the line named %s:%zu is not that line of the input",
             t->name.c_str(), f.line->line_no);
}

// A breach the reader found, "trace F:N breaks ...", names a line of the input.
void CheckBreachNamed(const std::string& breach, const std::vector<Trace>& traces) {
  for (const Trace& t : traces) {
    const std::string prefix = "trace " + t.name + ":";
    if (!breach.starts_with(prefix)) continue;
    const std::size_t n = std::stoul(breach.substr(prefix.size()));
    FUZZ_CHECK(n >= 1 && n <= t.lines.size(), "a breach names line %zu of %s, which has %zu: %s",
               n, t.name.c_str(), t.lines.size(), breach.c_str());
    return;
  }
  FUZZ_CHECK(false, "a breach names no trace of the input: %s", breach.c_str());
}

void CheckFailure(const TraceFailure& f, const std::vector<Trace>& traces, bool resync) {
  FUZZ_CHECK(f.violation.has_value() != !f.breach.empty(),
             "a failure is exactly one of a violation and a breach");
  FUZZ_CHECK(!f.ToString().empty(), "a failure without a message");
  if (f.violation) {
    const char* prefix = resync ? "RS-" : "ST-";
    FUZZ_CHECK(f.violation->property_id.starts_with(prefix), "property %s is not the protocol's",
               f.violation->property_id.c_str());
  }
  if (f.line) {
    CheckLineNamed(f, traces);
  } else if (!f.breach.empty()) {
    CheckBreachNamed(f.breach, traces);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const bool resync = (data[0] & 1) != 0;
  const bool two_reads = (data[0] & 2) != 0;
  const std::size_t header_end = input.find('\n');
  const std::string_view body =
      header_end == std::string_view::npos ? std::string_view() : input.substr(header_end + 1);

  const std::vector<std::string> roles =
      resync ? std::vector<std::string>{"SYSTEM73", "SYSTEM74", "SYSTEM75"}
             : std::vector<std::string>{"mds", "logger-A", "logger-B"};
  const std::vector<Trace> traces = SplitTraces(body, roles);
  std::size_t lines = 0;
  for (const Trace& t : traces) lines += t.lines.size();

  TraceValidator validator(resync ? std::make_unique<lockstep::harness::rs::RsEventModel>()
                                  : lockstep::harness::st::MakeStEventModel());
  for (const Trace& t : traces) validator.AddText(t.name, t.text);
  std::optional<TraceFailure> first;
  if (two_reads) {
    auto early = validator.CheckNew();
    FUZZ_CHECK(early.has_value(), "a trace in memory could not be read: %s",
               early.error().message.c_str());
    first = *early;
  }
  auto last = validator.CheckNew(/*at_end=*/true);
  FUZZ_CHECK(last.has_value(), "a trace in memory could not be read: %s",
             last.error().message.c_str());
  if (first) {
    FUZZ_CHECK(last->has_value() && (*last)->ToString() == first->ToString(),
               "a later CheckNew did not return the first failure");
  }
  FUZZ_CHECK(validator.events_validated() <= lines, "%llu lines explained of %zu in the input",
             static_cast<unsigned long long>(validator.events_validated()), lines);
  if (*last) CheckFailure(**last, traces, resync);
  return 0;
}
