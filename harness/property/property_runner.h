// RunProtocol<P>: a property test run of protocol P against the real system.
//
// RapidCheck generates command sequences from the model, each run on a fresh System inside
// the sandbox; after every command every property of P is checked against the model's
// prediction. A failing sequence is shrunk, then the shrunk sequence is run once more on its
// own to capture its faults, process exits and logs (and to confirm it fails again).
//
// Single-threaded: the System spawns children, and PR_SET_PDEATHSIG ties them to the thread
// that started them.
#pragma once

#include <chrono>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <rapidcheck.h>
#include <rapidcheck/state.h>
#include <rapidcheck/detail/TestListenerAdapter.h>

#include "harness/os/sandbox.h"
#include "harness/property/case_record.h"
#include "harness/property/protocol.h"
#include "harness/property/setting_fields.h"
#include "harness/property/rc_command.h"
#include "harness/property/reproduce.h"
#include "harness/property/run_settings.h"
#include "model/common/property.h"
#include "model/explore/coverage.h"
#include "reports/property_result.h"

namespace lockstep::harness {

// The outcome of one RapidCheck search, before it is spread over the properties.
struct SearchOutcome {
  enum class Kind { kPassed, kFailed, kGaveUp, kHarnessError } kind = Kind::kPassed;
  int cases = 0;
  std::uint64_t steps = 0;
  std::optional<model::Violation> violation;  // kFailed
  std::string message;                        // kFailed, kGaveUp, kHarnessError: why
  CaseRecord totals;                          // commands, faults, crash points over all cases
  std::optional<reports::Counterexample> counterexample;
  std::string reproduce;
  double duration_ms = 0;
  // k of N over the model's reachable abstract states and transitions.
  model::explore::CoverageCount model_coverage;
};

// Spreads a search outcome over the protocol's properties (one PropertyResult each).
std::vector<reports::PropertyResult> ToPropertyResults(
    const std::vector<model::PropertyInfo>& properties, const std::string& protocol,
    const RunSettings& settings, const SearchOutcome& outcome);

namespace detail {

// Counts test cases and accepted shrinks; keeps the first failing case's commands and why
// the latest failing case failed (after shrinking: the shrunk case, the last one to fail).
class SearchListener final : public rc::detail::TestListener {
 public:
  explicit SearchListener(const CaseRecord* current) : current_(current) {}
  void onTestCaseFinished(const rc::detail::CaseDescription& d) override;
  void onShrinkTried(const rc::detail::CaseDescription&, bool accepted) override;
  void onTestFinished(const rc::detail::TestMetadata&, const rc::detail::TestResult&) override {}

  const CaseRecord& totals() const { return totals_; }
  const std::vector<std::string>& original() const { return original_; }
  int shrinks() const { return shrinks_; }
  std::uint64_t steps() const { return steps_; }
  const std::optional<model::Violation>& violation() const { return violation_; }
  const std::optional<std::string>& harness_error() const { return harness_error_; }

 private:
  void KeepFailure();

