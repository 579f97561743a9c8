// RunProtocol<P>: a property test run of protocol P against the real system.
//
// RapidCheck generates command sequences from the model, each run on a fresh System inside
// the sandbox; after every command every property of P is checked against the model's
// prediction. A failing sequence is shrunk, then the shrunk sequence is run once more on its
// own to capture its faults, process exits and logs (and to confirm it fails again).
//
// Shrinking is bounded: by RunSettings::shrink_budget, and by a SIGINT/SIGTERM (StopSignal),
// either of which ends it with the best counterexample found so far, saying so in the
// counterexample's `shrink_stopped`. A stop asked before any failure ends the search: the
// protocol's properties are then undecided ("interrupted by SIGTERM after N cases").
//
// Single-threaded: the System spawns children, and PR_SET_PDEATHSIG ties them to the thread
// that started them.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <rapidcheck.h>
#include <rapidcheck/state.h>
#include <rapidcheck/detail/TestListenerAdapter.h>

#include "harness/os/sandbox.h"
#include "harness/os/stop_request.h"
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
  // kInterrupted: a SIGINT/SIGTERM stopped the search before any failure it can trust.
  enum class Kind { kPassed, kFailed, kGaveUp, kHarnessError, kInterrupted } kind = Kind::kPassed;
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
// `crash_points`: every crash point the protocol can arm, by process kind (P::CrashPoints()).
std::vector<reports::PropertyResult> ToPropertyResults(
    const std::vector<model::PropertyInfo>& properties, const std::string& protocol,
    const std::map<std::string, std::vector<std::string>>& crash_points,
    const RunSettings& settings, const SearchOutcome& outcome);

// The results of one protocol's run, one per property, and how each fault kind was injected.
struct ProtocolRun {
  std::vector<reports::PropertyResult> properties;
  std::map<std::string, std::string> mechanisms;
};

// What the caller of a run hears while a protocol's search runs.
struct RunObserver {
  // Progress lines: a failure found, how far shrinking got. None when null.
  std::ostream* progress = nullptr;
  // Called once, when the search finds its first failure, with the protocol's results as they
  // stand then: the failure unshrunk, its `shrink_stopped` saying it is still being shrunk
  // (detail::kNotShrunkYet). A caller writes it down at once: shrinking can take minutes, and
  // a SIGKILL during it would otherwise leave nothing.
  std::function<void(const ProtocolRun&)> failure_found;
};

namespace detail {

// The `shrink_stopped` of a failure reported while it is still being shrunk.
inline constexpr const char* kNotShrunkYet =
    "not shrunk yet: written when the failure was found, while the run went on shrinking it";

// Counts test cases and accepted shrinks; keeps the first failing case's commands, and the
// record of the latest failing case (after shrinking: the shrunk case, the last one to fail).
// It also decides when shrinking stops early: once the shrink budget is spent or a stop was
// asked (StopSignal), every further shrink candidate passes untried, so RapidCheck ends its
// shrink with the best counterexample so far. A failure found after a stop was asked is not
// trusted (a terminal's ^C reaches the children too): the search then reports the stop.
class SearchListener final : public rc::detail::TestListener {
 public:
  // `progress`, when not null, gets a line when a failure is found, then at most one every
  // few seconds while it shrinks, and one when shrinking ends.
  SearchListener(const CaseRecord* current, std::string protocol,
                 std::chrono::milliseconds shrink_budget, std::ostream* progress)
      : current_(current), protocol_(std::move(protocol)), shrink_budget_(shrink_budget),
        progress_(progress) {}
  void onTestCaseFinished(const rc::detail::CaseDescription& d) override;
  void onShrinkTried(const rc::detail::CaseDescription&, bool accepted) override;
  void onTestFinished(const rc::detail::TestMetadata&, const rc::detail::TestResult&) override;

  // Asked by the property before it runs a case: true when this candidate must not run
  // (shrinking is to stop; a case that does not run passes). Sets shrink_stopped() the
  // first time it says so.
  bool SkipShrinkCandidate();
  // Called with the failing case's record when the first failure is found (before shrinking).
  void set_on_failure_found(std::function<void(const CaseRecord&)> f) { on_found_ = std::move(f); }
  bool failure_found() const { return found_; }

  const CaseRecord& totals() const { return totals_; }
  const std::vector<std::string>& original() const { return original_; }
  int shrinks() const { return shrinks_; }
  std::uint64_t steps() const { return steps_; }
  // The record of the last failing case: its violation or harness error, commands, faults,
  // processes. Meaningful once failure_found().
  const CaseRecord& best() const { return best_; }
  const std::optional<model::Violation>& violation() const { return best_.violation; }
  const std::optional<std::string>& harness_error() const { return best_.harness_error; }
  // "" when shrinking ran to its end (or never started); else why it stopped early, e.g.
  // "the shrink budget of 300 s was spent" or "interrupted by SIGTERM".
  const std::string& shrink_stopped() const { return shrink_stopped_; }
  // The signal (SIGINT/SIGTERM) that was already asking to stop when the first failure was
  // found, else 0: that failure may be the stop's doing.
  int stop_before_failure() const { return stop_before_failure_; }

 private:
  void KeepFailure();
  void ShowProgress(bool final);

