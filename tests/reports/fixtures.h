// Hand-made run results shared by the report tests: one property that held, one that failed
// with a shrunk counterexample (with markup and shell metacharacters in its strings, so that
// escaping is exercised), and one the run could not decide.
#pragma once

#include <vector>

#include "reports/property_result.h"

namespace lockstep::reports::testing {

// A run report's run info; `seed` tells apart the runs a test merges (merge refuses one seed
// twice).
inline RunInfo SampleRun(std::uint64_t seed = 42) {
  RunInfo run;
  run.tool_version = "0.1.0";
  run.model_revision = "abc123def456";
  run.host = "ci-7";
  run.build_type = "Debug";
  run.command_line = "lockstep run --protocol all --seed 42";
  run.binaries = {{"mds", "/opt/lockstep/bin/mds"}, {"logger", "/opt/lockstep/bin/logger"}};
  run.impl_version = "impl 0.1.0";
  run.fault_mechanisms = {{"disk-full", "tmpfs size=1048576 filled to ENOSPC"},
                          {"access-denied", "chmod 000, capabilities dropped"},
                          {"crash", "SIGKILL"},
                          {"reformat", "unavailable: no journal tool"}};
  run.start_ms = 1714564800000;
  run.stop_ms = 1714564860000;
  run.seed = seed;
  run.kind = "run";
  run.os_release = "6.1.0";
  run.os_version = "#1 SMP Debian";
  run.extra = {{"jobs", 1}};
  return run;
}

inline PropertyResult PassedProperty() {
  PropertyResult p;
  p.id = "ST-1";
  p.name = "single service";
  p.protocol = "state-transfer";
  p.verdict = Verdict::kPassed;
  p.cases = 100;
  p.steps = 2345;
  p.seed = 42;
  p.reproduce = "st:ST-1:seed=42";
  p.faults_by_kind = {{"crash", 12}, {"disk-full", 3}};
  p.duration_ms = 1234.6;
  p.coverage.commands = {{"Start", 200}, {"Input", 900}};
  p.coverage.faults = {{"crash", 12}, {"disk-full", 3}};
  p.coverage.crash_points = {{"st.after_temp_write", 4}};
  p.coverage.states_hit = 40;
  p.coverage.states_total = 52;
  p.coverage.transitions_hit = 90;
  return p;
}

inline PropertyResult FailedProperty() {
  PropertyResult p;
  p.id = "ST-4";
  p.name = "clean failure";
  p.protocol = "state-transfer";
  p.verdict = Verdict::kFailed;
  p.reason = "temp file left behind after <failed> transfer & crash";
  p.cases = 17;
  p.steps = 400;
  p.seed = 7;
  p.reproduce = "st:ST-4:seed=7:path='3 1 0'";
  Counterexample cx;
  cx.original = {"Start(A)", "Start(B)", "Input(A, 1)", "Input(A, 2)", "Stop(B)", "Start(B)"};
  cx.shrunk = {"Start(A)", "Start(B) <receiver>", "Start(B)"};
  cx.shrink_steps = 9;
  cx.message = "predicted temp dir empty, observed lockstep-st-1 & <junk>";
  cx.faults = {{2, "crash", "mds-A", "LOCKSTEP_CRASH_POINT=st.after_temp_write:1", "A"},
               {0, "disk-full", "/sandbox/B/tmp", "tmpfs filled to ENOSPC", "B"},
               {3, "access-denied", "/sandbox/shared", "chmod 000", ""}};
  cx.processes = {{"mds-A", "killed by SIGKILL", "sending <state> to B\ncrash point hit"},
                  {"mds-B", "exit 4", "receiver timeout"}};
  p.counterexample = cx;
  p.faults_by_kind = {{"crash", 5}, {"disk-full", 1}};
  p.duration_ms = 800;
  p.bug = "sender-leaves-temp-file";
  return p;
}

inline PropertyResult UndecidedProperty() {
  PropertyResult p;
  p.id = "RS-2";
  p.name = "in-doubt kept";
  p.protocol = "resync";
  p.verdict = Verdict::kOther;
  p.reason = "gave up: 1000 discarded cases";
  p.cases = 3;
  p.steps = 30;
  p.seed = 42;
  p.reproduce = "rs:RS-2:seed=42";
  p.faults_by_kind = {{"reformat", 2}};
  p.duration_ms = 50;
  return p;
}

inline std::vector<PropertyResult> AllThree() {
  return {PassedProperty(), FailedProperty(), UndecidedProperty()};
}

}  // namespace lockstep::reports::testing
