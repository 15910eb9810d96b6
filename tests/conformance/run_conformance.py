#!/usr/bin/python3
"""Real-server conformance harness for hangup's server models.

Runs uvicorn 0.17.6, hypercorn 0.13.2 and daphne 4.0.0 (Debian 12 packages,
/usr/bin/python3) on 127.0.0.1, one server process per cell, serves the
instrumented apps of conformance_apps.py, drives them with the raw-socket
clients of clients.py, and writes what the app observed as normalized JSON
(`observed.json`). It does not judge: comparing with the simulator is a
separate step.

  tests/conformance/run_conformance.py [--out DIR] [--only SUBSTRING]
                                       [--jobs N] [--list] [--compare JSON]

Exit status: 0 when every selected cell ran, 1 otherwise.
"""

import argparse
import concurrent.futures
import json
import os
import socket
import subprocess
import sys
import threading
import time

import clients
import refs

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
PYTHON = "/usr/bin/python3"  # the interpreter that has the Debian packages
HOST = "127.0.0.1"
APP = "conformance_apps:app"

PORT_WAIT_S = 10.0  # bound on server start-up
STOP_BOUND_S = 1.5  # terminate, then kill after this
LOG_GRACE_S = 1.5  # keep observing after the app is done, for late logs
POLL_S = 0.1
TAIL_S = 30.0  # apps linger this long after their script (see apps module)
WINDOW_S = 6.0  # observation after the client's close, servers w/o watchdog
WATCHDOG_WINDOW_S = 13.5  # daphne: application_checker kills at 10-11 s


def _uvicorn(http="auto", ws="auto"):
    return lambda port: ["uvicorn", APP, "--host", HOST, "--port", str(port),
                         "--http", http, "--ws", ws]


SERVERS = {
    # name: (argv after `python -m`, given the port; has a kill watchdog)
    "uvicorn-0.17.6-h11": (_uvicorn(http="h11"), False),
    "uvicorn-0.17.6-httptools": (_uvicorn(http="httptools"), False),
    "uvicorn-0.17.6-websockets": (_uvicorn(ws="websockets"), False),
    "uvicorn-0.17.6-wsproto": (_uvicorn(ws="wsproto"), False),
    "hypercorn-0.13.2": (
        lambda port: ["hypercorn", APP, "--bind", f"{HOST}:{port}",
                      "--worker-class", "asyncio"], False),
    "daphne-4.0.0": (
        lambda port: ["daphne", "-b", HOST, "-p", str(port), APP], True),
}

HTTP_SERVERS = ["uvicorn-0.17.6-h11", "uvicorn-0.17.6-httptools",
                "hypercorn-0.13.2", "daphne-4.0.0"]
WS_SERVERS = ["uvicorn-0.17.6-websockets", "uvicorn-0.17.6-wsproto",
              "hypercorn-0.13.2", "daphne-4.0.0"]

# The cell table: (app, client, servers). A cell is server/app/client. An
# app or client may carry parameters, written as the simulator's canonical
# reference (`name:k=v;k=v`, see refs.py); ',' would split the scenario.
CELL_TABLE = [
    ("sse-stream", "http-fin-after-1", HTTP_SERVERS),
    ("sse-stream", "http-rst-after-1", HTTP_SERVERS),
    ("stream-with-listener", "http-fin-after-1", HTTP_SERVERS),
    ("stream-with-listener", "http-rst-after-1", HTTP_SERVERS),
    ("send-after-complete", "http-full", HTTP_SERVERS),
    ("receive-after-disconnect", "http-fin-after-request", HTTP_SERVERS),
    ("receive-after-disconnect", "http-rst-after-1", HTTP_SERVERS),
    ("sse-stream", "http-slow-then-rst:chunks=1;gap=100ms", HTTP_SERVERS),
    ("ws-push", "ws-close-1000", WS_SERVERS),
    ("ws-push", "ws-fin", WS_SERVERS),
    ("ws-push", "ws-rst", WS_SERVERS),
    ("ws-close-then-send", "ws-normal", WS_SERVERS),
    ("ws-close-then-send:delay=300ms", "ws-normal", WS_SERVERS),
    ("ws-receive-after-close", "ws-close-1000", WS_SERVERS),
    ("ws-receive-after-close", "ws-close-1000:code=4001;reason=bye", WS_SERVERS),
    ("ws-receive-after-close", "ws-fin", WS_SERVERS),
    ("ws-receive-after-close", "ws-rst", WS_SERVERS),
]

