"""Bottle served end to end: routes, a POST body, static_file from a temp dir, and its 404."""

import hashlib
import json
import os

import pytest

from apps import bottle_app

STATIC_PAYLOAD = os.urandom(150_000) + bytes(range(256))


@pytest.fixture
def bottle_server(serve, tmp_path):
    (tmp_path / 'blob.bin').write_bytes(STATIC_PAYLOAD)
    (tmp_path / 'hello.txt').write_text('hello from disk\n')
    with serve(bottle_app.create_app(str(tmp_path))) as srv:
        yield srv


def test_routes(bottle_server):
    index = bottle_server.request('GET', '/')
    assert (index.status, index.body) == (200, b'bottle index')

    item = bottle_server.request('GET', '/item/21')
    assert item.status == 200
    assert item.headers['Content-Type'] == 'application/json'
    assert json.loads(item.body) == {'item': 21, 'double': 42}


def test_post_body_is_read_whole(bottle_server):
    # Bigger than Bottle's in-memory limit (102400), so it also spools to a temp file.
    body = os.urandom(250_000)
    response = bottle_server.request('POST', '/digest', body=body, headers={'Content-Type': 'application/octet-stream'})
    assert response.status == 200
    assert response.body.decode() == f'{len(body)} {hashlib.sha256(body).hexdigest()}'


def test_static_file_binary(bottle_server):
    response = bottle_server.request('GET', '/static/blob.bin')
    assert response.status == 200
    assert response.body == STATIC_PAYLOAD
    assert response.headers['Content-Length'] == str(len(STATIC_PAYLOAD))


def test_static_file_text(bottle_server):
    response = bottle_server.request('GET', '/static/hello.txt')
    assert (response.status, response.body) == (200, b'hello from disk\n')
    assert response.headers['Content-Type'].startswith('text/plain')


def test_missing_static_file_is_404(bottle_server):
    assert bottle_server.request('GET', '/static/absent.bin').status == 404
