"""Instrumented ASGI apps served by the real servers in the conformance harness.

One ASGI3 callable, `app`, dispatches on the request path (`/sse-stream`,
`/ws-push`, ...); an app's parameters come in the query string
(`/ws-close-then-send?delay=300ms` is the simulator's
`ws-close-then-send:delay=300ms`, see refs.py), and each record names the
app by that reference. Every `send()`, `receive()` and the app's end are
appended as JSON lines to the file named by $HANGUP_RECORD, one `os.write`
per line, so a killed server still leaves everything recorded up to that
point. Timestamps are `time.monotonic()` (CLOCK_MONOTONIC, shared with the
harness process).

After its script, every app sleeps $HANGUP_TAIL_S seconds (default 30) so that
a server-side watchdog (daphne's application_checker) can be observed; the
harness ends the observation long before the tail ends, so "running" means
"still alive when the observation ended".

Exceptions: the streaming apps (sse-stream, stream-with-listener, ws-push)
record and re-raise, so the server's own handling and logging is observed.
The probe apps (send-after-complete, receive-after-disconnect,
ws-close-then-send, ws-receive-after-close) record and continue their script.
"""

import asyncio
import itertools
import json
import os
import time

import refs

RECORD_PATH = os.environ.get("HANGUP_RECORD", "/dev/null")
TAIL_S = float(os.environ.get("HANGUP_TAIL_S", "30"))
RECEIVE_BOUND_S = 1.5  # bound of every bounded receive()
CHUNKS = 20
CHUNK_GAP_S = 0.05
SECOND_START_DELAY_S = 0.25  # send-after-complete: lands after http-full's close

_fd = None
_conn_ids = itertools.count(1)


def _write(record):
    global _fd
    if _fd is None:
        _fd = os.open(RECORD_PATH, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.write(_fd, (json.dumps(record, default=repr) + "\n").encode())


def _mro(exc):
    return [c.__name__ for c in type(exc).__mro__]


class Recorder:
    """Wraps one connection's send/receive and appends what they did."""

    def __init__(self, app_name, params, raw_receive, raw_send):
        self.conn = f"{os.getpid()}-{next(_conn_ids)}"
        self.app_name = app_name
        self.params = params  # the app's parameters, defaults filled in
        self.raw_receive = raw_receive
        self.raw_send = raw_send

    def emit(self, ev, **fields):
        _write({"conn": self.conn, "app": self.app_name, "ev": ev,
                "t": time.monotonic(), **fields})

    async def send(self, message):
        """Records and re-raises whatever the server's send() does."""
        t_call = time.monotonic()
        try:
            await self.raw_send(message)
        except BaseException as exc:
            self.emit("send", type=message["type"], t_call=t_call,
                      outcome="raised", exc=type(exc).__name__,
                      mro=_mro(exc), text=str(exc))
            raise
        self.emit("send", type=message["type"], t_call=t_call, outcome="ok")

    async def try_send(self, message):
        """Like send() but swallows Exception (after recording it)."""
        try:
            await self.send(message)
        except Exception:
            pass

    def _record_message(self, t_call, message, bounded):
        fields = {"type": message.get("type"), "keys": sorted(message)}
        if message.get("type") == "websocket.disconnect":
            fields["code"] = message["code"] if "code" in message else "missing"
            if "reason" in message:  # ASGI 2.5+; none of these servers sends it
                fields["reason"] = message["reason"]
        self.emit("receive", t_call=t_call, result=message.get("type"),
                  bounded=bounded, **fields)

    async def receive(self):
        """Unbounded receive; records the message, or that it was cancelled."""
        t_call = time.monotonic()
        try:
            message = await self.raw_receive()
        except asyncio.CancelledError:
            self.emit("receive", t_call=t_call, result="cancelled", bounded=False)
            raise
        self._record_message(t_call, message, bounded=False)
        return message

    async def bounded_receive(self):
        """receive() bounded by RECEIVE_BOUND_S; None means it blocked.

        On timeout asyncio.wait_for cancels the server's receive(). For every
        server here that is side-effect free: it cancels an asyncio.Event.wait
        (uvicorn HTTP), asyncio.Queue.get (uvicorn wsproto, hypercorn, daphne)
        or websockets' recv(), documented as cancel-safe.
        """
        t_call = time.monotonic()
        try:
            message = await asyncio.wait_for(self.raw_receive(), RECEIVE_BOUND_S)
        except asyncio.TimeoutError:
            self.emit("receive", t_call=t_call, result="blocked", bounded=True,
                      bound_s=RECEIVE_BOUND_S)
            return None
        except Exception as exc:
            self.emit("receive", t_call=t_call, result="raised", bounded=True,
                      exc=type(exc).__name__, mro=_mro(exc), text=str(exc))
            return None
        self._record_message(t_call, message, bounded=True)
        return message


def _chunk(i):
    return f"data: {i}\n\n".encode()


async def sse_stream(rec, scope):
    await rec.send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/event-stream")]})
    for i in range(CHUNKS):
        await rec.send({"type": "http.response.body", "body": _chunk(i),
                        "more_body": True})
        await asyncio.sleep(CHUNK_GAP_S)


async def stream_with_listener(rec, scope):
    # Starlette 0.26.1's own StreamingResponse: stream_response and
    # listen_for_disconnect run in one anyio task group.
    from starlette.responses import StreamingResponse

    async def body():
        try:
            for i in range(CHUNKS):
                yield _chunk(i).decode()
                await asyncio.sleep(CHUNK_GAP_S)
        except BaseException as exc:
            rec.emit("stream_exit", exc=type(exc).__name__)
            raise
        rec.emit("stream_exit", exc=None)

    response = StreamingResponse(body(), media_type="text/event-stream")
    await response(scope, rec.receive, rec.send)


async def _read_request(rec):
    while True:
        message = await rec.receive()
        if message["type"] != "http.request" or not message.get("more_body"):
            return


async def send_after_complete(rec, scope):
    await _read_request(rec)
    await rec.try_send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"text/plain"),
                                    (b"content-length", b"2")]})
    await rec.try_send({"type": "http.response.body", "body": b"ok",
                        "more_body": False})
    await asyncio.sleep(SECOND_START_DELAY_S)
    await rec.try_send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"text/plain")]})


