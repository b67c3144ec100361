"""The Server API cheroot users rely on: constructor order, bind_addr, ready, stop(), wsgi_app, error_log, interrupts, settings."""

import concurrent.futures
import logging
import re
import socket
import threading
import time
from traceback import format_exc

import pytest

import wire
from markers import cheroot_defect
from serving import ServeThread, serving, stop_within, tcp_request, wsgi_module

TEXT = [('Content-Type', 'text/plain')]


def hello_app(environ, start_response):
    start_response('200 OK', TEXT + [('Content-Length', '5')])
    return [b'hello']


def environ_echo_app(keys):
    """An app answering 'KEY=value' lines for `keys` of its environ."""

    def app(environ, start_response):
        body = ''.join(f'{key}={environ.get(key)!s}\n' for key in keys).encode()
        start_response('200 OK', TEXT + [('Content-Length', str(len(body)))])
        return [body]

    return app


def environ_lines(body):
    return dict(line.split('=', 1) for line in body.decode().splitlines())


def connection_refused(host, port):
    """Whether a new connection to (host, port) is refused (nothing listens there any more)."""
    try:
        socket.create_connection((host, port), timeout=2).close()
    except ConnectionRefusedError:
        return True
    return False


# Constructor ----------------------------------------------------------------------------------


def test_positional_arguments_follow_cheroots_order():
    # bind_addr, wsgi_app, numthreads, server_name, max, request_queue_size, timeout, shutdown_timeout
    app = environ_echo_app(['SERVER_NAME'])
    server = wsgi_module().Server(('127.0.0.1', 0), app, 2, 'positional-name', -1, 5, 1, 3)
    assert (server.numthreads, server.server_name, server.timeout, server.shutdown_timeout) == (
        2,
        'positional-name',
        1,
        3,
    )
    with serving(server):
        response = tcp_request(server, wire.build_request('GET', '/', [('Connection', 'close')]))
        # timeout=1 (7th): a connection that sends nothing is given up after about a second, not the default 10.
        host, port = server.bind_addr[:2]
        with socket.create_connection((host, port), timeout=wire.DEFAULT_TIMEOUT) as idle:
            started = time.monotonic()
            wire.WireReader(idle).read_to_eof()  # a 408 or nothing, then EOF
            idle_closed_after = time.monotonic() - started
    assert response.status == 200
    assert response.header('Server') == 'positional-name'
    assert environ_lines(response.body) == {'SERVER_NAME': 'positional-name'}
    assert idle_closed_after < 5


def test_reuse_port_is_the_thirteenth_positional_argument():
    server = wsgi_module().Server(
        ('127.0.0.1', 0), hello_app, 10, None, -1, 5, 10, 5, -1, 10, False, False, True
    )
    # Both servers refuse SO_REUSEPORT on an ephemeral port, which shows the flag arrived.
    with pytest.raises(ValueError, match='ephemeral'):
        server.prepare()


def test_bind_addr_holds_the_bound_port_after_prepare():
    server = wsgi_module().Server(('127.0.0.1', 0), hello_app)
    assert tuple(server.bind_addr) == ('127.0.0.1', 0)
    with serving(server):
        host, port = server.bind_addr[:2]
        response = tcp_request(server, wire.build_request('GET', '/', [('Connection', 'close')]))
    assert host == '127.0.0.1'
    assert port != 0
    assert response.body == b'hello'


# Lifecycle ------------------------------------------------------------------------------------


def test_ready_is_true_while_serving_and_false_after_stop():
    server = wsgi_module().Server(('127.0.0.1', 0), hello_app)
    assert not server.ready
    server.prepare()
    thread = ServeThread(server)
    thread.start()
    try:
        assert server.ready
        response = tcp_request(server, wire.build_request('GET', '/', [('Connection', 'close')]))
        assert server.ready
    finally:
        problem = stop_within(server, thread)
    assert problem is None, problem
    assert response.status == 200
    assert not server.ready
    assert thread.error is None
    assert connection_refused(*server.bind_addr[:2])


