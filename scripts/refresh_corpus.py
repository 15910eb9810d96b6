#!/usr/bin/env python3
"""Regenerates corpus/*.json from the bug table below and prints the README's
table of executions needed per bug.

For each bug: `hangup explore` on its scenario (default strategy: random,
seed 0, restricted to the bug's property) finds the violation from scratch;
the shrunk tape, the trace hash and how many executions it took go into the
corpus file. The fixed version, where one exists, must not break the property
on the same tape; the script stops with an error otherwise.

It works from the repository root whatever the current directory (a relative
--hangup is taken from the current directory). Each file's found_by is
{"strategy", "seed", "executions", "unshrunk_tape_bytes"}, as `hangup explore
--out` writes it (docs/corpus-format.md).

Usage: scripts/refresh_corpus.py [--hangup build/gcc/cli/hangup] [--table-only]
"""
import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REF = "shared/reference/asgi-send-disconnect.md"

# name, title, link, affected, fixed, scenario, property, signature, fixed scenario
BUGS = [
    ("uvicorn-997-wsproto-fin-no-disconnect",
     "websocket.disconnect events are not sent to applications when clients don't close "
     "connections properly (wsproto only)",
     "https://github.com/encode/uvicorn/issues/997",
     "uvicorn < 0.20.0 (Debian 12: 0.17.6)", "uvicorn 0.20.0 (encode/uvicorn#996)",
     "server=uvicorn-0.17.6-wsproto,app=ws-close-on-disconnect,client=ws-fin",
     "disconnect-delivery", "never",
     "server=uvicorn-0.51-wsproto,app=ws-close-on-disconnect,client=ws-fin"),
    ("asgiref-405-websockets-connectionclosedok",
     "Behavior on WebSocket.Send on disconnection: websockets' ConnectionClosedOK reaches the app",
     "https://github.com/django/asgiref/issues/405",
     "uvicorn < 0.27.0 with websockets (Debian 12: 0.17.6)",
     "uvicorn 0.27.0 (encode/uvicorn#2218: ClientDisconnected); spec 2.4",
     "server=uvicorn-0.17.6-websockets,app=ws-push,client=ws-close-1000",
     "foreign-exception", "ConnectionClosedOK: received N (OK); then sent N (OK)",
     "server=uvicorn-0.51-sansio,app=ws-push,client=ws-close-1000"),
    ("uvicorn-757-connectionclosederror",
     "ConnectionClosedError raised from websockets library",
     "https://github.com/encode/uvicorn/issues/757",
     "uvicorn < 0.27.0 with websockets (Debian 12: 0.17.6)", "uvicorn 0.27.0 (encode/uvicorn#2218)",
     "server=uvicorn-0.17.6-websockets,app=ws-push,client=ws-fin",
     "foreign-exception", "ConnectionClosedError: no close frame received or sent",
     "server=uvicorn-0.51-sansio,app=ws-push,client=ws-fin"),
    ("uvicorn-378-wsproto-localprotocolerror",
     "wsproto's LocalProtocolError reaches the app on send after the client's close",
     "https://github.com/encode/uvicorn/issues/378",
     "uvicorn < 0.27.0 with wsproto (Debian 12: 0.17.6)", "uvicorn 0.27.0 (encode/uvicorn#2218)",
     "server=uvicorn-0.17.6-wsproto,app=ws-push,client=ws-close-1000",
     "foreign-exception",
     "LocalProtocolError: Event Message(...) cannot be sent in state ConnectionState.CLOSED.",
     "server=uvicorn-0.51-wsproto,app=ws-push,client=ws-close-1000"),
    ("fastapi-2370-send-after-close-blame",
     "RuntimeError: Unexpected ASGI message 'websocket.send', after sending 'websocket.close'",
     "https://github.com/fastapi/fastapi/issues/2370",
     "uvicorn's websockets implementation (Debian 12: 0.17.6)",
     "uvicorn's sans-I/O implementation has no such flag (0.50.0 default)",
     "server=uvicorn-0.17.6-websockets,app=ws-reader-producer,client=ws-close-1000",
     "invalid-transition", "blames-app-for-close",
     "server=uvicorn-0.51-sansio,app=ws-reader-producer,client=ws-close-1000"),
    ("nicegui-1467-close-after-disconnect",
     "Unexpected ASGI message 'websocket.close', after sending 'websocket.close'",
     "https://github.com/zauberzeug/nicegui/issues/1467",
     "uvicorn's websockets implementation (Debian 12: 0.17.6)", "apps guard; uvicorn sans-I/O 0.42.0",
     "server=uvicorn-0.17.6-websockets,app=ws-close-on-disconnect,client=ws-close-1000",
     "invalid-transition", "blames-app-for-close",
     "server=uvicorn-0.51-sansio,app=ws-close-on-disconnect,client=ws-close-1000"),
    ("uvicorn-2271-exceptiongroup-error-log",
     "await request.is_disconnected() brings up large ClientDisconnected error in Uvicorn v0.28.0",
     "https://github.com/encode/uvicorn/issues/2271",
     "uvicorn 0.28.0", "uvicorn 0.28.1 (encode/uvicorn#2276, revert)",
     "server=uvicorn-0.28.0,app=stream-taskgroup,client=http-close-at-random",
     "error-log", "",
     "server=uvicorn-0.51-h11,app=stream-taskgroup,client=http-close-at-random"),
    ("uvicorn-1480-uvloop-closed-transport",
     "Exception in ASGI application: RuntimeError: unable to perform operation on "
     "<TCPTransport closed=True>; the handler is closed",
     "https://github.com/encode/uvicorn/issues/1480",
     "uvicorn wsproto implementation on uvloop (Debian 12: 0.17.6, accept unguarded)", "",
     "server=uvicorn-0.17.6-wsproto,app=ws-slow-accept,client=ws-rst-before-accept",
     "foreign-exception",
     "RuntimeError: unable to perform operation on <TCPTransport closed=True reading=False>; "
     "the handler is closed",
     ""),
    ("hypercorn-50-fin-no-disconnect",
     "Bugfix ensure that closed is sent on reading end (no http.disconnect after a clean FIN)",
     "https://github.com/pgjones/hypercorn/issues/50",
     "hypercorn < 0.14.4 (Debian 12: 0.13.2)", "hypercorn 0.14.4 (commit 8a3e512, PR #121)",
     "server=hypercorn-0.13.2,app=long-poll,client=http-fin-after-1",
     "disconnect-delivery", "never",
     "server=hypercorn-0.18.0,app=long-poll,client=http-fin-after-1"),
    ("hypercorn-177-second-close-localprotocolerror",
     "Servercrash with autobahn testcase 7.1.6: LocalProtocolError on send after close "
     "(Debian variant: a second websocket.close)",
     "https://github.com/pgjones/hypercorn/issues/177",
     "hypercorn < 0.16.0 (Debian 12: 0.13.2)", "hypercorn 0.16.0 (0bb4fb9)",
     "server=hypercorn-0.13.2,app=ws-close-then-send,client=ws-normal",
     "invalid-transition", "second-close-raised",
     "server=hypercorn-0.18.0,app=ws-close-then-send,client=ws-normal"),
    ("starlette-1438-background-cancelled",
     "Background tasks are cancelled if the client closes connection",
     "https://github.com/encode/starlette/issues/1438",
     "Starlette < 0.21.0 BaseHTTPMiddleware", "Starlette 0.21.0 (encode/starlette#1715)",
     "server=uvicorn-0.17.6-h11,mw=base-http-0.20,app=cleanup-background,client=http-fin-after-5",
     "background-work", "cancelled",
     "server=uvicorn-0.17.6-h11,mw=base-http,app=cleanup-background,client=http-fin-after-5"),
    ("starlette-919-final-body-waits-for-background",
     "Background tasks don't work with middleware that subclasses BaseHTTPMiddleware",
     "https://github.com/encode/starlette/issues/919",
     "Starlette < 0.29.0 BaseHTTPMiddleware (Debian 12: 0.26.1)",
     "Starlette 0.29.0 (encode/starlette#2194)",
     "server=uvicorn-0.17.6-h11,mw=base-http,app=cleanup-background,client=http-full",
     "middleware-transparency", "", ""),
    ("starlette-2094-is-disconnected-under-basehttpmiddleware",
     "request.is_disconnected() never sees the disconnect under BaseHTTPMiddleware",
     "https://github.com/encode/starlette/discussions/2094",
     "Starlette >= 0.21.0 BaseHTTPMiddleware (Debian 12: 0.26.1); vllm-project/vllm#10087", "",
     "server=uvicorn-0.17.6-h11,mw=base-http,app=disconnect-poller,client=http-close-at-random",
     "middleware-transparency", "disconnect-observability", ""),
    ("granian-412-cleanup-not-run",
     "Clean-up code is not executed in some cases with streaming responses if client cancels "
     "the request",
     "https://github.com/emmett-framework/granian/issues/412",
     "granian 2.x", "",
     "server=granian-2.8,app=sse-idle,client=http-fin-after-1",
     "zombie", "running", ""),
    ("daphne-533-killed-post-response",
     "Application instance took too long to shut down and was killed (post-response work)",
     "https://github.com/django/daphne/issues/533",
     "daphne 4.0.0 to 4.2.2", "",
     "server=daphne-4.0.0,app=cleanup-background,client=http-full",
     "background-work", "killed-by-watchdog", ""),
    ("daphne-ws-disconnected-window",
     "autobahn's Disconnected leaks from send() between a client close frame and onClose "
     "(ref §2.2 daphne row)",
     REF + " §2.2 (daphne 4.0.0 row); docs/servers/daphne-4.0.0.md",
     "daphne 4.0.0 to 4.2.2", "",
     "server=daphne-4.0.0,app=ws-tight-push,client=ws-close-1000",
     "foreign-exception", "Disconnected: Attempt to send on a closed protocol", ""),
    ("hypercorn-ws-close-code-1006",
     "a clean client close 1000 is reported to the app as 1006 (ref §2.2, property 9)",
     REF + " §2.2 (hypercorn rows)",
     "hypercorn 0.13.2 to 0.18.0", "",
     "server=hypercorn-0.13.2,app=ws-close-on-disconnect,client=ws-close-1000",
     "close-code", "1006-for-1000", ""),
    ("uvicorn-wsproto-rst-disconnect-without-code",
     "websocket.disconnect without a code key after an RST (ref §2.2, property 9)",
     REF + " §2.2 (uvicorn 0.17.6 wsproto row)",
     "uvicorn < 0.20.0 with wsproto (Debian 12: 0.17.6)", "uvicorn 0.20.0",
     "server=uvicorn-0.17.6-wsproto,app=ws-close-on-disconnect,client=ws-rst",
     "close-code", "missing",
     "server=uvicorn-0.51-wsproto,app=ws-close-on-disconnect,client=ws-rst"),
    ("uvicorn-wsproto-drain-never-released",
     "a send paused by flow control is never released when the connection is lost "
     "(ref property 5; seen on 0.17.6 by tests/conformance/probes.py)",
     REF + " §4 property 5; docs/servers/uvicorn-0.17.6.md §3",
     "uvicorn wsproto implementation (0.17.6; current by code reading)", "",
     "server=uvicorn-0.17.6-wsproto,app=ws-bulk-push,client=ws-stall-then-rst",
     "send-blocks", "blocked", ""),
]


