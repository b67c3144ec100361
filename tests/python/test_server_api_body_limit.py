"""max_request_body_size: a body over the limit gets 413, by its Content-Length or while wsgi.input reads it chunked."""

import wire
from markers import cheroot_defect

LIMIT = {'max_request_body_size': 10}


def read_all_app(environ, start_response):
    """Echoes the whole request body; a read over the limit raises out of the app, as in a typical framework."""
    body = environ['wsgi.input'].read()
    start_response('200 OK', [('Content-Type', 'application/octet-stream'), ('Content-Length', str(len(body)))])
    return [body]


def post(srv, body, headers):
    """POST `body` on a fresh connection and read the response."""
    return srv.raw(wire.build_request('POST', '/', headers + [('Connection', 'close')], body))


def test_content_length_over_the_limit_gets_413(serve):
    with serve(read_all_app, attributes=LIMIT) as srv:
        response = post(srv, b'0123456789A', [('Content-Length', '11')])
    assert response.status == 413


def test_content_length_at_the_limit_is_served(serve):
    with serve(read_all_app, attributes=LIMIT) as srv:
        response = post(srv, b'0123456789', [('Content-Length', '10')])
    assert (response.status, response.body) == (200, b'0123456789')


# The chunked tests are not validated: the oracle's chunked wsgi.input lacks __iter__, which wsgiref.validate
# rejects before the limit is reached (a defect of its own, outside this file's subject).


@cheroot_defect('a chunked body over the limit read through wsgi.input gets 500 (MaxSizeExceeded), not 413')
def test_chunked_body_over_the_limit_gets_413_when_the_app_reads_it(serve):
    with serve(read_all_app, validate=False, attributes=LIMIT) as srv:
        response = post(srv, wire.chunked([b'012345', b'6789AB']), [('Transfer-Encoding', 'chunked')])
    assert response.status == 413


@cheroot_defect('the limit counts the chunk-size lines and CRLFs, so a 6-byte chunked body exceeds a 10-byte limit')
def test_chunked_body_under_the_limit_is_served(serve):
    with serve(read_all_app, validate=False, attributes=LIMIT) as srv:
        response = post(srv, wire.chunked([b'012345']), [('Transfer-Encoding', 'chunked')])
    assert (response.status, response.body) == (200, b'012345')
