#include "reports/ctrf.h"

#include <sys/utsname.h>

#include <cmath>
#include <cstdio>
#include <ctime>
#include <iterator>
#include <map>
#include <set>

#include "reports/protocol_totals.h"
#include "reports/text.h"

namespace lockstep::reports {

using nlohmann::json;

namespace {

json FaultsJson(const std::vector<FaultRecord>& faults) {
  json out = json::array();
  for (const FaultRecord& f : faults) {
    out.push_back({{"step", f.step}, {"kind", f.kind}, {"target", f.target},
                   {"mechanism", f.mechanism}, {"side", f.side}});
  }
  return out;
}

json CounterexampleJson(const std::optional<Counterexample>& cx) {
  if (!cx) return nullptr;
  json processes = json::array();
  for (const ProcessRecord& p : cx->processes) {
    processes.push_back({{"name", p.name}, {"exit", p.exit}, {"log_excerpt", p.log_excerpt}});
  }
  return {{"original", cx->original},   {"shrunk", cx->shrunk},
          {"shrink_steps", cx->shrink_steps}, {"shrink_stopped", cx->shrink_stopped},
          {"message", cx->message},
          {"faults", FaultsJson(cx->faults)}, {"processes", processes}};
}

json HexKeys(const std::vector<std::uint64_t>& keys) {
  json hex = json::array();
  for (std::uint64_t k : keys) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(k));
    hex.push_back(buf);
  }
  return hex;
}

json HitOfTotal(std::uint64_t hit, std::uint64_t total, const std::vector<std::uint64_t>& keys) {
  json out{{"hit", hit}, {"total", total}};
  if (!keys.empty()) out["keys"] = HexKeys(keys);
  return out;
}

// with_keys false: the keys are the protocol's, in results.extra.coverage_keys.
// {"logger": {"hit": k, "total": N, "missed": [...], "names": [...]}}: k of N crash points per
// process kind.
json CrashPointKindsJson(const Coverage& c) {
  json out = json::object();
  for (const auto& [process, names] : c.crash_points_possible) {
    json missed = json::array();
    std::uint64_t hit = 0;
    for (const std::string& name : names) {
      const auto it = c.crash_points.find(name);
      if (it != c.crash_points.end() && it->second > 0) {
        ++hit;
      } else {
        missed.push_back(name);
      }
    }
    out[process] = {{"hit", hit}, {"total", names.size()}, {"missed", missed}, {"names", names}};
  }
  return out;
}

json CoverageJson(const Coverage& c, bool with_keys) {
  static const std::vector<std::uint64_t> kNone;
  json out{{"commands", c.commands},
           {"faults", c.faults},
           {"crash_points", c.crash_points},
           {"states", HitOfTotal(c.states_hit, c.states_total, with_keys ? c.state_keys : kNone)},
           {"transitions", HitOfTotal(c.transitions_hit, c.transitions_total,
                                      with_keys ? c.transition_keys : kNone)}};
  if (!c.crash_points_possible.empty()) out["crash_point_kinds"] = CrashPointKindsJson(c);
  if (c.trace_events > 0) out["trace_events_validated"] = c.trace_events;
  if (!c.overlaps.empty()) out["overlaps"] = c.overlaps;
  if (!c.tolerances_ms.empty()) out["timing_tolerances_ms"] = c.tolerances_ms;
  return out;
}

// The protocols whose properties all hold the same, non-empty coverage keys (as one search
// records them): their keys are written once, at run level. Others keep them per test.
std::map<std::string, const Coverage*> SharedCoverageKeys(const std::vector<PropertyResult>& properties) {
  std::map<std::string, const Coverage*> shared;
  std::set<std::string> differ;
  for (const PropertyResult& p : properties) {
    const Coverage& c = p.coverage;
    const auto [it, inserted] = shared.try_emplace(p.protocol, &c);
    if (!inserted && (it->second->state_keys != c.state_keys ||
                      it->second->transition_keys != c.transition_keys)) {
      differ.insert(p.protocol);
    }
  }
  for (auto it = shared.begin(); it != shared.end();) {
    const bool empty = it->second->state_keys.empty() && it->second->transition_keys.empty();
    it = differ.contains(it->first) || empty ? shared.erase(it) : std::next(it);
  }
  return shared;
}