def run(hangup, args):
    p = subprocess.run([hangup] + args, capture_output=True, text=True, timeout=600)
    return p.returncode, p.stdout, p.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hangup", help="default: build/gcc/cli/hangup in the repository")
    ap.add_argument("--runs", type=int, default=10000)
    ap.add_argument("--table-only", action="store_true")
    args = ap.parse_args()
    args.hangup = (os.path.abspath(args.hangup) if args.hangup
                   else os.path.join(ROOT, "build", "gcc", "cli", "hangup"))
    os.chdir(ROOT)  # corpus/ paths below are relative to the repository
    rows = []
    for (name, title, link, affected, fixed, scenario, prop, sig, fixed_scenario) in BUGS:
        rc, out, err = run(args.hangup, ["explore", "--scenario=" + scenario, "--properties=" + prop,
                                         "--runs=%d" % args.runs, "--json", "--jobs=1"])
        if rc not in (0, 1):
            sys.exit("%s: explore failed: %s" % (name, err))
        result = json.loads(out)
        found = [f for f in result["findings"] if f["property"] == prop and (not sig or f["signature"] == sig)]
        if not found:
            sys.exit("%s: %s [%s] not found within %d executions" % (name, prop, sig, args.runs))
        f = min(found, key=lambda f: f["run"])
        rows.append((name, prop, f["signature"], f["run"] + 1, f["unshrunk_tape_bytes"], f["tape_bytes"]))
        if args.table_only:
            continue
        entry = {
            "format": "hangup-corpus/1",
            "name": name,
            "title": title,
            "link": link,
            "affected": affected,
        }
        if fixed:
            entry["fixed"] = fixed
        entry.update({
            "scenario": scenario,
            "tape": f["tape"],
            "expect": {"property": prop, "signature": f["signature"]},
            "trace_hash": f["trace_hash"],
        })
        if fixed_scenario:
            entry["fixed_scenario"] = fixed_scenario
        entry["found_by"] = {"strategy": "random", "seed": 0, "executions": f["run"] + 1,
                             "unshrunk_tape_bytes": f["unshrunk_tape_bytes"]}
        path = os.path.join("corpus", name + ".json")
        with open(path + ".tmp", "w") as fh:
            json.dump(entry, fh, indent=2)
            fh.write("\n")
        os.replace(path + ".tmp", path)
        rc, out, err = run(args.hangup, ["replay", path])
        if rc != 0:
            sys.exit("%s: replay does not give the expected verdict:\n%s%s" % (name, out[-2000:], err))
    print("| corpus file | property [signature] | executions to find | tape bytes (unshrunk -> shrunk) |")
    print("|---|---|---|---|")
    for (name, prop, sig, runs, unshrunk, shrunk) in rows:
        print("| `%s` | %s [%s] | %d | %d -> %d |" % (name, prop, sig, runs, unshrunk, shrunk))


if __name__ == "__main__":
    main()
