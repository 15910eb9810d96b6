#!/usr/bin/python3
"""Compares the real servers with the simulator's presets, cell by cell.

For every cell of the harness's table (run_conformance.CELL_TABLE) it runs one
simulated execution

    hangup run --json --tape=00 --scenario=server=S,app=A,client=C,linger=30s

turns the simulator's outcome record into the harness's normalized `summary`
(with the harness's own `summarize()`, so the definitions cannot drift), and
compares it key by key with the real server's summary from observed.json.
It writes fidelity.md (into --out unless --doc says otherwise): a count at
the top, one row per cell, and the known differences, which come from
KNOWN_DIFFERENCES below. The document holds no paths, so it is the same
wherever it is built; run_suite.sh compares it with the tracked
docs/fidelity.md (and `run_suite.sh --update` replaces that).

  tests/conformance/compare.py [--observed FILE] [--hangup BIN] [--doc FILE]
                               [--out DIR] [--jobs N]

Without --observed it first runs the harness (run_conformance.py) into --out.

Exit status: 0 when every difference is in KNOWN_DIFFERENCES and every entry
there still matches a difference; 1 otherwise; 2 on a usage or run error.
"""

import argparse
import json
import os
import re
import subprocess
import sys

sys.dont_write_bytecode = True  # keep tests/conformance free of __pycache__
import run_conformance as rc  # noqa: E402  (the cell table and summarize())

REPO = rc.REPO
LINGER = "30s"  # the sim's app tail; the harness's apps sleep TAIL_S
LINGER_NS = int(rc.TAIL_S * 1e9)
TAPE = "00"  # every choice 0: the close is noticed at once, as on loopback
NS = 1e9

# ------------------------------------------------------------ allow-list
#
# A difference is "known" only when it is listed here, with the exact real
# and simulated values, and a reason. Keep this list short and honest: an
# entry is for a difference that comes from how the two sides *measure* the
# same behaviour, or for a model limitation that is understood and deliberate.
# A wrong preset does not belong here; it is fixed in models/.
#
# Each entry: cell (exact name), key, observed (real), predicted (sim), why.
# An entry that no longer matches a difference makes the comparison fail, so
# the list cannot go stale.
KNOWN_DIFFERENCES = [
]


# ------------------------------------------------------------ coverage
#
# What issues 5 and 9 ask the suite to cover, and the (app, client) pairs of
# the cell table that cover it; each pair runs on every HTTP or WebSocket preset.
# COVERAGE and REQUIRED_PRESETS restate part of run_conformance.CELL_TABLE on
# purpose, a deliberate lock: dropping a cell from it fails coverage_gaps().
COVERAGE = [
    ("HTTP streaming, no disconnect listener", "http",
     [("sse-stream", "http-fin-after-1"), ("sse-stream", "http-rst-after-1")]),
    ("HTTP streaming with a disconnect listener (Starlette)", "http",
     [("stream-with-listener", "http-fin-after-1"),
      ("stream-with-listener", "http-rst-after-1")]),
    ("send after the response completed", "http",
     [("send-after-complete", "http-full")]),
    ("receive() after the HTTP client left", "http",
     [("receive-after-disconnect", "http-fin-after-request"),
      ("receive-after-disconnect", "http-rst-after-1")]),
    ("HTTP client stalls 100 ms, then resets", "http",
     [("sse-stream", "http-slow-then-rst:chunks=1;gap=100ms")]),
    ("WebSocket push, each client close kind", "ws",
     [("ws-push", "ws-close-1000"), ("ws-push", "ws-fin"), ("ws-push", "ws-rst")]),
    ("WebSocket send after the app's own close", "ws",
     [("ws-close-then-send", "ws-normal")]),
    ("WebSocket send 300 ms after the app's own close (after the client's)", "ws",
     [("ws-close-then-send:delay=300ms", "ws-normal")]),
    ("receive() after the WebSocket client left", "ws",
     [("ws-receive-after-close", "ws-close-1000"), ("ws-receive-after-close", "ws-fin"),
      ("ws-receive-after-close", "ws-rst")]),
    ("the disconnect code after a client close 4001 with a reason", "ws",
     [("ws-receive-after-close", "ws-close-1000:code=4001;reason=bye")]),
]
REQUIRED_PRESETS = {
    "http": ["uvicorn-0.17.6-h11", "uvicorn-0.17.6-httptools", "hypercorn-0.13.2",
             "daphne-4.0.0"],
    "ws": ["uvicorn-0.17.6-websockets", "uvicorn-0.17.6-wsproto", "hypercorn-0.13.2",
           "daphne-4.0.0"],
}


