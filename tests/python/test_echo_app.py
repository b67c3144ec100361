"""The pure-Python echo and hello apps, called in-process as WSGI apps (no server needed)."""

import hashlib
import inspect
import io
import sys
from pathlib import Path

import pytest

try:
    from cheroot_rs.testing import echo, hello
except ImportError:
    # Not installed: use the source tree's python/ folder.
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "python"))
    from cheroot_rs.testing import echo, hello

ECHO_MODULE = sys.modules["cheroot_rs.testing.echo"]

TEXT = "text/plain"
MIB = 1 << 20
GIB = 1 << 30
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


class StartResponse:
    """A start_response that records what the app passed and how often it was called."""

    def __init__(self):
        self.calls = []

    def __call__(self, status, headers, exc_info=None):
        self.calls.append((status, list(headers)))
        return lambda data: pytest.fail("the app must not use write()")

    @property
    def status(self):
        assert len(self.calls) == 1, self.calls
        return self.calls[0][0]

    @property
    def headers(self):
        assert len(self.calls) == 1, self.calls
        return self.calls[0][1]


class PieceReader(io.BytesIO):
    """A wsgi.input that records the size asked for by every read."""

    def __init__(self, data=b""):
        super().__init__(data)
        self.asked = []

    def read(self, size=-1):
        self.asked.append(size)
        return super().read(size)


def environ_for(method="GET", path="/", query="", body=b"", headers=None, **extra):
    """A PEP 3333 environ as a server would build it; ``headers`` become the input's
    ``cheroot_rs_headers``, where cheroot-rs keeps the fields as received."""
    environ = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "REQUEST_URI": path + ("?" + query if query else ""),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8080",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": PieceReader(body),
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    if headers is not None:
        environ["wsgi.input"].cheroot_rs_headers = headers
    environ.update(extra)
    return environ


def call(app, environ):
    """(status, header list, body chunks) of one call of ``app``."""
    start_response = StartResponse()
    result = app(environ, start_response)
    chunks = list(result)
    return start_response.status, start_response.headers, chunks


def call_echo(method="GET", path="/", query="", **kwargs):
    status, headers, chunks = call(echo, environ_for(method, path, query, **kwargs))
    return status, headers, b"".join(chunks)


def text_response(status, text):
    body = text.encode("utf-8")
    return status, [("Content-Type", TEXT), ("Content-Length", str(len(body)))], body


NOT_FOUND = text_response("404 Not Found", "Not Found")


def bad_param(name, raw_debug, largest):
    return text_response(
        "400 Bad Request",
        "Bad query parameter %s=%s: expected an integer from 0 to %d." % (name, raw_debug, largest),
    )


def bad_status(text_debug):
    return text_response(
        "400 Bad Request", "Bad status %s: expected three digits from 200 to 599." % text_debug
    )


# --- the package ---------------------------------------------------------------------------


def test_the_testing_package_is_pure_python():
    # It must run where the native extension is not built (and under real cheroot).
    loaded = {
        name: module
        for name, module in sys.modules.items()
        if name == "cheroot_rs.testing" or name.startswith("cheroot_rs.testing.")
    }
    assert "cheroot_rs.testing.echo" in loaded and "cheroot_rs.testing.hello" in loaded
    for name, module in loaded.items():
        file = getattr(module, "__file__", None)
        assert file is None or file.endswith(".py"), (name, file)


# --- /hello and the hello app ----------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_hello_route(method):
    assert call_echo(method, "/hello") == text_response("200 OK", "Hello world!")


