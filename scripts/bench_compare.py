#!/usr/bin/env python3
"""Compares google/benchmark JSON runs, baseline against contender.

The idea of google/benchmark's tools/compare.py, with the standard library
only: for every benchmark present in both runs, the relative change of the
median, (new - old) / |old|, a two-sided Mann-Whitney U-test p-value over the
repetitions (normal approximation with tie and continuity corrections), and
one geometric mean of the new/old median ratios over all benchmarks.

Run the benchmarks with per-repetition output (no
--benchmark_report_aggregates_only), ideally 9 repetitions interleaved:

  build/gcc/bench/scenario_benchmark --benchmark_repetitions=9 \\
      --benchmark_enable_random_interleaving=true \\
      --benchmark_out=old.json --benchmark_out_format=json

  scripts/bench_compare.py old.json new.json               # two runs
  scripts/bench_compare.py --within BM_Strategy/ref-noop build/bench/scenario.json
  scripts/bench_compare.py --metric items_per_second old.json new.json

--within compares, in one file, every benchmark of the baseline's family
(the name before the first '/'; --contenders REGEX to choose others) against
the baseline. A change is marked significant when p < --alpha (0.05).
"""

import argparse
import json
import math
import re
import signal
import statistics
import sys

OPTIMAL_REPETITIONS = 9  # compare.py's UTEST_OPTIMAL_REPETITIONS


def mann_whitney_p(xs, ys):
    """Two-sided p-value of the Mann-Whitney U test (normal approximation).

    Ranks the pooled sample (ties get their average rank), takes
    U = R_x - n_x (n_x + 1) / 2, and compares the larger of U and n_x n_y - U
    with its mean n_x n_y / 2, using the tie-corrected standard deviation and
    a continuity correction of 0.5 (as scipy.stats.mannwhitneyu with
    method="asymptotic"). Returns 1.0 when every value is tied.
    """
    nx, ny = len(xs), len(ys)
    if nx == 0 or ny == 0:
        return float("nan")
    pooled = sorted([(v, 0) for v in xs] + [(v, 1) for v in ys])
    n = nx + ny
    rank_sum_x = 0.0
    tie_term = 0.0
    i = 0
    while i < n:
        j = i
        while j + 1 < n and pooled[j + 1][0] == pooled[i][0]:
            j += 1
        rank = (i + j) / 2.0 + 1.0  # average of ranks i+1 .. j+1
        t = j - i + 1
        tie_term += t ** 3 - t
        rank_sum_x += rank * sum(1 for k in range(i, j + 1) if pooled[k][1] == 0)
        i = j + 1
    u_x = rank_sum_x - nx * (nx + 1) / 2.0
    u = max(u_x, nx * ny - u_x)
    mean = nx * ny / 2.0
    variance = nx * ny / 12.0 * ((n + 1) - tie_term / (n * (n - 1)))
    if variance <= 0:
        return 1.0
    z = (u - mean - 0.5) / math.sqrt(variance)
    return min(1.0, math.erfc(max(z, 0.0) / math.sqrt(2.0)))


def load_runs(path, metric):
    """Per-repetition values of `metric` by benchmark name, in file order."""
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    runs = {}
    saw_aggregates = False
    for b in data.get("benchmarks", []):
        if b.get("run_type") == "aggregate":
            saw_aggregates = True
            continue
        if b.get("error_occurred"):
            continue
        if metric not in b:
            sys.exit(f"{path}: benchmark {b.get('name')} has no field '{metric}'")
        runs.setdefault(b.get("run_name", b["name"]), []).append(float(b[metric]))
    if not runs:
        hint = (" (only aggregates: rerun without --benchmark_report_aggregates_only)"
                if saw_aggregates else "")
        sys.exit(f"{path}: no per-repetition benchmark runs{hint}")
    return runs


