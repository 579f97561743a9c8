// Merging the shard reports of one campaign (`lockstep report merge`, `--shard I/N`) into one
// report, as if a single run had covered every shard's seeds.
//
// Rules (also in reports/README.md):
//   * Properties are matched by protocol and test name; one that only some shards ran is
//     kept with what those shards found. Order: first appearance.
//   * cases, steps, duration and faults_by_kind are summed; coverage counts of commands,
//     faults and crash points are summed; states and transitions hit are the union of the
//     shards' hit keys (the maximum when a shard lacks them: an underestimate, as shards
//     explore overlapping sets), totals the maximum.
//   * The verdict combines as everywhere: failed wins, then other, then passed. A passed
//     property is truncated when any shard's was (with the first such shard's reason).
//   * extra.failures lists every shard's failures (seed, reproduce, message). The property's
//     seed, reproduce, reason and counterexample are the first failing shard's (in input
//     order); without a failure, the reason of the first `other` shard and the first shard's
//     seed and reproduce string.
//   * Run level: first shard's run info; start = min, stop = max; summary, verdict,
//     per-protocol figures and fault totals recomputed (reports/protocol_totals.h); fault
//     mechanisms united (differing strings joined with " | ");
//     results.extra.details = {"merged_from": N, "shards": [{seed, protocols, host, verdict,
//     start, stop, details}, ...]}, and "missing_shards" (["shard 1/4 of campaign 5f3a", ...]) when
//     campaign shards are merged without all of their campaign's shards.
//   * Each shard is merged once: a campaign's shard (its campaign id and I/N), or a run's
//     seed, held by two inputs (counting the entries of inputs that are merges) is refused. Merging is flat: a shard that is itself a plain merge adds its
//     shard entries, not one nested entry (N counts the original shards), so a campaign that
//     folds each seed into the merge so far stays linear in size.
//
// Thread safety: pure function over values.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace lockstep::reports {

// The merged report, which itself passes ValidateReport. Fails, naming the shard by its
// position (from 1), when there are no inputs, when an input does not pass ValidateReport
// (not a lockstep report), when the inputs come from different model revisions, or when two
// inputs hold the same shard or seed.
[[nodiscard]] Result<nlohmann::json> MergeReports(const std::vector<nlohmann::json>& shards);

}  // namespace lockstep::reports