def coverage_gaps():
    """Required cells missing from the harness's table (should be none)."""
    table = {c["cell"] for c in rc.all_cells()}
    return [f"{server}/{app}/{client}"
            for _, kind, pairs in COVERAGE for app, client in pairs
            for server in REQUIRED_PRESETS[kind]
            if f"{server}/{app}/{client}" not in table]


# ------------------------------------------------------------ extra keys
#
# The harness's summary looks only at sends after the client's close and at
# the first disconnect code. These keys, computed the same way from both
# records, cover the rest of what the issue asks to compare: every send's
# outcome and MRO (which is what tells "send after the app's own close",
# since ws-normal's close comes after those sends), every disconnect code,
# and the loggers. Counts are collapsed, so timing does not enter.

EXTRA_KEYS = ["send_outcomes", "raised_mros", "disconnect_codes", "log_records"]
ALL_KEYS = rc.SUMMARY_KEYS + EXTRA_KEYS


def extra_summary(record):
    runs = []
    for s in record["sends"]:
        when = "after" if s["t_call_rel"] >= 0 else "before"
        item = f"{when} {s['type']}: {'ok' if s['outcome'] == 'ok' else s['exc']}"
        if not runs or runs[-1] != item:
            runs.append(item)
    mros = []
    for s in record["sends"]:
        if s["outcome"] != "ok" and s["mro"] not in mros:
            mros.append(s["mro"])
    return {
        "send_outcomes": runs,
        "raised_mros": mros,
        "disconnect_codes": [r.get("code") for r in record["receives"]
                             if r["result"] == "websocket.disconnect"],
        "log_records": sorted({f"{l['level']} {l['logger']}" for l in record["logs"]}),
    }


# ------------------------------------------------------------ simulator side

_TIMELINE_RE = re.compile(
    r"^\s*(\d+)\.(\d{6})s\s+#(\S+)\s+(\S+)\s+(\S+)(?:\s+(.*))?$")
_SEND_EVENTS = {"app-send", "send-raised"}
_RECORD_EVENTS = _SEND_EVENTS | {"app-receive"}


def run_hangup(hangup, spec, json_out):
    argv = [hangup, "run", f"--tape={TAPE}", f"--scenario={spec}"]
    if json_out:
        argv.insert(2, "--json")
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    # A run whose properties fail may exit non-zero; its record is still valid.
    complete = (proc.stdout.lstrip().startswith("{") if json_out
                else "\ntimeline:\n" in "\n" + proc.stdout)
    if proc.returncode != 0 and not complete:
        raise RuntimeError(f"{' '.join(argv)} exited {proc.returncode}: "
                           f"{proc.stderr.strip()}")
    return proc.stdout


def parse_timeline(text):
    """The text run's timeline: (t_ns truncated to us, task, event type)."""
    lines = text.split("\n")
    try:
        start = lines.index("timeline:") + 1
    except ValueError:
        raise RuntimeError("no timeline in `hangup run` output") from None
    events = []
    for line in lines[start:]:
        if not line.strip():
            break
        m = _TIMELINE_RE.match(line)
        if not m:
            raise RuntimeError(f"unparsed timeline line: {line!r}")
        t_ns = (int(m.group(1)) * 1_000_000 + int(m.group(2))) * 1000
        events.append((t_ns, m.group(3), m.group(5)))
    return events


