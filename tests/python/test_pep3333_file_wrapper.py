"""wsgi.file_wrapper: a real file (from the start or an offset) and a BytesIO arrive byte-exact, and get closed."""

import io
import os
import time

import pytest

import wire
from markers import cheroot_defect

# cheroot provides no wsgi.file_wrapper (PEP 3333 makes it optional); cheroot_rs must provide one.
pytestmark = cheroot_defect('no wsgi.file_wrapper in the environ (KeyError, answered with 500)')

PAYLOAD = os.urandom(300_000) + bytes(range(256))
OFFSET = 1000
CLOSE_WAIT_S = 5.0


def wait_until_closed(filelike):
    deadline = time.monotonic() + CLOSE_WAIT_S
    while not filelike.closed and time.monotonic() < deadline:
        time.sleep(0.01)
    return filelike.closed


def file_wrapper_app(open_source, opened, declare_length):
    def app(environ, start_response):
        filelike, expected_length = open_source()
        opened.append(filelike)
        headers = [('Content-Type', 'application/octet-stream')]
        if declare_length:
            headers.append(('Content-Length', str(expected_length)))
        start_response('200 OK', headers)
        return environ['wsgi.file_wrapper'](filelike, 8192)

    return app


@pytest.fixture
def payload_path(tmp_path):
    path = tmp_path / 'payload.bin'
    path.write_bytes(PAYLOAD)
    return path


def test_file_wrapper_is_a_callable_in_the_environ(serve):
    seen = {}

    def app(environ, start_response):
        seen['file_wrapper'] = environ.get('wsgi.file_wrapper')
        start_response('200 OK', [('Content-Type', 'text/plain')])
        return [b'ok']

    with serve(app) as srv:
        assert srv.request('GET', '/').status == 200
    assert callable(seen['file_wrapper'])


@pytest.mark.parametrize('validate', [True, False], ids=['validated', 'unwrapped'])
@pytest.mark.parametrize('declare_length', [True, False], ids=['content-length', 'no-length'])
@pytest.mark.parametrize('source', ['real-file', 'real-file-at-offset', 'bytesio'])
def test_file_wrapper_delivers_exact_bytes_and_closes(serve, payload_path, source, declare_length, validate):
    def open_source():
        if source == 'bytesio':
            return io.BytesIO(PAYLOAD), len(PAYLOAD)
        filelike = open(payload_path, 'rb')
        if source == 'real-file-at-offset':
            # PEP 3333: transmission starts at the file's current position.
            filelike.seek(OFFSET)
            return filelike, len(PAYLOAD) - OFFSET
        return filelike, len(PAYLOAD)

    opened = []
    # validated: the server iterates the wrapper through wsgiref.validate's iterator.
    # unwrapped: the server gets its own wrapper back and may take a sendfile-style fast path.
    with serve(file_wrapper_app(open_source, opened, declare_length), validate=validate) as srv:
        response = srv.raw(wire.build_request('GET', '/'))
        assert response.status == 200
        assert len(opened) == 1
        assert wait_until_closed(opened[0]), 'the wrapped file was not closed'
    expected = PAYLOAD[OFFSET:] if source == 'real-file-at-offset' else PAYLOAD
    assert len(response.body) == len(expected)
    assert response.body == expected
