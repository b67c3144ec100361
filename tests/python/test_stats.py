"""Server statistics as cheroot exposes them: the stats mapping's keys and counts, clear_stats() and runtime()."""

import socket
import time

import wire
from markers import cheroot_defect
from serving import serving, wsgi_module

SERVER_KEYS = {
    'Enabled', 'Bind Address', 'Run time', 'Accepts', 'Accepts/sec', 'Queue', 'Threads', 'Threads Idle',
    'Socket Errors', 'Requests', 'Bytes Read', 'Bytes Written', 'Work Time', 'Read Throughput', 'Write Throughput',
}  # fmt: skip
WORKER_KEYS = {'Requests', 'Bytes Read', 'Bytes Written', 'Work Time', 'Read Throughput', 'Write Throughput'}
REQUEST = wire.build_request('POST', '/', [('Content-Length', '5'), ('Connection', 'close')], b'hello')


def hello_app(environ, start_response):
    environ['wsgi.input'].read()
    start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', '2')])
    return [b'ok']


def stat(stats, key):
    """A statistic's value: cheroot stores most as functions of the stats mapping (as logging.statistics does)."""
    value = stats[key]
    return value(stats) if callable(value) else value


def evaluated(stats):
    """Every server-level statistic, evaluated."""
    return {key: stat(stats, key) for key in stats if key != 'Worker Threads'}


def send_requests(server, count):
    """`count` requests on their own connections; the bytes each connection received."""
    received = []
    for _ in range(count):
        with socket.create_connection(server.bind_addr[:2], timeout=wire.DEFAULT_TIMEOUT) as sock:
            sock.sendall(REQUEST)
            received.append(wire.WireReader(sock).read_to_eof())
    return received


def counted_requests(server, expected, deadline_s=5.0):
    """The stats once 'Requests' reaches `expected` (or the deadline passes): a worker files its
    figures just after the response went out, so they may lag the client by a moment."""
    deadline = time.monotonic() + deadline_s
    while True:
        stats = server.stats
        if stat(stats, 'Requests') == expected or time.monotonic() > deadline:
            return stats
        time.sleep(0.02)


def counted_server(**kwargs):
    """A server with statistics turned on the way CherryPy does it: stats['Enabled'] = True before it starts."""
    server = wsgi_module().Server(('127.0.0.1', 0), hello_app, **kwargs)
    server.stats['Enabled'] = True
    return server


def test_stats_has_cheroots_server_keys():
    server = wsgi_module().Server(('127.0.0.1', 0), hello_app)
    with serving(server):
        send_requests(server, 1)  # answered: serve() is under way
        stats = server.stats
        missing = SERVER_KEYS - set(stats)
        values = evaluated(stats)  # every value can be read
    assert not missing, f'missing keys: {sorted(missing)}'
    assert set(values) >= SERVER_KEYS


def test_statistics_are_off_by_default():
    server = wsgi_module().Server(('127.0.0.1', 0), hello_app)
    with serving(server):
        send_requests(server, 1)
        values = evaluated(server.stats)
    assert values['Enabled'] is False
    # cheroot's convention for "not counted".
    assert (values['Requests'], values['Bytes Read'], values['Bytes Written']) == (-1, -1, -1)


def test_bind_address_and_threads_describe_the_server():
    server = wsgi_module().Server(('127.0.0.1', 0), hello_app, numthreads=4)
    with serving(server):
        send_requests(server, 1)  # answered: serve() is under way
        values = evaluated(server.stats)
        bind_addr = server.bind_addr
    assert values['Bind Address'] == repr(bind_addr)
    assert values['Threads'] == 4


def test_enabled_before_start_counts_requests_and_bytes():
    server = counted_server()
    with serving(server):
        received = send_requests(server, 3)
        values = evaluated(counted_requests(server, 3))
    assert values['Enabled'] is True
    assert values['Requests'] == 3
    assert values['Accepts'] == 3
    assert values['Bytes Read'] == 3 * len(REQUEST)
    assert values['Bytes Written'] == sum(len(answer) for answer in received)
    assert values['Work Time'] > 0


def test_worker_threads_hold_each_workers_figures():
    server = counted_server(numthreads=2)
    with serving(server):
        send_requests(server, 3)
        stats = counted_requests(server, 3)
        workers = stats['Worker Threads']
        per_worker = {name: {key: stat(figures, key) for key in figures} for name, figures in workers.items()}
    assert per_worker, 'no worker threads listed'
    for figures in per_worker.values():
        assert set(figures) >= WORKER_KEYS
    assert sum(figures['Requests'] for figures in per_worker.values()) == 3


def test_enabling_while_serving_counts_the_requests_from_then_on():
    server = wsgi_module().Server(('127.0.0.1', 0), hello_app)
    with serving(server):
        send_requests(server, 1)
        server.stats['Enabled'] = True
        send_requests(server, 2)
        values = evaluated(counted_requests(server, 2))
    assert values['Requests'] == 2


def test_clear_stats_forgets_what_was_counted():
    server = counted_server()
    with serving(server):
        send_requests(server, 3)
        before = stat(counted_requests(server, 3), 'Requests')
        server.clear_stats()
        after = stat(server.stats, 'Requests')
    assert before == 3
    # cheroot_rs keeps counting from 0; cheroot's clear_stats() also turns counting off, hence -1.
    assert after in (0, -1)


@cheroot_defect('Accepts/sec divides by runtime(), which clear_stats() leaves at 0: ZeroDivisionError')
def test_every_statistic_is_readable_right_after_clear_stats():
    server = counted_server()
    with serving(server):
        send_requests(server, 1)
        server.clear_stats()
        values = evaluated(server.stats)
    assert values['Accepts'] == 0


def test_runtime_grows_while_serving_and_stops_with_the_server():
    server = counted_server()
    with serving(server):
        send_requests(server, 1)  # answered: serve() is under way
        first = server.runtime()
        time.sleep(0.3)
        second = server.runtime()
    stopped = server.runtime()
    time.sleep(0.2)
    assert second - first >= 0.25
    assert server.runtime() == stopped