def send_call_times(events, n_sends):
    """The call time of each send, in outcome order.

    The outcome record stamps a send when it *returns*; the harness classifies
    a send by its *call* time. A send's call time is the time of the first
    event of the same task after that task's previous send or receive record
    (a send that blocks writes, changes state or waits only after its call).
    The result is truncated to microseconds, like the timeline.
    """
    first_since = {}  # task -> time of its first event since its last record
    calls = []
    for t_ns, task, kind in events:
        first_since.setdefault(task, t_ns)
        if kind in _RECORD_EVENTS:
            if kind in _SEND_EVENTS:
                calls.append(first_since[task])
            del first_since[task]
    if len(calls) != n_sends:
        raise RuntimeError(f"timeline has {len(calls)} sends, outcome {n_sends}")
    return calls


def observation_stop(server, close_ns, end_ns, how):
    """When the harness would stop observing this run, in sim time (ns).

    The harness stops LOG_GRACE_S after the app's end (any end), or on servers
    without a watchdog after its script returned (the start of the tail), and
    never later than its window after the client's close.
    """
    watchdog = rc.SERVERS[server][1]
    window = rc.WATCHDOG_WINDOW_S if watchdog else rc.WINDOW_S
    stop = close_ns + window * NS
    done = []
    if end_ns is not None and how != "running":
        done.append(end_ns)
        if how == "returned" and not watchdog:
            done.append(end_ns - LINGER_NS)  # script_done: the tail began
    if done:
        stop = min(stop, min(done) + rc.LOG_GRACE_S * NS)
    return stop


def _receive_result(message):
    if message.startswith("blocked"):
        return "blocked"
    return message.split(" ", 1)[0]


def sim_record(cell, outcome, call_times):
    """The simulated run as a harness record (the fields summarize() reads)."""
    times = outcome["times_ns"]
    close_ns = times["client_closed"]
    if close_ns is None:
        raise RuntimeError(f"{cell['cell']}: the simulated client never closed")
    end = outcome["app_end"]
    stop = observation_stop(cell["server"], close_ns, end["t_ns"], end["how"])

    def rel(t_ns):
        return (t_ns - close_ns) / NS

    sends = []
    for s, call_ns in zip(outcome["sends"], call_times):
        if s["t_ns"] >= stop:
            continue
        rec = {"type": s["message"].split(" ", 1)[0],
               "t_call_rel": rel(min(call_ns, s["t_ns"])), "t_rel": rel(s["t_ns"])}
        if "raised" in s:
            mro = list(s["raised"]["mro"])
            if mro[-1:] != ["object"]:
                mro.append("object")  # the harness records type(e).__mro__
            rec.update(outcome="raised", exc=s["raised"]["type"], mro=mro,
                       text=s["raised"]["message"])
        else:
            rec["outcome"] = "ok"  # returned, a result or a future
        sends.append(rec)
    receives = []
    for r in outcome["receives"]:
        if r["t_ns"] >= stop:
            continue
        rec = {"result": _receive_result(r["message"]), "t_rel": rel(r["t_ns"])}
        if "code" in r:
            rec["code"] = r["code"]
        receives.append(rec)
    if end["how"] == "running" or end["t_ns"] is None or end["t_ns"] >= stop:
        app_end = {"how": "running"}
    else:
        app_end = {"how": end["how"], "t_rel": rel(end["t_ns"])}
        if end["how"] == "raised":
            app_end["exc"] = end["exception"]["type"]
    logs = [{"level": l["level"], "logger": l["logger"], "text": l["text"]}
            for l in outcome["logs"]
            if l["level"] in rc.WARNING_LEVELS and l["t_ns"] < stop]
    return {"sends": sends, "receives": receives, "app_end": app_end,
            "logs": logs, "stop_rel": rel(stop)}


def simulate(hangup, cell):
    spec = (f"server={cell['server']},app={cell['app']},"
            f"client={cell['client']},linger={LINGER}")
    out = json.loads(run_hangup(hangup, spec, json_out=True))
    outcome = out["outcome"]
    calls = send_call_times(parse_timeline(run_hangup(hangup, spec, json_out=False)),
                            len(outcome["sends"]))
    record = sim_record(cell, outcome, calls)
    record["summary"] = dict(rc.summarize(record, 0.0), **extra_summary(record))
    record["token"] = out["token"]
    record["verdict"] = out["verdict"]
    return record


# ------------------------------------------------------------ comparison

