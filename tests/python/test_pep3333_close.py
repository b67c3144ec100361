"""PEP 3333 close(): the server calls the body iterable's close() on success, on errors and on client disconnect."""

import threading
import time

import wire

TEXT = [('Content-Type', 'text/plain')]
CLOSE_WAIT_S = 5.0


class TrackedBody:
    """Body iterable recording close(); yields `chunks`, or raises at index `fail_at`, or streams `endless` chunks."""

    def __init__(self, chunks=(), fail_at=None, endless_chunk=None, max_chunks=100_000, max_seconds=20.0):
        self.chunks = list(chunks)
        self.fail_at = fail_at
        self.endless_chunk = endless_chunk
        self.max_chunks = max_chunks
        self.deadline = time.monotonic() + max_seconds
        self.yielded = 0
        self.exhausted = False
        self.closed = threading.Event()

    def __iter__(self):
        return self

    def __next__(self):
        if self.yielded == self.fail_at:
            raise RuntimeError('body iteration failed')
        if self.endless_chunk is not None:
            # Bounded in count and time so a server that never notices the disconnect cannot run forever.
            if self.yielded >= self.max_chunks or time.monotonic() > self.deadline:
                self.exhausted = True
                raise StopIteration
            self.yielded += 1
            return self.endless_chunk
        if self.yielded >= len(self.chunks):
            self.exhausted = True
            raise StopIteration
        self.yielded += 1
        return self.chunks[self.yielded - 1]

    def close(self):
        self.closed.set()


def app_returning(body):
    def app(environ, start_response):
        start_response('200 OK', TEXT)
        return body

    return app


def test_close_called_after_success(serve):
    body = TrackedBody([b'alpha ', b'beta'])
    with serve(app_returning(body)) as srv:
        response = srv.raw(wire.build_request('GET', '/'))
        assert body.closed.wait(CLOSE_WAIT_S), 'close() not called after a successful response'
    assert (response.status, response.body) == (200, b'alpha beta')
    assert body.exhausted


def test_close_called_when_iteration_raises_after_output(serve):
    body = TrackedBody([b'sent before the failure', b'never sent'], fail_at=1)
    with serve(app_returning(body)) as srv:
        with srv.connect() as sock:
            sock.sendall(wire.build_request('GET', '/'))
            reader = wire.WireReader(sock)
            response = wire.read_head(reader)
            received, complete = wire.read_body_until_eof(reader, response)
        assert body.closed.wait(CLOSE_WAIT_S), 'close() not called after the body raised'
    assert response.status == 200
    assert received == b'sent before the failure'
    assert not complete


def test_close_called_when_first_iteration_raises(serve):
    body = TrackedBody([b'never sent'], fail_at=0)
    with serve(app_returning(body)) as srv:
        with srv.connect() as sock:
            sock.sendall(wire.build_request('GET', '/'))
            everything = wire.WireReader(sock).read_to_eof()
        assert body.closed.wait(CLOSE_WAIT_S), 'close() not called after the first next() raised'
    assert b'never sent' not in everything


def test_close_called_when_client_disconnects_mid_stream(serve):
    body = TrackedBody(endless_chunk=b'x' * 16384)
    with serve(app_returning(body)) as srv:
        with srv.connect() as sock:
            sock.sendall(wire.build_request('GET', '/'))
            reader = wire.WireReader(sock)
            response = wire.read_head(reader)
            assert response.status == 200
            reader.read_exact(1000)  # the stream really started
        # Closing with unread data makes the kernel reset the connection; the server's next writes fail.
        assert body.closed.wait(CLOSE_WAIT_S), 'close() not called after the client went away'
        assert not body.exhausted, 'the server kept iterating to the end after the client disconnected'