def test_hello_route_ignores_the_query():
    assert call_echo("GET", "/hello", "x=1") == text_response("200 OK", "Hello world!")


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "OPTIONS"])
def test_hello_route_answers_only_get_and_head(method):
    assert call_echo(method, "/hello") == NOT_FOUND


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("GET", "/", b""),
        ("POST", "/anything", b"x" * 200_000),
        ("OPTIONS", "*", b""),
        ("HEAD", "/x", b""),
    ],
)
def test_hello_app_answers_everything(method, path, body):
    environ = environ_for(method, path, body=body)
    status, headers, chunks = call(hello, environ)
    assert (status, headers, b"".join(chunks)) == text_response("200 OK", "Hello world!")
    reader = environ["wsgi.input"]
    assert reader.tell() == len(body), "the body is read to its end"
    assert all(0 < size <= 64 * 1024 for size in reader.asked), reader.asked


# --- /echo ---------------------------------------------------------------------------------


def test_echo_describes_a_known_request():
    body = b"hello"
    status, headers, text = call_echo(
        "POST",
        "/echo",
        "a=1&b=2",
        body=body,
        headers=[("Host", "127.0.0.1:8080"), ("Content-Length", "5")],
    )
    want = (
        "{\n"
        '  "method": "POST",\n'
        '  "path": "/echo",\n'
        '  "query": "a=1&b=2",\n'
        '  "protocol": "HTTP/1.1",\n'
        '  "headers": [["host", "127.0.0.1:8080"], ["content-length", "5"]],\n'
        '  "body_len": 5,\n'
        '  "body_sha256": "%s",\n'
        '  "url_scheme": "http",\n'
        '  "remote_addr": "127.0.0.1"\n'
        "}"
    ) % hashlib.sha256(body).hexdigest()
    assert status == "200 OK"
    assert headers == [("Content-Type", "application/json"), ("Content-Length", str(len(want)))]
    assert text == want.encode("utf-8")


