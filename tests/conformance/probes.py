#!/usr/bin/python3
"""Mechanism probes behind claims in docs/servers/*.md (not conformance cells).

  tests/conformance/probes.py [--only SUBSTRING]

Four probes, each run against the servers it concerns, printing one line per
run. The same module is the ASGI app the servers load (`probes:app`).

* flow-http / flow-ws: the app streams 64 KiB chunks to a client that never
  reads, so the server's write buffer passes its high-water mark and send()
  waits on flow control; after 1 s the client resets the connection (RST).
  Reports how many sends completed, whether the send pending at the RST
  returned, raised, or was still blocked 3 s later.
* tight-ws: the app sends a small message then `await asyncio.sleep(0)` in a
  loop, so it runs on every event-loop iteration; the client reads a few
  messages and sends a close frame (1000). Reports the outcome of every send
  after the close frame was sent, collapsed into runs (e.g. "ok*12
  Disconnected*1 ok*40"), to expose windows such as autobahn's
  state-CLOSED-before-onClose.
* checker-death (daphne): connection A's app starts a streamed response and
  raises while A is still connected; 2.5 s later connection B's app (a zombie
  that sleeps) loses its client. Reports whether B's app was cancelled within
  13 s, i.e. whether daphne's application_checker is still alive.
  checker-control is the same without connection A.
"""

import asyncio
import os
import sys
import time

CHUNK = b"x" * 65536


async def _flow(scope, receive, send, ws):
    log = []
    await receive()  # websocket.connect / http.request
    if ws:
        await send({"type": "websocket.accept"})
    else:
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/octet-stream")]})
    for i in range(2000):  # <= 128 MiB, far beyond any socket buffer
        t_call = time.monotonic()
        try:
            if ws:
                await send({"type": "websocket.send", "bytes": CHUNK})
            else:
                await send({"type": "http.response.body", "body": CHUNK,
                            "more_body": True})
        except BaseException as exc:
            log.append((i, t_call, time.monotonic(), type(exc).__name__))
            _report(scope, log)
            raise
        log.append((i, t_call, time.monotonic(), "ok"))
        _report(scope, log)


async def _tight(scope, receive, send):
    await receive()
    await send({"type": "websocket.accept"})
    outcomes = []
    t_end = time.monotonic() + 3
    while time.monotonic() < t_end and len(outcomes) < 20000:
        try:
            await send({"type": "websocket.send", "text": "x"})
            outcomes.append((time.monotonic(), "ok"))
        except Exception as exc:
            outcomes.append((time.monotonic(), type(exc).__name__))
        if len(outcomes) % 50 == 0:
            _report(scope, outcomes)
        await asyncio.sleep(0)
    _report(scope, outcomes)


def _report(scope, items):
    path = os.environ.get("HANGUP_RECORD")
    if path:
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            f.write(repr(items))
        os.replace(tmp, path)


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            else:
                await send({"type": "lifespan.shutdown.complete"})
                return
    name = scope["path"].strip("/")
    if name == "flow-http":
        await _flow(scope, receive, send, ws=False)
    elif name == "flow-ws":
        await _flow(scope, receive, send, ws=True)
    elif name == "tight-ws":
        await _tight(scope, receive, send)
    elif name in ("raise-after-start", "zombie"):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"x", "more_body": True})
        if name == "raise-after-start":
            await asyncio.sleep(0.2)
            raise ValueError("probe: raised after response start")
    try:
        await asyncio.sleep(30)
    except asyncio.CancelledError:
        if name == "zombie":  # the other probes' records must survive shutdown
            _report(scope, [(time.monotonic(), "zombie cancelled")])
        raise


# ------------------------------------------------------------------ runner

def _runs(labels):
    out, prev, n = [], None, 0
    for label in labels + [None]:
        if label == prev:
            n += 1
            continue
        if prev is not None:
            out.append(f"{prev}*{n}")
        prev, n = label, 1
    return " ".join(out)


