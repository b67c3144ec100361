"""An app's declared Content-Length is enforced: a short body closes the connection, a long one is cut off."""

import wire
from markers import cheroot_defect

TEXT = [('Content-Type', 'text/plain')]
# Short enough that the oracle's hang (its expected failure) costs little; ample for a loopback response.
READ_DEADLINE_S = 3.0


def declares_10_sends_5(environ, start_response):
    start_response('200 OK', TEXT + [('Content-Length', '10')])
    return [b'abcde']


def declares_8_sends_10_in_two_chunks(environ, start_response):
    start_response('200 OK', TEXT + [('Content-Length', '8')])
    return [b'12345', b'67890']


def declares_8_sends_10_in_one_chunk(environ, start_response):
    start_response('200 OK', TEXT + [('Content-Length', '8')])
    return [b'1234567890']


def head_then_rest(srv):
    """(response head, every byte after it until the server closes); WireTimeout if it never closes."""
    with srv.connect(timeout=READ_DEADLINE_S) as sock:
        sock.sendall(wire.build_request('GET', '/'))  # keep-alive: only the server's enforcement ends it
        reader = wire.WireReader(sock, READ_DEADLINE_S)
        response = wire.read_head(reader)
        return response, reader.read_to_eof()


@cheroot_defect('a body shorter than its Content-Length leaves the connection open: the client waits for bytes that never come')
def test_body_shorter_than_declared_closes_the_connection(serve):
    with serve(declares_10_sends_5) as srv:
        response, rest = head_then_rest(srv)
    assert response.status == 200
    assert rest == b'abcde'


@cheroot_defect('only the first chunk is checked against Content-Length: later chunks go out whole and the connection stays open')
def test_body_longer_than_declared_is_cut_at_the_declared_length_and_closed(serve):
    with serve(declares_8_sends_10_in_two_chunks) as srv:
        response, rest = head_then_rest(srv)
    assert response.status == 200
    assert response.header('Content-Length') == '8'
    assert rest == b'12345678'


@cheroot_defect('after its 500 it still sends the 200 head and the whole oversized body on the same connection')
def test_a_single_chunk_longer_than_declared_becomes_a_500_and_nothing_more(serve):
    with serve(declares_8_sends_10_in_one_chunk) as srv:
        with srv.connect(timeout=READ_DEADLINE_S) as sock:
            sock.sendall(wire.build_request('GET', '/'))
            reader = wire.WireReader(sock, READ_DEADLINE_S)
            response = wire.read_response(reader)
            after = reader.read_to_eof()
    assert response.status == 500
    assert after == b''
