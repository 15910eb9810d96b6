"""Runs a real ASGI server's `python -m <module>` entry point with a log tap.

Usage: /usr/bin/python3 launch_server.py <module> [server args...]

Before handing over to the server, a logging record factory is installed that
appends one JSON line per created log record to $HANGUP_SERVER_LOG. A record is
only created when its logger is enabled for its level, so the tap sees exactly
what the server's own logging configuration lets through, whatever handlers the
server installs afterwards (uvicorn dictConfig, hypercorn's own handlers,
daphne's basicConfig). Twisted/autobahn log events are not stdlib records; with
daphne's default --verbosity 1 they are discarded by daphne itself.
"""

import json
import logging
import os
import runpy
import sys
import time

_fd = os.open(os.environ["HANGUP_SERVER_LOG"],
              os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
_base_factory = logging.getLogRecordFactory()


def _tap_factory(*args, **kwargs):
    record = _base_factory(*args, **kwargs)
    try:
        text = record.getMessage()
    except Exception:  # a bad format string must not kill the server
        text = str(record.msg)
    exc = record.exc_info[1] if record.exc_info else None
    line = {
        "t": time.monotonic(),
        "level": record.levelname,
        "logger": record.name,
        "text": text[:2000],
        "exc": type(exc).__name__ if exc is not None else None,
        "exc_text": str(exc)[:500] if exc is not None else None,
    }
    os.write(_fd, (json.dumps(line) + "\n").encode())
    return record


def main():
    logging.setLogRecordFactory(_tap_factory)
    module = sys.argv[1]
    sys.argv = [module] + sys.argv[2:]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