def test_stop_from_another_thread_lets_a_slow_request_finish():
    app_started = threading.Event()

    def slow_app(environ, start_response):
        app_started.set()
        time.sleep(1.0)
        start_response('200 OK', TEXT + [('Content-Length', '4')])
        return [b'slow']

    server = wsgi_module().Server(('127.0.0.1', 0), slow_app, shutdown_timeout=5)
    server.prepare()
    thread = ServeThread(server)
    thread.start()
    host, port = server.bind_addr[:2]
    with socket.create_connection((host, port), timeout=wire.DEFAULT_TIMEOUT) as sock:
        sock.sendall(wire.build_request('GET', '/'))
        assert app_started.wait(wire.DEFAULT_TIMEOUT), 'the app was never called'
        stop_started = time.monotonic()
        problem = stop_within(server, thread)
        stop_took = time.monotonic() - stop_started
        response = wire.read_response(wire.WireReader(sock))
    assert problem is None, problem
    assert thread.error is None, f'serve() raised {thread.error!r}'
    assert (response.status, response.body) == (200, b'slow')
    # stop() waited for the request (it had about a second left) instead of cutting it off.
    assert stop_took >= 0.5
    assert connection_refused(host, port)


def test_serve_after_an_early_stop_returns_quietly():
    # The race of a stop() (a signal, a test's teardown) landing between prepare() and serve().
    server = wsgi_module().Server(('127.0.0.1', 0), hello_app)
    server.prepare()
    host, port = server.bind_addr[:2]
    server.stop()
    thread = ServeThread(server)
    thread.start()
    assert thread.returned.wait(wire.DEFAULT_TIMEOUT), 'serve() kept running after stop()'
    assert thread.error is None, f'serve() raised {thread.error!r}'
    assert not server.ready
    assert connection_refused(host, port)


def test_wsgi_app_replaced_while_running_takes_effect_on_the_next_request(serve):
    def replacement_app(environ, start_response):
        start_response('200 OK', TEXT + [('Content-Length', '11')])
        return [b'replacement']

    with serve(hello_app) as srv:
        before = srv.request('GET', '/')
        srv.server.wsgi_app = replacement_app
        after = srv.request('GET', '/')
    assert before.body == b'hello'
    assert after.body == b'replacement'


# Errors and interrupts ------------------------------------------------------------------------


def recording_server_class():
    """A Server subclass whose error_log keeps (level, text) with the traceback text, as a user's override would."""

    class RecordingServer(wsgi_module().Server):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.logged = []

        def error_log(self, msg='', level=logging.INFO, traceback=False):
            text = str(msg)
            if traceback:
                # cheroot passes traceback=True inside its except block; cheroot_rs puts the traceback in msg.
                text += '\n' + format_exc()
            self.logged.append((level, text))

    return RecordingServer


def test_error_log_override_receives_the_apps_traceback():
    def failing_app(environ, start_response):
        raise ValueError('boom-7f3a in the app')

    server = recording_server_class()(('127.0.0.1', 0), failing_app)
    with serving(server):
        response = tcp_request(server, wire.build_request('GET', '/', [('Connection', 'close')]))
    assert response.status == 500
    reports = [(level, text) for level, text in server.logged if 'boom-7f3a in the app' in text]
    assert reports, f'error_log never saw the exception: {server.logged!r}'
    level, text = reports[0]
    assert level == logging.ERROR
    assert 'Traceback' in text
    assert 'failing_app' in text  # the app's own frame, not just the server's


@pytest.mark.parametrize(
    ('interrupt', 'logged'),
    [(KeyboardInterrupt, 'Keyboard Interrupt'), (SystemExit, 'SystemExit raised')],
)
def test_an_interrupt_raised_by_the_app_stops_the_server_and_serve_raises_it(interrupt, logged):
    def interrupting_app(environ, start_response):
        raise interrupt('raised by the app')

    server = recording_server_class()(('127.0.0.1', 0), interrupting_app)
    with serving(server, allow_serve_error=True) as thread:
        host, port = server.bind_addr[:2]
        with socket.create_connection((host, port), timeout=wire.DEFAULT_TIMEOUT) as sock:
            sock.sendall(wire.build_request('GET', '/'))
            # cheroot closes without a response, cheroot_rs answers 500 first: either way the connection ends.
            wire.WireReader(sock).read_to_eof()
        # The server stops by itself; serve() returns within shutdown_timeout (5 s) and some slack.
        assert thread.returned.wait(15), 'serve() kept running after the app raised an interrupt'
    assert isinstance(thread.error, interrupt)
    assert str(thread.error) == 'raised by the app'
    assert server.interrupt is thread.error
    assert not server.ready
    assert connection_refused(host, port)
    # cheroot's worker logs the client and the interrupt flag at DEBUG, then the interrupt
    # setter says it is shutting down.
    assert [level for level, _ in server.logged[:3]] == [logging.DEBUG, logging.DEBUG, logging.INFO]
    client, flag, shutting_down = (text for _, text in server.logged[:3])
    assert re.fullmatch(
        r'Got a server shutdown request while handling a connection from 127\.0\.0\.1:\d+ \(raised by the app\)',
        client,
    ), client
    assert flag == f"Setting the server interrupt flag to {interrupt.__name__}('raised by the app')", flag
    assert logged in shutting_down


