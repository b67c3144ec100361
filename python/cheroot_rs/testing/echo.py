"""The echo app of docs/echo-app.md as a WSGI callable, answering as the Rust built-in does."""

import time

from ._params import BIG_BYTES, SLEEP_MS, STREAM_CHUNK_SIZE, BadParam, get_param, stream_params
from ._reasons import reason_phrase
from ._report import echo_json
from ._rust_text import rust_debug

# The Allow header of `OPTIONS *`.
ALLOW = "GET, HEAD, POST, PUT, DELETE, OPTIONS"

# One shared run of `x` as long as the largest piece any body is sent in, so no response body
# is ever held whole in memory.
_FILLER = b"x" * STREAM_CHUNK_SIZE.max
_PIECE = len(_FILLER)


def _text(start_response, status, text):
    """A ``text/plain`` response with a Content-Length."""
    body = text.encode("utf-8")
    start_response(status, [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


def _repeat(chunk, count):
    # A generator, so the server sees no length and frames the body itself.
    for _ in range(count):
        yield chunk


def _pieces(length):
    """``length`` bytes of ``x`` in pieces of at most 1 MiB."""
    while length > 0:
        piece = min(length, _PIECE)
        yield _FILLER if piece == _PIECE else _FILLER[:piece]
        length -= piece


def _stream(query, start_response):
    chunks, size = stream_params(query)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return _repeat(_FILLER[:size], chunks)


def _big(query, start_response):
    length = get_param(query, BIG_BYTES)
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(length))])
    return _pieces(length)


def _slow(query, start_response):
    # Blocks this worker, as a real blocking app would.
    time.sleep(get_param(query, SLEEP_MS) / 1000)
    return _text(start_response, "200 OK", "done")


def _hello(query, start_response):
    return _text(start_response, "200 OK", "Hello world!")


def _raise(query, start_response):
    raise RuntimeError("the echo app's /raise route fails before start_response, on purpose")


# The routes that answer GET and HEAD only.
_GET_ROUTES = {
    "/hello": _hello,
    "/stream": _stream,
    "/big": _big,
    "/slow": _slow,
    "/raise": _raise,
}


def _status_code(text):
    """The code in ``/status/NNN``: three ASCII digits from 200 to 599, else None."""
    if len(text) != 3 or not all("0" <= char <= "9" for char in text):
        return None
    code = int(text)
    return code if 200 <= code <= 599 else None


def _status_only(start_response, code):
    # 204 and 304 carry no Content-Length; every other status says 0.
    headers = [] if code in (204, 304) else [("Content-Length", "0")]
    start_response("%d %s" % (code, reason_phrase(code)), headers)
    return []


def echo(environ, start_response):
    """The echo application: see docs/echo-app.md for every route."""
    method = environ.get("REQUEST_METHOD", "")
    if method == "OPTIONS" and environ.get("REQUEST_URI", "") == "*":
        start_response("200 OK", [("Allow", ALLOW), ("Content-Length", "0")])
        return []
    path = environ.get("PATH_INFO", "")
    if path == "/echo":
        body = echo_json(environ).encode("utf-8")
        start_response(
            "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
        )
        return [body]
    if method in ("GET", "HEAD"):
        route = _GET_ROUTES.get(path)
        if route is not None:
            try:
                return route(environ.get("QUERY_STRING", ""), start_response)
            except BadParam as bad:
                return _text(start_response, "400 Bad Request", str(bad))
        if path.startswith("/status/"):
            text = path[len("/status/"):]
            code = _status_code(text)
            if code is None:
                reason = "Bad status %s: expected three digits from 200 to 599." % rust_debug(text)
                return _text(start_response, "400 Bad Request", reason)
            return _status_only(start_response, code)
    return _text(start_response, "404 Not Found", "Not Found")
