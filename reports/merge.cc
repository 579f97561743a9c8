#include "reports/merge.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>

#include "reports/ctrf.h"
#include "reports/from_ctrf.h"
#include "reports/schema.h"

namespace lockstep::reports {

using nlohmann::json;

namespace {

void AddCounts(std::map<std::string, std::uint64_t>& into,
               const std::map<std::string, std::uint64_t>& from) {
  for (const auto& [key, n] : from) into[key] += n;
}

// Hits of both sides known (keys): their union. Else the maximum, an underestimate (shards
// explore overlapping sets, so a sum would overcount), and the keys are dropped.
void MergeHits(std::vector<std::uint64_t>& into_keys, std::uint64_t& into_hit,
               const std::vector<std::uint64_t>& from_keys, std::uint64_t from_hit) {
  if (into_keys.size() != into_hit || from_keys.size() != from_hit) {
    into_hit = std::max(into_hit, from_hit);
    into_keys.clear();
    return;
  }
  std::vector<std::uint64_t> united;
  std::set_union(into_keys.begin(), into_keys.end(), from_keys.begin(), from_keys.end(),
                 std::back_inserter(united));
  into_keys = std::move(united);
  into_hit = into_keys.size();
}

void MergeCoverage(Coverage& into, const Coverage& from) {
  AddCounts(into.commands, from.commands);
  AddCounts(into.faults, from.faults);
  AddCounts(into.crash_points, from.crash_points);
  into.trace_events += from.trace_events;
  for (const auto& [k, v] : from.overlaps) into.overlaps[k] += v;
  for (const auto& [k, v] : from.tolerances_ms) {
    into.tolerances_ms[k] = std::max(into.tolerances_ms[k], v);
  }
  for (const auto& [process, names] : from.crash_points_possible) {
    auto& mine = into.crash_points_possible[process];
    if (mine.empty()) mine = names;  // one protocol's list: the same in every shard
  }
  MergeHits(into.state_keys, into.states_hit, from.state_keys, from.states_hit);
  MergeHits(into.transition_keys, into.transitions_hit, from.transition_keys, from.transitions_hit);
  into.states_total = std::max(into.states_total, from.states_total);
  into.transitions_total = std::max(into.transitions_total, from.transitions_total);
}

// Folds `from` (a later shard's result for the same property) into `into`.
void MergeProperty(PropertyResult& into, const PropertyResult& from) {
  into.cases += from.cases;
  into.steps += from.steps;
  into.duration_ms += from.duration_ms;
  AddCounts(into.faults_by_kind, from.faults_by_kind);
  MergeCoverage(into.coverage, from.coverage);
  into.failures.insert(into.failures.end(), from.failures.begin(), from.failures.end());
  if (into.bug.empty()) into.bug = from.bug;
  const bool first_failure = from.verdict == Verdict::kFailed && into.verdict != Verdict::kFailed;
  const bool first_other = from.verdict == Verdict::kOther && into.verdict == Verdict::kPassed;
  const bool first_truncated = from.truncated && !into.truncated && into.verdict == Verdict::kPassed;
  if (first_failure) {
    into.seed = from.seed;
    into.reproduce = from.reproduce;
    into.counterexample = from.counterexample;
  }
  if (first_failure || first_other || first_truncated) into.reason = from.reason;
  into.verdict = CombineVerdicts(into.verdict, from.verdict);
  // Truncated only as a pass: a failed or undecided merge says so by its verdict.
  into.truncated = into.verdict == Verdict::kPassed && (into.truncated || from.truncated);
}

json ShardEntry(const Report& shard) {
  std::vector<Verdict> verdicts;
  std::set<std::string> protocols;
  for (const PropertyResult& p : shard.properties) {
    verdicts.push_back(p.verdict);
    protocols.insert(p.protocol);
  }
  return {{"seed", shard.run.seed},
          {"protocols", protocols},
          {"host", shard.run.host},
          {"verdict", VerdictName(CombineVerdicts(verdicts))},
          {"start", shard.run.start_ms},
          {"stop", shard.run.stop_ms},
          {"details", shard.run.extra}};
}

// A shard that is itself a plain merge (details exactly {merged_from, shards}) contributes
// its shard entries, so that merging stays flat however often it is repeated (a campaign
// folds every seed's report into the merge so far).
void AddShardEntries(json& entries, const Report& shard) {
  const json& details = shard.run.extra;
  const bool plain_merge = details.is_object() &&
                           details.size() == 2 + details.contains("missing_shards") &&
                           details.contains("merged_from") && details.contains("shards") &&
                           details["shards"].is_array();
  if (!plain_merge) {
    entries.push_back(ShardEntry(shard));
    return;
  }
  for (const json& entry : details["shards"]) entries.push_back(entry);
}

void MergeRun(RunInfo& into, const RunInfo& from) {
  into.start_ms = std::min(into.start_ms, from.start_ms);
  into.stop_ms = std::max(into.stop_ms, from.stop_ms);
  for (const auto& [kind, mechanism] : from.fault_mechanisms) {
    std::string& known = into.fault_mechanisms[kind];
    if (known.empty()) {
      known = mechanism;
    } else if (known != mechanism && known.find(mechanism) == std::string::npos) {
      known += " | " + mechanism;
    }
  }
}

Result<std::vector<Report>> ReadShards(const std::vector<json>& shards) {
  if (shards.empty()) return Fail("nothing to merge: give at least one shard report");
  std::vector<Report> out;
  for (std::size_t i = 0; i < shards.size(); ++i) {
    if (Status valid = ValidateReport(shards[i]); !valid) {
      return Fail("shard report " + std::to_string(i + 1) + " cannot be merged: " +
                  valid.error().message);
    }
    out.push_back(ReportFromCtrf(shards[i]));
    if (out.back().run.model_revision != out.front().run.model_revision) {
      return Fail("shard report " + std::to_string(i + 1) + " comes from model revision " +
                  out.back().run.model_revision + " but shard report 1 from " +
                  out.front().run.model_revision + "; merge only the shards of one campaign");
    }
  }
  return out;
}

// What one shard entry is, for refusing the same one twice: a campaign's shard ("shard 1/4 of
// campaign 5f3a"), else a run's seed and protocols ("seed 42 of resync, state-transfer").
std::string Identity(const json& entry) {
  const json& details = entry.value("details", json::object());
  if (details.is_object() && details.contains("campaign")) {
    const json& c = details["campaign"];
    return "shard " + c.value("shard", std::string("?")) + " of campaign " +
           c.value("campaign_id", std::string("?"));
  }
  std::string protocols;
  for (const json& p : entry.value("protocols", json::array())) {
    protocols += (protocols.empty() ? "" : ", ") + p.get<std::string>();
  }
  return "seed " + entry.value("seed", json(0)).dump() +
         (protocols.empty() ? "" : " of " + protocols);
}

// Refuses a shard or seed that two inputs both hold (counting the entries of inputs that are
// merges themselves), naming both inputs.
Status RefuseDuplicates(const json& entries, const std::vector<std::size_t>& input_of) {
  std::map<std::string, std::size_t> seen;  // identity -> input (from 1)
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto [it, fresh] = seen.try_emplace(Identity(entries[i]), input_of[i] + 1);
    if (!fresh) {
      return Fail("shard report " + std::to_string(input_of[i] + 1) + " holds " + it->first +
                  ", which shard report " + std::to_string(it->second) +
                  " holds already; merge each shard once");
    }
  }
  return {};
}

// For each campaign whose shards are here, the shards "I/N" of it that are not.
json MissingShards(const json& entries) {
  std::map<std::string, std::pair<int, std::set<int>>> campaigns;  // id -> (N, indexes seen)
  for (const json& entry : entries) {
    const json& details = entry.value("details", json::object());
    if (!details.is_object() || !details.contains("campaign")) continue;
    const json& c = details["campaign"];
    int index = -1, count = 0;
    char slash = 0;
    std::istringstream text(c.value("shard", std::string()));
    if (!(text >> index >> slash >> count) || slash != '/' || count <= 0) continue;
    auto& [n, seen] = campaigns[c.value("campaign_id", std::string())];
    n = std::max(n, count);
    seen.insert(index);
  }
  json missing = json::array();
  for (const auto& [id, shards] : campaigns) {
    for (int i = 0; i < shards.first; ++i) {
      if (!shards.second.contains(i)) {
        missing.push_back("shard " + std::to_string(i) + "/" + std::to_string(shards.first) +
                          " of campaign " + id);
      }
    }
  }
  return missing;
}

}  // namespace