@pytest.mark.parametrize("method", ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
def test_echo_answers_any_method(method):
    status, headers, text = call_echo(method, "/echo", headers=[])
    assert status == "200 OK"
    assert headers[0] == ("Content-Type", "application/json")
    assert ('"method": "%s"' % method).encode() in text
    assert ('"body_sha256": "%s"' % EMPTY_SHA256).encode() in text


def test_echo_reads_the_body_in_bounded_pieces():
    body = bytes(range(256)) * 12_000  # about 3 MB
    environ = environ_for("POST", "/echo", body=body, headers=[])
    status, _, chunks = call(echo, environ)
    text = b"".join(chunks).decode()
    assert status == "200 OK"
    assert '"body_len": %d,' % len(body) in text
    assert '"body_sha256": "%s",' % hashlib.sha256(body).hexdigest() in text
    asked = environ["wsgi.input"].asked
    assert len(asked) > 1 and all(0 < size <= 64 * 1024 for size in asked), asked


def test_echo_escapes_strings_and_writes_latin1_as_utf8():
    headers = [("X-Caf\xe9", '\xe9t\xe9 "quoted" \\ \x7f'), ("X-Tab", "a\tb\x00")]
    status, _, text = call_echo("GET", "/echo", "q=\x01\"", headers=headers)
    assert status == "200 OK"
    assert '  "query": "q=\\u0001\\""'.encode() in text
    want = '[["x-caf\xe9", "\xe9t\xe9 \\"quoted\\" \\\\ \x7f"], ["x-tab", "a\\u0009b\\u0000"]]'
    assert ('  "headers": %s,' % want).encode("utf-8") in text
    assert b'"peer"' not in text and b'"tls"' not in text


def test_echo_lower_cases_ascii_letters_only():
    _, _, text = call_echo("GET", "/echo", headers=[("X-CAF\xc9", "V")])
    assert '"headers": [["x-caf\xc9", "V"]]'.encode("utf-8") in text


def test_echo_path_is_the_decoded_path_info():
    # A server decodes /ech%6F to /echo; the report shows PATH_INFO, not the raw target.
    environ = environ_for("GET", "/echo", headers=[], REQUEST_URI="/ech%6F")
    _, _, chunks = call(echo, environ)
    assert b'"path": "/echo"' in b"".join(chunks)


def test_echo_rebuilds_headers_from_cgi_keys_without_the_raw_list():
    environ = environ_for("POST", "/echo", body=b"abc")
    environ.update(
        {
            "HTTP_HOST": "test",
            "HTTP_X_MY_HEADER": "1, 2",
            "CONTENT_TYPE": "text/x",
            "CONTENT_LENGTH": "3",
        }
    )
    _, _, text = call(echo, environ)
    want = (
        '[["host", "test"], ["x-my-header", "1, 2"], '
        '["content-type", "text/x"], ["content-length", "3"]]'
    )
    assert ('"headers": %s,' % want).encode() in b"".join(text)


def test_echo_defaults_for_missing_keys():
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/echo", "wsgi.input": io.BytesIO()}
    _, _, chunks = call(echo, environ)
    text = b"".join(chunks).decode()
    assert '"query": "",' in text and '"protocol": "",' in text and '"headers": [],' in text
    assert '"url_scheme": "http",' in text and text.endswith('"remote_addr": ""\n}')


def test_echo_peer_and_tls_members():
    extra = {
        "X_REMOTE_PID": "1234",
        "X_REMOTE_UID": "0",
        "X_REMOTE_GID": "0",
        "X_REMOTE_USER": "root",
        "X_REMOTE_GROUP": "root",
        "SSL_PROTOCOL": "TLSv1.3",
        "SSL_CIPHER": "TLS_AES_128_GCM_SHA256",
        "SSL_CLIENT_VERIFY": "SUCCESS",
        "SSL_CLIENT_S_DN": "CN=client",
        "wsgi.url_scheme": "https",
        "REMOTE_ADDR": "",
    }
    _, _, text = call_echo("GET", "/echo", headers=[], **extra)
    assert text.decode().endswith(
        '  "url_scheme": "https",\n'
        '  "remote_addr": "",\n'
        '  "peer": {"pid": 1234, "uid": 0, "gid": 0, "user": "root", "group": "root"},\n'
        '  "tls": {"protocol": "TLSv1.3", "cipher": "TLS_AES_128_GCM_SHA256", '
        '"client_verify": "SUCCESS", "client_s_dn": "CN=client"}\n'
        "}"
    )


def test_echo_partial_peer_and_tls_members():
    _, _, text = call_echo("GET", "/echo", headers=[], X_REMOTE_PID="12", SSL_PROTOCOL="TLSv1.2")
    text = text.decode()
    assert '  "peer": {"pid": 12},\n' in text
    assert text.endswith('  "tls": {"protocol": "TLSv1.2", "cipher": "", "client_verify": ""}\n}')


@pytest.mark.parametrize(
    "value, json", [("0", "0"), ("1234", "1234"), ("01", '"01"'), ("-1", '"-1"'), ("", '""')]
)
def test_echo_peer_numbers_only_when_plain_digits(value, json):
    _, _, text = call_echo("GET", "/echo", headers=[], X_REMOTE_UID=value)
    assert ('"peer": {"uid": %s}' % json).encode() in text


# --- /stream -------------------------------------------------------------------------------


def stream(query, method="GET"):
    environ = environ_for(method, "/stream", query)
    start_response = StartResponse()
    result = echo(environ, start_response)
    return start_response.status, start_response.headers, result


def test_stream_is_a_generator_without_content_length():
    status, headers, result = stream("n=3&size=4")
    assert inspect.isgenerator(result)
    assert (status, headers) == ("200 OK", [("Content-Type", TEXT)])
    assert list(result) == [b"xxxx"] * 3


@pytest.mark.parametrize(
    "query, chunks, size",
    [
        ("", 10, 1024),
        ("n=0", 0, 1024),
        ("size=0&n=5", 5, 0),
        ("n=2&n=1&size=7", 1, 7),
        ("n=1024&size=1048576", 1024, MIB),
    ],
)
def test_stream_sizes(query, chunks, size):
    for method in ("GET", "HEAD"):
        status, headers, result = stream(query, method)
        pieces = list(result)
        assert (status, headers) == ("200 OK", [("Content-Type", TEXT)])
        assert len(pieces) == chunks
        assert all(piece == b"x" * size for piece in pieces[:2])
        assert sum(map(len, pieces)) == chunks * size


@pytest.mark.parametrize(
    "query, want",
    [
        ("n=1000001", bad_param("n", '"1000001"', 1_000_000)),
        ("size=1048577", bad_param("size", '"1048577"', MIB)),
        ("n=x&size=1048577", bad_param("n", '"x"', 1_000_000)),
        (
            "n=1025&size=1048576",
            text_response(
                "400 Bad Request",
                "Bad query: n=1025 chunks of size=1048576 bytes is more than 1073741824 bytes.",
            ),
        ),
    ],
)
def test_stream_bounds(query, want):
    assert call_echo("GET", "/stream", query) == want


# --- /big ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, length, pieces",
    [
        ("", MIB, [MIB]),
        ("bytes=0", 0, []),
        ("bytes=5", 5, [5]),
        ("bytes=3145729", 3 * MIB + 1, [MIB, MIB, MIB, 1]),
    ],
)
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_big(method, query, length, pieces):
    status, headers, chunks = call(echo, environ_for(method, "/big", query))
    assert status == "200 OK"
    assert headers == [("Content-Type", TEXT), ("Content-Length", str(length))]
    assert [len(chunk) for chunk in chunks] == pieces
    assert all(set(chunk) == {ord("x")} for chunk in chunks)


