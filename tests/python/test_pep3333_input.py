"""wsgi.input over Content-Length and hand-sent chunked bodies: read(size), read(), readline(s) and iteration vs io.BytesIO."""

import ast
import io

import pytest

import wire
from markers import cheroot_defect

# Lines of several shapes: LF, CRLF, an empty line, a line longer than the read sizes, and no final newline.
BODY = b'first line\nsecond\r\n\nthird line is longer than the size\nlast without newline'
# Uneven chunk sizes so lines and reads straddle chunk boundaries.
PIECE_SIZES = (5, 1, 13, 7, 2, 30)
# Short, so a server that blocks waiting for bytes past the body fails quickly instead of slowly.
EXCHANGE_TIMEOUT_S = 5.0

CHUNKED_READLINE_SPINS = cheroot_defect(
    'ChunkedRFile.readline() loops forever once its buffer holds a newline (the newline is never consumed); '
    'not run, because the spinning worker thread could never be stopped',
    run=False,
)


def split_unevenly(data):
    pieces, start, index = [], 0, 0
    while start < len(data):
        size = PIECE_SIZES[index % len(PIECE_SIZES)]
        pieces.append(data[start : start + size])
        start += size
        index += 1
    return pieces


def post_body(srv, path, framing, body=BODY):
    """POST `body` framed by Content-Length or chunked by hand (uneven chunks), in a single write."""
    if framing == 'chunked':
        frame_header, payload = ('Transfer-Encoding', 'chunked'), wire.chunked(split_unevenly(body))
    else:
        frame_header, payload = ('Content-Length', str(len(body))), body
    head = wire.build_request('POST', path, [('Content-Type', 'application/octet-stream'), frame_header])
    with srv.connect(EXCHANGE_TIMEOUT_S) as sock:
        sock.sendall(head + payload)
        return wire.read_response(wire.WireReader(sock, EXCHANGE_TIMEOUT_S))


def readline_until_eof(stream, *size):
    lines = []
    for _ in range(100):
        line = stream.readline(*size)
        lines.append(line)
        if not line:
            break
    lines.append(stream.readline(*size))  # reading again at EOF still gives b''
    return lines


def read_pieces_until_eof(stream, size):
    pieces = []
    for _ in range(100):
        piece = stream.read(size)
        pieces.append(piece)
        if not piece:
            break
    return pieces + [stream.read(size), stream.read()]  # after EOF: b'' with and without a size


def read_everything(stream):
    return [stream.read(), stream.read(), stream.read(1)]


OPERATIONS = {
    '/readline': readline_until_eof,
    '/readline-size': lambda stream: readline_until_eof(stream, 8),
    '/readlines': lambda stream: [stream.readlines(), stream.read(1)],
    '/iterate': lambda stream: list(stream),
    '/read-size': lambda stream: read_pieces_until_eof(stream, 7),
    '/read-all': read_everything,
}


def input_operations_app(environ, start_response):
    """Runs the wsgi.input operation named by the path and answers with repr() of what it returned."""
    result = OPERATIONS[environ['PATH_INFO']](environ['wsgi.input'])
    body = repr(result).encode()
    start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', str(len(body)))])
    return [body]


def run_operation(serve, path, framing, validate=None):
    if validate is None:
        # Chunked bodies skip wsgiref.validate here so the oracle still proves the read semantics:
        # cheroot's ChunkedRFile has no __iter__, which the validator rejects up front
        # (test_chunked_input_passes_the_validator covers that on its own).
        validate = framing != 'chunked'
    with serve(input_operations_app, validate=validate) as srv:
        response = post_body(srv, path, framing)
    assert response.status == 200, response
    return ast.literal_eval(response.body.decode())


def expected(path):
    """What the same operation gives on an in-memory file holding the same body."""
    return OPERATIONS[path](io.BytesIO(BODY))


@pytest.mark.parametrize(
    'framing', ['content-length', pytest.param('chunked', marks=CHUNKED_READLINE_SPINS)]
)
def test_readline_keeps_newlines_and_stops_at_eof(serve, framing):
    lines = run_operation(serve, '/readline', framing)
    assert lines == expected('/readline')
    assert lines[-3:] == [b'last without newline', b'', b'']


@pytest.mark.parametrize(
    'framing', ['content-length', pytest.param('chunked', marks=CHUNKED_READLINE_SPINS)]
)
def test_readline_with_size_returns_at_most_size_bytes(serve, framing):
    lines = run_operation(serve, '/readline-size', framing)
    assert lines == expected('/readline-size')
    assert all(len(line) <= 8 for line in lines)


READLINES_WITHOUT_HINT_IS_EMPTY = cheroot_defect(
    'readlines() without a hint calls readline(0), so it returns [] and reads nothing'
)


@pytest.mark.parametrize(
    'framing',
    [
        pytest.param('content-length', marks=READLINES_WITHOUT_HINT_IS_EMPTY),
        pytest.param('chunked', marks=READLINES_WITHOUT_HINT_IS_EMPTY),
    ],
)
def test_readlines_returns_every_line(serve, framing):
    assert run_operation(serve, '/readlines', framing) == expected('/readlines')


@pytest.mark.parametrize(
    'framing',
    [
        pytest.param(
            'content-length',
            marks=cheroot_defect(
                'iterating KnownLengthRFile reads lines from the socket past Content-Length, '
                'so it blocks waiting for bytes the client never sends'
            ),
        ),
        pytest.param('chunked', marks=cheroot_defect('ChunkedRFile is not iterable (TypeError, answered with 500)')),
    ],
)
def test_iteration_yields_lines_and_stops_at_eof(serve, framing):
    # validate=False: wsgiref.validate emulates iteration with readline(); this must reach the server's own __iter__.
    assert run_operation(serve, '/iterate', framing, validate=False) == expected('/iterate')


@pytest.mark.parametrize('framing', ['content-length', 'chunked'])
def test_read_size_gives_full_pieces_then_empty_bytes(serve, framing):
    pieces = run_operation(serve, '/read-size', framing)
    assert pieces == expected('/read-size')
    assert [len(piece) for piece in pieces[:-4]] == [7] * (len(BODY) // 7)


@pytest.mark.parametrize('framing', ['content-length', 'chunked'])
def test_read_all_then_read_after_eof_gives_empty_bytes(serve, framing):
    assert run_operation(serve, '/read-all', framing) == [BODY, b'', b'']


@cheroot_defect('ChunkedRFile has no __iter__, so wsgiref.validate rejects wsgi.input for every chunked request')
def test_chunked_input_passes_the_validator(serve):
    assert run_operation(serve, '/read-size', 'chunked', validate=True) == expected('/read-size')
