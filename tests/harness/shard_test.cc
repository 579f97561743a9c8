// Shard resolution (harness/cli/shard.h): from --shard, or from a scheduler's environment with
// --shards; a missing count or index is an error, never a silent 0/1.
#include "harness/cli/shard.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

namespace lockstep::harness::cli {
namespace {

using Env = std::map<std::string, std::string>;

Result<Shard> Resolve(const std::string& flag, std::optional<int> shards, const Env& env) {
  return ResolveShard(flag, shards, [&](const char* name) -> const char* {
    const auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  });
}

void ExpectError(const Result<Shard>& r, const std::string& needle) {
  ASSERT_FALSE(r) << "resolved to " << r->index << "/" << r->count;
  EXPECT_NE(r.error().message.find(needle), std::string::npos) << r.error().message;
}

TEST(Shard, NothingGivenIsTheWholeSeedSpace) {
  EXPECT_EQ(Resolve("", std::nullopt, {}), (Shard{0, 1}));
}

TEST(Shard, FlagWinsAndIsChecked) {
  EXPECT_EQ(Resolve("2/5", std::nullopt, {{"JOB_COMPLETION_INDEX", "4"}}), (Shard{2, 5}));
  ExpectError(Resolve("5/5", std::nullopt, {}), "bad shard '5/5'");
  ExpectError(Resolve("-1/4", std::nullopt, {}), "bad shard");
  ExpectError(Resolve("1/0", std::nullopt, {}), "bad shard");
  ExpectError(Resolve("1/4", 4, {}), "not both");
}

TEST(Shard, KubernetesIndexedJobNeedsTheCount) {
  EXPECT_EQ(Resolve("", 4, {{"JOB_COMPLETION_INDEX", "3"}}), (Shard{3, 4}));
  ExpectError(Resolve("", std::nullopt, {{"JOB_COMPLETION_INDEX", "3"}}), "--shards N");
  ExpectError(Resolve("", 3, {{"JOB_COMPLETION_INDEX", "3"}}), "not below the shard count 3");
  ExpectError(Resolve("", 4, {{"JOB_COMPLETION_INDEX", "x"}}), "JOB_COMPLETION_INDEX='x'");
}

TEST(Shard, SlurmArrayOfAnyStartIndex) {
  // sbatch --array=1-4: ids 1..4, MIN 1, COUNT 4.
  std::set<int> indexes;
  for (int id = 1; id <= 4; ++id) {
    const auto s = Resolve("", std::nullopt,
                           {{"SLURM_ARRAY_TASK_ID", std::to_string(id)},
                            {"SLURM_ARRAY_TASK_MIN", "1"},
                            {"SLURM_ARRAY_TASK_COUNT", "4"}});
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->count, 4);
    indexes.insert(s->index);
  }
  EXPECT_EQ(indexes, (std::set<int>{0, 1, 2, 3}));
  EXPECT_EQ(Resolve("", 8, {{"SLURM_ARRAY_TASK_ID", "12"}, {"SLURM_ARRAY_TASK_MIN", "10"}}),
            (Shard{2, 8}));
  ExpectError(Resolve("", std::nullopt, {{"SLURM_ARRAY_TASK_ID", "2"}}), "SLURM_ARRAY_TASK_COUNT");
  ExpectError(Resolve("", std::nullopt,
                      {{"SLURM_ARRAY_TASK_ID", "1"}, {"SLURM_ARRAY_TASK_MIN", "2"},
                       {"SLURM_ARRAY_TASK_COUNT", "4"}}),
              "below SLURM_ARRAY_TASK_MIN");
}

TEST(Shard, CountWithoutAnIndexIsAnError) {
  ExpectError(Resolve("", 4, {}), "needs a shard index");
}

}  // namespace
}  // namespace lockstep::harness::cli
