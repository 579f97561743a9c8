#include "reports/from_ctrf.h"

namespace lockstep::reports {

using nlohmann::json;

namespace {

const json& At(const json& j, const char* key) {
  static const json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

// The array at `key`, or an empty one.
const json& Array(const json& j, const char* key) {
  static const json kEmpty = json::array();
  const json& v = At(j, key);
  return v.is_array() ? v : kEmpty;
}

std::string Str(const json& j, const char* key) {
  const json& v = At(j, key);
  return v.is_string() ? v.get<std::string>() : std::string();
}

std::uint64_t U64(const json& v) {
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();
  if (v.is_number_integer() && v.get<std::int64_t>() > 0) return v.get<std::uint64_t>();
  return 0;
}
std::uint64_t U64(const json& j, const char* key) { return U64(At(j, key)); }

std::int64_t I64(const json& j, const char* key) {
  const json& v = At(j, key);
  return v.is_number_integer() ? v.get<std::int64_t>() : 0;
}

double Number(const json& j, const char* key) {
  const json& v = At(j, key);
  return v.is_number() ? v.get<double>() : 0.0;
}

std::map<std::string, std::uint64_t> Counts(const json& j) {
  std::map<std::string, std::uint64_t> out;
  if (!j.is_object()) return out;
  for (const auto& [key, value] : j.items()) out[key] = U64(value);
  return out;
}

std::vector<std::string> Strings(const json& j) {
  std::vector<std::string> out;
  if (!j.is_array()) return out;
  for (const json& s : j) out.push_back(s.is_string() ? s.get<std::string>() : s.dump());
  return out;
}

std::optional<Counterexample> ReadCounterexample(const json& j) {
  if (!j.is_object()) return std::nullopt;
  Counterexample cx;
  cx.original = Strings(At(j, "original"));
  cx.shrunk = Strings(At(j, "shrunk"));
  cx.shrink_steps = static_cast<int>(I64(j, "shrink_steps"));
  cx.shrink_stopped = Str(j, "shrink_stopped");
  cx.message = Str(j, "message");
  for (const json& f : Array(j, "faults")) {
    cx.faults.push_back({static_cast<int>(I64(f, "step")), Str(f, "kind"), Str(f, "target"),
                         Str(f, "mechanism"), Str(f, "side")});
  }
  for (const json& p : Array(j, "processes")) {
    cx.processes.push_back({Str(p, "name"), Str(p, "exit"), Str(p, "log_excerpt")});
  }
  return cx;
}

// Fingerprints written as 16 hex digits; anything else is skipped.
std::vector<std::uint64_t> HexList(const json& array) {
  std::vector<std::uint64_t> keys;
  if (!array.is_array()) return keys;
  for (const json& k : array) {
    if (k.is_string() && !k.get<std::string>().empty()) keys.push_back(std::stoull(k.get<std::string>(), nullptr, 16));
  }
  return keys;
}

std::vector<std::uint64_t> Keys(const json& hit_of_total) { return HexList(At(hit_of_total, "keys")); }

Coverage ReadCoverage(const json& j) {
  Coverage c;
  c.commands = Counts(At(j, "commands"));
  c.faults = Counts(At(j, "faults"));
  c.crash_points = Counts(At(j, "crash_points"));
  if (const json& kinds = At(j, "crash_point_kinds"); kinds.is_object()) {
    for (const auto& [process, kind] : kinds.items()) {
      for (const json& name : At(kind, "names")) {
        if (name.is_string()) c.crash_points_possible[process].push_back(name.get<std::string>());
      }
    }
  }
  c.trace_events = U64(j, "trace_events_validated");
  c.overlaps = Counts(At(j, "overlaps"));
  c.tolerances_ms = Counts(At(j, "timing_tolerances_ms"));
  c.states_hit = U64(At(j, "states"), "hit");
  c.states_total = U64(At(j, "states"), "total");
  c.transitions_hit = U64(At(j, "transitions"), "hit");
  c.transitions_total = U64(At(j, "transitions"), "total");
  c.state_keys = Keys(At(j, "states"));
  c.transition_keys = Keys(At(j, "transitions"));
  return c;
}

PropertyResult ReadProperty(const json& test) {
  const json& x = At(test, "extra");
  PropertyResult p;
  p.id = Str(x, "property");
  p.name = Str(x, "property_name");
  if (p.id.empty() && p.name.empty()) p.name = Str(test, "name");
  p.protocol = Str(x, "protocol");
  std::string verdict = Str(x, "verdict");
  if (verdict.empty()) verdict = Str(test, "status");
  p.verdict = ParseVerdict(verdict).value_or(Verdict::kOther);
  p.reason = Str(x, "reason");
  p.truncated = At(x, "truncated").is_boolean() && At(x, "truncated").get<bool>();
  p.cases = U64(x, "cases");
  p.steps = U64(x, "steps");
  p.seed = U64(x, "seed");
  p.reproduce = Str(x, "reproduce");
  p.counterexample = ReadCounterexample(At(x, "counterexample"));
  p.faults_by_kind = Counts(At(x, "faults_by_kind"));
  p.duration_ms = At(x, "duration_ms").is_number() ? Number(x, "duration_ms")
                                                   : Number(test, "duration");
  p.coverage = ReadCoverage(At(x, "coverage"));
  p.bug = Str(x, "bug");
  for (const json& f : Array(x, "failures")) {
    p.failures.push_back({U64(f, "seed"), Str(f, "reproduce"), Str(f, "message")});
  }
  return p;
}

RunInfo ReadRun(const json& results) {
  const json& x = At(results, "extra");
  const json& env = At(results, "environment");
  RunInfo run;
  run.tool_version = Str(x, "tool_version");
  run.model_revision = Str(x, "model_revision");
  run.host = Str(x, "host");
  run.build_type = Str(x, "build_type");
  run.command_line = Str(x, "command_line");
  for (const json& b : Array(x, "binaries")) {
    run.binaries.emplace_back(Str(b, "name"), Str(b, "path"));
  }
  run.impl_version = Str(x, "impl_version");
  if (At(x, "fault_mechanisms").is_object()) {
    for (const auto& [kind, m] : At(x, "fault_mechanisms").items()) {
      run.fault_mechanisms[kind] = m.is_string() ? m.get<std::string>() : m.dump();
    }
  }
  run.start_ms = I64(At(results, "summary"), "start");
  run.stop_ms = I64(At(results, "summary"), "stop");
  run.seed = U64(x, "seed");
  run.kind = Str(x, "kind");
  run.os_release = Str(env, "osRelease");
  run.os_version = Str(env, "osVersion");
  run.extra = At(x, "details").is_object() ? At(x, "details") : json::object();
  return run;
}

}  // namespace

Report ReportFromCtrf(const json& ctrf) {
  Report report;
  const json& results = At(ctrf, "results");
  report.run = ReadRun(results);
  const json& tests = At(results, "tests");
  if (tests.is_array()) {
    for (const json& test : tests) report.properties.push_back(ReadProperty(test));
  }
  // Coverage keys written once per protocol go back to each of its properties (when they
  // account for its hits; a test's own keys win).
  const json& shared = At(At(results, "extra"), "coverage_keys");
  for (PropertyResult& p : report.properties) {
    const json& keys = At(shared, p.protocol.c_str());
    Coverage& c = p.coverage;
    if (c.state_keys.empty() && Array(keys, "states").size() == c.states_hit) {
      c.state_keys = HexList(At(keys, "states"));
    }
    if (c.transition_keys.empty() && Array(keys, "transitions").size() == c.transitions_hit) {
      c.transition_keys = HexList(At(keys, "transitions"));
    }
  }
  return report;
}

}  // namespace lockstep::reports
