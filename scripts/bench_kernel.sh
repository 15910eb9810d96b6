#!/usr/bin/env bash
# Measures the kernel's steps per second against the floors (9 repetitions,
# interleaved), writes build/bench/kernel.json and prints the ratios.
# Usage: scripts/bench_kernel.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh gcc >/dev/null
mkdir -p build/bench
build/gcc/bench/kernel_benchmark --benchmark_repetitions=9 \
  --benchmark_enable_random_interleaving=true \
  --benchmark_report_aggregates_only=true \
  --benchmark_out=build/bench/kernel.json --benchmark_out_format=json >/dev/null
python3 - build/bench/kernel.json <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))["benchmarks"]
med = {r["run_name"]: r["items_per_second"] for r in runs if r.get("aggregate_name") == "median"}
k = med["BM_KernelRandomWalk"]
for floor in ("BM_FloorRoundRobin", "BM_FloorRandomPick"):
    print(f"kernel {k/1e6:.1f}M steps/s = {100*k/med[floor]:.1f}% of {floor} ({med[floor]/1e6:.1f}M steps/s, {1e9/med[floor]:.2f} ns/step); kernel {1e9/k:.2f} ns/step")
PY
