// RsEventModel (harness/resync/rs_event_model.h) against the traces of the real `txsys`
// processes: cases run through the property pipeline (CheckedStep: model, real system,
// properties), and after every step the case's traces are validated (TraceValidator), the
// whole trace again at the end, before the case directory goes. The correct implementation
// must give zero failures: a failure is a false alarm of the event model (or a bug of txsys
// the step checks missed), and the test prints the trace's failing line with the model
// states.
//
// Fixed scenarios cover prompts (IGNORE, DEFER, vary rm), every named crash point, format,
// corrupt, disk full and access denied; generated cases (ResyncProtocol::GenCommand, every
// fault kind) cover the rest. LOCKSTEP_RS_TRACE_CASES and LOCKSTEP_RS_TRACE_SEED set how many
// generated cases run and from which seed (defaults: 30, scaled; seed 1).
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <rapidcheck.h>

#include "harness/os/sandbox.h"
#include "harness/property/checked_step.h"
#include "harness/resync/rs_protocol.h"
#include "harness/trace/trace_validator.h"
#include "model/resync/command_text.h"
#include "tests/support/test_env.h"

namespace lockstep::harness {
namespace {

namespace m = lockstep::model::rs;

struct CaseTally {
  int steps = 0;
  std::uint64_t events = 0;
  std::set<std::string> crash_points;  // fired
  std::map<std::string, int> commands;   // by kind ("Start", "Corrupt", ...)
  std::string trace_property;            // of the last case's trace failure, if any
};

RsSettings Settings() {
  RsSettings settings;
  settings.impl_dir = testing::BinDir();
  return settings;
}

// The property a trace failure names ("breach" for the trace contract).
std::string PropertyOf(const trace::TraceFailure& f) {
  return f.violation ? f.violation->property_id : "breach";
}

// Runs one case: next(state) gives each command (nullopt: the case ends); a command not valid
// in the model state fails the case. Returns "" when the traces validated, else what failed
// (the harness, a step check, or the trace: tally.trace_property names its property). With
// `judge_steps` false a step check that fails is not a failure (a seeded bug's case runs on,
// for its traces to be judged).
template <class Next>
std::string RunCase(Sandbox& sandbox, const std::string& dir, const RsSettings& settings,
                    Next next, CaseTally& tally, bool judge_steps = true) {
  CaseRecord record;
  auto system = ResyncProtocol::MakeSystem(sandbox, dir, settings, &record);
  if (!system) return "harness: " + system.error().message;
  trace::TraceValidator validator(ResyncProtocol::MakeEventModel());
  if (auto s = validator.Add((*system)->trace_dir()); !s) return "harness: " + s.error().message;
  auto state = ResyncProtocol::Initial(settings);
  std::string steps, failure;
  while (failure.empty()) {
    const std::optional<m::Command> command = next(state);
    if (!command) break;
    const std::string text = m::Describe(*command);
    steps += "  " + text + "\n";
    ++tally.commands[text.substr(0, text.find('('))];
    if (!ResyncProtocol::Precondition(state, *command)) {
      failure = "not valid in the model state";
      break;
    }
    auto step = CheckedStep<ResyncProtocol>(**system, state, *command, settings);
    ++tally.steps;
    if (!step) failure = "harness: " + step.error().message;
    else if (step->violation && judge_steps) {
      failure = "step check: " + model::ToString(*step->violation);
    }
    if (!failure.empty()) break;
    auto checked = validator.CheckNew();
    if (!checked) failure = "harness: " + checked.error().message;
    else if (*checked) failure = "trace: " + (*checked)->ToString();
    if (checked && *checked) tally.trace_property = PropertyOf(**checked);
  }
  if (failure.empty()) {
    auto checked = validator.CheckNew(/*at_end=*/true);
    if (!checked) failure = "harness: " + checked.error().message;
    else if (*checked) failure = "trace: " + (*checked)->ToString();
    if (checked && *checked) tally.trace_property = PropertyOf(**checked);
  }
  tally.events += validator.events_validated();
  for (const auto& [point, count] : record.crash_point_counts) tally.crash_points.insert(point);
  system->reset();
  (void)sandbox.RemoveDir(dir);
  return failure.empty() ? "" : failure + "\nsteps:\n" + steps;
}

// Runs the commands `texts` (Describe() form); one prefixed with "?" runs only where it is
// valid in the model state (a Crash of a system a crash point may have stopped already).
std::string RunSteps(Sandbox& sandbox, const std::vector<std::string>& texts, CaseTally& tally,
                     const std::string& bug = "") {
  std::size_t i = 0;
  RsSettings settings = Settings();
  settings.bug = bug;
  return RunCase(
      sandbox, "fixed", settings,
      [&](const m::State& s) -> std::optional<m::Command> {
        while (i < texts.size()) {
          const std::string& text = texts[i++];
          const bool optional = text.starts_with("?");
          auto command = m::ParseCommand(optional ? text.substr(1) : text);
          EXPECT_TRUE(command) << text;
          if (!command) return std::nullopt;
          if (!optional || ResyncProtocol::Precondition(s, *command)) return *command;
        }
        return std::nullopt;
      },
      tally, /*judge_steps=*/bug.empty());
}

const std::vector<std::string> kBoth{"Start(SYSTEM73, journal-1)", "Start(SYSTEM74, journal-1)"};

std::vector<std::string> Concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// SYSTEM74 holds transaction 1 in doubt (killed after forcing PREPARED); SYSTEM73 comes back
// on a freshly formatted set, so SYSTEM74's resync with it finds a new stamp and prompts.
const std::vector<std::string> kPrompt{
    "Start(SYSTEM73, journal-1)",
    "Start(SYSTEM74, journal-1, crash=part.after_prepared_record)",
    "Transaction(SYSTEM73: SYSTEM74{k1=v1})",
    "Crash(SYSTEM73)",
    "Format(SYSTEM73, journal-1)",
    "Start(SYSTEM73, journal-1)",
    "Start(SYSTEM74, journal-1)",
};

TEST(RsEventModelCases, PromptsIgnoreDeferAndVaryRmValidate) {
  auto sandbox = Sandbox::Create();
  ASSERT_TRUE(sandbox) << sandbox.error().message;
  CaseTally tally;
  const std::vector<std::vector<std::string>> cases{
      Concat(kPrompt, {"Read(SYSTEM73, k1, via=SYSTEM74)", "Reply(SYSTEM74, SYSTEM73, ignore)",
                       "Read(SYSTEM73, k1, via=SYSTEM74)", "Complete(SYSTEM74, txn=1, backout)",
                       "Transaction(SYSTEM73: SYSTEM74{k1=v2})", "Crash(SYSTEM74)",
                       "Start(SYSTEM74, journal-1)"}),
      Concat(kPrompt, {"Reply(SYSTEM74, SYSTEM73, defer)", "Read(SYSTEM73, k1, via=SYSTEM74)",
                       "Transaction(SYSTEM74: SYSTEM73{k2=v2})", "VaryRm(SYSTEM74, SYSTEM73)",
                       "Crash(SYSTEM73)", "Start(SYSTEM73, journal-2)",
                       "VaryRm(SYSTEM74, SYSTEM73)", "Reply(SYSTEM74, SYSTEM73, ignore)",
                       "Complete(SYSTEM74, txn=1, commit)"}),
  };
  for (const auto& steps : cases) EXPECT_EQ(RunSteps(*sandbox, steps, tally), "");
  EXPECT_EQ(tally.steps, 30);
  EXPECT_GT(tally.events, 100u);
}

TEST(RsEventModelCases, EveryCrashPointValidates) {
  auto sandbox = Sandbox::Create();
  ASSERT_TRUE(sandbox) << sandbox.error().message;
  CaseTally tally;
  for (int p = 0; p < m::kCrashPointCount; ++p) {
    const std::string point = m::CrashPointName(static_cast<m::CrashPoint>(p));
    const bool coordinator = point.starts_with("coord.");
    const std::string armed = coordinator ? "SYSTEM73" : "SYSTEM74";
    std::vector<std::string> steps{
        "Start(SYSTEM73, journal-1)", "Start(SYSTEM74, journal-1)", "Crash(" + armed + ")",
        "Start(" + armed + ", journal-1, crash=" + point + ")",
        "Transaction(SYSTEM73: SYSTEM74{k1=v1})", "?Crash(SYSTEM73)", "?Crash(SYSTEM74)",
        "Start(SYSTEM74, journal-1)", "Start(SYSTEM73, journal-1)",
        "Read(SYSTEM73, k1, via=SYSTEM74)", "Transaction(SYSTEM73: SYSTEM74{k1=v2})"};
    if (point == "resync.after_exchange") {
      steps = {"Start(SYSTEM73, journal-1)",
               "Start(SYSTEM74, journal-1, crash=part.after_prepared_record)",
               "Transaction(SYSTEM73: SYSTEM74{k1=v1})",
               "Start(SYSTEM74, journal-1, crash=resync.after_exchange)",
               "?Start(SYSTEM74, journal-1)", "Read(SYSTEM74, k1, via=SYSTEM74)"};
    }
    EXPECT_EQ(RunSteps(*sandbox, steps, tally), "") << point;
  }
  EXPECT_EQ(tally.crash_points.size(), static_cast<std::size_t>(m::kCrashPointCount));
}

TEST(RsEventModelCases, FormatCorruptAndJournalFaultsValidate) {
  auto sandbox = Sandbox::Create();
  ASSERT_TRUE(sandbox) << sandbox.error().message;
  CaseTally tally;
  const std::vector<std::vector<std::string>> cases{
      Concat(kBoth, {"Transaction(SYSTEM73: SYSTEM74{k1=v1})", "Crash(SYSTEM74)",
                     "Corrupt(SYSTEM74, journal-1, record=1, crc)", "Start(SYSTEM74, journal-1)",
                     "Start(SYSTEM74, journal-2)", "Crash(SYSTEM74)",
                     "Format(SYSTEM74, journal-1)", "Start(SYSTEM74, journal-1)",
                     "Transaction(SYSTEM74: SYSTEM73{k2=v2})"}),
      Concat(kBoth, {"InjectFault(SYSTEM74, disk-full)", "Transaction(SYSTEM73: SYSTEM74{k1=v1})",
                     "RemoveFault(SYSTEM74)", "InjectFault(SYSTEM73, access-denied)",
                     "Transaction(SYSTEM73: SYSTEM74{k1=v1})", "Crash(SYSTEM73)",
                     "Start(SYSTEM73, journal-1)", "RemoveFault(SYSTEM73)",
                     "Start(SYSTEM73, journal-1)", "Transaction(SYSTEM73: SYSTEM74{k1=v1})"}),
  };
  for (const auto& steps : cases) EXPECT_EQ(RunSteps(*sandbox, steps, tally), "");
}

// The seeded bugs (impl/resync/README.md) whose traces break a rule, each in a scenario that
// shows it: the event model must name the property, on the real processes' traces.
TEST(RsEventModelCases, SeededBugsBreakTheirRulesInRealTraces) {
  auto sandbox = Sandbox::Create();
  ASSERT_TRUE(sandbox) << sandbox.error().message;
  struct BugCase {
    std::string bug, property;
    std::vector<std::string> steps;
  };
  const std::vector<BugCase> bugs{
      {"vote-before-durable", "RS-8",
       Concat(kBoth, {"Transaction(SYSTEM73: SYSTEM74{k1=v1})", "InjectFault(SYSTEM74, disk-full)",
                      "Transaction(SYSTEM73: SYSTEM74{k2=v2})"})},
      {"resync-ignores-stamp", "RS-2", kPrompt},
      {"resync-presumes-abort", "RS-1",
       {"Start(SYSTEM73, journal-1)", "Start(SYSTEM74, journal-1, crash=part.before_outcome_record)",
        "Transaction(SYSTEM73: SYSTEM74{k1=v1})", "Start(SYSTEM74, journal-1)"}},
      {"defer-lets-reads-through", "RS-3",
       Concat(kPrompt, {"Reply(SYSTEM74, SYSTEM73, defer)", "Read(SYSTEM73, k1, via=SYSTEM74)"})},
      {"startup-time-not-compared", "RS-5",
       Concat(kBoth, {"Transaction(SYSTEM73: SYSTEM74{k1=v1})", "Crash(SYSTEM73)",
                      "Start(SYSTEM73, journal-1)", "Transaction(SYSTEM74: SYSTEM73{k2=v2})"})},
      {"stamp-reassigned-at-start", "RS-7",
       {"Start(SYSTEM73, journal-1)", "Crash(SYSTEM73)", "Start(SYSTEM73, journal-1)",
        "Crash(SYSTEM73)", "Start(SYSTEM73, journal-1)"}},
      {"recovery-accepts-damaged-record", "RS-6",
       Concat(kBoth, {"Transaction(SYSTEM73: SYSTEM74{k1=v1})", "Crash(SYSTEM74)",
                      "Corrupt(SYSTEM74, journal-1, record=2, crc)", "Start(SYSTEM74, journal-1)"})},
  };
  for (const BugCase& b : bugs) {
    CaseTally tally;
    const std::string failure = RunSteps(*sandbox, b.steps, tally, b.bug);
    EXPECT_EQ(tally.trace_property, b.property) << b.bug << ": " << failure;
  }
}

int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v ? std::atoi(v) : fallback;
}

TEST(RsEventModelCases, GeneratedCasesWithEveryFaultValidate) {
  auto sandbox = Sandbox::Create();
  ASSERT_TRUE(sandbox) << sandbox.error().message;
  const RsSettings settings = Settings();
  const int cases = EnvInt("LOCKSTEP_RS_TRACE_CASES", testing::Scaled(30));
  const auto seed = static_cast<std::uint64_t>(EnvInt("LOCKSTEP_RS_TRACE_SEED", 1));
  CaseTally tally;
  int failures = 0;
  for (int c = 0; c < cases; ++c) {
    rc::Random random(seed * 1000003u + static_cast<std::uint64_t>(c));
    int step = 0;
    const std::string failure = RunCase(
        *sandbox, "case-" + std::to_string(c), settings,
        [&](const m::State& s) -> std::optional<m::Command> {
          if (step++ == settings.max_steps) return std::nullopt;
          return ResyncProtocol::GenCommand(s, settings)(random.split(), step).value();
        },
        tally);
    if (!failure.empty()) ++failures;
    EXPECT_EQ(failure, "") << "case " << c << " of seed " << seed;
  }
  std::printf("validated %d generated cases (seed %llu): %d steps, %llu trace lines, %d failures\n",
              cases, static_cast<unsigned long long>(seed), tally.steps,
              static_cast<unsigned long long>(tally.events), failures);
  std::printf("commands:");
  for (const auto& [kind, n] : tally.commands) std::printf(" %s %d", kind.c_str(), n);
  std::printf("\ncrash points fired: %zu\n", tally.crash_points.size());
  EXPECT_GT(tally.events, static_cast<std::uint64_t>(cases));
}

}  // namespace
}  // namespace lockstep::harness