def test_big_largest_body_is_sent_in_pieces():
    start_response = StartResponse()
    result = echo(environ_for("GET", "/big", "bytes=%d" % GIB), start_response)
    assert start_response.headers == [("Content-Type", TEXT), ("Content-Length", str(GIB))]
    assert inspect.isgenerator(result)
    sizes = [len(piece) for piece in result]
    assert sizes == [MIB] * 1024


@pytest.mark.parametrize(
    "query, raw_debug",
    [
        ("bytes=1073741825", '"1073741825"'),
        ("bytes=-1", '"-1"'),
        ("bytes=+1", '"+1"'),
        ("bytes=%31", '"%31"'),
        ("bytes=1x", '"1x"'),
        ("bytes= 1", '" 1"'),
        ("bytes=", '""'),
        ("bytes", '""'),
        ("bytes=1=2", '"1=2"'),
        ("bytes=99999999999999999999999", '"99999999999999999999999"'),
        ("bytes=000000000000000000005", '"000000000000000000005"'),
        ("bytes=1&bytes=x", '"x"'),
        ('bytes="\\', '"\\"\\\\"'),
        ("bytes=\xe9", '"\xe9"'),
        ("bytes=\x80\xa0\xad\x7f\t", '"\\u{80}\\u{a0}\\u{ad}\\u{7f}\\t"'),
        ("bytes=\u0661", '"\u0661"'),  # ARABIC-INDIC DIGIT ONE: a digit to str.isdigit, not here
    ],
)
def test_big_bad_parameters(query, raw_debug):
    assert call_echo("GET", "/big", query) == bad_param("bytes", raw_debug, GIB)


@pytest.mark.parametrize(
    "query, length",
    [
        ("bytes=x&bytes=7", 7),
        ("foo=1&bytes=3&bar", 3),
        ("bytes=00000000000000000005", 5),
        ("xbytes=9", MIB),
    ],
)
def test_big_parameter_rules(query, length):
    _, headers, _ = call_echo("GET", "/big", query)
    assert headers[1] == ("Content-Length", str(length))


# --- /slow ---------------------------------------------------------------------------------


@pytest.fixture
def sleeps(monkeypatch):
    slept = []
    monkeypatch.setattr(ECHO_MODULE.time, "sleep", slept.append)
    return slept


@pytest.mark.parametrize(
    "query, seconds", [("", 1.0), ("ms=50", 0.05), ("ms=0", 0.0), ("ms=60000", 60.0)]
)
def test_slow_sleeps_then_answers_done(sleeps, query, seconds):
    assert call_echo("GET", "/slow", query) == text_response("200 OK", "done")
    assert sleeps == [seconds]


