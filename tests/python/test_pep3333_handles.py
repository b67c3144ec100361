"""start_response and write belong to their request: kept and called later, they raise.

cheroot_rs reuses a pool thread's start_response and write objects for its next request when
nothing outside kept them (crates/cheroot-python/src/start_response.rs). With one worker thread
every request below runs on the same thread, so an object handed to a later request while an
app still holds it would show here as a call that reaches the wrong response.
"""

import pytest

import wire
from markers import cheroot_defect

TEXT = [('Content-Type', 'text/plain')]


def keeping_app(kept, use):
    """Keeps one of the first request's handles (as `use` says) and calls it on later requests."""

    def app(environ, start_response):
        if not kept:
            write = start_response('200 OK', TEXT)
            # Only the one used: keeping `write` alone must be enough to keep it out of reuse.
            kept.append((start_response, None) if use == 'start_response' else (None, write))
            return [b'first']
        old_start, old_write = kept[0]
        if use == 'write':
            # This request's own `write` exists now: the kept one must still not be it.
            start_response('200 OK', TEXT)
        try:
            if use == 'start_response':
                old_start('500 Wrong', TEXT)
            else:
                old_write(b'into the wrong response')
            outcome = b'no error'
        except RuntimeError:
            outcome = b'RuntimeError'
        if use == 'start_response':
            start_response('200 OK', TEXT)
        return [outcome]

    return app


def serve_three(serve, app):
    with serve(app, validate=False, numthreads=1, max=1) as srv:
        with srv.connect() as sock:
            reader = wire.WireReader(sock)
            responses = []
            for path in ('/1', '/2', '/3'):
                sock.sendall(wire.build_request('GET', path))
                responses.append(wire.read_response(reader))
    return responses


@pytest.mark.parametrize(
    'use',
    [
        'start_response',
        pytest.param(
            'write',
            marks=cheroot_defect(
                "a kept write() of an earlier request puts its bytes on the connection ahead of "
                "the current response: the client reads '17' as a status line"
            ),
        ),
    ],
)
def test_a_kept_handle_raises_in_a_later_request(serve, use):
    responses = serve_three(serve, keeping_app([], use))
    assert [(r.status, r.body) for r in responses] == [
        (200, b'first'),
        (200, b'RuntimeError'),
        (200, b'RuntimeError'),
    ]


def test_handles_let_go_by_the_app_serve_the_next_requests(serve):
    seen = []

    def app(environ, start_response):
        write = start_response('200 OK', TEXT)
        write(environ['PATH_INFO'].encode())
        seen.append(environ['PATH_INFO'])
        return [b'.']

    with serve(app, validate=False, numthreads=1, max=1) as srv:
        bodies = [srv.raw(wire.build_request('GET', f'/{n}')).body for n in range(4)]
    assert bodies == [b'/0.', b'/1.', b'/2.', b'/3.']
    assert seen == ['/0', '/1', '/2', '/3']
