"""Self-tests of the serve fixture: it serves, and it turns WSGI spec violations into failures."""

import pytest


def hello_app(environ, start_response):
    start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', '5')])
    return [b'hello']


def test_serves_on_loopback_with_a_real_port(serve):
    with serve(hello_app) as srv:
        assert srv.host == '127.0.0.1'
        assert 0 < srv.port < 65536
        assert srv.url('/x') == f'http://127.0.0.1:{srv.port}/x'
        response = srv.request('GET', '/')
    assert response.status == 200
    assert response.body == b'hello'


def test_a_wsgi_warning_fails_the_test(serve):
    def status_without_reason(environ, start_response):
        # wsgiref.validate warns (WSGIWarning) about a status with no reason phrase.
        start_response('200', [('Content-Type', 'text/plain')])
        return [b'x']

    with pytest.raises(pytest.fail.Exception, match='WSGIWarning'):
        with serve(status_without_reason) as srv:
            srv.request('GET', '/')


def test_a_validator_assertion_fails_the_test_even_if_swallowed(serve):
    def returns_str_body(environ, start_response):
        start_response('200 OK', [('Content-Type', 'text/plain')])
        return 'not bytes'  # validator raises AssertionError; the server turns it into a 500

    with pytest.raises(pytest.fail.Exception, match='validator'):
        with serve(returns_str_body) as srv:
            assert srv.request('GET', '/').status == 500


def test_validate_false_serves_the_app_unwrapped(serve):
    seen = {}

    def records_input_type(environ, start_response):
        seen['input'] = type(environ['wsgi.input']).__name__
        start_response('200 OK', [('Content-Type', 'text/plain')])
        return [b'ok']

    with serve(records_input_type, validate=False) as srv:
        assert srv.request('GET', '/').status == 200
    assert seen['input'] != 'InputWrapper'