def compare_cells(observed, hangup):
    """One row per cell: real and simulated summaries and the differing keys."""
    real = {r["cell"]: r for r in observed}
    rows = []
    for cell in rc.all_cells():
        rec = real.get(cell["cell"])
        row = dict(cell, real=None, sim=None, differ=[], error=None)
        if rec is None or rec.get("summary") is None:
            row["error"] = ("not in observed.json" if rec is None else
                            f"real run failed: {rec.get('error')}")
        else:
            row["real"] = dict(rec["summary"], **extra_summary(rec))
        try:
            sim = simulate(hangup, cell)
            row["sim"] = sim["summary"]
            row["token"] = sim["token"]
            row["sim_record"] = {k: sim[k] for k in
                                 ("sends", "receives", "app_end", "logs", "stop_rel")}
        except (RuntimeError, subprocess.TimeoutExpired, json.JSONDecodeError) as exc:
            row["error"] = f"simulator: {exc}"
        if row["real"] is not None and row["sim"] is not None:
            row["differ"] = [k for k in ALL_KEYS if row["real"][k] != row["sim"][k]]
        rows.append(row)
    return rows


def classify(rows):
    """Marks each difference known or not; returns the stale allow entries."""
    used = set()
    for row in rows:
        row["known"], row["unknown"] = {}, []
        for key in row["differ"]:
            for i, entry in enumerate(KNOWN_DIFFERENCES):
                if (entry["cell"] == row["cell"] and entry["key"] == key
                        and entry["observed"] == row["real"][key]
                        and entry["predicted"] == row["sim"][key]):
                    row["known"][key] = entry
                    used.add(i)
                    break
            else:
                row["unknown"].append(key)
    return [e for i, e in enumerate(KNOWN_DIFFERENCES) if i not in used]


# ------------------------------------------------------------ the document

def fmt(key, value):
    if value is None:
        return "null"
    if key == "send_after_close_mro":
        return " > ".join(value)
    if key == "raised_mros":
        return "; ".join(" > ".join(m) for m in value) if value else "[]"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) if value else "[]"
    return str(value)


def _cell_md(text):
    return text.replace("|", "\\|")


def verdict(row):
    if row["error"]:
        return "ERROR"
    if row["unknown"]:
        return "**DIFFER**"
    if row["known"]:
        return "known difference"
    return "agree"


