# lockstep quick start (fresh Debian, as root):
#   make campaign   a short fault campaign over every protocol -> reports/latest.json
#   make test       build (plain and ASan+UBSan) and pass the whole test suite
#   make fuzz       run every libFuzzer target (fuzz/) for FUZZ_SECONDS each
# Each installs what is missing and builds first.

BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
DURATION   ?= 2m
# Protocols of the default campaign: both (state-transfer or resync alone on request).
CAMPAIGN_PROTOCOL ?= all
JOBS       ?= $(shell nproc)
STAMP      := $(shell date -u +%Y%m%dT%H%M%SZ)

# Debian packages lockstep needs to build and test.
DEBIAN_PACKAGES := cmake g++ make git pkg-config \
  librapidcheck-dev libgtest-dev libgmock-dev libbenchmark-dev \
  libboost-dev libboost-filesystem-dev libboost-program-options-dev \
  nlohmann-json3-dev libvalijson-dev libcap-dev libfuse3-dev fuse3
# And for the fuzz targets: clang 16 with libFuzzer (clang 14 cannot compile std::expected).
FUZZ_DEBIAN_PACKAGES := clang-16 libclang-rt-16-dev

.PHONY: all deps deps-fuzz build build-asan build-fuzz test test-plain test-asan test-fuzz \
  fuzz campaign bench clean

all: build

# $(call install-missing,PACKAGES): installs those of the Debian PACKAGES not installed (as root).
define install-missing
	@missing=$$(for p in $(1); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; \
	  done); \
	if [ -n "$$missing" ]; then \
	  echo "installing missing Debian packages:" $$missing; \
	  if [ "$$(id -u)" -ne 0 ]; then echo "error: run as root (or install: $$missing)" >&2; exit 2; fi; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

deps:
	$(call install-missing,$(DEBIAN_PACKAGES))

deps-fuzz:
	$(call install-missing,$(FUZZ_DEBIAN_PACKAGES))

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(BUILD) -j$(JOBS)

build-asan: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DLOCKSTEP_SANITIZE=ON >/dev/null
	cmake --build $(ASAN_BUILD) -j$(JOBS)

# The fuzz targets (fuzz/CMakeLists.txt): clang 16, -fsanitize=fuzzer,address,undefined, only
# the parser libraries. From clean on this machine (2 cores, shared): 6 min 34 s.
build-fuzz: deps deps-fuzz
	CC=clang-16 CXX=clang++-16 cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Debug -DLOCKSTEP_FUZZ=ON >/dev/null
	cmake --build $(FUZZ_BUILD) -j$(JOBS)

# make fuzz: each target FUZZ_SECONDS (one after another), keeping what it finds in
# $(FUZZ_BUILD)/fuzz-corpus/; a crash saves its input in $(FUZZ_BUILD)/fuzz-artifacts/ (add it
# to fuzz/corpus/<target>/ with the fix: test-fuzz then runs it every time). Measured here
# (2 cores, 2026-12-02) at the default 75 s: 14.6 million executions over the 9 targets
# (journal 0.62M, database 2.1M, control_lines 0.76M, st_command 1.5M, rs_command 0.73M,
# bounds 5.4M, report 0.30M, trace_line 1.3M; reproduce 1.9M in a run of its own, after its
# regression input was added: the sum is of two runs). trace_validation, added later, is far
# slower per input (a whole case of tens of lines, each checked against the schema, merged and
# replayed through an event model): 19,403 executions in a 120 s run of its own
# (2026-12-03, 160/s, no failure; 330 in the 3 s of test-fuzz).
FUZZ_SECONDS ?= 75
fuzz: build-fuzz
	fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) fuzz

# Part of make test: every target over its seed corpus, then fuzzing, 3 s each, in a fresh
# scratch corpus. About 48 s here (10 targets), after build-fuzz.
test-fuzz: build-fuzz
	fuzz/run.sh $(FUZZ_BUILD) 3 test

test-plain: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

# The sanitizer build runs the same suite, with three cuts that keep the whole of `make test`
# under 15 minutes on 2 cores: property suites scale their case counts down, and of the
# seeded-bug cases (each a search, a shrink and a replay on real processes: about a minute each
# under the sanitizers) only one per protocol runs, which covers the harness's shrink and replay
# paths under ASan/UBSan. (The per-test figures here were measured when the sanitizer build was
# -O0; at -O1 the whole sanitizer pass runs about 3.5 times faster: 1099 s against 310 s.) Every seeded bug runs in test-plain. The end-to-end campaign and
# deploy tests (Campaign.*, Deploy.*: campaigns of many `lockstep run` workers, each about 25 s
# under the sanitizers against 1 s plain) run in test-plain only: under ASan a 3-second
# campaign outlasts its test's deadline, and the worker code they drive is the run already
# covered here. The same holds for the unprivileged runs (UnprivilegedRun.*: two whole
# `lockstep run`s as uid 65534, about 20 s each plain); UnshareUserNamespace, the step they add,
# runs under ASan in os_test (UserNamespace.*). And for RunInterrupt.* and ShrinkBudget.*:
# each a whole seeded-bug search and shrink, like the seeded-bug cases left out above.
ASAN_ENV := LOCKSTEP_TEST_SCALE=0.25 ASAN_OPTIONS=detect_leaks=1 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ASAN_SEEDED_SAMPLE := SeededBugCaught\..*/(memory_not_transferred|stamp_reassigned_at_start)
test-asan: build-asan
	cd $(ASAN_BUILD) && $(ASAN_ENV) ctest --output-on-failure -j$(JOBS) -E 'SeededBugCaught\.|Campaign\.|Deploy\.|UnprivilegedRun\.|RunInterrupt\.|ShrinkBudget\.'
	cd $(ASAN_BUILD) && $(ASAN_ENV) ctest --output-on-failure -j$(JOBS) -R '$(ASAN_SEEDED_SAMPLE)'

test: test-plain test-asan test-fuzz

campaign: build
	mkdir -p reports/runs
	$(BUILD)/bin/lockstep campaign --duration $(DURATION) --jobs $(JOBS) --protocol $(CAMPAIGN_PROTOCOL) \
	  --report-dir $(BUILD)/campaign-$(STAMP) --report reports/latest.json; \
	  status=$$?; cp reports/latest.json reports/runs/$(STAMP).json 2>/dev/null; exit $$status

bench: build
	$(BUILD)/bin/lockstep_bench
	$(BUILD)/bin/lockstep_explorer_bench
	$(BUILD)/bin/lockstep_coverage_bench
	$(BUILD)/bin/lockstep_trace_bench

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
