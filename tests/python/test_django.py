"""Django (settings in code, no database) served end to end: plain view, POST body, FileResponse, streaming."""

import os

import pytest

import wire
from apps import django_site


@pytest.fixture
def django_server(serve):
    with serve(django_site.wsgi_application()) as srv:
        yield srv


def test_plain_view(django_server):
    response = django_server.request('GET', '/?q=caf%C3%A9')
    assert response.status == 200
    assert response.body.decode() == 'django plain GET caf\u00e9'
    assert response.headers['Content-Type'] == 'text/plain'


def test_csrf_exempt_post_echoes_body_length(django_server):
    body = b'x' * 123_457
    response = django_server.request(
        'POST', '/echo-length', body=body, headers={'Content-Type': 'application/octet-stream'}
    )
    assert (response.status, response.body) == (200, b'123457')


def test_post_without_csrf_token_is_rejected(django_server):
    # Shows CSRF middleware is active, so the echo view really depends on csrf_exempt.
    response = django_server.request('POST', '/protected', body=b'a=1', headers={'Content-Type': 'text/plain'})
    assert response.status == 403


def test_file_response_delivers_the_file(django_server, tmp_path, monkeypatch):
    payload = os.urandom(200_000) + bytes(range(256))
    file_path = tmp_path / 'payload.bin'
    file_path.write_bytes(payload)
    monkeypatch.setitem(django_site.DOWNLOAD, 'path', str(file_path))

    response = django_server.request('GET', '/download')
    assert response.status == 200
    assert response.body == payload
    assert response.headers['Content-Length'] == str(len(payload))
    assert response.headers['Content-Disposition'] == 'attachment; filename="payload.bin"'


def test_streaming_response(django_server):
    response = django_server.raw(wire.build_request('GET', '/stream'))
    assert response.status == 200
    assert response.header('Transfer-Encoding') == 'chunked'
    assert response.body == b''.join(b'part %d\n' % i for i in range(django_site.STREAM_PARTS))


def test_unknown_url_is_404(django_server):
    assert django_server.request('GET', '/missing').status == 404
