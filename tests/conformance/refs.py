"""Program references with parameters, as the simulator writes them.

A reference is `name` or `name:k=v;k=v` (models/lang/catalog.cc ParseRef
also accepts ',' between parameters, but ',' separates the parts of a
scenario, so the cell table uses the canonical ';'). The harness hands an
app's parameters to the server as the query string of the request path.
"""

import re
import urllib.parse

_DURATION_RE = re.compile(r"^(\d+(?:\.\d+)?)(ns|us|ms|s)$")
_UNIT_S = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}


def parse_ref(ref):
    """`name:k=v;k=v` -> (name, {k: v}) with the parameters in order."""
    name, colon, rest = ref.partition(":")
    params = {}
    if colon:
        for kv in re.split(r"[;,]", rest):
            key, eq, value = kv.partition("=")
            if not eq or not key or key in params:
                raise ValueError(f"{ref!r}: expected NAME:key=value;key=value")
            params[key] = value
    return name, params


def to_ref(name, params):
    """The canonical reference (RefToString): parameters joined with ';'."""
    if not params:
        return name
    return name + ":" + ";".join(f"{k}={v}" for k, v in params.items())


def url_path(ref):
    """The request path that serves app `ref`: /name?k=v&k=v."""
    name, params = parse_ref(ref)
    query = urllib.parse.urlencode(list(params.items()))
    return f"/{name}" + (f"?{query}" if query else "")


def from_scope(scope):
    """(name, params) of the app a request path names (see url_path)."""
    query = scope.get("query_string", b"").decode("latin-1")
    return (scope["path"].strip("/"),
            dict(urllib.parse.parse_qsl(query, keep_blank_values=True)))


def resolve(what, name, given, defaults):
    """The parameters of `name`: its defaults overridden by `given`.

    `defaults` lists only the parameters the real program implements, so a
    parameter the harness cannot honour fails the cell instead of being
    silently ignored.
    """
    unknown = [k for k in given if k not in defaults]
    if unknown:
        raise ValueError(f"{what} {name!r} has no parameter {', '.join(unknown)} "
                         f"here (it takes: {', '.join(defaults) or 'none'})")
    return dict(defaults, **given)


def seconds(duration):
    """'300ms' -> 0.3, as the catalog writes durations."""
    m = _DURATION_RE.match(duration)
    if not m:
        raise ValueError(f"not a duration: {duration!r}")
    return float(m.group(1)) * _UNIT_S[m.group(2)]
