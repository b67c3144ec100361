"""The WSGI environ for GET and POST requests, key by key, as real cheroot 11.1.2 builds it."""

import re

import pytest

import wire

SERVER_NAME = 'wsgi-test-host'
ERRORS_MARKER = 'wsgi.errors marker 5f3a'

GET_TARGET = '/caf%C3%A9/a%2fb%20c/%2F?x=%20y&z=%2F&e=%C3%A9'
GET_HEADERS = [
    ('X-Custom-Header', 'v1'),
    ('x-lower', 'v2'),
    ('Accept', 'a'),
    ('Accept', 'b'),
    ('X-Dup', '1'),
    ('X-Dup', '2'),
    ('Connection', 'close'),
]

# Keys every request gets, with wsgi.file_wrapper left out: cheroot has none (it is optional in
# PEP 3333); test_pep3333_file_wrapper.py requires it of cheroot_rs.
COMMON_KEYS = {
    'ACTUAL_SERVER_PROTOCOL', 'PATH_INFO', 'QUERY_STRING', 'REMOTE_ADDR', 'REMOTE_PORT', 'REQUEST_METHOD',
    'REQUEST_URI', 'SCRIPT_NAME', 'SERVER_NAME', 'SERVER_PORT', 'SERVER_PROTOCOL', 'SERVER_SOFTWARE',
    'wsgi.errors', 'wsgi.input', 'wsgi.input_terminated', 'wsgi.multiprocess', 'wsgi.multithread',
    'wsgi.run_once', 'wsgi.url_scheme', 'wsgi.version',
}  # fmt: skip


def recording_app(seen, probe_text_mode=True):
    """Keeps a copy of each environ and exercises wsgi.errors while the request is live.

    probe_text_mode writes bytes to wsgi.errors to prove it is a text stream; that is off under
    wsgiref.validate, which rightly rejects the attempt itself.
    """

    def app(environ, start_response):
        errors = environ['wsgi.errors']
        errors.write(ERRORS_MARKER + '\n')
        errors.writelines(['second ', 'line\n'])
        errors.flush()
        text_mode = None
        if probe_text_mode:
            try:
                errors.write(b'bytes')
            except TypeError:
                text_mode = True
            else:
                text_mode = False
        environ['wsgi.input'].read(1 << 20)
        seen.append({'environ': dict(environ), 'errors_text_mode': text_mode})
        start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', '2')])
        return [b'ok']

    return app


def snapshot(serve, request_bytes):
    """Serve one request (without wsgiref.validate, to see the server's own objects) and return its environ."""
    seen = []
    # server_name is explicit so SERVER_NAME is predictable; see test_default_server_name for the default.
    with serve(recording_app(seen), validate=False, server_name=SERVER_NAME) as srv:
        with srv.connect() as sock:
            client_port = sock.getsockname()[1]
            sock.sendall(request_bytes)
            response = wire.read_response(wire.WireReader(sock))
    assert response.status == 200
    assert len(seen) == 1
    return seen[0], srv.port, client_port


def plain_values(environ):
    """The environ without the stream objects (which are checked by behaviour, not value)."""
    return {key: value for key, value in environ.items() if key not in ('wsgi.input', 'wsgi.errors', 'wsgi.file_wrapper')}


def common_expectations(port, client_port):
    return {
        'ACTUAL_SERVER_PROTOCOL': 'HTTP/1.1',  # cheroot extension: the protocol the server speaks
        'REMOTE_ADDR': '127.0.0.1',
        'REMOTE_PORT': str(client_port),
        'SCRIPT_NAME': '',
        'SERVER_NAME': SERVER_NAME,
        'SERVER_PORT': str(port),
        'wsgi.multiprocess': False,
        'wsgi.multithread': True,
        'wsgi.run_once': False,
        'wsgi.url_scheme': 'http',
        'wsgi.version': (1, 0),
    }


def check_streams_and_pop_software(record, check_iter=True):
    environ = record['environ']
    for name in ('read', 'readline', 'readlines') + (('__iter__',) if check_iter else ()):
        assert hasattr(environ['wsgi.input'], name), f'wsgi.input lacks {name}'
    assert record['errors_text_mode'], 'wsgi.errors must be a text stream (bytes are a TypeError)'
    software = environ.pop('SERVER_SOFTWARE')
    # cheroot: '<product>/<version> Server' (e.g. 'Cheroot/11.1.2 Server'); only the shape is shared.
    assert re.fullmatch(r'\S+/\S+ Server', software), software


