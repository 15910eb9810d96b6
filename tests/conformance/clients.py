"""Raw-socket clients for the conformance harness (loopback only).

Each client is `run(ref, host, port, path) -> dict`, where `ref` is a client
name with optional parameters, written as in the simulator
(`ws-close-1000:code=4001;reason=bye`; CLIENTS lists the parameters each
client takes). The dict always has `t_close` (time.monotonic() just before
the client's close action: FIN, RST, or sending the WebSocket close frame;
for ws-normal and http-full the moment it closes after the server is done)
and `close_action`. Every socket operation has a timeout and every loop a
deadline.
"""

import base64
import os
import socket
import struct
import time

import refs

IO_TIMEOUT_S = 5.0  # bound on any single wait for server bytes
PRE_CLOSE_READ_S = 0.4  # WS clients: how long to wait for the first message(s)
CLOSE_REPLY_WAIT_S = 2.0  # ws-close-1000: wait for the server's close frame
SERVER_CLOSE_WAIT_S = 5.0  # ws-normal: wait for the server to close
CLOSE_ECHO_DELAY_S = 0.1  # ws-normal: pause before echoing the server's close


class _Conn:
    """A socket plus a receive buffer with deadline-bounded reads."""

    def __init__(self, host, port):
        self.sock = socket.create_connection((host, port), timeout=IO_TIMEOUT_S)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        self.eof = False
        self.error = None

    def fill(self, deadline):
        """Reads once, waiting until `deadline`; False on timeout/EOF/error."""
        remaining = deadline - time.monotonic()
        if remaining <= 0 or self.eof or self.error:
            return False
        self.sock.settimeout(remaining)
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            return False
        except OSError as exc:
            self.error = type(exc).__name__
            return False
        if not data:
            self.eof = True
            return False
        self.buf += data
        return True

    def read_until(self, marker, deadline):
        while marker not in self.buf:
            if not self.fill(deadline):
                return False
        return True

    def drain_nonblocking(self):
        """Empties the kernel receive buffer so close() sends FIN, not RST."""
        self.sock.setblocking(False)
        try:
            for _ in range(256):  # bounded even against a flooding server
                if not self.sock.recv(65536):
                    break
        except (BlockingIOError, OSError):
            pass

    def send_all(self, data):
        self.sock.settimeout(IO_TIMEOUT_S)
        self.sock.sendall(data)

    def fin(self):
        t_close = time.monotonic()
        try:
            self.sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        self.drain_nonblocking()
        self.sock.close()
        return t_close

    def rst(self):
        t_close = time.monotonic()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                             struct.pack("ii", 1, 0))
        self.sock.close()
        return t_close

    def close(self):
        self.drain_nonblocking()
        self.sock.close()


# ---------------------------------------------------------------- HTTP

def _http_request(conn, path):
    conn.send_all(
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: hangup\r\n\r\n"
        .encode())


def _read_head(conn, deadline):
    if not conn.read_until(b"\r\n\r\n", deadline):
        return None, {}
    head, _, rest = conn.buf.partition(b"\r\n\r\n")
    conn.buf = rest
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return lines[0], headers


def _read_full_body(conn, headers, deadline):
    if "content-length" in headers:
        want = int(headers["content-length"])
        while len(conn.buf) < want and conn.fill(deadline):
            pass
        return len(conn.buf) >= want
    if headers.get("transfer-encoding", "").lower() == "chunked":
        return conn.read_until(b"0\r\n\r\n", deadline)
    while conn.fill(deadline):  # read to EOF
        pass
    return conn.eof


def _http_client(host, port, path, mode, params=None):
    conn = _Conn(host, port)
    deadline = time.monotonic() + IO_TIMEOUT_S
    _http_request(conn, path)
    status, headers = _read_head(conn, deadline)
    got = {"status_line": status, "headers": headers}
    if mode == "full":
        got["complete"] = _read_full_body(conn, headers, deadline)
    elif mode == "slow-rst":
        # As the simulator's `read: {body-chunks: N, gap: G}`: a pause of G
        # after every read, the head's included, until N body reads, then
        # RST. A read after a pause returns at once with whatever arrived
        # meanwhile (the head's read may already hold body bytes): the
        # client stops reading for G, it does not count chunks.
        got["body_reads"] = 0
        for _ in range(int(params["chunks"])):
            time.sleep(refs.seconds(params["gap"]))
            if not conn.fill(time.monotonic() + IO_TIMEOUT_S):
                break
            got["body_reads"] += 1
        got["first_chunk"] = bool(conn.buf)
        mode = "rst"
    else:
        while not conn.buf and conn.fill(deadline):
            pass
        got["first_chunk"] = bool(conn.buf)
    got["body_bytes"] = len(conn.buf)
    got["eof_seen"] = conn.eof
    got["error"] = conn.error
    if mode == "rst":
        got["t_close"], got["close_action"] = conn.rst(), "rst"
    elif mode == "fin":
        got["t_close"], got["close_action"] = conn.fin(), "fin"
    else:
        got["t_close"], got["close_action"] = time.monotonic(), "close"
        conn.close()
    return got


# ----------------------------------------------------------- WebSocket

