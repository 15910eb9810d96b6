#!/usr/bin/env bash
# A short libFuzzer run of fuzz/scenario_fuzz.cc, for CI and for local
# continuous fuzzing.
#
# Usage: scripts/fuzz_smoke.sh [SECONDS] [LIBFUZZER_FLAG...]
#   scripts/fuzz_smoke.sh              # 20 s smoke run
#   scripts/fuzz_smoke.sh 3600 -fork=8 # an hour on 8 processes
#   HANGUP_FUZZ_KEEP_GOING=1 scripts/fuzz_smoke.sh 60
#       # count and list new violations instead of stopping at the first
#       # (not with -fork: its workers' output does not reach the log)
#
# Builds, in the fuzz configuration (build/fuzz, clang, -DHANGUP_FUZZ=ON),
# only what the run needs: the fuzzer and its seeds target (which builds the
# plain replay program and writes build/fuzz/seeds/scenario_fuzz from
# corpus/*.json); then runs the fuzzer on a working corpus that persists across runs
# (build/fuzz/fuzz-corpus/scenario_fuzz: libFuzzer adds new inputs there; the
# seed directory stays as built). Prints executions/s and every artifact
# (crash, timeout, OOM) with the line that reproduces it.
#
# Exit status: 0 when the fuzzer found no new violation (one that the
# scenario's all-zero or known tapes do not break, see fuzz/fuzz_runner.h)
# and no crash; 1 when it did (the reproducer lines are printed); 2 when the
# build or the fuzzer itself failed to start.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
shift $(($# > 0 ? 1 : 0))
target=scenario_fuzz
build=build/fuzz
fuzzer=$build/fuzz/$target
replay=$build/fuzz/${target}_replay
seeds=$build/seeds/$target
work=$build/fuzz-corpus/$target
artifacts=$build/artifacts/$target
log=$build/$target.log

mkdir -p build
if ! ./scripts/build.sh fuzz "$target" "${target}_seeds" \
  >"$build.build.log" 2>&1; then
  tail -40 "$build.build.log" >&2
  echo "fuzz_smoke: the fuzz build failed (log: $build.build.log)" >&2
  exit 2
fi

if [[ -n "${HANGUP_FUZZ_KEEP_GOING:-}" && " $* " == *" -fork="* ]]; then
  echo "fuzz_smoke: warning: under -fork the workers' output is not in" \
    "$log, so HANGUP_FUZZ_KEEP_GOING hides new violations; unset it" >&2
fi
mkdir -p "$work"
rm -rf "$artifacts"
mkdir -p "$artifacts"
echo "fuzz_smoke: $target for ${seconds}s, seeds $seeds, corpus $work"
"$fuzzer" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
  -artifact_prefix="$artifacts/" "$@" "$work" "$seeds" >"$log" 2>&1
status=$?

runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
if [[ -z "$rate" ]]; then  # -fork prints progress lines, no final stats
  runs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
  rate=$(grep -oE 'exec/s:? [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+$')
fi
echo "fuzz_smoke: ${runs:-?} executions, ${rate:-?} exec/s, exit $status" \
  "(log: $log)"

# New violations the fuzzer printed (all of them under
# HANGUP_FUZZ_KEEP_GOING, where it counts instead of aborting).
mapfile -t repros < <(sed -n 's/^  reproduce: //p' "$log" | sort -u)
shopt -s nullglob
found=("$artifacts"/*)
if ((${#found[@]} == 0 && ${#repros[@]} == 0)); then
  if ((status != 0)); then
    tail -20 "$log" >&2
    echo "fuzz_smoke: the fuzzer failed without an artifact" >&2
    exit 2
  fi
  echo "fuzz_smoke: no new violation"
  exit 0
fi

if ((${#repros[@]} > 0)); then
  echo "fuzz_smoke: new violations, reproduce with:"
  printf '  %s\n' "${repros[@]}"
fi
if ((${#found[@]} > 0)); then
  echo "fuzz_smoke: ${#found[@]} artifact(s):"
fi
for f in "${found[@]}"; do
  echo "== $f"
  # The plain replay prints the input's token, then each new violation with
  # its canonical reproducer (HANGUP_FUZZ_KEEP_GOING: without aborting). A
  # crash that is no violation (a SIM_CHECK, a sanitizer report) shows here
  # or only under the instrumented rerun.
  HANGUP_FUZZ_KEEP_GOING=1 "$replay" "$f" 2>&1 |
    grep -v -E '^(hangup fuzz: |1 raw inputs ran)' |
    sed -e 's/^running *[^:]*: /input: /' -e 's/^/  /'
  echo "  rerun:     $fuzzer $f"
done
exit 1