Result<json> MergeReports(const std::vector<json>& shards) {
  Result<std::vector<Report>> read = ReadShards(shards);
  if (!read) return std::unexpected(read.error());
  RunInfo run = read->front().run;
  json shard_entries = json::array();
  std::vector<PropertyResult> merged;
  std::map<std::pair<std::string, std::string>, std::size_t> index;  // (protocol, name)
  std::vector<std::size_t> input_of;  // the input each shard entry came from
  for (std::size_t input = 0; input < read->size(); ++input) {
    const Report& shard = (*read)[input];
    MergeRun(run, shard.run);
    AddShardEntries(shard_entries, shard);
    input_of.resize(shard_entries.size(), input);
    for (const PropertyResult& p : shard.properties) {
      const auto [it, inserted] = index.try_emplace({p.protocol, TestName(p)}, merged.size());
      if (inserted) {
        merged.push_back(p);
      } else {
        MergeProperty(merged[it->second], p);
      }
    }
  }
  if (Status once = RefuseDuplicates(shard_entries, input_of); !once) {
    return std::unexpected(once.error());
  }
  run.extra = {{"merged_from", shard_entries.size()}, {"shards", shard_entries}};
  if (json missing = MissingShards(shard_entries); !missing.empty()) {
    run.extra["missing_shards"] = std::move(missing);
  }
  return ToCtrf(run, merged);
}

}  // namespace lockstep::reports
