"""Pipelined requests to a Python app: answered in order, and nothing runs behind a response that ends the connection.

cheroot_rs answers the requests without a body that a client pipelines behind one in a
single worker job (docs/architecture.md); from the outside that must look like cheroot,
which reads and answers them one at a time: the same responses in the same order, and the
app never called for a request behind one whose response closed the connection.
"""

import wire


def recording_app(calls):
    """Answers with its path; `/fail` raises (500 and a close); `/gen` streams from a generator."""

    def app(environ, start_response):
        path = environ['PATH_INFO']
        calls.append(path)
        if path == '/fail':
            raise RuntimeError('the app failed on purpose')
        if path == '/gen':
            start_response('200 OK', [('Content-Type', 'text/plain')])
            return (piece for piece in [b'one ', b'two'])
        body = path.encode()
        start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', str(len(body)))])
        return [body]

    return app


def pipeline(srv, paths):
    """Writes GETs for `paths` at once; the (status, body) of each response until the server closes."""
    got = []
    with srv.connect() as sock:
        sock.sendall(b''.join(wire.build_request('GET', path) for path in paths))
        reader = wire.WireReader(sock)
        while True:
            try:
                response = wire.read_response(reader)
            except EOFError:
                return got
            got.append((response.status, response.body))
            if (response.header('Connection') or '').lower() == 'close':
                assert reader.read_to_eof() == b''
                return got


def test_pipelined_requests_are_answered_in_order(serve):
    calls = []
    paths = [f'/p{i}' for i in range(20)] + ['/gen', '/last']
    with serve(recording_app(calls), numthreads=2) as srv:
        with srv.connect() as sock:
            sock.sendall(b''.join(wire.build_request('GET', path) for path in paths))
            reader = wire.WireReader(sock)
            bodies = [wire.read_response(reader).body for _ in paths]
    assert bodies == [path.encode() for path in paths[:-2]] + [b'one two', b'/last']
    assert calls == paths


def test_nothing_runs_behind_a_failed_request(serve):
    calls = []
    with serve(recording_app(calls), numthreads=2) as srv:
        got = pipeline(srv, ['/a', '/b', '/fail', '/c', '/d'])
    assert [status for status, _ in got] == [200, 200, 500]
    assert got[:2] == [(200, b'/a'), (200, b'/b')]
    assert calls == ['/a', '/b', '/fail']
