"""The echo app's numeric query parameters (``n``, ``size``, ``bytes``, ``ms``): parsing, bounds."""

from collections import namedtuple

from ._rust_text import rust_debug

Param = namedtuple("Param", "name default max")

STREAM_CHUNKS = Param("n", 10, 1_000_000)
STREAM_CHUNK_SIZE = Param("size", 1024, 1 << 20)
MAX_BODY = 1 << 30
BIG_BYTES = Param("bytes", 1 << 20, MAX_BODY)
SLEEP_MS = Param("ms", 1000, 60_000)

_DIGITS = frozenset("0123456789")


class BadParam(ValueError):
    """A parameter out of its bounds or not plain digits; its text is the 400 body."""


def get_param(query, param):
    """``param``'s value in the raw ``query``: the default when absent, the last when repeated."""
    raw = None
    for pair in query.split("&"):
        key, _, value = pair.partition("=")
        if key == param.name:
            raw = value
    if raw is None:
        return param.default
    # Plain ASCII digits only: no sign, no spaces, no percent-encoding (int() would take all
    # three, and str.isdigit other scripts' digits).
    if raw and len(raw) <= 20 and _DIGITS.issuperset(raw) and int(raw) <= param.max:
        return int(raw)
    raise BadParam(
        "Bad query parameter %s=%s: expected an integer from 0 to %d."
        % (param.name, rust_debug(raw), param.max)
    )


def stream_params(query):
    """``n`` and ``size`` for ``/stream``, with their product bounded by MAX_BODY."""
    chunks = get_param(query, STREAM_CHUNKS)
    size = get_param(query, STREAM_CHUNK_SIZE)
    if chunks * size > MAX_BODY:
        raise BadParam(
            "Bad query: n=%d chunks of size=%d bytes is more than %d bytes."
            % (chunks, size, MAX_BODY)
        )
    return chunks, size
