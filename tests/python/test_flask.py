"""Flask served end to end over sockets: routing, JSON, forms, multipart upload, streaming, 404 and 500."""

import hashlib
import json
import os
import urllib.parse

import pytest

import wire
from apps import flask_app


@pytest.fixture
def flask_server(serve):
    with serve(flask_app.create_app()) as srv:
        yield srv


def test_routes(flask_server):
    index = flask_server.request('GET', '/')
    assert (index.status, index.body) == (200, b'flask index')
    assert index.headers['Content-Type'] == 'text/html; charset=utf-8'
    assert index.headers['Content-Length'] == str(len(b'flask index'))

    hello = flask_server.request('GET', '/hello/world%20wide')
    assert (hello.status, hello.body) == (200, b'hello world wide')


def test_json_in_and_out(flask_server):
    payload = {'numbers': [1, 2, 3, 4], 'text': 'caf\u00e9 \u20ac'}
    response = flask_server.request(
        'POST', '/json', body=json.dumps(payload).encode(), headers={'Content-Type': 'application/json'}
    )
    assert response.status == 200
    assert response.headers['Content-Type'] == 'application/json'
    assert json.loads(response.body) == {'received': payload, 'total': 10}


def test_form_post(flask_server):
    body = urllib.parse.urlencode({'first': 'a b&c', 'second': '\u00fcber'}).encode()
    response = flask_server.request(
        'POST', '/form', body=body, headers={'Content-Type': 'application/x-www-form-urlencoded'}
    )
    assert (response.status, response.body.decode()) == (200, 'a b&c|\u00fcber')


def test_multipart_upload_round_trips_the_bytes(flask_server):
    # Every byte value, in a pseudo-random order, and more than one socket buffer.
    document = os.urandom(300_000) + bytes(range(256)) + b'\r\n--not-a-boundary\r\n'
    body, content_type = wire.encode_multipart({'note': 'quarterly'}, {'document': ('report.bin', document)})
    response = flask_server.request('POST', '/upload', body=body, headers={'Content-Type': content_type})
    assert response.status == 200
    assert json.loads(response.body) == {
        'filename': 'report.bin',
        'sha256': hashlib.sha256(document).hexdigest(),
        'length': len(document),
        'note': 'quarterly',
    }


def test_streamed_response_uses_chunked_framing(flask_server):
    response = flask_server.raw(wire.build_request('GET', '/stream?prefix=row'))
    assert response.status == 200
    # No Content-Length from a generator, so an HTTP/1.1 server must chunk it.
    assert response.header('Transfer-Encoding') == 'chunked'
    assert response.header('Content-Length') is None
    expected = ''.join(f'row {i} of /stream\n' for i in range(flask_app.STREAM_CHUNKS))
    assert response.body.decode() == expected


def test_unknown_route_is_flask_404(flask_server):
    response = flask_server.request('GET', '/no/such/page')
    assert response.status == 404
    assert b'Not Found' in response.body


def test_exception_in_view_is_flask_500(flask_server):
    response = flask_server.request('GET', '/boom')
    assert response.status == 500
    assert b'Internal Server Error' in response.body
    # Flask's production handler never leaks the exception text.
    assert b'exploded' not in response.body
    # The server is still fine afterwards.
    assert flask_server.request('GET', '/').status == 200
