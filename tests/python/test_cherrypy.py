"""CherryPy's tree served as WSGI end to end: a page, a POST with params, and a json_out tool."""

import json
import urllib.parse

import pytest

from apps import cherrypy_app


@pytest.fixture
def cherrypy_server(serve):
    with serve(cherrypy_app.wsgi_application()) as srv:
        yield srv


def test_page(cherrypy_server):
    response = cherrypy_server.request('GET', '/')
    assert (response.status, response.body) == (200, b'cherrypy index')
    assert response.headers['Content-Type'].startswith('text/html')


def test_query_params(cherrypy_server):
    response = cherrypy_server.request('GET', '/greet?name=ann&times=2')
    assert (response.status, response.body) == (200, b'GET hi ann hi ann')


def test_post_with_params(cherrypy_server):
    body = urllib.parse.urlencode({'name': 'bob smith', 'times': '3'}).encode()
    response = cherrypy_server.request(
        'POST', '/greet', body=body, headers={'Content-Type': 'application/x-www-form-urlencoded'}
    )
    assert response.status == 200
    assert response.body == b'POST hi bob smith hi bob smith hi bob smith'


def test_json_out_tool(cherrypy_server):
    response = cherrypy_server.request('GET', '/status?x=1&y=two')
    assert response.status == 200
    assert response.headers['Content-Type'] == 'application/json'
    assert json.loads(response.body) == {'ok': True, 'params': {'x': '1', 'y': 'two'}, 'path': '/status'}


def test_missing_page_is_404(cherrypy_server):
    assert cherrypy_server.request('GET', '/nope').status == 404
