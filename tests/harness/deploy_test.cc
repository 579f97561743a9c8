// The shipped scheduler files (deploy/): a Kubernetes Indexed Job and a Slurm job array. Each
// shard's command is run on this machine with the environment its scheduler would set, the
// shards are merged by the shipped merge step, and the merged report must hold every seed
// exactly once, so the files cannot drift from the CLI.
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/cli_test_fixture.h"

namespace lockstep::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Env = std::vector<std::pair<std::string, std::string>>;

const fs::path kDeploy = fs::path(LOCKSTEP_SOURCE_DIR) / "deploy";

std::string Read(const fs::path& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in) << "cannot read " << path;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The first group of `pattern` in `text`, or "" (with a test failure naming the pattern).
std::string Find(const std::string& text, const std::string& pattern) {
  std::smatch m;
  if (!std::regex_search(text, m, std::regex(pattern))) {
    ADD_FAILURE() << "no match for " << pattern;
    return "";
  }
  return m[1];
}

class Deploy : public CliTest {
 protected:
  // What every shard is given beyond its scheduler's variables: a short time box and a small
  // campaign, and this build's lockstep.
  Env Common(const fs::path& reports) const {
    return {{"LOCKSTEP_REPORTS", reports.string()},
            {"LOCKSTEP_DURATION", "1s"},
            {"LOCKSTEP_CAMPAIGN_ARGS", "--jobs 1 --protocol resync --tests-per-seed 1 "
                                       "--max-steps 4 --sandbox-root " +
                                           (dir_ / "sandbox-root").string()},
            {"LOCKSTEP", (BinDir() / "lockstep").string()}};
  }

  // Runs `shell script` with `env` added; its exit code.
  int RunScript(const std::string& shell, const fs::path& script, Env env,
                const std::string& name) {
    auto p = harness::Process::Spawn({name, shell, {script.string()}, std::move(env),
                                      dir_ / (name + ".out"), /*drop_capabilities=*/false});
    EXPECT_TRUE(p) << p.error().message;
    if (!p) return -1;
    auto exit = p->WaitExit(std::chrono::seconds(120));
    EXPECT_TRUE(exit) << exit.error().message;
    EXPECT_FALSE(exit && exit->signaled) << name << ": " << Output(name);
    return exit ? exit->code : -1;
  }

  // The merged report holds `shards` shard entries and each seed of every shard exactly once.
  void ExpectEverySeedOnce(const fs::path& merged, int shards) {
    ASSERT_TRUE(fs::exists(merged)) << merged;
    const json details = json::parse(Read(merged))["results"]["extra"]["details"];
    ASSERT_EQ(details["shards"].size(), static_cast<std::size_t>(shards)) << details.dump();
    EXPECT_FALSE(details.contains("missing_shards")) << details["missing_shards"];
    std::set<std::uint64_t> seeds;
    std::size_t total = 0;
    for (const json& shard : details["shards"]) {
      const json& campaign = shard["details"]["campaign"];
      EXPECT_GE(campaign["seeds"].size(), 1u) << shard.dump();
      for (const json& seed : campaign["seeds"]) seeds.insert(seed.get<std::uint64_t>()), ++total;
    }
    EXPECT_EQ(seeds.size(), total) << "a seed ran in two shards";
  }
};