SUMMARY_KEYS = ["first_send_after_close", "send_after_close_mro",
                "sends_ok_after_close", "receives_after_close",
                "disconnect_code", "app_end", "cancel_after_s_class",
                "log_levels"]
WARNING_LEVELS = {"WARNING", "ERROR", "CRITICAL"}
# Receive results that are not about the disconnect: the request phase can
# return after a fast client's close (hypercorn starts the listener late).
REQUEST_PHASE = {"http.request", "websocket.connect", "raised"}


def all_cells():
    cells = []
    for app, client, servers in CELL_TABLE:
        for server in servers:
            cells.append({"cell": f"{server}/{app}/{client}", "server": server,
                          "app": app, "client": client})
    return cells


# ------------------------------------------------------------ processes

_live = {}  # pid -> Popen, for cleanup on interrupt
_live_lock = threading.Lock()


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_port(port, proc):
    deadline = time.monotonic() + PORT_WAIT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def start_server(server, port, cell_dir):
    argv_fn, _ = SERVERS[server]
    argv = [PYTHON, os.path.join(HERE, "launch_server.py"), *argv_fn(port)]
    env = dict(os.environ,
               PYTHONPATH=HERE,
               PYTHONDONTWRITEBYTECODE="1",
               HANGUP_RECORD=os.path.join(cell_dir, "app.jsonl"),
               HANGUP_SERVER_LOG=os.path.join(cell_dir, "server_log.jsonl"),
               HANGUP_TAIL_S=str(TAIL_S))
    out = open(os.path.join(cell_dir, "server.out"), "wb")
    proc = subprocess.Popen(argv, cwd=HERE, env=env, stdin=subprocess.DEVNULL,
                            stdout=out, stderr=subprocess.STDOUT)
    out.close()
    with _live_lock:
        _live[proc.pid] = proc
    return proc, argv


