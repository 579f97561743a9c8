// Which slice of a campaign's seed space this machine runs: shard I of N (0 <= I < N). Seed k
// of shard I is base + k*N + I, so the shards of one campaign (one base seed, or one campaign
// id it is derived from) never run the same seed.
//
// Where I and N come from, first match wins:
//   --shard I/N                          given outright;
//   --shards N and JOB_COMPLETION_INDEX  a Kubernetes Indexed Job (0-based index);
//   --shards N and SLURM_ARRAY_TASK_ID   a Slurm job array of any start index: I is the task id
//                                        minus SLURM_ARRAY_TASK_MIN (0 when unset);
//   no --shards under a Slurm array      N is SLURM_ARRAY_TASK_COUNT;
//   none of these                        0/1, the whole seed space.
// A scheduler's index without a count, a count without an index, or an index outside 0..N-1
// is an error naming the variables: never a silent 0/1.
//
// Thread safety: pure functions (the environment is read through `env`).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "base/result.h"

namespace lockstep::harness::cli {

struct Shard {
  int index = 0;
  int count = 1;
  bool operator==(const Shard&) const = default;
};

// "I/N" with 0 <= I < N.
Result<Shard> ParseShardText(const std::string& text);

// `shard_flag`: --shard ("" when not given); `shards_flag`: --shards (nullopt when not given);
// `env`: the environment (nullptr for an unset variable).
Result<Shard> ResolveShard(const std::string& shard_flag, std::optional<int> shards_flag,
                           const std::function<const char*(const char*)>& env);

}  // namespace lockstep::harness::cli