# Settings -------------------------------------------------------------------------------------


def test_server_name_is_the_server_header_and_server_name(serve):
    with serve(environ_echo_app(['SERVER_NAME']), server_name='api-test-server') as srv:
        response = srv.request('GET', '/')
    assert response.headers['Server'] == 'api-test-server'
    assert environ_lines(response.body) == {'SERVER_NAME': 'api-test-server'}


def test_protocol_http10_answers_http10_with_a_close_delimited_body(serve):
    def two_chunks_app(environ, start_response):
        start_response('200 OK', TEXT + [('X-Actual', environ['ACTUAL_SERVER_PROTOCOL'])])
        return [b'first,', b'second']

    with serve(two_chunks_app, attributes={'protocol': 'HTTP/1.0'}) as srv:
        with srv.connect() as sock:
            sock.sendall(wire.build_request('GET', '/'))
            reader = wire.WireReader(sock)
            response = wire.read_response(reader)  # no Content-Length: read to EOF
    assert response.head.startswith(b'HTTP/1.0 200 OK\r\n')
    assert response.header('Transfer-Encoding') is None
    assert response.header('X-Actual') == 'HTTP/1.0'
    assert response.body == b'first,second'


def answer_when_all_arrive(count):
    """An app whose requests each wait until `count` of them run at once (a BrokenBarrierError otherwise)."""
    barrier = threading.Barrier(count, timeout=3)

    def app(environ, start_response):
        barrier.wait()
        start_response('200 OK', TEXT + [('Content-Length', '8')])
        return [b'together']

    return app


def concurrent_bodies(srv, count):
    with concurrent.futures.ThreadPoolExecutor(count) as pool:
        futures = [pool.submit(srv.request, 'GET', f'/{n}') for n in range(count)]
        return [future.result().body for future in futures]


def test_numthreads_workers_serve_requests_at_the_same_time(serve):
    with serve(answer_when_all_arrive(3), numthreads=3) as srv:
        bodies = concurrent_bodies(srv, 3)
        threads = srv.server.numthreads
    assert bodies == [b'together'] * 3
    assert threads == 3


@cheroot_defect('the pool never grows past numthreads by itself (nothing calls ThreadPool.grow), so max has no effect')
def test_the_pool_grows_up_to_max_when_every_worker_is_busy(serve):
    with serve(answer_when_all_arrive(3), numthreads=1, max=3) as srv:
        bodies = concurrent_bodies(srv, 3)
    assert bodies == [b'together'] * 3


def keep_alive_head(sock, reader):
    """One HTTP/1.0 keep-alive request on `sock`; its response."""
    sock.sendall(b'GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n')
    return wire.read_response(reader)


def test_settings_changed_while_serving_apply_to_the_next_request(serve):
    # cheroot reads these off the server for each request; its fixtures and CherryPy change them live.
    with serve(hello_app, attributes={'timeout': 4}) as srv:
        with srv.connect() as sock:
            reader = wire.WireReader(sock)
            assert keep_alive_head(sock, reader).header('Keep-Alive') == 'timeout=4'
            srv.server.timeout = 7
            assert keep_alive_head(sock, reader).header('Keep-Alive') == 'timeout=7'

        srv.server.max_request_body_size = 10
        too_big = wire.build_request('POST', '/', [('Content-Length', '11')], b'eleven byte')
        assert srv.raw(too_big, method='POST').status == 413

        srv.server.keep_alive_conn_limit = 0
        response = srv.raw(wire.build_request('GET', '/'))
        assert response.header('Connection') == 'close'


def test_connections_counts_the_idle_keep_alive_connections(serve):
    # cheroot's ConnectionManager._num_connections, which cheroot's tests and monitors read.
    with serve(hello_app) as srv:
        assert srv.server._connections._num_connections == 0
        with srv.connect() as sock:
            sock.sendall(wire.build_request('GET', '/'))
            assert wire.read_response(wire.WireReader(sock)).status == 200
            deadline = time.monotonic() + 5
            while srv.server._connections._num_connections != 1:
                assert time.monotonic() < deadline, 'the idle connection was never counted'
                time.sleep(0.01)
            assert srv.server.can_add_keepalive_connection