json CoverageKeysJson(const std::map<std::string, const Coverage*>& shared) {
  json out = json::object();
  for (const auto& [protocol, c] : shared) {
    out[protocol] = {{"states", HexKeys(c->state_keys)}, {"transitions", HexKeys(c->transition_keys)}};
  }
  return out;
}

json FailuresJson(const PropertyResult& p) {
  json out = json::array();
  if (p.failures.empty() && p.verdict == Verdict::kFailed) {
    out.push_back({{"seed", p.seed}, {"reproduce", p.reproduce}, {"message", p.reason}});
  }
  for (const FailureRef& f : p.failures) {
    out.push_back({{"seed", f.seed}, {"reproduce", f.reproduce}, {"message", f.message}});
  }
  return out;
}

json TestExtra(const PropertyResult& p, bool with_keys) {
  return {{"property", p.id},
          {"property_name", p.name},
          {"protocol", p.protocol},
          {"verdict", VerdictName(p.verdict)},
          {"reason", p.reason},
          {"truncated", p.truncated},
          {"cases", p.cases},
          {"steps", p.steps},
          {"seed", p.seed},
          {"reproduce", p.reproduce},
          {"duration_ms", p.duration_ms},
          {"counterexample", CounterexampleJson(p.counterexample)},
          {"failures", FailuresJson(p)},
          {"faults_by_kind", p.faults_by_kind},
          {"coverage", CoverageJson(p.coverage, with_keys)},
          {"bug", p.bug}};
}

json TestJson(const PropertyResult& p, bool with_keys) {
  json test = {{"name", TestName(p)},
               {"status", VerdictName(p.verdict)},
               {"duration", static_cast<std::int64_t>(std::llround(p.duration_ms))},
               {"suite", json::array({"lockstep", p.protocol})},
               {"type", "property"}};
  if (!p.reason.empty()) test["message"] = p.reason;
  if (p.verdict == Verdict::kFailed) {
    std::string trace = "reproduce: " + ReplayCommand(p.reproduce) + "\n";
    if (p.counterexample) trace += CounterexampleText(*p.counterexample);
    test["trace"] = trace;
  }
  test["extra"] = TestExtra(p, with_keys);
  return test;
}

json Summary(const RunInfo& run, const std::vector<PropertyResult>& properties) {
  int passed = 0, failed = 0, other = 0;
  for (const PropertyResult& p : properties) {
    (p.verdict == Verdict::kPassed ? passed : p.verdict == Verdict::kFailed ? failed : other)++;
  }
  return {{"tests", properties.size()}, {"passed", passed}, {"failed", failed},
          {"pending", 0},  {"skipped", 0},  {"other", other},
          {"start", run.start_ms},  {"stop", run.stop_ms},
          {"duration", run.stop_ms - run.start_ms}};
}

json Environment(const RunInfo& run) {
  json env = {{"reportName", "lockstep " + run.kind}, {"appName", "lockstep"},
              {"osPlatform", "linux"}};
  const std::pair<const char*, const std::string*> optional_fields[] = {
      {"appVersion", &run.tool_version}, {"buildName", &run.build_type},
      {"commit", &run.model_revision},   {"osRelease", &run.os_release},
      {"osVersion", &run.os_version}};
  for (const auto& [key, value] : optional_fields) {
    if (!value->empty()) env[key] = *value;
  }
  return env;
}

