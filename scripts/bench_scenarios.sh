#!/usr/bin/env bash
# Measures scenario executions per second (9 repetitions, interleaved),
# writes build/bench/scenario.json (every repetition, for
# scripts/bench_compare.py) and prints a short table: the canonical scenario
# with tracing off and on, what tracing costs, and each send-after-close
# strategy against ref-noop.
# Usage: scripts/bench_scenarios.sh [extra benchmark flags, e.g. --benchmark_min_time=0.2]
# Compare two saved runs: scripts/bench_compare.py old.json build/bench/scenario.json
set -euo pipefail
cd "$(dirname "$0")/.."
if ! build_log=$(scripts/build.sh gcc 2>&1); then
  echo "$build_log" >&2
  exit 1
fi
mkdir -p build/bench
build/gcc/bench/scenario_benchmark --benchmark_repetitions=9 \
  --benchmark_enable_random_interleaving=true \
  --benchmark_out=build/bench/scenario.json --benchmark_out_format=json \
  "$@" >/dev/null 2>build/bench/scenario.log || { cat build/bench/scenario.log >&2; exit 1; }
python3 - build/bench/scenario.json <<'PY'
import json, statistics, sys
sys.path.insert(0, "scripts")
from bench_compare import mann_whitney_p

runs = {}
for b in json.load(open(sys.argv[1]))["benchmarks"]:
    if b.get("run_type") == "iteration":
        runs.setdefault(b["run_name"], []).append(b)

def med(name, field):
    return statistics.median(r[field] for r in runs[name])

def col(name, field):
    return [r[field] for r in runs[name]]

off, on = "BM_Canonical/trace:0", "BM_Canonical/trace:1"
if off in runs and on in runs:
    e_off, e_on = med(off, "items_per_second"), med(on, "items_per_second")
    print(f"canonical scenario, median of {len(runs[off])}: {e_off:,.0f} executions/s tracing off "
          f"({med(off, 'cpu_time'):,.0f} ns, {med(off, 'steps_per_execution'):.1f} steps each), "
          f"{e_on:,.0f} executions/s tracing on")
    print(f"tracing costs {100 * (med(on, 'cpu_time') / med(off, 'cpu_time') - 1):+.0f}% time per "
          f"execution ({100 * (e_on / e_off - 1):+.0f}% throughput); target >= 250,000/s tracing off: "
          f"{'met' if e_off >= 250_000 else 'NOT met'}")
for family, what in (("BM_InterpretedStep", "note step"), ("BM_InterpretedLoop", "repeat pass")):
    lo, hi = f"{family}/0", f"{family}/1024"
    if lo in runs and hi in runs:
        slope = (med(hi, "cpu_time") - med(lo, "cpu_time")) / 1024
        print(f"one interpreted {what}: {slope:.1f} ns ({family}/1024 - /0, over 1024)")
for family in ("BM_Strategy", "BM_StrategyUnchecked"):
    base = f"{family}/ref-noop"
    if base not in runs:
        continue
    app = "check-results" if family == "BM_Strategy" else "sse-stream"
    print(f"\n{family} (app={app}, client=http-fin-after-1), CPU time relative to ref-noop:")
    print(f"  {'preset':<22}{'ns/exec':>10}{'vs noop':>9}{'p':>8}{'sends>close':>13}{'ns/send>close':>15}")
    for preset in ("ref-noop", "ref-raise", "ref-raise-and-catch", "ref-result", "ref-future"):
        name = f"{family}/{preset}"
        if name not in runs:
            continue
        ns = med(name, "cpu_time")
        sends = med(name, "sends_after_close_per_execution")
        p = mann_whitney_p(col(base, "cpu_time"), col(name, "cpu_time"))
        per_send = f"{ns / sends:,.0f}" if sends else "-"
        print(f"  {name.split('/', 1)[1]:<22}{ns:>10,.0f}{ns / med(base, 'cpu_time'):>8.2f}x"
              f"{p:>8.4f}{sends:>13.2f}{per_send:>15}")
PY