def render(rows, stale):
    n = len(rows)
    agree = sum(1 for r in rows if verdict(r) == "agree")
    known = sum(1 for r in rows if verdict(r) == "known difference")
    unknown = sum(1 for r in rows if verdict(r) == "**DIFFER**")
    errors = sum(1 for r in rows if r["error"])
    keys_total = sum(len(ALL_KEYS) for r in rows if not r["error"])
    keys_agree = sum(len(ALL_KEYS) - len(r["differ"])
                     for r in rows if not r["error"])
    out = []
    w = out.append
    w("# Fidelity: real servers vs. the simulator's presets")
    w("")
    w("Generated by `tests/conformance/compare.py` (ctest label `conformance`, "
      "which fails when this file differs from what it generates); do not edit by "
      "hand, regenerate with `tests/conformance/run_suite.sh --update`.")
    w("")
    w(f"- **Cells:** {n}. **Agree:** {agree}. **Known differences:** {known}. "
      f"**Unexplained differences:** {unknown}. **Errors:** {errors}.")
    w(f"- **Keys:** {keys_agree} of {keys_total} agree.")
    # No path here: the document is compared with the tracked docs/fidelity.md,
    # so it must not depend on where the build or output directory is.
    w("- **Real side:** `observed.json` in the suite's output directory, from "
      "`tests/conformance/run_conformance.py` (Debian 12 packages: uvicorn 0.17.6, "
      "hypercorn 0.13.2, daphne 4.0.0, on 127.0.0.1).")
    w(f"- **Simulated side:** `hangup run --json --tape={TAPE} "
      f"--scenario=server=S,app=A,client=C,linger={LINGER}` — the interleaving where "
      "every choice is 0, so the close is noticed at once, as on loopback.")
    w("")
    w("## How the two sides are compared")
    w("")
    w("The simulator's outcome record is turned into a harness record and summarized "
      "by the harness's own `summarize()`, so every key has one definition (see "
      "`tests/conformance/README.md`). Two things are emulated so that both sides "
      "measure the same thing:")
    w("")
    w("- **Observation window.** The harness stops observing 1.5 s after the app "
      "ended (or, on servers without a watchdog, after its script returned and its "
      "30 s tail began), and at the latest 6 s (daphne: 13.5 s) after the client's "
      "close; what happens later is not seen. The simulated run is cut at the same "
      "point: later sends, receives and logs are dropped, and an app that ends later "
      "is `running`.")
    w("- **Call time of a send.** The harness classifies a send as after the close "
      "by its *call* time; the simulator stamps it when it returns. The call time is "
      "recovered from the run's timeline (the first event of the app's task after its "
      "previous send or receive).")
    w("")
    w("Timing-dependent counts are compared as classes: `sends_ok_after_close` is "
      "`none`, `some` or `all`, `send_outcomes` collapses repeated outcomes, and the "
      "cancel time is a 2-s bucket. The simulated apps send every 10 ms where the real "
      "ones send every 50 ms, and the simulated clients read one message before they "
      "close where the real ones may read two; no key depends on that. Exception and "
      "log texts are not compared: the simulator abbreviates reprs (`Event "
      "Message(...)`, `<Task pending>`); both are kept for reading, the real ones in "
      "`observed.json` and the simulated ones (with each cell's replay token) in "
      "`fidelity.json`, next to it.")
    w("")
    w("## Coverage")
    w("")
    w("Each item runs on every HTTP preset (uvicorn 0.17.6 with h11 and with httptools, "
      "hypercorn 0.13.2, daphne 4.0.0) or every WebSocket preset (uvicorn 0.17.6 with "
      "websockets and with wsproto, hypercorn 0.13.2, daphne 4.0.0).")
    w("")
    w("| what | kind | cells (app / client) | agree |")
    w("|---|---|---|---|")
    by_cell = {r["cell"]: r for r in rows}
    for what, kind, pairs in COVERAGE:
        names = [f"{s}/{a}/{c}" for a, c in pairs for s in REQUIRED_PRESETS[kind]]
        ok = sum(1 for nm in names if nm in by_cell and verdict(by_cell[nm]) == "agree")
        w(f"| {what} | {'HTTP' if kind == 'http' else 'WebSocket'} | "
          + ", ".join(f"`{a}` / `{c}`" for a, c in pairs) + f" | {ok} of {len(names)} |")
    w("")
    w("## Cells")
    w("")
    w("Each key shows one value where both sides agree, and `real` / `sim` where "
      "they differ (marked ✗, or ≈ for a known difference).")
    w("")
    for title, keys, note in (
            ("Summary keys", rc.SUMMARY_KEYS,
             "The harness's `summary`, defined in `tests/conformance/README.md`."),
            ("Extra keys", EXTRA_KEYS,
             "Computed by `extra_summary()` in `compare.py` from both records: every "
             "send's outcome in order, with runs collapsed and split by its call time "
             "before or after the client's close (`send_outcomes`); the MRO of every "
             "exception a send raised (`raised_mros`); the code of every "
             "`websocket.disconnect` (`disconnect_codes`); the level and logger of "
             "every record at WARNING or above (`log_records`).")):
        w(f"### {title}")
        w("")
        w(note)
        w("")
        header = ["cell", "verdict"] + keys
        w("| " + " | ".join(header) + " |")
        w("|" + "---|" * len(header))
        for row in rows:
            cells = [f"`{row['cell']}`", verdict(row)]
            if row["error"]:
                cells += [_cell_md(row["error"])] + [""] * (len(keys) - 1)
            else:
                for key in keys:
                    real, sim = fmt(key, row["real"][key]), fmt(key, row["sim"][key])
                    if key not in row["differ"]:
                        cells.append(_cell_md(real))
                    else:
                        mark = "≈" if key in row["known"] else "✗"
                        cells.append(_cell_md(f"{mark} real: {real}; sim: {sim}"))
            w("| " + " | ".join(cells) + " |")
        w("")
    w("## Known differences")
    w("")
    if not KNOWN_DIFFERENCES:
        w("None. Every difference is either fixed in the presets or listed under "
          "Unexplained differences, which fail the suite.")
    else:
        w("From `KNOWN_DIFFERENCES` in `tests/conformance/compare.py`. Each entry names "
          "the exact real and simulated values, so a change on either side shows up.")
        w("")
        w("| cell | key | real | sim | why |")
        w("|---|---|---|---|---|")
        for e in KNOWN_DIFFERENCES:
            w(f"| `{e['cell']}` | {e['key']} | {_cell_md(fmt(e['key'], e['observed']))} "
              f"| {_cell_md(fmt(e['key'], e['predicted']))} | {_cell_md(e['why'])} |")
    w("")
    unexplained = [(r, k) for r in rows for k in r["unknown"]]
    if unexplained or stale:
        w("## Unexplained differences")
        w("")
        for r, k in unexplained:
            w(f"- `{r['cell']}` {k}: real {fmt(k, r['real'][k])}; "
              f"sim {fmt(k, r['sim'][k])}")
        for e in stale:
            w(f"- stale allow-list entry (no longer a difference): `{e['cell']}` "
              f"{e['key']}")
        w("")
    return "\n".join(out)