def test_get_environ(serve, capfd):
    record, port, client_port = snapshot(serve, wire.build_request('GET', GET_TARGET, GET_HEADERS))
    environ = record['environ']
    assert set(environ) - {'wsgi.file_wrapper'} == COMMON_KEYS | {
        'HTTP_HOST', 'HTTP_X_CUSTOM_HEADER', 'HTTP_X_LOWER', 'HTTP_ACCEPT', 'HTTP_X_DUP', 'HTTP_CONNECTION',
    }  # fmt: skip
    # No CONTENT_TYPE / CONTENT_LENGTH keys when the request sent none.
    check_streams_and_pop_software(record)
    assert plain_values(environ) == {
        **common_expectations(port, client_port),
        'REQUEST_METHOD': 'GET',
        # Percent-decoded, then the bytes as latin-1 (PEP 3333), so UTF-8 shows as mojibake.
        # cheroot keeps an encoded slash encoded (and upper-cases it): '%2f' -> '%2F'.
        'PATH_INFO': '/caf\u00c3\u00a9/a%2Fb c/%2F',
        'QUERY_STRING': 'x=%20y&z=%2F&e=%C3%A9',  # raw, not decoded
        'REQUEST_URI': GET_TARGET,  # exactly as sent
        'SERVER_PROTOCOL': 'HTTP/1.1',
        'HTTP_HOST': '127.0.0.1',
        'HTTP_X_CUSTOM_HEADER': 'v1',
        'HTTP_X_LOWER': 'v2',
        'HTTP_ACCEPT': 'a, b',  # a list-valued header: repeated fields are joined with ', '
        'HTTP_X_DUP': '2',  # cheroot: a repeated header it does not know as a list keeps the last value
        'HTTP_CONNECTION': 'close',
        # Not in PEP 3333. cheroot sets it only for chunked bodies, although its Content-Length
        # reader also stops at the end of the body; cheroot_rs must match.
        'wsgi.input_terminated': False,
    }
    assert ERRORS_MARKER in capfd.readouterr().err, 'wsgi.errors should reach the process stderr'


def test_http10_post_environ(serve):
    request = (
        b'POST /submit?a=1 HTTP/1.0\r\nHost: 127.0.0.1\r\n'
        b'Content-Type: text/plain; charset=utf-8\r\nContent-Length: 3\r\n\r\nabc'
    )
    record, port, client_port = snapshot(serve, request)
    environ = record['environ']
    assert set(environ) - {'wsgi.file_wrapper'} == COMMON_KEYS | {'HTTP_HOST', 'CONTENT_TYPE', 'CONTENT_LENGTH'}
    check_streams_and_pop_software(record)
    assert plain_values(environ) == {
        **common_expectations(port, client_port),
        'REQUEST_METHOD': 'POST',
        'PATH_INFO': '/submit',
        'QUERY_STRING': 'a=1',
        'REQUEST_URI': '/submit?a=1',
        'SERVER_PROTOCOL': 'HTTP/1.0',  # the request's protocol, while ACTUAL_SERVER_PROTOCOL stays 1.1
        'HTTP_HOST': '127.0.0.1',
        'CONTENT_TYPE': 'text/plain; charset=utf-8',  # never as HTTP_CONTENT_TYPE
        'CONTENT_LENGTH': '3',  # a str, never as HTTP_CONTENT_LENGTH
        'wsgi.input_terminated': False,
    }


def test_chunked_post_environ(serve):
    request = wire.build_request('POST', '/upload', [('Transfer-Encoding', 'chunked')]) + wire.chunked([b'abc'])
    record, port, client_port = snapshot(serve, request)
    environ = record['environ']
    assert set(environ) - {'wsgi.file_wrapper'} == COMMON_KEYS | {'HTTP_HOST', 'HTTP_TRANSFER_ENCODING'}
    # cheroot's chunked reader lacks __iter__; test_pep3333_input.py holds that against it separately.
    check_streams_and_pop_software(record, check_iter=False)
    assert plain_values(environ) == {
        **common_expectations(port, client_port),
        'REQUEST_METHOD': 'POST',
        'PATH_INFO': '/upload',
        'QUERY_STRING': '',  # present even when empty
        'REQUEST_URI': '/upload',
        'SERVER_PROTOCOL': 'HTTP/1.1',
        'HTTP_HOST': '127.0.0.1',
        'HTTP_TRANSFER_ENCODING': 'chunked',
        'wsgi.input_terminated': True,  # the one case where cheroot says the input ends by itself
    }


def test_default_server_name(serve):
    seen = []
    with serve(recording_app(seen), validate=False) as srv:
        response = srv.raw(wire.build_request('GET', '/'))
    environ = seen[0]['environ']
    # PEP 3333 means SERVER_NAME to be a host name; cheroot uses its server_name (default: its
    # '<product>/<version>' string), the same value it sends as the Server header.
    assert environ['SERVER_NAME'] == response.header('Server')
    assert environ['SERVER_SOFTWARE'] == environ['SERVER_NAME'] + ' Server'


def test_server_name_is_sent_as_server_header(serve):
    with serve(recording_app([]), validate=False, server_name=SERVER_NAME) as srv:
        response = srv.raw(wire.build_request('GET', '/'))
    assert response.header('Server') == SERVER_NAME


@pytest.mark.parametrize(
    'request_bytes',
    [
        pytest.param(wire.build_request('GET', GET_TARGET, GET_HEADERS), id='get'),
        pytest.param(
            wire.build_request('POST', '/p', [('Content-Type', 'text/plain'), ('Content-Length', '3')]) + b'abc',
            id='post',
        ),
    ],
)
def test_environ_passes_the_validator(serve, request_bytes):
    seen = []
    with serve(recording_app(seen, probe_text_mode=False)) as srv:
        response = srv.raw(request_bytes)
    assert response.status == 200
    assert len(seen) == 1