def stop_server(proc):
    """Terminates the server by its pid, then kills it after a bound."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(STOP_BOUND_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
    with _live_lock:
        _live.pop(proc.pid, None)


def kill_leftovers():
    with _live_lock:
        procs = list(_live.values())
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait(5)


# ------------------------------------------------------------ recording

def read_jsonl(path):
    try:
        with open(path) as f:
            lines = f.read().splitlines()
    except FileNotFoundError:
        return []
    out = []
    for line in lines:
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            pass  # a line cut by a kill; everything before it is intact
    return out


def app_events(cell_dir, app):
    return [e for e in read_jsonl(os.path.join(cell_dir, "app.jsonl"))
            if e.get("app") == app]


def observe(cell, cell_dir, proc, t_close):
    """Polls the app record until the app is done (+grace) or the window ends."""
    watchdog = SERVERS[cell["server"]][1]
    window_end = t_close + (WATCHDOG_WINDOW_S if watchdog else WINDOW_S)
    grace_end = None
    while time.monotonic() < window_end and proc.poll() is None:
        kinds = {e["ev"] for e in app_events(cell_dir, cell["app"])}
        done = "end" in kinds or (not watchdog and "script_done" in kinds)
        if done and grace_end is None:
            grace_end = time.monotonic() + LOG_GRACE_S
        if grace_end is not None and time.monotonic() >= grace_end:
            break
        time.sleep(POLL_S)


def run_cell(cell, out_dir):
    cell_dir = os.path.join(out_dir, "cells", cell["cell"].replace("/", "__"))
    os.makedirs(cell_dir, exist_ok=True)
    for name in ("app.jsonl", "server_log.jsonl", "server.out"):
        if os.path.exists(os.path.join(cell_dir, name)):
            os.remove(os.path.join(cell_dir, name))
    port = free_port()
    t_start = time.monotonic()
    proc, argv = start_server(cell["server"], port, cell_dir)
    record = dict(cell, argv=argv[1:], error=None)
    try:
        if not wait_port(port, proc):
            record["error"] = f"server did not accept on port {port}"
            return finish_record(record, cell_dir, None, time.monotonic())
        try:
            got = clients.run(cell["client"], HOST, port, refs.url_path(cell["app"]))
        except Exception as exc:  # the cell ran, but the client broke
            record["error"] = f"client: {type(exc).__name__}: {exc}"
            return finish_record(record, cell_dir, None, time.monotonic())
        observe(cell, cell_dir, proc, got["t_close"])
        t_stop = time.monotonic()
    finally:
        stop_server(proc)
    record["wall_s"] = round(time.monotonic() - t_start, 2)
    return finish_record(record, cell_dir, got, t_stop)


def _rel(t, t0):
    return None if t is None or t0 is None else round(t - t0, 6)


def finish_record(record, cell_dir, got, t_stop):
    t_close = got["t_close"] if got else None
    events = [e for e in app_events(cell_dir, record["app"]) if e["t"] < t_stop]
    start = next((e for e in events if e["ev"] == "start"), {})
    record["loop"] = start.get("loop")
    record["scope_asgi"] = start.get("asgi")
    record["sends"] = [
        {k: v for k, v in dict(e, t_call_rel=_rel(e["t_call"], t_close),
                               t_rel=_rel(e["t"], t_close)).items()
         if k not in ("conn", "app", "ev", "t", "t_call")}
        for e in events if e["ev"] == "send"]
    record["receives"] = [
        {k: v for k, v in dict(e, t_call_rel=_rel(e["t_call"], t_close),
                               t_rel=_rel(e["t"], t_close)).items()
         if k not in ("conn", "app", "ev", "t", "t_call")}
        for e in events if e["ev"] == "receive"]
    record["other_events"] = [
        {k: v for k, v in dict(e, t_rel=_rel(e["t"], t_close)).items()
         if k not in ("conn", "app", "t")}
        for e in events if e["ev"] not in ("send", "receive", "start", "end")]
    end = next((e for e in events if e["ev"] == "end"), None)
    record["app_end"] = ({"how": "running"} if end is None else
                         {k: v for k, v in dict(end, t_rel=_rel(end["t"], t_close))
                          .items() if k not in ("conn", "app", "ev", "t")})
    logs = read_jsonl(os.path.join(cell_dir, "server_log.jsonl"))
    record["logs"] = [dict(level=l["level"], logger=l["logger"],
                           text=l["text"].split("\n")[0], exc=l["exc"],
                           exc_text=l["exc_text"], t_rel=_rel(l["t"], t_close))
                      for l in logs
                      if l["level"] in WARNING_LEVELS and l["t"] < t_stop]
    record["client_got"] = {k: v for k, v in (got or {}).items() if k != "t_close"}
    record["send_outcomes"] = [
        f"{s['type']}:{'ok' if s['outcome'] == 'ok' else s['exc']}"
        for s in record["sends"]]
    record["summary"] = summarize(record, t_close) if got else None
    return record


def _cancel_bucket(seconds):
    """2-s bucket of the cancel time, with 0.5 s tolerance below each edge.

    daphne cancels > 10 s after *its* disconnect stamp, which for HTTP can be
    the response's finish() a few ms before the client's close; so a real
    9.99 s (or a simulated 10.0 s) must land in "10-12", not "8-10".
    """
    low = int((seconds + 0.5) // 2) * 2
    return f"{low}-{low + 2}"


def summarize(record, t_close):
    """The normalized summary the simulator emits too (keys are fixed)."""
    after = [s for s in record["sends"] if s["t_call_rel"] >= 0]
    ok = [s for s in after if s["outcome"] == "ok"]
    raised = [s for s in after if s["outcome"] != "ok"]
    first = after[0] if after else None
    receives = [r for r in record["receives"]
                if r["t_rel"] >= 0 and r["result"] not in REQUEST_PHASE][:3]
    disconnects = [r for r in record["receives"]
                   if r["result"] == "websocket.disconnect"]
    end = record["app_end"]
    how = end["how"]
    return {
        "first_send_after_close": ("none" if first is None else
                                   "ok" if first["outcome"] == "ok" else first["exc"]),
        "send_after_close_mro": raised[0]["mro"] if raised else None,
        "sends_ok_after_close": ("none" if not ok else
                                 "all" if len(ok) == len(after) else "some"),
        "receives_after_close": [
            "blocked" if r["result"] in ("blocked", "cancelled") else r["result"]
            for r in receives],
        "disconnect_code": disconnects[0]["code"] if disconnects else None,
        "app_end": f"raised:{end['exc']}" if how == "raised" else how,
        "cancel_after_s_class": (_cancel_bucket(end["t_rel"])
                                 if how == "cancelled" else None),
        "log_levels": sorted({l["level"] for l in record["logs"]}),
    }


# ------------------------------------------------------------ reporting

def _short(summary):
    mro = summary["send_after_close_mro"]
    return [
        summary["first_send_after_close"],
        "-" if mro is None else ">".join(mro[:4]),
        summary["sends_ok_after_close"],
        ",".join(r.replace("websocket.", "ws.").replace("http.", "")
                 for r in summary["receives_after_close"]) or "-",
        str(summary["disconnect_code"]),
        summary["app_end"] + (f"@{summary['cancel_after_s_class']}"
                              if summary["cancel_after_s_class"] else ""),
        ",".join(summary["log_levels"]) or "-",
    ]


def print_table(records):
    header = ["cell", "first_send", "mro", "ok_after", "receives_after",
              "code", "app_end", "logs"]
    rows = [header]
    for r in records:
        rows.append([r["cell"]] + (_short(r["summary"]) if r["summary"]
                                   else [f"ERROR: {r['error']}"] + [""] * 6))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())


def compare(records, other_path):
    """Prints cells whose summary differs from a previous observed.json."""
    with open(other_path) as f:
        other = {r["cell"]: r.get("summary") for r in json.load(f)}
    differing = 0
    for r in records:
        if r["cell"] not in other:
            continue
        a, b = r["summary"], other[r["cell"]]
        keys = [k for k in SUMMARY_KEYS if (a or {}).get(k) != (b or {}).get(k)]
        if keys:
            differing += 1
            print(f"DIFF {r['cell']}:")
            for k in keys:
                print(f"    {k}: now={json.dumps((a or {}).get(k))} "
                      f"before={json.dumps((b or {}).get(k))}")
    print(f"{differing} of {len(records)} cells differ from {other_path}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(REPO, "build", "conformance"))
    parser.add_argument("--only", default="", help="run cells containing this")
    parser.add_argument("--jobs", type=int, default=6)
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--compare", help="a previous observed.json")
    args = parser.parse_args(argv)
    # The servers run in tests/conformance (cwd) and are handed log paths
    # under --out, so a relative --out would not resolve for them.
    args.out = os.path.abspath(args.out)

    cells = [c for c in all_cells() if args.only in c["cell"]]
    if args.list:
        for c in cells:
            print(c["cell"])
        return 0
    os.makedirs(args.out, exist_ok=True)
    # Longest cells (watchdog servers) first, to shorten the critical path.
    order = sorted(cells, key=lambda c: not SERVERS[c["server"]][1])
    t0 = time.monotonic()
    results = {}
    try:
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            futures = {pool.submit(run_cell, c, args.out): c for c in order}
            for fut in concurrent.futures.as_completed(futures):
                rec = fut.result()
                results[rec["cell"]] = rec
                print(f"[{len(results)}/{len(cells)}] {rec['cell']} "
                      f"({rec.get('wall_s', '?')} s){' ERROR' if rec['error'] else ''}",
                      file=sys.stderr)
    finally:
        kill_leftovers()
    records = [results[c["cell"]] for c in cells]
    path = os.path.join(args.out, "observed.json")
    with open(path, "w") as f:
        json.dump(records, f, indent=1)
    print_table(records)
    print(f"\n{len(records)} cells in {time.monotonic() - t0:.1f} s -> {path}")
    if args.compare:
        compare(records, args.compare)
    return 0 if all(r["error"] is None for r in records) else 1


if __name__ == "__main__":
    sys.exit(main())
