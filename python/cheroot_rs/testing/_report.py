"""The ``/echo`` response: the request as the app saw it, as docs/echo-app.md's JSON object."""

import hashlib

from ._json import inline_object, json_string, pretty_object

# How much of the body one read asks for: memory stays bounded whatever the body's size.
READ_SIZE = 64 * 1024

# Only ASCII letters are lower-cased, as Rust's to_ascii_lowercase does (str.lower would also
# fold latin-1 letters such as U+00C9).
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")

_PEER_NUMBERS = (("pid", "X_REMOTE_PID"), ("uid", "X_REMOTE_UID"), ("gid", "X_REMOTE_GID"))
_PEER_NAMES = (("user", "X_REMOTE_USER"), ("group", "X_REMOTE_GROUP"))
_TLS_KEYS = ("SSL_PROTOCOL", "SSL_CIPHER", "SSL_CLIENT_VERIFY", "SSL_CLIENT_S_DN")


def _var(environ, key, default=""):
    """An environ variable as text, ``default`` when unset (the Rust environ's ``var``)."""
    value = environ.get(key)
    return default if value is None else str(value)


def read_body(stream):
    """Length and SHA-256 hex digest of everything left in ``stream``, read in pieces."""
    digest = hashlib.sha256()
    length = 0
    while True:
        piece = stream.read(READ_SIZE)
        if not piece:
            return length, digest.hexdigest()
        length += len(piece)
        digest.update(piece)


def request_headers(environ):
    """The request's header fields as (name, value) native strings, in order received."""
    # cheroot-rs keeps the fields as received on its wsgi.input (the environ itself holds
    # exactly cheroot's keys).
    raw = getattr(environ.get("wsgi.input"), "cheroot_rs_headers", None)
    if raw is not None:
        return list(raw)
    # Fallback for other servers (real cheroot, wsgiref), or a wsgi.input replaced by
    # middleware: rebuilt from the
    # CGI keys, so it cannot keep the order received, the client's spelling of names, or
    # duplicate fields (the server already joined or dropped them).
    fields = []
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            fields.append((key[5:].replace("_", "-"), value))
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            fields.append((key.replace("_", "-"), value))
    return fields


def _headers_json(fields):
    pairs = (
        "[" + json_string(name.translate(_ASCII_LOWER)) + ", " + json_string(value) + "]"
        for name, value in fields
    )
    return "[" + ", ".join(pairs) + "]"


def _number_or_string(value):
    """A JSON number when ``value`` is plain decimal digits without a leading zero."""
    numeric = (
        0 < len(value) <= 19
        and all("0" <= char <= "9" for char in value)
        and not (len(value) > 1 and value[0] == "0")
    )
    return value if numeric else json_string(value)


def _peer_json(environ):
    """The peer-credential member, or None when the environ has none of its keys."""
    if not any(key in environ for _, key in _PEER_NUMBERS + _PEER_NAMES):
        return None
    members = [
        (name, _number_or_string(_var(environ, key)))
        for name, key in _PEER_NUMBERS
        if key in environ
    ]
    members += [
        (name, json_string(_var(environ, key))) for name, key in _PEER_NAMES if key in environ
    ]
    return inline_object(members)


def _tls_json(environ):
    """The TLS member, or None off TLS; ``client_s_dn`` only with a client certificate."""
    if not any(key in environ for key in _TLS_KEYS):
        return None
    members = [
        ("protocol", json_string(_var(environ, "SSL_PROTOCOL"))),
        ("cipher", json_string(_var(environ, "SSL_CIPHER"))),
        ("client_verify", json_string(_var(environ, "SSL_CLIENT_VERIFY"))),
    ]
    if "SSL_CLIENT_S_DN" in environ:
        members.append(("client_s_dn", json_string(_var(environ, "SSL_CLIENT_S_DN"))))
    return inline_object(members)


def echo_json(environ):
    """Reads the whole body through ``wsgi.input`` and describes the request as JSON text."""
    body_len, body_sha256 = read_body(environ["wsgi.input"])
    members = [
        ("method", json_string(_var(environ, "REQUEST_METHOD"))),
        ("path", json_string(_var(environ, "PATH_INFO"))),
        ("query", json_string(_var(environ, "QUERY_STRING"))),
        ("protocol", json_string(_var(environ, "SERVER_PROTOCOL"))),
        ("headers", _headers_json(request_headers(environ))),
        ("body_len", str(body_len)),
        ("body_sha256", json_string(body_sha256)),
        ("url_scheme", json_string(_var(environ, "wsgi.url_scheme", "http"))),
        ("remote_addr", json_string(_var(environ, "REMOTE_ADDR"))),
    ]
    for name, value in (("peer", _peer_json(environ)), ("tls", _tls_json(environ))):
        if value is not None:
            members.append((name, value))
    return pretty_object(members)
