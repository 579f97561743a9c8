#include "harness/property/property_runner.h"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <string>
#include <system_error>

#include "reports/protocol_totals.h"

namespace lockstep::harness {

namespace detail {

void MergeCounts(CaseRecord& into, const CaseRecord& from) {
  for (const auto& [k, v] : from.command_counts) into.command_counts[k] += v;
  for (const auto& [k, v] : from.fault_counts) into.fault_counts[k] += v;
  for (const auto& [k, v] : from.crash_point_counts) into.crash_point_counts[k] += v;
  for (const auto& [k, v] : from.mechanisms) into.mechanisms[k] = v;
  into.trace_events += from.trace_events;
  for (const auto& [k, v] : from.overlaps) into.overlaps[k] += v;
  for (const auto& [k, v] : from.tolerances_ms) {
    into.tolerances_ms[k] = std::max(into.tolerances_ms[k], v);
  }
  into.visited_states.insert(from.visited_states.begin(), from.visited_states.end());
  into.visited_transitions.insert(from.visited_transitions.begin(), from.visited_transitions.end());
}

void KeepTraces(const std::filesystem::path& traces, const std::filesystem::path& keep,
                const std::string& protocol, const std::string& case_dir) {
  if (keep.empty()) return;
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path to = keep / protocol / case_dir;
  fs::remove_all(to, ec);
  fs::create_directories(to, ec);
  if (!ec) fs::copy(traces, to, fs::copy_options::recursive, ec);
  if (ec) {
    std::cerr << "lockstep: cannot keep the traces of " << case_dir << " in " << to.string()
              << ": " << ec.message() << " [" << ec.value() << "]\n";
  }
}

void SearchListener::onTestCaseFinished(const rc::detail::CaseDescription& d) {
  MergeCounts(totals_, *current_);
  steps_ += current_->commands.size();
  if (d.result.type != rc::detail::CaseResult::Type::Failure || failure_found()) return;
  found_ = true;
  original_ = current_->commands;
  stop_before_failure_ = StopSignal();
  found_at_ = shown_at_ = std::chrono::steady_clock::now();
  KeepFailure();
  if (on_found_) on_found_(best_);
  if (progress_) {
    *progress_ << "lockstep: " << protocol_ << ": a case failed after " << current_->commands.size()
               << " steps; shrinking it (budget " << shrink_budget_.count() / 1000 << " s)\n";
  }
}

void SearchListener::onShrinkTried(const rc::detail::CaseDescription&, bool accepted) {
  if (!accepted) return;
  ++shrinks_;
  KeepFailure();
  ShowProgress(false);
}

void SearchListener::onTestFinished(const rc::detail::TestMetadata&, const rc::detail::TestResult&) {
  if (failure_found()) ShowProgress(true);
}

bool SearchListener::SkipShrinkCandidate() {
  if (!shrink_stopped_.empty()) return true;
  if (const int signal = StopSignal(); signal != 0) {
    shrink_stopped_ = std::string("interrupted by ") + StopSignalName(signal);
  } else if (std::chrono::steady_clock::now() - found_at_ >= shrink_budget_) {
    shrink_stopped_ = "the shrink budget of " + std::to_string(shrink_budget_.count() / 1000) +
                      " s was spent";
  }
  return !shrink_stopped_.empty();
}

void SearchListener::KeepFailure() { best_ = *current_; }

void SearchListener::ShowProgress(bool final) {
  constexpr auto kEvery = std::chrono::seconds(5);
  const auto now = std::chrono::steady_clock::now();
  if (!progress_ || (!final && now - shown_at_ < kEvery)) return;
  shown_at_ = now;
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now - found_at_).count();
  *progress_ << "lockstep: " << protocol_ << ": " << (final ? "shrunk" : "shrinking") << " to "
             << best_.commands.size() << " steps (from " << original_.size() << ") in "
             << shrinks_ << " shrinks, " << seconds << " s";
  if (final && !shrink_stopped_.empty()) *progress_ << "; stopped early: " << shrink_stopped_;
  *progress_ << "\n";
}

void DescribeStop(int signal, int cases, SearchOutcome& outcome) {
  outcome.kind = SearchOutcome::Kind::kInterrupted;
  outcome.cases = cases;
  outcome.message = std::string("interrupted by ") + StopSignalName(signal) + " after " +
                    std::to_string(cases) + " passing cases: not decided";
}

void DescribeFailure(const SearchListener& listener, const CaseRecord& shrunk,
                     const std::string& description, SearchOutcome& outcome) {
  // The shrunk case ran once more on its own: its record is the one to report. Should it not
  // have failed again, the failure the search shrank to still stands.
  const bool rerun_failed = shrunk.violation || shrunk.harness_error;
  const auto& violation = rerun_failed ? shrunk.violation : listener.violation();
  const auto& harness_error = rerun_failed ? shrunk.harness_error : listener.harness_error();
  outcome.violation = violation;
  outcome.kind = violation ? SearchOutcome::Kind::kFailed : SearchOutcome::Kind::kHarnessError;
  outcome.message = violation ? model::ToString(*violation)
                              : harness_error.value_or(description);
  reports::Counterexample cx;
  cx.original = listener.original();
  cx.shrunk = shrunk.commands;
  cx.shrink_steps = listener.shrinks();
  cx.shrink_stopped = listener.shrink_stopped();
  cx.message = violation ? violation->message : outcome.message;
  cx.faults = shrunk.faults;
  cx.processes = shrunk.processes;
  outcome.counterexample = cx;
}

}  // namespace detail

