"""PathInfoDispatcher routes by the longest PATH_INFO prefix (404 otherwise); the WSGIServer/WSGIPathInfoDispatcher aliases."""

import pytest

import wire
from markers import cheroot_defect
from serving import serving, tcp_request, wsgi_module


def named_app(name):
    """An app answering 'name SCRIPT_NAME PATH_INFO'."""

    def app(environ, start_response):
        body = f"{name} {environ['SCRIPT_NAME']!r} {environ['PATH_INFO']!r}".encode()
        start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', str(len(body)))])
        return [body]

    return app


def rooted_dispatcher():
    return wsgi_module().PathInfoDispatcher(
        {'/': named_app('root'), '/a': named_app('a'), '/a/b': named_app('ab')}
    )


@pytest.mark.parametrize(
    ('path', 'answer'),
    [
        ('/', "root '' '/'"),
        ('/a', "a '/a' ''"),
        ('/a/', "a '/a' '/'"),
        ('/a/x', "a '/a' '/x'"),
        ('/a/b', "ab '/a/b' ''"),
        ('/a/b/c/d', "ab '/a/b' '/c/d'"),
        # A prefix matches whole path segments only: '/ab' is not under '/a'.
        ('/ab', "root '' '/ab'"),
        ('/elsewhere', "root '' '/elsewhere'"),
    ],
)
def test_the_longest_matching_prefix_gets_the_request(serve, path, answer):
    with serve(rooted_dispatcher()) as srv:
        response = srv.request('GET', path)
    assert (response.status, response.body.decode()) == (200, answer)


def test_a_path_under_no_prefix_gets_404(serve):
    dispatcher = wsgi_module().PathInfoDispatcher([('/a', named_app('a'))])
    # Not validated: the oracle's 404 body is [''] (str), which wsgiref.validate rejects (see the next test).
    with serve(dispatcher, validate=False) as srv:
        missing = srv.request('GET', '/b')
        found = srv.request('GET', '/a/b')
    assert (missing.status, missing.body) == (404, b'')
    assert (found.status, found.body) == (200, b"a '/a' '/b'")


@cheroot_defect("the dispatcher's 404 body is [''], a str, which PEP 3333 forbids")
def test_the_404_body_is_bytes(serve):
    dispatcher = wsgi_module().PathInfoDispatcher([('/a', named_app('a'))])
    with serve(dispatcher) as srv:
        assert srv.request('GET', '/b').status == 404


def test_wsgiserver_and_wsgipathinfodispatcher_are_aliases():
    wsgi = wsgi_module()
    assert wsgi.WSGIServer is wsgi.Server
    assert wsgi.WSGIPathInfoDispatcher is wsgi.PathInfoDispatcher
    server = wsgi.WSGIServer(('127.0.0.1', 0), wsgi.WSGIPathInfoDispatcher({'/x': named_app('x')}))
    with serving(server):
        response = tcp_request(server, wire.build_request('GET', '/x/y', [('Connection', 'close')]))
    assert (response.status, response.body) == (200, b"x '/x' '/y'")