def compare(old, new, alpha):
    """Rows of (name, old median, new median, change, p-value, verdict)."""
    rows = []
    for name, old_values, new_values in old_new_pairs(old, new):
        old_median = statistics.median(old_values)
        new_median = statistics.median(new_values)
        change = (new_median - old_median) / abs(old_median) if old_median else float("nan")
        p = mann_whitney_p(old_values, new_values)
        if len(old_values) < 2 or len(new_values) < 2:
            verdict = "too few repetitions"
        elif p < alpha:
            verdict = "differs" if change != 0 else "differs (same median)"
        else:
            verdict = "no significant difference"
        rows.append((name, old_median, new_median, change, p, verdict,
                     len(old_values), len(new_values)))
    return rows


def old_new_pairs(old, new):
    for name in sorted(old):
        if name in new:
            yield name, old[name], new[name]


def geomean_ratio(rows):
    ratios = [r[2] / r[1] for r in rows if r[1] > 0 and r[2] > 0]
    if not ratios:
        return float("nan")
    return math.exp(sum(math.log(x) for x in ratios) / len(ratios))


def print_table(rows, metric, old_label, new_label, alpha):
    width = max([len("Benchmark"), len("OVERALL_GEOMEAN")] + [len(r[0]) for r in rows])
    print(f"Comparing {old_label} (old) to {new_label} (new): {metric}, "
          f"median of repetitions, U test at alpha={alpha}")
    header = (f"{'Benchmark':<{width}}  {'old':>12}  {'new':>12}  {'change':>8}  "
              f"{'p-value':>7}  reps   verdict")
    print(header)
    print("-" * len(header))
    few = False
    for name, old_m, new_m, change, p, verdict, n_old, n_new in rows:
        few = few or min(n_old, n_new) < OPTIMAL_REPETITIONS
        print(f"{name:<{width}}  {old_m:>12.6g}  {new_m:>12.6g}  {change:>+8.2%}  "
              f"{p:>7.4f}  {n_old}v{n_new}  {verdict}")
    g = geomean_ratio(rows)
    print(f"{'OVERALL_GEOMEAN':<{width}}  {'':>12}  {'':>12}  {g - 1:>+8.2%}  "
          f"{'':>7}  ratio {g:.4f} over {len(rows)} benchmarks")
    if few:
        print(f"note: fewer than {OPTIMAL_REPETITIONS} repetitions somewhere; "
              "the U test has little power")


def family(name):
    return name.split("/", 1)[0]


def main(argv):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n", 1)[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("files", nargs="+", help="baseline.json contender.json, or one file with --within")
    parser.add_argument("--within", metavar="BASELINE",
                        help="compare benchmarks of one file against this one")
    parser.add_argument("--contenders", metavar="REGEX",
                        help="with --within: benchmarks to compare (default: the baseline's family)")
    parser.add_argument("--metric", default="cpu_time",
                        help="per-repetition field to compare: cpu_time (default), real_time, "
                             "items_per_second or a counter")
    parser.add_argument("--alpha", type=float, default=0.05)
    args = parser.parse_args(argv)

    if args.within:
        if len(args.files) != 1:
            parser.error("--within takes exactly one file")
        runs = load_runs(args.files[0], args.metric)
        if args.within not in runs:
            sys.exit(f"{args.files[0]}: no benchmark named '{args.within}' "
                     f"(have: {', '.join(runs)})")
        pattern = re.compile(args.contenders) if args.contenders else None
        rows = []
        for name, values in sorted(runs.items()):
            if name == args.within:
                continue
            if pattern.search(name) if pattern else family(name) == family(args.within):
                rows += compare({name: runs[args.within]}, {name: values}, args.alpha)
        print_table(rows, args.metric, args.within, "each benchmark", args.alpha)
        return 0

    if len(args.files) != 2:
        parser.error("expected baseline.json contender.json")
    old = load_runs(args.files[0], args.metric)
    new = load_runs(args.files[1], args.metric)
    rows = compare(old, new, args.alpha)
    if not rows:
        sys.exit("the two files have no benchmark in common")
    for name in sorted(set(old) ^ set(new)):
        print(f"note: {name} is in only one file; skipped", file=sys.stderr)
    print_table(rows, args.metric, args.files[0], args.files[1], args.alpha)
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quiet under `| head`
    sys.exit(main(sys.argv[1:]))
