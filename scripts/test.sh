#!/usr/bin/env bash
# Sets up what is missing, checks, builds, and runs the whole test suite:
#   0. gates: scripts/check_format.sh (before any build) and scripts/tidy.sh
#      (clang-tidy, after the gcc build); either fails the run;
#   1. gcc (RelWithDebInfo): every test, including the real-server
#      conformance suite and the fuzz/benchmark smoke runs;
#   2. clang with AddressSanitizer + UndefinedBehaviorSanitizer: every test
#      but the conformance suite (it runs Python servers, not our code);
#   3. a 20 s libFuzzer smoke run (fixed seed) of fuzz/scenario_fuzz.cc.
# Usage: scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

scripts/setup.sh
scripts/check_format.sh
scripts/build.sh gcc
scripts/tidy.sh
ctest --test-dir build/gcc --output-on-failure -j "$jobs"

scripts/build.sh asan
ctest --test-dir build/asan --output-on-failure -j "$jobs" -LE conformance

scripts/fuzz_smoke.sh 20 -seed=1
echo "test.sh: all suites passed"
