"""PEP 3333 response flow: exc_info before/after headers, the write() callable, lazy start_response, app errors."""

import sys

import pytest

import wire
from markers import cheroot_defect

TEXT = [('Content-Type', 'text/plain')]


def ok_app(environ, start_response):
    start_response('200 OK', TEXT + [('Content-Length', '2')])
    return [b'ok']


def replaces_response_with_exc_info(environ, start_response):
    """Starts a 200, fails before any output, then replaces it with a 500 via exc_info."""
    start_response('200 OK', TEXT + [('X-Replaced', 'original')])
    try:
        raise ValueError('rendering failed')
    except ValueError:
        start_response(
            '500 Internal Server Error',
            [('Content-Type', 'text/csv'), ('Content-Length', '11')],
            sys.exc_info(),
        )
    return [b'replacement']


def test_exc_info_before_headers_sent_replaces_status_and_body(serve):
    with serve(replaces_response_with_exc_info) as srv:
        response = srv.raw(wire.build_request('GET', '/'))
    assert response.status == 500
    assert response.body == b'replacement'


@cheroot_defect('start_response(..., exc_info) appends to the first call\'s headers instead of replacing them')
def test_exc_info_before_headers_sent_replaces_the_headers_too(serve):
    with serve(replaces_response_with_exc_info) as srv:
        response = srv.raw(wire.build_request('GET', '/'))
    assert response.status == 500
    assert response.header('X-Replaced') is None
    assert response.header_all('Content-Type') == ['text/csv']


def test_exc_info_after_headers_sent_reraises_and_closes_the_connection(serve):
    outcome = {}

    def fails_after_writing(environ, start_response):
        if environ['PATH_INFO'] == '/healthy':
            return ok_app(environ, start_response)
        write = start_response('200 OK', TEXT)
        write(b'first bytes')
        try:
            raise ValueError('late failure')
        except ValueError as original:
            try:
                start_response('500 Internal Server Error', TEXT, sys.exc_info())
            except BaseException as raised:
                # PEP 3333: with headers already sent, start_response must raise, and should raise exc_info.
                outcome['reraised'] = raised
                outcome['original'] = original
                raise
            outcome['returned'] = True
        return [b'must never be sent']

    with serve(fails_after_writing) as srv:
        with srv.connect() as sock:
            sock.sendall(wire.build_request('GET', '/'))
            reader = wire.WireReader(sock)
            response = wire.read_head(reader)
            body, complete = wire.read_body_until_eof(reader, response)
        # The server survived and serves the next connection.
        healthy = srv.request('GET', '/healthy')
    assert response.status == 200
    assert body == b'first bytes'
    assert not complete, 'the body must be cut off, not framed as complete'
    assert 'returned' not in outcome
    assert outcome['reraised'] is outcome['original']
    assert (healthy.status, healthy.body) == (200, b'ok')


def test_write_callable_app(serve):
    def writes_everything(environ, start_response):
        write = start_response('200 OK', TEXT)
        for index in range(5):
            write(b'piece %d;' % index)
        return []

    with serve(writes_everything) as srv:
        response = srv.raw(wire.build_request('GET', '/'))
    assert response.status == 200
    assert response.body == b'piece 0;piece 1;piece 2;piece 3;piece 4;'


class Reversed(list):
    """A list whose own ``__iter__`` gives its items last first."""

    def __iter__(self):
        return iter(list(reversed(self)))


@pytest.mark.parametrize(
    ('body', 'expected'),
    [
        ([b'a', b'', b'bc'], b'abc'),
        ((b'a', b'bc'), b'abc'),
        (Reversed([b'a', b'bc']), b'bca'),
    ],
    ids=['list', 'tuple', 'list-subclass'],
)
def test_a_list_or_tuple_body_is_sent_as_its_iteration_gives_it(serve, body, expected):
    def app(environ, start_response):
        start_response('200 OK', TEXT)
        return body

    with serve(app, validate=False) as srv:
        response = srv.raw(wire.build_request('GET', '/'))
    assert response.status == 200
    assert response.body == expected


def test_write_callable_with_content_length(serve):
    def writes_declared_length(environ, start_response):
        write = start_response('200 OK', TEXT + [('Content-Length', '10')])
        write(b'01234')
        write(b'56789')
        return []

    with serve(writes_declared_length) as srv:
        response = srv.raw(wire.build_request('GET', '/'))
    assert response.status == 200
    assert response.header('Content-Length') == '10'
    assert response.header('Transfer-Encoding') is None
    assert response.body == b'0123456789'


def test_generator_calling_start_response_lazily(serve):
    def lazy_generator_app(environ, start_response):
        # start_response runs only when the server first iterates.
        start_response('201 Created', TEXT + [('X-Lazy', 'yes')])
        yield b'made '
        yield b''  # an empty chunk must not end or break the body
        yield b'lazily'

    with serve(lazy_generator_app) as srv:
        response = srv.raw(wire.build_request('GET', '/'))
    assert (response.status, response.reason) == (201, 'Created')
    assert response.header('X-Lazy') == 'yes'
    assert response.body == b'made lazily'


def raises_at_call(environ, start_response):
    raise RuntimeError('secret failure detail')


def raises_in_first_iteration(environ, start_response):
    raise RuntimeError('secret failure detail')
    yield b'never'  # makes this a generator: the error comes from the first next()


@pytest.mark.parametrize(
    'failing_app',
    [
        pytest.param(raises_at_call, id='at-call'),
        pytest.param(
            raises_in_first_iteration,
            id='in-first-iteration',
            marks=cheroot_defect(
                'an exception before start_response inside the first iteration sends no response '
                '(send_headers runs with no status and fails, so close() is skipped too); '
                'the client just sees the connection close'
            ),
        ),
    ],
)
def test_exception_before_start_response_is_a_short_500(serve, failing_app):
    with serve(failing_app) as srv:
        response = srv.raw(wire.build_request('GET', '/'))
        # A new connection is served normally afterwards.
        second = srv.raw(wire.build_request('GET', '/'))
    assert response.status == 500
    assert len(response.body) < 1024
    assert b'secret failure detail' not in response.body, 'exception text must not leak to the client'
    assert second.status == 500  # same app, same failure: the server is still answering


def test_server_keeps_serving_after_an_app_exception(serve):
    calls = []

    def fails_once(environ, start_response):
        calls.append(environ['PATH_INFO'])
        if len(calls) == 1:
            raise RuntimeError('first request fails')
        start_response('200 OK', TEXT + [('Content-Length', '9')])
        return [b'recovered']

    with serve(fails_once) as srv:
        first = srv.raw(wire.build_request('GET', '/first'))
        second = srv.raw(wire.build_request('GET', '/second'))
    assert first.status == 500
    assert (second.status, second.body) == (200, b'recovered')
    assert calls == ['/first', '/second']


@cheroot_defect(
    'when the first next() of the body raises after start_response, it still sends the 200 head '
    '(in a finally) and then cuts the connection instead of answering 500'
)
def test_exception_in_first_chunk_after_start_response_is_a_500(serve):
    def fails_before_any_output(environ, start_response):
        start_response('200 OK', TEXT)

        def body():
            raise RuntimeError('secret failure detail')
            yield b'never'

        return body()

    with serve(fails_before_any_output) as srv:
        response = srv.raw(wire.build_request('GET', '/'))
    # Nothing was sent yet, so the server can still replace the response with a 500.
    assert response.status == 500
    assert b'secret failure detail' not in response.body
