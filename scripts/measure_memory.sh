#!/usr/bin/env bash
# Peak resident memory of the default run, and of 100,000 vs 1,000,000
# executions of the canonical scenario (it should stay flat, within 10%).
# The peak is getrusage(RUSAGE_CHILDREN).ru_maxrss (KiB on Linux) of a small
# Python wrapper that runs the one command, so it needs no extra package.
# Usage: scripts/measure_memory.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh gcc >/dev/null
hangup=build/gcc/cli/hangup

peak_kib() {  # runs "$@", prints its peak RSS in KiB (its ru_maxrss)
  python3 - "$@" <<'PY'
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
PY
}

canonical="server=uvicorn-0.17.6-h11,app=sse-stream,client=http-fin-after-1"
default_kib=$(peak_kib "$hangup")
small_kib=$(peak_kib "$hangup" explore --scenario=$canonical --runs=100000 --jobs=1 --progress=false)
large_kib=$(peak_kib "$hangup" explore --scenario=$canonical --runs=1000000 --jobs=1 --progress=false)
echo "default run (hangup, no arguments): peak RSS ${default_kib} KiB"
echo "canonical scenario, 100,000 executions: peak RSS ${small_kib} KiB"
echo "canonical scenario, 1,000,000 executions: peak RSS ${large_kib} KiB"
python3 -c "import sys; a,b=int(sys.argv[1]),int(sys.argv[2]); print('growth from 100k to 1M executions: %+.1f%%' % (100.0*(b-a)/a))" "$small_kib" "$large_kib"