def _probe(server, name, client):
    import ast
    import run_conformance as rc

    cell_dir = os.path.join(rc.REPO, "build", "probes", f"{server}__{name}")
    os.makedirs(cell_dir, exist_ok=True)
    record = os.path.join(cell_dir, "app.jsonl")  # start_server's HANGUP_RECORD
    if os.path.exists(record):
        os.remove(record)
    port = rc.free_port()
    argv_fn, _ = rc.SERVERS[server]
    argv = [a.replace(rc.APP, "probes:app") for a in argv_fn(port)]
    rc.SERVERS["_probe"] = (lambda _p: argv, False)
    proc, _ = rc.start_server("_probe", port, cell_dir)
    try:
        if not rc.wait_port(port, proc):
            return f"{server:28} {name:9} server did not start"
        t_close = client(port, name)
        time.sleep(3.0)
        t_stop = time.monotonic()
    finally:
        rc.stop_server(proc)
    try:
        with open(record) as f:
            items = ast.literal_eval(f.read())
    except (OSError, ValueError, SyntaxError):
        return f"{server:28} {name:9} no record"
    if name.startswith("flow"):
        before = sum(1 for _, _, t_ret, _ in items if t_ret < t_close)
        spanning = [x for x in items if x[1] < t_close <= x[2]]
        if spanning:
            _, _, t_ret, outcome = spanning[0]
            pending = f"returned ({outcome}) {t_ret - t_close:+.3f} s after the RST"
        elif items and items[-1][2] < t_close:
            pending = "still blocked 3 s after the RST"
        else:
            pending = "none (no send was waiting)"
        later = [x[3] for x in items if x[1] >= t_close]
        return (f"{server:28} {name:9} {before} sends returned before the RST; "
                f"send pending at the RST: {pending}; "
                f"later sends: {_runs(later) or '-'}")
    if name.startswith("checker"):
        cancelled = [t - t_close for t, label in items
                     if label == "zombie cancelled" and t < t_stop]
        return (f"{server:28} {name:13} zombie app "
                + (f"cancelled {cancelled[0]:.1f} s after its client closed"
                   if cancelled else "NOT cancelled within 13 s"))
    after = [label for t, label in items if t >= t_close]
    return f"{server:28} {name:9} sends after close frame: {_runs(after)}"


def _flow_client(port, name):
    import socket
    import struct
    import base64
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    if name == "flow-ws":
        key = base64.b64encode(os.urandom(16)).decode()
        sock.sendall((f"GET /{name} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                      f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                      "Sec-WebSocket-Version: 13\r\n\r\n").encode())
    else:
        sock.sendall(f"GET /{name} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    time.sleep(1.0)  # never read: the server's buffers fill up
    t_close = time.monotonic()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()
    return t_close


def _tight_client(port, name):
    import clients
    conn = clients._Conn("127.0.0.1", port)
    clients._ws_handshake(conn, "/" + name, time.monotonic() + 5)
    got = {"messages": [], "server_close_code": None}
    clients._ws_read_messages(conn, got, 5, time.monotonic() + 1)
    t_close = time.monotonic()
    clients._ws_send_close(conn, 1000)
    clients._ws_read_messages(conn, got, 10 ** 9, time.monotonic() + 2)
    conn.close()
    return t_close


def _checker_death_client(port, name):
    import socket
    def get(path):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall(f"GET /{path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        sock.recv(65536)
        return sock
    first = get("raise-after-start") if name == "checker-death" else None
    time.sleep(2.5)  # the checker reaps A's exception while A is connected
    zombie = get("zombie")
    t_close = time.monotonic()
    zombie.close()
    time.sleep(13 - 3.0)  # _probe waits 3 s more
    if first is not None:
        first.close()
    return t_close


PROBES = [
    ("flow-http", _flow_client, ["uvicorn-0.17.6-h11", "uvicorn-0.17.6-httptools",
                                 "hypercorn-0.13.2", "daphne-4.0.0"]),
    ("flow-ws", _flow_client, ["uvicorn-0.17.6-websockets", "uvicorn-0.17.6-wsproto",
                               "hypercorn-0.13.2", "daphne-4.0.0"]),
    ("tight-ws", _tight_client, ["uvicorn-0.17.6-websockets", "uvicorn-0.17.6-wsproto",
                                 "hypercorn-0.13.2", "daphne-4.0.0"]),
    ("checker-death", _checker_death_client, ["daphne-4.0.0"]),
    ("checker-control", _checker_death_client, ["daphne-4.0.0"]),
]


def main():
    only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else ""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    for name, client, servers in PROBES:
        for server in servers:
            if only in f"{server}/{name}":
                print(_probe(server, name, client), flush=True)


if __name__ == "__main__":
    main()