async def receive_after_disconnect(rec, scope):
    await _read_request(rec)
    await rec.try_send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"text/event-stream")]})
    await rec.try_send({"type": "http.response.body", "body": _chunk(0),
                        "more_body": True})
    for _ in range(3):
        await rec.bounded_receive()


async def _accept(rec):
    await rec.receive()  # websocket.connect
    await rec.send({"type": "websocket.accept"})


async def ws_push(rec, scope):
    await _accept(rec)
    for i in range(CHUNKS):
        await rec.send({"type": "websocket.send", "text": f"msg {i}"})
        await asyncio.sleep(CHUNK_GAP_S)


async def ws_close_then_send(rec, scope):
    await _accept(rec)
    await rec.try_send({"type": "websocket.close", "code": 1000})
    delay = refs.seconds(rec.params["delay"])
    if delay > 0:
        await asyncio.sleep(delay)
    await rec.try_send({"type": "websocket.send", "text": "after close"})
    await rec.try_send({"type": "websocket.close", "code": 1000})


async def ws_receive_after_close(rec, scope):
    await _accept(rec)
    sent = False
    for _ in range(3):
        message = await rec.bounded_receive()
        if message and message["type"] == "websocket.disconnect" and not sent:
            sent = True
            await rec.try_send({"type": "websocket.send", "text": "after disconnect"})


# name: (script, parameters the real app implements, with the defaults of
# catalog/apps/<name>.yaml). Any other parameter fails the request.
APPS = {
    "sse-stream": (sse_stream, {}),
    "stream-with-listener": (stream_with_listener, {}),
    "send-after-complete": (send_after_complete, {}),
    "receive-after-disconnect": (receive_after_disconnect, {}),
    "ws-push": (ws_push, {}),
    "ws-close-then-send": (ws_close_then_send, {"delay": "0ms"}),
    "ws-receive-after-close": (ws_receive_after_close, {}),
}


async def _lifespan(receive, send):
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
        return
    name, given = refs.from_scope(scope)
    script, defaults = APPS[name]
    params = refs.resolve("app", name, given, defaults)
    rec = Recorder(refs.to_ref(name, given), params, receive, send)
    loop = asyncio.get_running_loop()
    rec.emit("start", scope_type=scope["type"], asgi=scope.get("asgi"),
             loop=f"{type(loop).__module__}.{type(loop).__name__}")
    try:
        await script(rec, scope)
        rec.emit("script_done")
        await asyncio.sleep(TAIL_S)
    except asyncio.CancelledError:
        rec.emit("end", how="cancelled")
        raise
    except BaseException as exc:
        rec.emit("end", how="raised", exc=type(exc).__name__, mro=_mro(exc),
                 text=str(exc))
        raise
    rec.emit("end", how="returned")
