"""wsgi.input when the body arrives in separate segments: read(size) and readline(size) still honour size."""

import ast
import threading
import time

import pytest

import wire
from markers import cheroot_defect

GAP_S = 0.2  # between segments: long enough that the app reads each one on its own
WAIT_S = 5.0


def piecewise_app(operation):
    """App that signals when it starts, runs `operation` on wsgi.input and answers with repr() of the result."""
    started = threading.Event()

    def app(environ, start_response):
        started.set()
        body = repr(operation(environ['wsgi.input'])).encode()
        start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', str(len(body)))])
        return [body]

    return app, started


def post_in_segments(serve, operation, framing, segments):
    app, started = piecewise_app(operation)
    total = sum(len(segment) for segment in segments)
    frame_header = ('Transfer-Encoding', 'chunked') if framing == 'chunked' else ('Content-Length', str(total))
    # Chunked skips the validator so the oracle still runs (cheroot's ChunkedRFile lacks __iter__).
    with serve(app, validate=framing != 'chunked') as srv:
        with srv.connect(WAIT_S + len(segments) * GAP_S) as sock:
            sock.sendall(wire.build_request('POST', '/', [frame_header]))
            assert started.wait(WAIT_S), 'app was not called'
            for segment in segments:
                time.sleep(GAP_S)  # the app is already blocked reading when each segment lands
                sock.sendall(b'%x\r\n%s\r\n' % (len(segment), segment) if framing == 'chunked' else segment)
            if framing == 'chunked':
                sock.sendall(b'0\r\n\r\n')
            response = wire.read_response(wire.WireReader(sock, WAIT_S))
    assert response.status == 200
    return ast.literal_eval(response.body.decode())


@pytest.mark.parametrize(
    'framing',
    [
        pytest.param(
            'content-length',
            marks=cheroot_defect(
                'readline(size) returns more than size bytes when the line arrives in several segments '
                '(its _pyio reader caps each read at size, not at what is left of size)'
            ),
        ),
        pytest.param(
            'chunked',
            marks=cheroot_defect('ChunkedRFile.readline() loops forever on a newline; not run', run=False),
        ),
    ],
)
def test_readline_size_is_a_hard_limit(serve, framing):
    lines = post_in_segments(
        serve, lambda stream: [stream.readline(8) for _ in range(4)], framing, [b'first', b' line\nsecond\n']
    )
    assert lines == [b'first li', b'ne\n', b'second\n', b'']


@pytest.mark.parametrize('framing', ['content-length', 'chunked'])
def test_read_size_waits_for_a_full_piece(serve, framing):
    pieces = post_in_segments(
        serve, lambda stream: [stream.read(7) for _ in range(3)], framing, [b'abc', b'defghij', b'kl']
    )
    # Like a blocking file (and cheroot): read(n) returns n bytes unless the body ends first.
    assert pieces == [b'abcdefg', b'hijkl', b'']
