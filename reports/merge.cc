#include "reports/merge.h"

#include <algorithm>
#include <iterator>
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
  for (const PropertyResult& p : shard.properties) verdicts.push_back(p.verdict);
  return {{"seed", shard.run.seed},
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
  const bool plain_merge = details.is_object() && details.size() == 2 &&
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

}  // namespace

Result<json> MergeReports(const std::vector<json>& shards) {
  Result<std::vector<Report>> read = ReadShards(shards);
  if (!read) return std::unexpected(read.error());
  RunInfo run = read->front().run;
  json shard_entries = json::array();
  std::vector<PropertyResult> merged;
  std::map<std::pair<std::string, std::string>, std::size_t> index;  // (protocol, name)
  for (const Report& shard : *read) {
    MergeRun(run, shard.run);
    AddShardEntries(shard_entries, shard);
    for (const PropertyResult& p : shard.properties) {
      const auto [it, inserted] = index.try_emplace({p.protocol, TestName(p)}, merged.size());
      if (inserted) {
        merged.push_back(p);
      } else {
        MergeProperty(merged[it->second], p);
      }
    }
  }
  run.extra = {{"merged_from", shard_entries.size()}, {"shards", shard_entries}};
  return ToCtrf(run, merged);
}

}  // namespace lockstep::reports
