#!/usr/bin/env bash
# The conformance suite (ctest label "conformance"): runs the real servers
# through the harness, runs the simulator on the same cells, compares them,
# writes the generated document to OUT_DIR/fidelity.md and checks that it
# equals the tracked docs/fidelity.md. It never writes into the source tree
# unless asked to with --update.
#
# Usage: tests/conformance/run_suite.sh [--update] [OUT_DIR] [HANGUP_BINARY]
#   --update       copy the generated document over docs/fidelity.md (only
#                  when the comparison passed) instead of failing on a
#                  difference; commit the result
#   OUT_DIR        harness output, observed.json, fidelity.json and the
#                  generated fidelity.md (default: build/conformance)
#   HANGUP_BINARY  the simulator (default: build/gcc/cli/hangup)
#
# Exit status: 0 when every cell ran, every difference is a known one
# (tests/conformance/compare.py: KNOWN_DIFFERENCES) and the generated document
# equals docs/fidelity.md (or, with --update, replaced it); non-zero otherwise.
set -euo pipefail
update=0
if [[ ${1:-} == --update ]]; then
  update=1
  shift
fi
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out=${1:-$repo/build/conformance}
hangup=${2:-$repo/build/gcc/cli/hangup}
python=/usr/bin/python3  # the interpreter that has the Debian server packages
export PYTHONDONTWRITEBYTECODE=1

# Bounds: the whole suite must finish within 5 minutes. The harness takes
# about 75 s with 8 jobs on 2 cores (daphne's cells wait 14 s each for its
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

generated=$out/fidelity.md
tracked=$repo/docs/fidelity.md
rm -f "$generated"
compared=0
"$python" "$here/compare.py" --observed "$out/observed.json" --out "$out" \
  --hangup "$hangup" --doc "$generated" || compared=$?
if [[ ! -f $generated ]]; then
  echo "run_suite.sh: compare.py wrote no document (exit $compared)" >&2
  exit 1
fi

if [[ $update -eq 1 ]]; then
  if [[ $compared -ne 0 ]]; then
    echo "run_suite.sh: the comparison failed (exit $compared);" \
      "docs/fidelity.md left as it is" >&2
    exit 1
  fi
  if cmp -s "$generated" "$tracked"; then
    echo "run_suite.sh: docs/fidelity.md is already up to date"
  else
    cp "$generated" "$tracked"
    echo "run_suite.sh: updated docs/fidelity.md from $generated; commit it"
  fi
  exit 0
fi

status=$compared
if ! diff -u --label docs/fidelity.md --label "generated ($generated)" \
    "$tracked" "$generated"; then
  echo "run_suite.sh: the generated document differs from docs/fidelity.md" \
    "(diff above). If the change is intended, regenerate it with" \
    "tests/conformance/run_suite.sh --update [OUT_DIR] [HANGUP] and commit it." >&2
  status=1
fi
exit $(( status != 0 ))
