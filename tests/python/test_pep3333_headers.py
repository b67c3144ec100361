"""Response headers on the wire: latin-1 values, un-encodable values, CR/LF injection, and HEAD without a body."""

import pytest

import wire
from markers import cheroot_defect

TEXT = [('Content-Type', 'text/plain')]


def app_with_header(name, value):
    def app(environ, start_response):
        start_response('200 OK', TEXT + [(name, value), ('Content-Length', '4')])
        return [b'body']

    return app


def exchange_to_eof(srv, path='/'):
    """Send one Connection: close request and return every byte the server sends until it closes."""
    with srv.connect() as sock:
        sock.sendall(wire.build_request('GET', path, [('Connection', 'close')]))
        return wire.WireReader(sock).read_to_eof()


def test_latin1_header_value_is_sent_as_single_bytes(serve):
    with serve(app_with_header('X-Word', 'caf\u00e9 \u00ff\u00a0end')) as srv:
        response = srv.raw(wire.build_request('GET', '/'))
    assert response.status == 200
    # PEP 3333: header strings are latin-1 code points, sent one byte each (no UTF-8).
    assert b'\r\nX-Word: caf\xe9 \xff\xa0end\r\n' in response.head
    assert response.body == b'body'


def test_unencodable_header_value_is_an_error_not_sent(serve):
    with serve(app_with_header('X-Euro', 'price \u20ac')) as srv:
        raw = exchange_to_eof(srv)
    # Either a 500 or a clean close with nothing sent; never the bad header in any form.
    if raw:
        assert raw.startswith(b'HTTP/1.1 500 '), raw[:80]
    assert b'X-Euro' not in raw
    assert b'\xe2\x82\xac' not in raw and b'price ?' not in raw
    assert b'body' not in raw


@pytest.mark.parametrize(
    'name, value',
    [
        pytest.param('X-Split', 'a\r\nX-Injected: yes', id='crlf-in-value'),
        pytest.param('X-Split', 'a\nX-Injected: yes', id='lf-in-value'),
        pytest.param('X-Split', 'a\rX-Injected: yes', id='cr-in-value'),
        pytest.param('X-Split\r\nX-Injected', 'yes', id='crlf-in-name'),
    ],
)
@cheroot_defect('response header names/values are written verbatim, so CR/LF splits the response')
def test_header_with_cr_or_lf_is_refused(serve, name, value):
    # validate=False: wsgiref.validate would reject this app before the server saw it.
    with serve(app_with_header(name, value), validate=False) as srv:
        raw = exchange_to_eof(srv)
    assert raw.startswith(b'HTTP/1.1 500 '), raw[:120]
    head = raw.split(b'\r\n\r\n', 1)[0]
    assert b'X-Injected' not in head
    assert b'X-Split' not in head


@pytest.mark.parametrize('declares_length', [True, False], ids=['with-content-length', 'without-content-length'])
@cheroot_defect('the app\'s body is written on the wire in response to HEAD')
def test_head_response_has_no_body(serve, declares_length):
    def get_style_app(environ, start_response):
        headers = TEXT + ([('Content-Length', '11')] if declares_length else [])
        start_response('200 OK', headers)
        return [b'hello world']

    with serve(get_style_app) as srv:
        with srv.connect() as sock:
            sock.sendall(wire.build_request('HEAD', '/', [('Connection', 'close')]))
            raw = wire.WireReader(sock).read_to_eof()
    head, separator, after_head = raw.partition(b'\r\n\r\n')
    assert head.startswith(b'HTTP/1.1 200 ')
    assert separator
    assert after_head == b''
    if declares_length:
        assert b'\r\nContent-Length: 11' in head
