#include "harness/cli/shard.h"

#include <charconv>

namespace lockstep::harness::cli {
namespace {

// A whole number in [0, 10^9), or nullopt.
std::optional<long long> Whole(const std::string& text) {
  long long v = -1;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < 0 || v >= 1'000'000'000) {
    return std::nullopt;
  }
  return v;
}

Result<long long> WholeVar(const char* name, const char* value) {
  if (auto v = Whole(value)) return *v;
  return Fail(std::string(name) + "='" + value + "' is not a whole number");
}

Result<Shard> Checked(long long index, long long count, const std::string& where) {
  if (count <= 0) return Fail("shard count must be positive (" + where + ")");
  if (index >= count) {
    return Fail("shard index " + std::to_string(index) + " is not below the shard count " +
                std::to_string(count) + " (" + where + ")");
  }
  return Shard{static_cast<int>(index), static_cast<int>(count)};
}

}  // namespace

Result<Shard> ParseShardText(const std::string& text) {
  const auto slash = text.find('/');
  const auto index = slash == std::string::npos ? std::nullopt : Whole(text.substr(0, slash));
  const auto count = slash == std::string::npos ? std::nullopt : Whole(text.substr(slash + 1));
  if (!index || !count || *count == 0 || *index >= *count) {
    return Fail("bad shard '" + text + "' (expected I/N with 0 <= I < N, e.g. 0/4)");
  }
  return Shard{static_cast<int>(*index), static_cast<int>(*count)};
}

Result<Shard> ResolveShard(const std::string& shard_flag, std::optional<int> shards_flag,
                           const std::function<const char*(const char*)>& env) {
  if (!shard_flag.empty()) {
    if (shards_flag) return Fail("give either --shard I/N or --shards N, not both");
    return ParseShardText(shard_flag);
  }
  const char* k8s_index = env("JOB_COMPLETION_INDEX");
  const char* slurm_id = env("SLURM_ARRAY_TASK_ID");
  if (k8s_index) {
    if (!shards_flag) {
      return Fail("JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job) but the shard count is "
                  "not: give --shards N (the Job's completions)");
    }
    auto index = WholeVar("JOB_COMPLETION_INDEX", k8s_index);
    if (!index) return std::unexpected(index.error());
    return Checked(*index, *shards_flag, "JOB_COMPLETION_INDEX and --shards");
  }
  if (slurm_id) {
    auto id = WholeVar("SLURM_ARRAY_TASK_ID", slurm_id);
    if (!id) return std::unexpected(id.error());
    long long min = 0;
    if (const char* m = env("SLURM_ARRAY_TASK_MIN")) {
      auto v = WholeVar("SLURM_ARRAY_TASK_MIN", m);
      if (!v) return std::unexpected(v.error());
      min = *v;
    }
    if (*id < min) return Fail("SLURM_ARRAY_TASK_ID is below SLURM_ARRAY_TASK_MIN");
    long long count = 0;
    if (shards_flag) {
      count = *shards_flag;
    } else if (const char* c = env("SLURM_ARRAY_TASK_COUNT")) {
      auto v = WholeVar("SLURM_ARRAY_TASK_COUNT", c);
      if (!v) return std::unexpected(v.error());
      count = *v;
    } else {
      return Fail("SLURM_ARRAY_TASK_ID is set (a Slurm job array) but neither --shards nor "
                  "SLURM_ARRAY_TASK_COUNT gives the shard count");
    }
    return Checked(*id - min, count, "SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN");
  }
  if (shards_flag) {
    return Fail("--shards " + std::to_string(*shards_flag) + " needs a shard index: "
                "JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID (or give --shard I/N)");
  }
  return Shard{};
}

}  // namespace lockstep::harness::cli