namespace {

// A property's verdict and reason. *truncated when it held, but only over the cases run before
// another property of the same search failed: it was not shown to hold over the run asked for,
// so it says so rather than read as a full pass (docs/design.md, "True figures").
reports::Verdict VerdictFor(const model::PropertyInfo& p, const SearchOutcome& o,
                            const RunSettings& settings, std::string& reason, bool& truncated) {
  using K = SearchOutcome::Kind;
  switch (o.kind) {
    case K::kPassed:
      return reports::Verdict::kPassed;
    case K::kFailed:
      if (o.violation && o.violation->property_id == p.id) {
        reason = o.violation->message;
        return reports::Verdict::kFailed;
      }
      truncated = true;
      reason = "truncated: held on every step of the " + std::to_string(o.cases) +
               " cases run (of " + std::to_string(settings.tests) + " asked for); the search stopped when " +
               (o.violation ? o.violation->property_id : std::string("another property")) + " failed";
      return reports::Verdict::kPassed;
    case K::kGaveUp:
    case K::kHarnessError:
    case K::kInterrupted:
      reason = o.message;
      return reports::Verdict::kOther;
  }
  return reports::Verdict::kOther;
}

}  // namespace

// Every property is checked on every step of the one search, so each shows all its cases,
// steps and faults (counted once per protocol at run level: reports/protocol_totals.h), and
// gets an equal share of its time.
std::vector<reports::PropertyResult> ToPropertyResults(
    const std::vector<model::PropertyInfo>& properties, const std::string& protocol,
    const std::map<std::string, std::vector<std::string>>& crash_points,
    const RunSettings& settings, const SearchOutcome& o) {
  std::vector<reports::PropertyResult> results;
  for (const auto& p : properties) {
    reports::PropertyResult r;
    r.id = p.id;
    r.name = p.name;
    r.protocol = protocol;
    r.verdict = VerdictFor(p, o, settings, r.reason, r.truncated);
    r.cases = static_cast<std::uint64_t>(o.cases);
    r.steps = o.steps;
    r.seed = settings.seed;
    r.bug = settings.bug;
    r.faults_by_kind = o.totals.fault_counts;
    r.coverage.commands = o.totals.command_counts;
    r.coverage.faults = o.totals.fault_counts;
    r.coverage.crash_points = o.totals.crash_point_counts;
    r.coverage.trace_events = o.totals.trace_events;
    r.coverage.overlaps = o.totals.overlaps;
    r.coverage.tolerances_ms = o.totals.tolerances_ms;
    if (settings.faults.contains("crash")) r.coverage.crash_points_possible = crash_points;
    r.coverage.states_hit = o.model_coverage.states_hit;
    r.coverage.states_total = o.model_coverage.states_total;
    r.coverage.transitions_hit = o.model_coverage.transitions_hit;
    r.coverage.transitions_total = o.model_coverage.transitions_total;
    r.coverage.state_keys = o.model_coverage.state_keys;
    r.coverage.transition_keys = o.model_coverage.transition_keys;
    if (r.verdict == reports::Verdict::kFailed || o.kind == SearchOutcome::Kind::kHarnessError) {
      r.counterexample = o.counterexample;
      r.reproduce = o.reproduce;
    }
    results.push_back(std::move(r));
  }
  reports::ShareDuration(results, o.duration_ms);
  return results;
}

}  // namespace lockstep::harness