  const CaseRecord* current_;
  std::string protocol_;
  std::chrono::milliseconds shrink_budget_;
  std::ostream* progress_;
  CaseRecord totals_, best_;
  std::vector<std::string> original_;
  int shrinks_ = 0;
  std::uint64_t steps_ = 0;
  std::chrono::steady_clock::time_point found_at_, shown_at_;
  std::string shrink_stopped_;
  int stop_before_failure_ = 0;
  bool found_ = false;
  std::function<void(const CaseRecord&)> on_found_;
};

void MergeCounts(CaseRecord& into, const CaseRecord& from);
// Copies a case's `traces` to <keep>/<protocol>/<case_dir>/ when `keep` is not empty (best
// effort: a copy that fails says so on stderr and the run goes on).
void KeepTraces(const std::filesystem::path& traces, const std::filesystem::path& keep,
                const std::string& protocol, const std::string& case_dir);

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
    detail::KeepTraces(sandbox.dir() / case_dir / "traces", settings.keep_traces_dir, P::kName,
                       case_dir);
    (void)sandbox.RemoveDir(case_dir);
    throw;
  }
  system->reset();
  detail::KeepTraces(sandbox.dir() / case_dir / "traces", settings.keep_traces_dir, P::kName,
                     case_dir);
  (void)sandbox.RemoveDir(case_dir);
}

namespace detail {

// Fills the failure fields of `outcome` from the listener and the shrunk case's record.
void DescribeFailure(const SearchListener& listener, const CaseRecord& shrunk,
                     const std::string& description, SearchOutcome& outcome);

// Makes `outcome` the search a stop (`signal`) cut short after `cases` passing cases: not
// decided (kInterrupted), saying so.
void DescribeStop(int signal, int cases, SearchOutcome& outcome);

}  // namespace detail

template <class P>
SearchOutcome SearchProtocol(const typename P::Settings& settings, Sandbox& sandbox,
                             const RunObserver& observer = {}) {
  const auto started = std::chrono::steady_clock::now();
  CaseRecord current;
  int case_no = 0;
  detail::SearchListener listener(&current, P::kName, settings.shrink_budget, observer.progress);
  if (observer.failure_found) {
    listener.set_on_failure_found([&](const CaseRecord& found) {
      SearchOutcome now;
      now.totals = listener.totals();
      now.steps = listener.steps();
      now.cases = case_no;
      detail::DescribeFailure(listener, found, "", now);
      now.counterexample->shrink_stopped = detail::kNotShrunkYet;
      now.reproduce = EncodeReproduce(P::kName, settings,
                                      EncodeFields(P::SettingFields(), settings.protocol),
                                      found.commands);
      now.duration_ms = std::chrono::duration<double, std::milli>(
                            std::chrono::steady_clock::now() - started).count();
      observer.failure_found({ToPropertyResults(P::Properties(), P::kName, P::CrashPoints(), settings, now),
                              now.totals.mechanisms});
    });
  }
  bool rerun = false;  // the shrunk case's one re-run, after the search: it always runs
  auto property = rc::detail::toProperty([&] {
    current.Clear();
    if (!rerun && listener.failure_found() && listener.SkipShrinkCandidate()) {
      return;  // passes untried: the shrink winds down
    }
    if (!rerun && !listener.failure_found() && StopSignal() != 0) {
      RC_DISCARD("a stop was asked");  // every case left is discarded: the search gives up
    }
    RunOneCase<P>(settings, sandbox, current, ++case_no);
  });
  rc::detail::TestParams params;
  params.seed = settings.seed;
  params.maxSuccess = settings.tests;
  params.maxSize = settings.max_steps;
  params.disableShrinking = !settings.shrink;
  rc::detail::TestMetadata metadata;
  metadata.id = P::kName;
  metadata.description = P::kName;
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
  } else if (result.match(failure) && listener.stop_before_failure() != 0) {
    detail::DescribeStop(listener.stop_before_failure(), failure.numSuccess, outcome);
  } else if (result.match(failure)) {
    outcome.cases = failure.numSuccess + 1;
    CaseRecord shrunk = listener.best();
    if (StopSignal() == 0) {
      // Run the shrunk case alone once more, to record its faults, exits and logs.
      rc::detail::TestListenerAdapter quiet;
      const std::unordered_map<std::string, rc::detail::Reproduce> reproduce{
          {metadata.id, failure.reproduce}};
      rerun = true;
      (void)rc::detail::checkProperty(property, metadata, params, quiet, reproduce);
      shrunk = current;
    }  // else asked to stop: the record the shrink kept is the one to report, as it is
    detail::DescribeFailure(listener, shrunk, failure.description, outcome);
    outcome.reproduce = EncodeReproduce(P::kName, settings,
                                        EncodeFields(P::SettingFields(), settings.protocol),
                                        shrunk.commands);
  } else if (result.match(gave_up) && StopSignal() != 0) {
    detail::DescribeStop(StopSignal(), gave_up.numSuccess, outcome);
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

template <class P>
ProtocolRun RunProtocol(const typename P::Settings& settings, Sandbox& sandbox,
                        const RunObserver& observer = {}) {
  const SearchOutcome outcome = SearchProtocol<P>(settings, sandbox, observer);
  return {ToPropertyResults(P::Properties(), P::kName, P::CrashPoints(), settings, outcome),
          outcome.totals.mechanisms};
}

}  // namespace lockstep::harness
