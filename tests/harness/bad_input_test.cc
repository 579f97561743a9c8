// Issue 14's bad-input suite for the lockstep command: every subcommand given bad options,
// numbers, names, settings, reproduce strings, shard environments and files that are not
// reports. Each row is one case, run from a scratch directory of its own that is also its
// TMPDIR and cwd, and must end with exit 2 (never a signal) and a message naming what was
// wrong, leave no file in that directory and no process behind, and leave every input file
// there byte-for-byte as it was.
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "harness/os/deadline.h"
#include "reports/ctrf.h"
#include "tests/reports/fixtures.h"
#include "tests/support/cli_test_fixture.h"
#include "tests/support/scratch_dir.h"

namespace lockstep::harness {
namespace {

namespace fs = std::filesystem;

struct BadCli {
  std::string name;               // the case's name in the test list
  std::vector<std::string> args;  // "@S" in an argument stands for the scratch directory
  std::string message;            // part of what lockstep prints ("@S" expanded too)
  std::vector<std::pair<std::string, std::string>> env = {};  // added to TMPDIR=@S
};

void PrintTo(const BadCli& c, std::ostream* out) {
  *out << "lockstep";
  for (const auto& a : c.args) *out << " " << (a.size() > 80 ? a.substr(0, 80) + "..." : a);
}

// The input files every case finds in its scratch directory (a name ending in '/' is a
// directory). None of them may change, and nothing may be added beside them.
const std::map<std::string, std::string>& Inputs() {
  static const std::map<std::string, std::string> inputs = [] {
    std::map<std::string, std::string> m{
        {"empty.json", ""},
        {"array.json", "[]"},
        {"results.json", R"({"results":"x"})"},
        {"invalid.json", R"({"results": {"tests": [)"},
        {"object.json", "{}"},
        {"notes.txt", "not a directory\n"},
        {"adir/", ""},
        {"root/", ""},
    };
    m["deep.json"] = std::string(100'000, '[') + std::string(100'000, ']');
    m["ok.json"] = reports::ToCtrf(reports::testing::SampleRun(),
                                   {reports::testing::PassedProperty()})
                       .dump();
    return m;
  }();
  return inputs;
}

std::string Expand(std::string text, const fs::path& scratch) {
  for (std::size_t at = 0; (at = text.find("@S", at)) != std::string::npos;) {
    text.replace(at, 2, scratch.string());
    at += scratch.string().size();
  }
  return text;
}

class LockstepBadInput : public lockstep::testing::CliTest,
                         public ::testing::WithParamInterface<BadCli> {
 protected:
  static void SetUpTestSuite() {
    ASSERT_TRUE(lockstep::testing::BecomeChildSubreaper()) << std::strerror(errno);
  }
};

TEST_P(LockstepBadInput, ExitsTwoNamingWhatWasWrongAndLeavesNothing) {
  const BadCli& c = GetParam();
  lockstep::testing::ScratchDir scratch(dir());
  const fs::path& s = scratch.path();
  for (const auto& [name, content] : Inputs()) {
    if (name.ends_with('/')) {
      fs::create_directory(s / name);
    } else {
      std::ofstream(s / name, std::ios::binary) << content;
    }
  }
  const std::set<std::string> before = scratch.Listing();
  std::vector<std::string> args;
  for (const auto& a : c.args) args.push_back(Expand(a, s));
  std::map<std::string, std::string> vars{{"TMPDIR", s.string()}};  // a case may replace it
  for (const auto& [k, v] : c.env) vars[k] = Expand(v, s);
  const std::vector<std::pair<std::string, std::string>> env(vars.begin(), vars.end());

  lockstep::testing::CliResult r;
  {
    lockstep::testing::ScopedCwd cwd(s);
    r = RunCli(args, std::chrono::seconds(60), env);
  }
  EXPECT_FALSE(r.exit.signaled) << r.exit.Describe() << "\n" << r.output;
  EXPECT_EQ(r.exit.code, 2) << r.output;
  const std::string message = Expand(c.message, s);
  EXPECT_NE(r.output.find(message), std::string::npos)
      << "expected a message with \"" << message << "\", got:\n" << r.output;
  EXPECT_LT(r.output.size(), 8000u) << "the message quotes too much:\n" << r.output.substr(0, 2000);
  EXPECT_EQ(scratch.Listing(), before) << "files appeared in (or vanished from) " << s;
  for (const auto& [name, content] : Inputs()) {
    if (name.ends_with('/')) continue;
    EXPECT_TRUE(lockstep::testing::FileBytes(s / name) == content) << name << " changed";
  }
  std::set<pid_t> left;
  EXPECT_TRUE(PollUntil([&] { return (left = lockstep::testing::LiveDescendants()).empty(); },
                        std::chrono::seconds(5)))
      << left.size() << " processes outlived lockstep, e.g. pid " << *left.begin();
}

// A reproduce string of the state-transfer protocol with every field valid, with `replace`d
// fields ("seed=7" -> "seed=abc") or `drop`ped ones.
std::string St(const std::map<std::string, std::string>& replace = {},
               const std::set<std::string>& drop = {}) {
  const std::vector<std::pair<std::string, std::string>> fields{
      {"protocol", "state-transfer"}, {"seed", "7"}, {"bug", ""}, {"fault-dir-bytes", "65536"},
      {"quiet-deadline-ms", "5000"}, {"transfer-timeout-ms", "250"}, {"log-capacity", "4"},
      {"steps", "Start(A)"}};
  std::string text = "lockstep1";
  for (const auto& [name, value] : fields) {
    if (drop.contains(name)) continue;
    const auto it = replace.find(name);
    text += "|" + name + "=" + (it == replace.end() ? value : it->second);
  }
  return text;
}

std::string Rs(const std::string& steps) {
  return "lockstep1|protocol=resync|seed=7|bug=|fault-dir-bytes=65536|quiet-deadline-ms=5000|"
         "lock-wait-ms=150|systems=2|steps=" +
         steps;
}

const std::vector<std::string> kReplay{"replay", "--sandbox-root", "@S/root", "--reproduce"};

std::vector<std::string> Replay(const std::string& reproduce) {
  std::vector<std::string> args = kReplay;
  args.push_back(reproduce);
  return args;
}

// lockstep itself and `lockstep run`.
INSTANTIATE_TEST_SUITE_P(
    Run, LockstepBadInput,
    ::testing::Values(
        BadCli{"UnknownCommand", {"frobnicate"}, "unknown command 'frobnicate'"},
        BadCli{"UnknownOptionAsCommand", {"--frobnicate"}, "unknown command '--frobnicate'"},
        BadCli{"RunUnknownOption", {"run", "--frobnicate"}, "unrecognised option '--frobnicate'"},
        BadCli{"RunSeedMissingValue", {"run", "--seed"}, "'--seed' is missing"},
        BadCli{"RunSeedNegative", {"run", "--seed", "-1"},
               "--seed must be a non-negative whole number, not '-1'"},
        BadCli{"RunSeedNotANumber", {"run", "--seed", "abc"}, "('abc') for option '--seed'"},
        BadCli{"RunSeedOverflow", {"run", "--seed", "99999999999999999999999"},
               "('99999999999999999999999') for option '--seed'"},
        BadCli{"RunTestsNotANumber", {"run", "--tests", "abc"}, "('abc') for option '--tests'"},
        BadCli{"RunTestsZero", {"run", "--tests", "0"}, "--tests must be positive"},
        BadCli{"RunTestsNegative", {"run", "--tests", "-5"}, "--tests must be positive"},
        BadCli{"RunTestsOverflow", {"run", "--tests", "99999999999"},
               "('99999999999') for option '--tests'"},
        BadCli{"RunMaxStepsZero", {"run", "--max-steps", "0"}, "--max-steps must be positive"},
        BadCli{"RunUnknownProtocol", {"run", "--protocol", "paxos"}, "unknown protocol 'paxos'"},
        BadCli{"RunUnknownFaultKind", {"run", "--faults", "disk-full,meteor"},
               "unknown fault kind 'meteor'"},
        BadCli{"RunUnknownBug", {"run", "--bug", "no-such-bug"}, "unknown seeded bug 'no-such-bug'"},
        BadCli{"RunBugOfTheOtherProtocol",
               {"run", "--protocol", "state-transfer", "--bug", "resync-ignores-stamp"},
               "seeded bug 'resync-ignores-stamp' belongs to protocol resync"},
        BadCli{"RunUnknownSetting", {"run", "--set", "nosuch=1"},
               "no protocol of this run has a setting 'nosuch'"},
        BadCli{"RunSettingOfTheOtherProtocol",
               {"run", "--protocol", "state-transfer", "--set", "lock-wait-ms=150"},
               "no protocol of this run has a setting 'lock-wait-ms'"},
        BadCli{"RunSettingWithoutValue", {"run", "--set", "noequals"},
               "--set takes NAME=VALUE, not 'noequals'"},
        BadCli{"RunSettingWithoutName", {"run", "--set", "=5"}, "--set takes NAME=VALUE, not '=5'"},
        BadCli{"RunTransferTimeoutZero", {"run", "--set", "transfer-timeout-ms=0"},
               "'transfer-timeout-ms' must be a whole number from 1 to 3600000, not '0'"},
        BadCli{"RunTransferTimeoutOverflow",
               {"run", "--set", "transfer-timeout-ms=99999999999999999999"},
               "'transfer-timeout-ms' must be a whole number from 1 to 3600000"},
        BadCli{"RunLogCapacityNotANumber", {"run", "--set", "log-capacity=abc"},
               "setting 'log-capacity' must be a whole number from 1 to 1000000, not 'abc'"},
        BadCli{"RunLockWaitTwoToThe63",
               {"run", "--protocol", "resync", "--set", "lock-wait-ms=9223372036854775808"},
               "'lock-wait-ms' must be a whole number from 1 to 600000"},
        BadCli{"RunSystemsOutOfRange", {"run", "--protocol", "resync", "--set", "systems=9"},
               "setting 'systems' must be a whole number from 2 to 3, not '9'"},
        BadCli{"RunExtraArgument", {"run", "extra"}, "unexpected argument 'extra'"},
        BadCli{"RunShrinkBudgetZero", {"run", "--shrink-budget", "0"}, "bad duration '0'"},
        BadCli{"RunShrinkBudgetUnknownUnit", {"run", "--shrink-budget", "5y"}, "bad duration '5y'"},
        BadCli{"RunShrinkBudgetOverflow", {"run", "--shrink-budget", "99999999999999h"},
               "duration '99999999999999h' is longer than a year"},
        BadCli{"RunImplDirMissing", {"run", "--impl-dir", "@S/nope"}, "@S/nope/mds"},
        BadCli{"RunImplDirIsAFile", {"run", "--impl-dir", "@S/notes.txt"}, "@S/notes.txt/mds"},
        BadCli{"RunImplDirWithoutBinaries", {"run", "--protocol", "resync", "--impl-dir", "@S/adir"},
               "@S/adir/txsys"},
        BadCli{"RunReportInMissingDirectory", {"run", "--report", "@S/no/such/r.json"},
               "report directory @S/no/such is not writable"},
        BadCli{"RunReportIsADirectory", {"run", "--report", "@S/adir"},
               "report path @S/adir is a directory"},
        BadCli{"RunTmpdirIsAFile", {"run", "--protocol", "state-transfer", "--tests", "1"},
               "cannot create the parents of sandbox root @S/notes.txt/lockstep-sandbox",
               {{"TMPDIR", "@S/notes.txt"}}},
        BadCli{"RunSandboxRootUnderAFile",
               {"run", "--protocol", "state-transfer", "--tests", "1", "--sandbox-root",
                "@S/notes.txt/root"},
               "cannot create the parents of sandbox root @S/notes.txt/root"},
        BadCli{"RunCoverageCacheIsAFile",
               {"run", "--protocol", "state-transfer", "--tests", "1", "--coverage-cache",
                "@S/notes.txt"},
               "--coverage-cache @S/notes.txt is not a directory"}),
    [](const auto& info) { return info.param.name; });

INSTANTIATE_TEST_SUITE_P(
    Campaign, LockstepBadInput,
    ::testing::Values(
        BadCli{"CampaignUnknownOption", {"campaign", "--frobnicate"},
               "unrecognised option '--frobnicate'"},
        BadCli{"CampaignExtraArgument", {"campaign", "extra"}, "unexpected argument 'extra'"},
        BadCli{"CampaignDurationOverflow", {"campaign", "--duration", "99999999999999h"},
               "duration '99999999999999h' is longer than a year"},
        BadCli{"CampaignDurationPastLong", {"campaign", "--duration", "99999999999999999999s"},
               "bad duration '99999999999999999999s'"},
        BadCli{"CampaignDurationNotANumber", {"campaign", "--duration", "abc"},
               "bad duration 'abc'"},
        BadCli{"CampaignDurationZero", {"campaign", "--duration", "0"}, "bad duration '0'"},
        BadCli{"CampaignDurationNegative", {"campaign", "--duration", "-5m"}, "bad duration '-5m'"},
        BadCli{"CampaignDurationMissingValue", {"campaign", "--duration"}, "'--duration' is missing"},
        BadCli{"CampaignJobsZero", {"campaign", "--jobs", "0"}, "--jobs must be positive"},
        BadCli{"CampaignJobsNegative", {"campaign", "--jobs", "-1"}, "--jobs must be positive"},
        BadCli{"CampaignJobsNotANumber", {"campaign", "--jobs", "abc"}, "('abc') for option '--jobs'"},
        BadCli{"CampaignTestsPerSeedZero", {"campaign", "--tests-per-seed", "0"},
               "--tests-per-seed must be positive"},
        BadCli{"CampaignMaxStepsZero", {"campaign", "--max-steps", "0"},
               "--max-steps must be positive"},
        BadCli{"CampaignBaseSeedNegative", {"campaign", "--base-seed", "-5"},
               "--base-seed must be a non-negative whole number, not '-5'"},
        BadCli{"CampaignUnknownProtocol", {"campaign", "--protocol", "paxos"},
               "unknown protocol 'paxos'"},
        BadCli{"CampaignUnknownFaultKind", {"campaign", "--faults", "meteor"},
               "unknown fault kind 'meteor'"},
        BadCli{"CampaignUnknownBug", {"campaign", "--bug", "no-such-bug"},
               "unknown seeded bug 'no-such-bug'"},
        BadCli{"CampaignShrinkBudgetZero", {"campaign", "--shrink-budget", "0s"},
               "bad duration '0s'"},
        BadCli{"CampaignWorkerTimeoutZero", {"campaign", "--worker-timeout", "0"},
               "bad duration '0'"},
        BadCli{"CampaignWorkerTimeoutUnknownUnit", {"campaign", "--worker-timeout", "3d"},
               "bad duration '3d'"},
        BadCli{"CampaignShardIndexPastCount", {"campaign", "--shard", "3/2"}, "bad shard '3/2'"},
        BadCli{"CampaignShardNotAFraction", {"campaign", "--shard", "abc"}, "bad shard 'abc'"},
        BadCli{"CampaignShardCountZero", {"campaign", "--shard", "0/0"}, "bad shard '0/0'"},
        BadCli{"CampaignShardNegative", {"campaign", "--shard", "-1/4"}, "bad shard '-1/4'"},
        BadCli{"CampaignShardOverflow", {"campaign", "--shard", "0/99999999999999999999"},
               "bad shard '0/99999999999999999999'"},
        BadCli{"CampaignShardAndShards", {"campaign", "--shard", "0/4", "--shards", "4"},
               "give either --shard I/N or --shards N, not both"},
        BadCli{"CampaignShardsWithoutIndex", {"campaign", "--shards", "4"},
               "--shards 4 needs a shard index"},
        BadCli{"CampaignKubernetesIndexPastCount", {"campaign", "--shards", "4"},
               "shard index 7 is not below the shard count 4", {{"JOB_COMPLETION_INDEX", "7"}}},
        BadCli{"CampaignKubernetesIndexNotANumber", {"campaign", "--shards", "4"},
               "JOB_COMPLETION_INDEX='x' is not a whole number", {{"JOB_COMPLETION_INDEX", "x"}}},
        BadCli{"CampaignKubernetesIndexWithoutCount", {"campaign"},
               "JOB_COMPLETION_INDEX is set", {{"JOB_COMPLETION_INDEX", "2"}}},
        BadCli{"CampaignKubernetesShardsZero", {"campaign", "--shards", "0"},
               "shard count must be positive", {{"JOB_COMPLETION_INDEX", "0"}}},
        BadCli{"CampaignSlurmWithoutCount", {"campaign"}, "neither --shards nor SLURM_ARRAY_TASK_COUNT",
               {{"SLURM_ARRAY_TASK_ID", "3"}}},
        BadCli{"CampaignSlurmIdBelowMin", {"campaign"},
               "SLURM_ARRAY_TASK_ID is below SLURM_ARRAY_TASK_MIN",
               {{"SLURM_ARRAY_TASK_ID", "1"}, {"SLURM_ARRAY_TASK_MIN", "2"},
                {"SLURM_ARRAY_TASK_COUNT", "4"}}},
        BadCli{"CampaignSlurmCountNotANumber", {"campaign"},
               "SLURM_ARRAY_TASK_COUNT='four' is not a whole number",
               {{"SLURM_ARRAY_TASK_ID", "1"}, {"SLURM_ARRAY_TASK_COUNT", "four"}}},
        BadCli{"CampaignImplDirMissing", {"campaign", "--impl-dir", "@S/nope"}, "@S/nope/mds"},
        BadCli{"CampaignReportInMissingDirectory",
               {"campaign", "--duration", "1s", "--report", "@S/no/such/c.json"},
               "@S/no/such is not writable"},
        BadCli{"CampaignSandboxRootIsAFile",
               {"campaign", "--duration", "1s", "--sandbox-root", "@S/notes.txt"},
               "sandbox root @S/notes.txt exists but is not a directory"},
        BadCli{"CampaignReportDirUnderAFile",
               {"campaign", "--duration", "1s", "--report-dir", "@S/notes.txt/c"},
               "@S/notes.txt/c"}),
    [](const auto& info) { return info.param.name; });

INSTANTIATE_TEST_SUITE_P(
    Replay, LockstepBadInput,
    ::testing::Values(
        BadCli{"ReplayNothing", {"replay"}, "give either a report FILE or --reproduce STRING"},
        BadCli{"ReplayFileAndString", {"replay", "@S/ok.json", "--reproduce", St()},
               "give either a report FILE or --reproduce STRING"},
        BadCli{"ReplayReproduceMissingValue", {"replay", "--reproduce"},
               "'--reproduce' is missing"},
        BadCli{"ReplayUnknownOption", {"replay", "--frobnicate"},
               "unrecognised option '--frobnicate'"},
        BadCli{"ReplayTwoFiles", {"replay", "@S/ok.json", "@S/ok.json"}, "too many arguments"},
        BadCli{"ReplayMissingFile", {"replay", "@S/missing.json"},
               "cannot open report @S/missing.json: No such file or directory"},
        BadCli{"ReplayDirectory", {"replay", "@S/adir"},
               "cannot read report @S/adir: Is a directory"},
        BadCli{"ReplayEmptyFile", {"replay", "@S/empty.json"}, "@S/empty.json is not valid JSON"},
        BadCli{"ReplayArray", {"replay", "@S/array.json"},
               "@S/array.json: not a valid lockstep report"},
        BadCli{"ReplayEmptyObject", {"replay", "@S/object.json"},
               "@S/object.json: not a valid lockstep report"},
        BadCli{"ReplayResultsString", {"replay", "@S/results.json"},
               "@S/results.json: not a valid lockstep report"},
        BadCli{"ReplayInvalidJson", {"replay", "@S/invalid.json"},
               "@S/invalid.json is not valid JSON"},
        BadCli{"ReplayDeepNesting", {"replay", "@S/deep.json"}, "nested more than 256 levels"},
        BadCli{"ReplayReportWithoutFailure", {"replay", "@S/ok.json"},
               "@S/ok.json has no failed test with a reproduce string"},
        BadCli{"ReplayEmptyString", Replay(""), "give either a report FILE or --reproduce STRING"},
        BadCli{"ReplayNotAReproduceString", Replay("garbage"), "not a lockstep reproduce string"},
        BadCli{"ReplayOtherVersion", Replay("lockstep2|protocol=resync"),
               "not a lockstep reproduce string"},
        BadCli{"ReplayTruncatedMidField", Replay("lockstep1|protocol=state-transfer|seed=7|bu"),
               "reproduce string field without '=': 'bu'"},
        BadCli{"ReplayTruncatedBeforeSteps", Replay(St({}, {"steps"})),
               "reproduce string has no 'steps=' field"},
        BadCli{"ReplayEmptySteps", Replay(St({{"steps", ""}})),
               "reproduce string has an empty 'steps=' list"},
        BadCli{"ReplayNoProtocol", Replay(St({}, {"protocol"})),
               "reproduce string has no 'protocol=' field"},
        BadCli{"ReplayNoBug", Replay(St({}, {"bug"})), "reproduce string has no 'bug=' field"},
        BadCli{"ReplayUnknownProtocol", Replay(St({{"protocol", "paxos"}})),
               "unknown protocol 'paxos'"},
        BadCli{"ReplayUnknownKey", Replay(St({{"log-capacity", "4|colour=red"}})),
               "no protocol of this run has a setting 'colour'"},
        BadCli{"ReplayFieldTwice", Replay(St({{"seed", "7|seed=8"}})),
               "reproduce string has the field 'seed' twice"},
        BadCli{"ReplaySeedNotANumber", Replay(St({{"seed", "abc"}})),
               "reproduce string field 'seed' is not a number: 'abc'"},
        BadCli{"ReplaySeedNegative", Replay(St({{"seed", "-1"}})),
               "reproduce string field 'seed' is not a number: '-1'"},
        BadCli{"ReplaySeedOverflow", Replay(St({{"seed", "99999999999999999999"}})),
               "reproduce string field 'seed' is not a number: '99999999999999999999'"},
        BadCli{"ReplayFaultDirBytesZero", Replay(St({{"fault-dir-bytes", "0"}})),
               "'fault-dir-bytes' must be positive"},
        BadCli{"ReplayQuietDeadlineZero", Replay(St({{"quiet-deadline-ms", "0"}})),
               "'quiet-deadline-ms' must be positive"},
        BadCli{"ReplayRelativeImplDir", Replay(St({{"bug", "|impl-dir=bin"}})),
               "'impl-dir' is not an absolute path: 'bin'"},
        BadCli{"ReplayBadImplDirEscape", Replay(St({{"bug", "|impl-dir=/x%41"}})),
               "'impl-dir' has a bad escape at '%41'"},
        BadCli{"ReplayImplDirMissing", Replay(St({{"bug", "|impl-dir=@S/nope"}})), "@S/nope/mds"},
        BadCli{"ReplayUnknownBug", Replay(St({{"bug", "no-such-bug"}})),
               "unknown seeded bug 'no-such-bug'"},
        BadCli{"ReplayBugOfTheOtherProtocol", Replay(St({{"bug", "resync-ignores-stamp"}})),
               "seeded bug 'resync-ignores-stamp' belongs to protocol resync"},
        BadCli{"ReplayMissingProtocolSetting", Replay(St({}, {"log-capacity"})),
               "state-transfer: setting 'log-capacity' is missing"},
        BadCli{"ReplaySettingOutOfRange", Replay(St({{"transfer-timeout-ms", "0"}})),
               "'transfer-timeout-ms' must be a whole number from 1 to 3600000, not '0'"},
        BadCli{"ReplaySandboxRootIsAFile",
               {"replay", "--sandbox-root", "@S/notes.txt", "--reproduce", St()},
               "sandbox root @S/notes.txt exists but is not a directory"},
        BadCli{"ReplayLongStStep",
               Replay(St({{"steps", "Submit(set k=" + std::string(40'000, 'v') + ")"}})),
               "characters long (at most 1024)"},
        BadCli{"ReplayLongRsStep", Replay(Rs("Crash(" + std::string(40'000, 'S') + ")")),
               "characters long (at most 1024)"},
        // Without --sandbox-root: the step is refused before the default root under TMPDIR
        // is made, so the scratch directory (TMPDIR) stays as it was.
        BadCli{"ReplayUnknownStepCreatesNothing", {"replay", "--reproduce", St({{"steps", "Fly(A)"}})},
               "Fly(A)", {{"TMPDIR", "@S"}}}),
    [](const auto& info) { return info.param.name; });

INSTANTIATE_TEST_SUITE_P(
    Report, LockstepBadInput,
    ::testing::Values(
        BadCli{"ReportNoAction", {"report"}, "lockstep report: missing action (show, diff, merge, junit or html)"},
        BadCli{"ReportUnknownAction", {"report", "frob"}, "unknown report action 'frob'"},
        BadCli{"ReportShowNoFile", {"report", "show"}, "missing arguments"},
        BadCli{"ReportShowMissingFile", {"report", "show", "@S/missing.json"},
               "cannot open report @S/missing.json"},
        BadCli{"ReportShowDirectory", {"report", "show", "@S/adir"},
               "cannot read report @S/adir"},
        BadCli{"ReportShowEmptyFile", {"report", "show", "@S/empty.json"},
               "@S/empty.json is not valid JSON"},
        BadCli{"ReportShowArray", {"report", "show", "@S/array.json"},
               "@S/array.json: not a valid lockstep report"},
        BadCli{"ReportShowResultsString", {"report", "show", "@S/results.json"},
               "@S/results.json: not a valid lockstep report"},
        BadCli{"ReportShowInvalidJson", {"report", "show", "@S/invalid.json"},
               "@S/invalid.json is not valid JSON"},
        BadCli{"ReportShowDeepNesting", {"report", "show", "@S/deep.json"},
               "nested more than 256 levels"},
        BadCli{"ReportShowExtraArgument", {"report", "show", "@S/ok.json", "extra"},
               "unexpected argument 'extra'"},
        BadCli{"ReportJunitMissingFile", {"report", "junit", "@S/missing.json"},
               "cannot open report @S/missing.json"},
        BadCli{"ReportJunitDirectory", {"report", "junit", "@S/adir"},
               "cannot read report @S/adir"},
        BadCli{"ReportJunitEmptyFile", {"report", "junit", "@S/empty.json"},
               "@S/empty.json is not valid JSON"},
        BadCli{"ReportJunitArray", {"report", "junit", "@S/array.json"},
               "@S/array.json: not a valid lockstep report"},
        BadCli{"ReportJunitResultsString", {"report", "junit", "@S/results.json"},
               "@S/results.json: not a valid lockstep report"},
        BadCli{"ReportJunitInvalidJson", {"report", "junit", "@S/invalid.json"},
               "@S/invalid.json is not valid JSON"},
        BadCli{"ReportJunitDeepNesting", {"report", "junit", "@S/deep.json"},
               "nested more than 256 levels"},
        BadCli{"ReportJunitOutInMissingDirectory",
               {"report", "junit", "@S/ok.json", "@S/no/such/out.xml"}, "@S/no/such is not writable"},
        BadCli{"ReportJunitOutIsADirectory", {"report", "junit", "@S/ok.json", "@S/adir"},
               "report path @S/adir is a directory"},
        BadCli{"ReportJunitExtraArgument", {"report", "junit", "@S/ok.json", "@S/out.xml", "extra"},
               "unexpected argument 'extra'"},
        BadCli{"ReportHtmlArray", {"report", "html", "@S/array.json"},
               "@S/array.json: not a valid lockstep report"},
        BadCli{"ReportHtmlOutIsADirectory", {"report", "html", "@S/ok.json", "@S/adir"},
               "report path @S/adir is a directory"},
        BadCli{"ReportMergeNoInput", {"report", "merge", "@S/out.json"}, "missing arguments"},
        BadCli{"ReportMergeMissingFile", {"report", "merge", "@S/out.json", "@S/missing.json"},
               "cannot open report @S/missing.json"},
        BadCli{"ReportMergeDirectory", {"report", "merge", "@S/out.json", "@S/adir"},
               "cannot read report @S/adir"},
        BadCli{"ReportMergeEmptyFile", {"report", "merge", "@S/out.json", "@S/empty.json"},
               "@S/empty.json is not valid JSON"},
        BadCli{"ReportMergeArray", {"report", "merge", "@S/out.json", "@S/ok.json", "@S/array.json"},
               "@S/array.json: not a valid lockstep report"},
        BadCli{"ReportMergeResultsString", {"report", "merge", "@S/out.json", "@S/results.json"},
               "@S/results.json: not a valid lockstep report"},
        BadCli{"ReportMergeInvalidJson", {"report", "merge", "@S/out.json", "@S/invalid.json"},
               "@S/invalid.json is not valid JSON"},
        BadCli{"ReportMergeDeepNesting", {"report", "merge", "@S/out.json", "@S/deep.json"},
               "nested more than 256 levels"},
        BadCli{"ReportMergeSameRunTwice", {"report", "merge", "@S/out.json", "@S/ok.json", "@S/ok.json"},
               "shard report 2 holds seed 42 of state-transfer, which shard report 1 holds already"},
        BadCli{"ReportMergeOutInMissingDirectory",
               {"report", "merge", "@S/no/such/out.json", "@S/ok.json"}, "@S/no/such"},
        BadCli{"ReportMergeOutIsADirectory", {"report", "merge", "@S/adir", "@S/ok.json"}, "@S/adir"},
        BadCli{"ReportDiffOneFile", {"report", "diff", "@S/ok.json"}, "missing arguments"},
        BadCli{"ReportDiffArray", {"report", "diff", "@S/ok.json", "@S/array.json"},
               "@S/array.json: not a valid lockstep report"},
        BadCli{"ReportDiffMissingFile", {"report", "diff", "@S/missing.json", "@S/ok.json"},
               "cannot open report @S/missing.json"},
        BadCli{"ReportDiffExtraArgument", {"report", "diff", "@S/ok.json", "@S/ok.json", "extra"},
               "unexpected argument 'extra'"}),
    [](const auto& info) { return info.param.name; });

INSTANTIATE_TEST_SUITE_P(
    CheckModelAndBugs, LockstepBadInput,
    ::testing::Values(
        BadCli{"CheckModelNoProtocol", {"check-model"}, "--protocol is required"},
        BadCli{"CheckModelUnknownProtocol", {"check-model", "--protocol", "paxos"},
               "unknown protocol 'paxos'"},
        BadCli{"CheckModelUnknownOption", {"check-model", "--frobnicate"},
               "unrecognised option '--frobnicate'"},
        BadCli{"CheckModelMaxStatesNegative",
               {"check-model", "--protocol", "resync", "--max-states", "-1"},
               "--max-states must be a non-negative whole number, not '-1'"},
        BadCli{"CheckModelMaxStatesNotANumber",
               {"check-model", "--protocol", "resync", "--max-states", "abc"},
               "('abc') for option '--max-states'"},
        BadCli{"CheckModelExtraArgument", {"check-model", "--protocol", "resync", "extra"},
               "unexpected argument 'extra'"},
        BadCli{"CheckModelUnknownVariant", {"check-model", "--protocol", "resync", "--variant", "nosuch"},
               "unknown variant 'nosuch' for resync"},
        BadCli{"CheckModelUnknownBound", {"check-model", "--protocol", "resync", "--bounds", "nosuch=1"},
               "unknown bound 'nosuch'"},
        BadCli{"CheckModelBoundNotANumber",
               {"check-model", "--protocol", "state-transfer", "--bounds", "keys=abc"},
               "bound 'keys=abc': keys takes a whole number"},
        BadCli{"CheckModelBoundsMissingValue", {"check-model", "--protocol", "resync", "--bounds"},
               "'--bounds' is missing"},
        BadCli{"CheckModelCoverageFileInMissingDirectory",
               {"check-model", "--protocol", "state-transfer", "--max-states", "10",
                "--save-coverage", "@S/no/such/c.bin"},
               "@S/no/such/c.bin"},
        BadCli{"BugsExtraArgument", {"bugs", "extra"}, "unexpected argument 'extra'"},
        BadCli{"BugsUnknownOption", {"bugs", "--frobnicate"}, "unrecognised option '--frobnicate'"}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace lockstep::harness
