// The values the harness fills in while it runs properties, and from which every report is
// written (reports/ctrf.h turns them into the CTRF document; reports/from_ctrf.h reads them
// back). Plain values: no behaviour, no invariants beyond the field comments, safe to copy
// across threads.
//
// Conventions:
//   * Fault kinds are "disk-full", "access-denied", "crash", "reformat", "corrupt", "power-loss".
//   * FaultRecord::step is the 1-based position in Counterexample::shrunk of the command during
//     which the fault was injected; 0 means before the first command (at setup).
//   * Counts are totals over every case the property ran in this run (or, in a merged report,
//     over every shard). All properties of a protocol are checked on every step of one search,
//     so each shows the same cases, steps and faults: the search's, counted once per protocol
//     at run level (reports/protocol_totals.h), never summed over properties.
//   * A property's duration is its equal share of the time its protocol took in the run, so
//     the durations of a run's properties add up to the run's (less its setup).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/verdict.h"

namespace lockstep::reports {

struct FaultRecord {
  int step = 0;           // see the file comment
  std::string kind;       // disk-full | access-denied | crash | reformat | corrupt | power-loss
  std::string target;     // directory, process or journal set the fault hit
  std::string mechanism;  // how it was done, e.g. "chmod 000, capabilities dropped"
  std::string side;       // the side or system it hit ("A", "B", "1"), for the HTML timeline's
                          // lanes; empty when it hit none in particular
};

struct ProcessRecord {
  std::string name;         // "mds-A", "logger-B", "txsys-1"
  std::string exit;         // "exit 4", "killed by SIGKILL", "running"
  std::string log_excerpt;  // the last lines of its log, verbatim
};

struct Counterexample {
  std::vector<std::string> original;  // command sequence as first found
  std::vector<std::string> shrunk;    // after shrinking
  int shrink_steps = 0;
  // "" when shrinking ran to its end; else why it stopped early, so `shrunk` may not be
  // minimal: "the shrink budget of 300 s was spent", "interrupted by SIGTERM".
  std::string shrink_stopped;
  std::string message;                // what was violated, predicted vs observed
  std::vector<FaultRecord> faults;    // faults injected in the shrunk sequence
  std::vector<ProcessRecord> processes;
};

// Model coverage: counts hit, against totals where known (0 = unknown).
struct Coverage {
  std::map<std::string, std::uint64_t> commands;      // command name -> times run
  std::map<std::string, std::uint64_t> faults;        // fault kind -> injected
  std::map<std::string, std::uint64_t> crash_points;  // crash point -> fired
  // Every crash point the protocol can arm, by the kind of process it is in ("logger" ->
  // names): the N of "crash points k of N" per process kind; k is those of them in
  // crash_points. Empty in reports written before it was recorded.
  std::map<std::string, std::vector<std::string>> crash_points_possible;
  std::uint64_t states_hit = 0, states_total = 0, transitions_hit = 0, transitions_total = 0;
  // Trace lines the protocol's event model explained (docs/trace.md, "Validation"); 0 in
  // reports of runs that did not validate traces.
  std::uint64_t trace_events = 0;
  // Overlapping behaviour the validated traces showed (docs/trace.md, "Overlaps counted"):
  // "inputs_queued_in_transfer" -> count. Empty when nothing was counted.
  std::map<std::string, std::uint64_t> overlaps;
  // The timing tolerances the trace validation applied, in ms, by rule (docs/trace.md,
  // "Timing tolerances"): "ST-6 receiver past its timeout" -> 125. Merged by maximum.
  std::map<std::string, std::uint64_t> tolerances_ms;
  // The abstract states and transitions hit (sorted fingerprints), when known: a merge unites
  // them. Empty with a non-zero *_hit in reports that did not record them (merged by maximum).
  std::vector<std::uint64_t> state_keys, transition_keys;
};

// One failing case, enough to replay it. A merged campaign report keeps one per failing shard.
struct FailureRef {
  std::uint64_t seed = 0;
  std::string reproduce;  // accepted by `lockstep replay --reproduce`
  std::string message;    // one-line summary of what was violated
};

struct PropertyResult {
  std::string id;        // "ST-4"
  std::string name;      // "clean failure" -> CTRF test name "ST-4 clean failure"
  std::string protocol;  // "state-transfer" | "resync"
  Verdict verdict = Verdict::kOther;
  std::string reason;    // kOther: gave up / timeout / harness error; kFailed: one-line summary;
                         // kPassed: why truncated, else empty
  // kPassed only: it held on every step checked, but the search stopped early, at another
  // property's failure, so it was checked over fewer cases than asked for (`cases` says how
  // many). A merged report sets it when any shard did.
  bool truncated = false;
  std::uint64_t cases = 0, steps = 0;
  std::uint64_t seed = 0;
  std::string reproduce;  // string accepted by `lockstep replay --reproduce`
  std::optional<Counterexample> counterexample;  // REQUIRED when verdict == kFailed
  std::map<std::string, std::uint64_t> faults_by_kind;  // injected during this property's cases
  double duration_ms = 0;  // this property's share of its protocol's time (ShareDuration)
  Coverage coverage;
  std::string bug;  // seeded bug name the run targeted, empty otherwise
  // Every failing case. The harness may leave it empty: ToCtrf then lists this property's own
  // {seed, reproduce, reason} when the verdict is kFailed. MergeReports fills it.
  std::vector<FailureRef> failures;
};

struct RunInfo {
  std::string tool_version;    // lockstep version
  std::string model_revision;  // git revision of the model
  std::string host, build_type, command_line;
  std::vector<std::pair<std::string, std::string>> binaries;  // name -> path
  std::string impl_version;
  // kind -> mechanism; "unavailable: <reason>" when the kind could not be injected here.
  std::map<std::string, std::string> fault_mechanisms;
  std::int64_t start_ms = 0, stop_ms = 0;  // unix epoch ms
  std::uint64_t seed = 0;
  std::string kind;  // "run" | "campaign" | "replay"
  std::string os_release, os_version;  // uname -r / uname -v; see DescribeHost in ctrf.h
  nlohmann::json extra = nlohmann::json::object();  // e.g. campaign stats (seeds, jobs, shard)
};

}  // namespace lockstep::reports
