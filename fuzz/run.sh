#!/usr/bin/env bash
# Runs every fuzz target of a LOCKSTEP_FUZZ build (fuzz/CMakeLists.txt) for SECONDS each:
# first over its seed corpus fuzz/corpus/<target>/ (every input, regressions included), then
# fuzzing for the rest of the time. Prints each target's executions (libFuzzer's final stats)
# and the total; exits 1 if any target crashed or broke a check, naming the input it saved.
#
#   fuzz/run.sh BUILD_DIR SECONDS fuzz   keep what it finds in BUILD_DIR/fuzz-corpus/<target>
#   fuzz/run.sh BUILD_DIR SECONDS test   a brief run (make test-fuzz): a fresh scratch corpus
#
# The seed corpora in the tree are only read; crashing inputs go to BUILD_DIR/fuzz-artifacts/.
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:?usage: fuzz/run.sh BUILD_DIR SECONDS fuzz|test}
seconds=${2:?usage: fuzz/run.sh BUILD_DIR SECONDS fuzz|test}
mode=${3:-fuzz}
targets_file=$build/fuzz-targets.txt
[[ -f $targets_file ]] || { echo "fuzz/run.sh: no $targets_file: run make build-fuzz" >&2; exit 2; }

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
if [[ -z ${ASAN_SYMBOLIZER_PATH:-} ]] && command -v llvm-symbolizer >/dev/null; then
  export ASAN_SYMBOLIZER_PATH=$(command -v llvm-symbolizer)
fi

logs=$build/fuzz-logs
artifacts=$build/fuzz-artifacts
mkdir -p "$logs" "$artifacts"
scratch=
if [[ $mode == test ]]; then
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
fi

total=0 failed=0 ran=0
while read -r t; do
  [[ -n $t ]] || continue
  seeds=fuzz/corpus/$t
  if [[ $mode == test ]]; then work=$scratch/$t; else work=$build/fuzz-corpus/$t; fi
  mkdir -p "$work"
  log=$logs/$t.log
  start=$(date +%s)
  "$build/bin/${t}_fuzz" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 \
    -rss_limit_mb=2048 -artifact_prefix="$artifacts/$t-" "$work" "$seeds" >"$log" 2>&1
  status=$?
  elapsed=$(( $(date +%s) - start ))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  execs=${execs:-0}
  ran=$((ran + 1))
  total=$((total + execs))
  if [[ $status -ne 0 ]]; then
    failed=$((failed + 1))
    printf 'fuzz: %-16s FAILED (exit %d) after %d executions in %d s; log %s\n' \
      "$t" "$status" "$execs" "$elapsed" "$log"
    grep -E 'FUZZ_CHECK|ERROR|SUMMARY|what\(\)|Test unit written' "$log" | head -20 | sed 's/^/    /'
  else
    printf 'fuzz: %-16s %10d executions in %3d s (%d/s), corpus %d inputs\n' "$t" "$execs" \
      "$elapsed" $((execs / (elapsed > 0 ? elapsed : 1))) "$(ls "$work" | wc -l)"
  fi
done <"$targets_file"

printf 'fuzz: %d targets, %d executions in all, %d failed\n' "$ran" "$total" "$failed"
[[ $failed -eq 0 ]]