json RunExtra(const RunInfo& run, const std::vector<PropertyResult>& properties) {
  json binaries = json::array();
  for (const auto& [name, path] : run.binaries) binaries.push_back({{"name", name}, {"path", path}});
  std::vector<Verdict> verdicts;
  for (const PropertyResult& p : properties) verdicts.push_back(p.verdict);
  return {{"lockstep_report_version", kLockstepReportVersion},
          {"kind", run.kind},
          {"verdict", VerdictName(CombineVerdicts(verdicts))},
          {"seed", run.seed},
          {"tool_version", run.tool_version},
          {"model_revision", run.model_revision},
          {"host", run.host},
          {"build_type", run.build_type},
          {"command_line", run.command_line},
          {"binaries", binaries},
          {"impl_version", run.impl_version},
          {"fault_mechanisms", run.fault_mechanisms},
          {"faults_by_kind", RunFaults(properties)},
          {"protocols", ProtocolTotalsJson(properties)},
          {"coverage_keys", CoverageKeysJson(SharedCoverageKeys(properties))},
          {"details", run.extra.is_object() ? run.extra : json::object()}};
}

// RFC 3339 UTC with milliseconds, e.g. "2024-05-01T12:00:00.123Z".
std::string Rfc3339(std::int64_t epoch_ms) {
  const std::time_t seconds = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[40];
  const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char ms[8];
  std::snprintf(ms, sizeof ms, ".%03dZ", static_cast<int>(epoch_ms % 1000));
  return std::string(buf, n) + ms;
}

}  // namespace

json ProtocolTotalsJson(const std::vector<PropertyResult>& properties) {
  json out = json::object();
  for (const auto& [protocol, t] : TotalsByProtocol(properties)) {
    out[protocol] = {{"cases", t.cases}, {"steps", t.steps}, {"duration_ms", t.duration_ms},
                     {"faults_by_kind", t.faults_by_kind}};
  }
  return out;
}

std::string TestName(const PropertyResult& property) {
  return property.id + " " + property.name;
}

json ToCtrf(const RunInfo& run, const std::vector<PropertyResult>& properties) {
  json tests = json::array();
  const auto shared = SharedCoverageKeys(properties);
  for (const PropertyResult& p : properties) tests.push_back(TestJson(p, !shared.contains(p.protocol)));
  json results = {{"tool", {{"name", "lockstep"}, {"version", run.tool_version}}},
                  {"summary", Summary(run, properties)},
                  {"tests", tests},
                  {"environment", Environment(run)},
                  {"extra", RunExtra(run, properties)}};
  json report = {{"reportFormat", "CTRF"}, {"specVersion", kCtrfSpecVersion}};
  if (run.stop_ms > 0) report["timestamp"] = Rfc3339(run.stop_ms);
  report["generatedBy"] = "lockstep " + run.tool_version;
  report["results"] = std::move(results);
  return report;
}

Verdict OverallVerdict(const json& ctrf) {
  const json* tests = nullptr;
  if (ctrf.is_object() && ctrf.contains("results") && ctrf["results"].is_object() &&
      ctrf["results"].contains("tests") && ctrf["results"]["tests"].is_array()) {
    tests = &ctrf["results"]["tests"];
  }
  if (tests == nullptr) return Verdict::kOther;
  std::vector<Verdict> verdicts;
  for (const json& test : *tests) {
    const json* name = nullptr;
    if (test.is_object() && test.contains("extra") && test["extra"].is_object() &&
        test["extra"].contains("verdict")) {
      name = &test["extra"]["verdict"];
    } else if (test.is_object() && test.contains("status")) {
      name = &test["status"];
    }
    std::optional<Verdict> v;
    if (name != nullptr && name->is_string()) v = ParseVerdict(name->get<std::string>());
    verdicts.push_back(v.value_or(Verdict::kOther));
  }
  return CombineVerdicts(verdicts);
}

void DescribeHost(RunInfo* run) {
  struct utsname names {};
  if (uname(&names) != 0) return;
  if (run->host.empty()) run->host = names.nodename;
  run->os_release = names.release;
  run->os_version = names.version;
}

}  // namespace lockstep::reports