  const CaseRecord* current_;
  CaseRecord totals_;
  std::vector<std::string> original_;
  int shrinks_ = 0;
  std::uint64_t steps_ = 0;
  std::optional<model::Violation> violation_;
  std::optional<std::string> harness_error_;
};

void MergeCounts(CaseRecord& into, const CaseRecord& from);

}  // namespace detail

// One case: fresh system in its own directory, commands generated from the model, run.
template <class P>
void RunOneCase(const typename P::Settings& settings, Sandbox& sandbox, CaseRecord& record,
                int case_no) {
  using Cmd = RcCommand<P>;
  record.Clear();
  const auto initial = P::Initial(settings);
  const auto commands = *rc::state::gen::commands(
      initial, [&settings](const typename P::State& s) {
        return rc::gen::map(P::GenCommand(s, settings), [&settings](typename P::Command c) {
          return std::shared_ptr<const typename Cmd::CommandType>(
              std::make_shared<const Cmd>(std::move(c), &settings));
        });
      });
  const std::string case_dir = "case-" + std::to_string(case_no);
  auto system = P::MakeSystem(sandbox, case_dir, settings, &record);
  if (!system) {
    record.harness_error = system.error().message;
    RC_FAIL(*record.harness_error);
  }
  try {
    rc::state::runAll(commands, initial, **system);
  } catch (...) {
    system->reset();  // tear down now, so the record holds process exits and logs
    (void)sandbox.RemoveDir(case_dir);
    throw;
  }
  system->reset();
  (void)sandbox.RemoveDir(case_dir);
}

namespace detail {

// Fills the failure fields of `outcome` from the listener and the shrunk case's record.
void DescribeFailure(const SearchListener& listener, const CaseRecord& shrunk,
                     const std::string& description, SearchOutcome& outcome);

}  // namespace detail

template <class P>
SearchOutcome SearchProtocol(const typename P::Settings& settings, Sandbox& sandbox) {
  const auto started = std::chrono::steady_clock::now();
  CaseRecord current;
  int case_no = 0;
  auto property = rc::detail::toProperty(
      [&] { RunOneCase<P>(settings, sandbox, current, ++case_no); });
  rc::detail::TestParams params;
  params.seed = settings.seed;
  params.maxSuccess = settings.tests;
  params.maxSize = settings.max_steps;
  params.disableShrinking = !settings.shrink;
  rc::detail::TestMetadata metadata;
  metadata.id = P::kName;
  metadata.description = P::kName;
  detail::SearchListener listener(&current);
  const auto result = rc::detail::checkProperty(property, metadata, params, listener);

  SearchOutcome outcome;
  outcome.totals = listener.totals();
  outcome.steps = listener.steps();
  rc::detail::SuccessResult ok;
  rc::detail::FailureResult failure;
  rc::detail::GaveUpResult gave_up;
  rc::detail::Error error;
  if (result.match(ok)) {
    outcome.cases = ok.numSuccess;
  } else if (result.match(failure)) {
    outcome.cases = failure.numSuccess + 1;
    // Run the shrunk case alone once more, to record its faults, exits and logs.
    rc::detail::TestListenerAdapter quiet;
    const std::unordered_map<std::string, rc::detail::Reproduce> reproduce{
        {metadata.id, failure.reproduce}};
    (void)rc::detail::checkProperty(property, metadata, params, quiet, reproduce);
    detail::DescribeFailure(listener, current, failure.description, outcome);
    outcome.reproduce = EncodeReproduce(P::kName, settings,
                                        EncodeFields(P::SettingFields(), settings.protocol),
                                        current.commands);
  } else if (result.match(gave_up)) {
    outcome.kind = SearchOutcome::Kind::kGaveUp;
    outcome.cases = gave_up.numSuccess;
    outcome.message = "gave up: " + gave_up.description;
  } else if (result.match(error)) {
    outcome.kind = SearchOutcome::Kind::kHarnessError;
    outcome.message = "RapidCheck error: " + error.description;
  }
  outcome.duration_ms = std::chrono::duration<double, std::milli>(
                            std::chrono::steady_clock::now() - started).count();
  // After the clock: N is one bounded search per process (about a second), not test time.
  outcome.model_coverage = model::explore::CountHits(
      P::Reachable(), outcome.totals.visited_states, outcome.totals.visited_transitions);
  return outcome;
}

// The results of one protocol's run, one per property, and how each fault kind was injected.
struct ProtocolRun {
  std::vector<reports::PropertyResult> properties;
  std::map<std::string, std::string> mechanisms;
};

template <class P>
ProtocolRun RunProtocol(const typename P::Settings& settings, Sandbox& sandbox) {
  const SearchOutcome outcome = SearchProtocol<P>(settings, sandbox);
  return {ToPropertyResults(P::Properties(), P::kName, settings, outcome),
          outcome.totals.mechanisms};
}

}  // namespace lockstep::harness