TEST_F(Deploy, KubernetesIndexedJobShardsMergeIntoEverySeedOnce) {
  const std::string job = Read(kDeploy / "kubernetes" / "campaign-job.yaml");
  EXPECT_NE(job.find("completionMode: Indexed"), std::string::npos);
  const int completions = std::stoi(Find(job, R"re(completions:\s*(\d+))re"));
  EXPECT_EQ(Find(job, R"re(LOCKSTEP_SHARDS\s+value:\s*"(\d+)")re"), std::to_string(completions))
      << "LOCKSTEP_SHARDS must equal completions";
  const std::string job_name = Find(job, R"re(metadata:\s+name:\s*(\S+))re");
  EXPECT_NE(job.find("fieldPath: metadata.labels['job-name']"), std::string::npos)
      << "the campaign id is the Job's name";
  const std::string command = Find(job, R"re(command:\s*\["(\S+)"\])re");
  ASSERT_EQ(command, "/src/deploy/run-shard.sh") << "the image holds the repository at /src";
  EXPECT_NE(Read(kDeploy / "kubernetes" / "Dockerfile").find("COPY . /src"), std::string::npos);

  const fs::path reports = dir_ / "k8s";
  for (int index = 0; index < completions; ++index) {
    Env env = Common(reports);
    env.insert(env.end(), {{"JOB_COMPLETION_INDEX", std::to_string(index)},
                           {"LOCKSTEP_SHARDS", std::to_string(completions)},
                           {"LOCKSTEP_CAMPAIGN_ID", job_name}});
    const std::string name = "pod-" + std::to_string(index);
    ASSERT_EQ(RunScript("/bin/sh", kDeploy / "run-shard.sh", env, name), 0) << Output(name);
  }
  const std::string merge = Read(kDeploy / "kubernetes" / "merge-job.yaml");
  EXPECT_EQ(Find(merge, R"re(command:\s*\["(\S+)"\])re"), "/src/deploy/merge-shards.sh");
  EXPECT_EQ(Find(merge, R"re(LOCKSTEP_CAMPAIGN_ID\s+value:\s*(\S+))re"), job_name)
      << "the merge step names the campaign Job";
  Env env = Common(reports);
  env.emplace_back("LOCKSTEP_CAMPAIGN_ID", job_name);
  ASSERT_EQ(RunScript("/bin/sh", kDeploy / "merge-shards.sh", env, "merge"), 0)
      << Output("merge");
  ExpectEverySeedOnce(reports / job_name / "campaign.json", completions);
}

TEST_F(Deploy, SlurmArrayOfAnyStartIndexMergesIntoEverySeedOnce) {
  const std::string sbatch = Read(kDeploy / "slurm" / "campaign.sbatch");
  const int first = std::stoi(Find(sbatch, R"re(#SBATCH --array=(\d+)-\d+)re"));
  const int last = std::stoi(Find(sbatch, R"re(#SBATCH --array=\d+-(\d+))re"));
  ASSERT_GT(first, 0) << "the test is for an array that does not start at 0";
  const int count = last - first + 1;
  const fs::path reports = dir_ / "slurm";
  const Env slurm = {{"SLURM_SUBMIT_DIR", LOCKSTEP_SOURCE_DIR},
                     {"SLURM_ARRAY_JOB_ID", "77"},
                     {"SLURM_ARRAY_TASK_MIN", std::to_string(first)},
                     {"SLURM_ARRAY_TASK_MAX", std::to_string(last)},
                     {"SLURM_ARRAY_TASK_COUNT", std::to_string(count)}};
  for (int id = first; id <= last; ++id) {
    Env env = Common(reports);
    env.insert(env.end(), slurm.begin(), slurm.end());
    env.emplace_back("SLURM_ARRAY_TASK_ID", std::to_string(id));
    const std::string name = "task-" + std::to_string(id);
    ASSERT_EQ(RunScript("/bin/bash", kDeploy / "slurm" / "campaign.sbatch", env, name), 0)
        << Output(name);
  }
  Env env = Common(reports);
  env.insert(env.end(), slurm.begin(), slurm.end());
  env.emplace_back("LOCKSTEP_CAMPAIGN_ID", "lockstep-77");  // as the documented submit line
  ASSERT_EQ(RunScript("/bin/bash", kDeploy / "slurm" / "merge.sbatch", env, "merge"), 0)
      << Output("merge");
  ExpectEverySeedOnce(reports / "lockstep-77" / "campaign.json", count);
}

}  // namespace
}  // namespace lockstep::testing