def _ws_handshake(conn, path, deadline):
    key = base64.b64encode(os.urandom(16)).decode()
    conn.send_all(
        (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
         f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
         "Sec-WebSocket-Version: 13\r\n\r\n").encode())
    status, _ = _read_head(conn, deadline)
    return status


def _parse_frame(buf):
    """Returns (opcode, payload, frame_size) if buf starts with a whole frame."""
    if len(buf) < 2:
        return None
    length, offset = buf[1] & 0x7F, 2
    if length == 126:
        if len(buf) < 4:
            return None
        length, offset = struct.unpack("!H", buf[2:4])[0], 4
    elif length == 127:
        if len(buf) < 10:
            return None
        length, offset = struct.unpack("!Q", buf[2:10])[0], 10
    if buf[1] & 0x80:  # servers must not mask; skip the key if one did
        offset += 4
    if len(buf) < offset + length:
        return None
    return buf[0] & 0x0F, buf[offset:offset + length], offset + length


def _ws_read_frame(conn, deadline):
    """Returns (opcode, payload) of the next server frame, or None."""
    while True:
        frame = _parse_frame(conn.buf)
        if frame is not None:
            opcode, payload, size = frame
            conn.buf = conn.buf[size:]
            return opcode, payload
        if not conn.fill(deadline):
            return None


def _ws_send_close(conn, code, reason=""):
    payload = struct.pack("!H", code) + reason.encode("utf-8")
    assert len(payload) <= 125, "a control frame's payload is at most 125 bytes"
    mask = os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    conn.send_all(bytes([0x88, 0x80 | len(payload)]) + mask + masked)


def _close_code(payload):
    return struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None


def _ws_read_messages(conn, got, max_messages, until):
    """Reads data frames until max_messages or `until`; stops on close."""
    while len(got["messages"]) < max_messages:
        frame = _ws_read_frame(conn, until)
        if frame is None:
            return
        opcode, payload = frame
        if opcode == 0x8:
            got["server_close_code"] = _close_code(payload)
            return
        if opcode in (0x1, 0x2):
            got["messages"].append(payload.decode("utf-8", "replace"))


def _ws_client(host, port, path, mode, params=None):
    conn = _Conn(host, port)
    got = {"messages": [], "server_close_code": None}
    got["status_line"] = _ws_handshake(conn, path, time.monotonic() + IO_TIMEOUT_S)
    if mode == "normal":
        _ws_read_messages(conn, got, 10 ** 6,
                          time.monotonic() + SERVER_CLOSE_WAIT_S)
        if got["server_close_code"] is not None:
            # A short pause, so that whatever the app does right after its
            # own websocket.close is unambiguously before our close action.
            time.sleep(CLOSE_ECHO_DELAY_S)
        got["t_close"], got["close_action"] = time.monotonic(), "close-reply"
        if got["server_close_code"] is not None and not conn.eof:
            try:
                _ws_send_close(conn, got["server_close_code"])
            except OSError as exc:
                got["error"] = type(exc).__name__
            end = time.monotonic() + CLOSE_REPLY_WAIT_S
            while conn.fill(end):  # wait for the server to close TCP
                pass
        got["eof_seen"] = conn.eof
        conn.close()
        return got
    want = 2 if mode == "close-1000" else 1
    _ws_read_messages(conn, got, want, time.monotonic() + PRE_CLOSE_READ_S)
    if mode == "fin":
        got["t_close"], got["close_action"] = conn.fin(), "fin"
    elif mode == "rst":
        got["t_close"], got["close_action"] = conn.rst(), "rst"
    else:
        code, reason = int(params["code"]), params["reason"]
        got["t_close"], got["close_action"] = time.monotonic(), f"close-frame-{code}"
        _ws_send_close(conn, code, reason)
        code_before = got["server_close_code"]
        got["server_close_code"] = None
        _ws_read_messages(conn, got, 10 ** 6,
                          time.monotonic() + CLOSE_REPLY_WAIT_S)
        if got["server_close_code"] is None:
            got["server_close_code"] = code_before
        got["eof_seen"] = conn.eof
        conn.close()
    return got


# name: (kind, mode, parameters the real client implements, with the
# defaults of catalog/clients/<name>.yaml). A parameter not listed here
# fails the cell (refs.resolve) rather than being ignored.
CLIENTS = {
    "http-fin-after-1": (_http_client, "fin", {}),
    "http-rst-after-1": (_http_client, "rst", {}),
    "http-fin-after-request": (_http_client, "fin", {}),
    "http-full": (_http_client, "full", {}),
    "http-slow-then-rst": (_http_client, "slow-rst", {"chunks": "3", "gap": "50ms"}),
    "ws-close-1000": (_ws_client, "close-1000", {"code": "1000", "reason": ""}),
    "ws-fin": (_ws_client, "fin", {}),
    "ws-rst": (_ws_client, "rst", {}),
    "ws-normal": (_ws_client, "normal", {}),
}


def run(ref, host, port, path):
    name, given = refs.parse_ref(ref)
    kind, mode, defaults = CLIENTS[name]
    return kind(host, port, path, mode, refs.resolve("client", name, given, defaults))