def test_slow_really_blocks():
    import time

    started = time.monotonic()
    assert call_echo("HEAD", "/slow", "ms=30") == text_response("200 OK", "done")
    assert time.monotonic() - started >= 0.03


@pytest.mark.parametrize("query, raw_debug", [("ms=60001", '"60001"'), ("ms=abc", '"abc"')])
def test_slow_bounds(sleeps, query, raw_debug):
    assert call_echo("GET", "/slow", query) == bad_param("ms", raw_debug, 60_000)
    assert sleeps == []


# --- /status/NNN ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code, status, headers",
    [
        ("200", "200 OK", [("Content-Length", "0")]),
        ("201", "201 Created", [("Content-Length", "0")]),
        ("204", "204 No Content", []),
        ("304", "304 Not Modified", []),
        ("404", "404 Not Found", [("Content-Length", "0")]),
        ("413", "413 Request Entity Too Large", [("Content-Length", "0")]),
        ("418", "418 I'm a Teapot", [("Content-Length", "0")]),
        ("299", "299 Unknown", [("Content-Length", "0")]),
        ("500", "500 Internal Server Error", [("Content-Length", "0")]),
        ("599", "599 Unknown", [("Content-Length", "0")]),
    ],
)
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_status(method, code, status, headers):
    assert call_echo(method, "/status/" + code) == (status, headers, b"")


@pytest.mark.parametrize(
    "text, text_debug",
    [
        ("199", '"199"'),
        ("600", '"600"'),
        ("2000", '"2000"'),
        ("20", '"20"'),
        ("+20", '"+20"'),
        ("abc", '"abc"'),
        ("", '""'),
        ("20/", '"20/"'),
        ("\xc3\xa9", '"\xc3\xa9"'),  # /status/%C3%A9: PATH_INFO is latin-1 decoded
        ('"x\\', '"\\"x\\\\"'),
        ("\n\t\r\x00\x01", '"\\n\\t\\r\\0\\u{1}"'),
        ("\x7f\x80\xa0\xad\xff", '"\\u{7f}\\u{80}\\u{a0}\\u{ad}\xff"'),
        ("\u0662\u0660\u0660", '"\u0662\u0660\u0660"'),  # three digits to str.isdigit only
    ],
)
def test_status_bad_codes(text, text_debug):
    assert call_echo("GET", "/status/" + text) == bad_status(text_debug)


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "OPTIONS"])
def test_status_answers_only_get_and_head(method):
    assert call_echo(method, "/status/200") == NOT_FOUND


# --- OPTIONS *, /raise, 404 ----------------------------------------------------------------


def test_options_asterisk():
    environ = environ_for("OPTIONS", "*", REQUEST_URI="*")
    allow = "GET, HEAD, POST, PUT, DELETE, OPTIONS"
    assert call(echo, environ) == ("200 OK", [("Allow", allow), ("Content-Length", "0")], [])


@pytest.mark.parametrize("method, target", [("OPTIONS", "/hello"), ("OPTIONS", "/"), ("GET", "*")])
def test_options_elsewhere_and_asterisk_otherwise_are_not_found(method, target):
    environ = environ_for(method, target, REQUEST_URI=target)
    status, headers, chunks = call(echo, environ)
    assert (status, headers, b"".join(chunks)) == NOT_FOUND


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_raise_fails_before_start_response(method):
    start_response = StartResponse()
    with pytest.raises(RuntimeError, match="before start_response"):
        echo(environ_for(method, "/raise"), start_response)
    assert start_response.calls == []


def test_raise_answers_only_get_and_head():
    assert call_echo("POST", "/raise") == NOT_FOUND


@pytest.mark.parametrize(
    "path", ["/", "/nothing", "/echo/", "/Echo", "/hello/", "/status", "/big/"]
)
def test_anything_else_is_not_found(path):
    assert call_echo("GET", path) == NOT_FOUND
