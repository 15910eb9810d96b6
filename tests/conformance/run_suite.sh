#!/usr/bin/env bash
# The conformance suite (ctest label "conformance"): runs the real servers
# through the harness, runs the simulator on the same cells, compares them and
# writes docs/fidelity.md.
#
# Usage: tests/conformance/run_suite.sh [OUT_DIR] [HANGUP_BINARY]
#   OUT_DIR        harness output, observed.json and fidelity.json
#                  (default: build/conformance)
#   HANGUP_BINARY  the simulator (default: build/gcc/cli/hangup)
#
# Exit status: 0 when every cell ran and every difference is a known one
# (tests/conformance/compare.py: KNOWN_DIFFERENCES); non-zero otherwise.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${1:-$repo/build/conformance}
hangup=${2:-$repo/build/gcc/cli/hangup}
python=/usr/bin/python3  # the interpreter that has the Debian server packages
export PYTHONDONTWRITEBYTECODE=1

# Bounds: the whole suite must finish within 5 minutes. The harness takes
# about 45 s with 8 jobs on 2 cores (daphne's cells wait 14 s each for its
# watchdog; the time is waiting, not computing). `timeout` signals its whole
# process group, so the servers the harness started are stopped with it.
harness_bound_s=240
jobs=8

mkdir -p "$out"
start=$(date +%s)
status=0
timeout --kill-after=10 "$harness_bound_s" \
  "$python" "$here/run_conformance.py" --out "$out" --jobs "$jobs" || status=$?
if [[ $status -ne 0 ]]; then
  if [[ $status -eq 124 || $status -eq 137 ]]; then
    echo "run_suite.sh: the harness did not finish within ${harness_bound_s} s" >&2
  else
    echo "run_suite.sh: the harness failed (exit $status)" >&2
  fi
  exit 1
fi
echo "run_suite.sh: harness done in $(( $(date +%s) - start )) s"

"$python" "$here/compare.py" --observed "$out/observed.json" --out "$out" \
  --hangup "$hangup" --doc "$repo/docs/fidelity.md"