# ------------------------------------------------------------ main

def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--observed", help="observed.json of a harness run "
                        "(default: run the harness into --out)")
    parser.add_argument("--out", default=os.path.join(REPO, "build", "conformance"))
    parser.add_argument("--jobs", type=int, default=8,
                        help="harness parallelism when it is run")
    parser.add_argument("--hangup", default=os.path.join(REPO, "build", "gcc", "cli",
                                                         "hangup"))
    parser.add_argument("--doc", help="where to write the document (default: "
                        "fidelity.md in --out; run_suite.sh compares it with "
                        "docs/fidelity.md)")
    args = parser.parse_args(argv)
    if args.doc is None:
        args.doc = os.path.join(args.out, "fidelity.md")

    if not os.access(args.hangup, os.X_OK):
        print(f"compare.py: no simulator binary at {args.hangup} "
              "(scripts/build.sh gcc, or --hangup)", file=sys.stderr)
        return 2
    observed_path = args.observed
    if observed_path is None:
        status = rc.main(["--out", args.out, "--jobs", str(args.jobs)])
        if status != 0:
            print("compare.py: the harness did not run every cell", file=sys.stderr)
            return 2
        observed_path = os.path.join(args.out, "observed.json")
    with open(observed_path) as f:
        observed = json.load(f)

    gaps = coverage_gaps()
    if gaps:
        print("compare.py: the cell table misses required cells: " + ", ".join(gaps),
              file=sys.stderr)
        return 2
    rows = compare_cells(observed, args.hangup)
    stale = classify(rows)
    doc = render(rows, stale)
    os.makedirs(os.path.dirname(os.path.abspath(args.doc)), exist_ok=True)
    with open(args.doc, "w") as f:
        f.write(doc + "\n")
    if args.out:
        os.makedirs(args.out, exist_ok=True)
        with open(os.path.join(args.out, "fidelity.json"), "w") as f:
            json.dump(rows, f, indent=1, default=str)

    bad = 0
    for row in rows:
        if row["error"]:
            bad += 1
            print(f"ERROR {row['cell']}: {row['error']}")
        for key in row["unknown"]:
            bad += 1
            print(f"DIFFER {row['cell']} {key}: real={json.dumps(row['real'][key])} "
                  f"sim={json.dumps(row['sim'][key])}")
        for key, entry in row["known"].items():
            print(f"known  {row['cell']} {key}: real={json.dumps(row['real'][key])} "
                  f"sim={json.dumps(row['sim'][key])}")
    for e in stale:
        bad += 1
        print(f"STALE  allow-list entry {e['cell']} {e['key']}: no such difference")
    agree = sum(1 for r in rows if verdict(r) == "agree")
    print(f"{agree} of {len(rows)} cells agree; {bad} problem(s); wrote {args.doc}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
