"""Worker processes on the Python path: a hosted app served by several workers
(``wsgi.multiprocess`` true), ``--preload`` importing the app once in the master with
CPython's fork hooks run, SIGHUP re-importing it, systemd socket activation feeding every
worker, and the access log file each worker reopens on SIGUSR1. Every loop is bounded."""

import http.client
import json
import os
import signal
import socket
import sys
import textwrap
import time

from commands import Command, python_front

APP = textwrap.dedent(
    '''
    import os

    LOG = os.environ['WORKERS_TEST_LOG']

    def note(line):
        with open(LOG, 'a') as log:
            log.write(line + '\\n')

    note(f'imported {os.getpid()}')
    os.register_at_fork(after_in_child=lambda: note(f'forked {os.getpid()}'))

    def application(environ, start_response):
        body = f"{os.getpid()} {environ['wsgi.multiprocess']}".encode()
        start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', str(len(body)))])
        return [body]
    '''
)

WAIT_S = 20.0


def serve(tmp_path, *flags):
    (tmp_path / 'workers_app.py').write_text(APP)
    log = tmp_path / 'log.txt'
    env = dict(os.environ, WORKERS_TEST_LOG=str(log))
    command = Command([*python_front(), '--bind', '127.0.0.1:0', *flags, 'workers_app'], cwd=tmp_path, env=env)
    command.wait_for_address()
    return command, log


def ask(host, port):
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.request('GET', '/')
        response = conn.getresponse()
        assert response.status == 200
        pid, multiprocess = response.read().decode().split()
        return int(pid), multiprocess
    finally:
        conn.close()


def pids_answering(host, port, want, limit=500):
    """Asks on new connections until `want` different workers answered (at most `limit`)."""
    seen = {}
    for _ in range(limit):
        pid, multiprocess = ask(host, port)
        seen[pid] = multiprocess
        if len(seen) == want:
            return seen
    raise AssertionError(f'only {seen} answered in {limit} requests')


def lines(log, kind):
    return [int(line.split()[1]) for line in log.read_text().splitlines() if line.startswith(kind)]


def wait_until(condition, what):
    deadline = time.monotonic() + WAIT_S
    while not condition():
        assert time.monotonic() < deadline, f'waited {WAIT_S} s for {what}'
        time.sleep(0.05)


def test_two_workers_serve_a_python_app_with_multiprocess_true(tmp_path):
    command, log = serve(tmp_path, '--workers', '2')
    seen = pids_answering(*command.host_port(), want=2)
    assert set(seen.values()) == {'True'}
    # Each worker imported the app itself, after its fork.
    assert sorted(lines(log, 'imported')) == sorted(seen)
    assert command.proc.pid not in seen
    assert command.stop() == 0


def test_one_worker_is_not_multiprocess(tmp_path):
    command, _ = serve(tmp_path)
    pid, multiprocess = ask(*command.host_port())
    assert multiprocess == 'False' and pid != command.proc.pid
    assert command.stop() == 0


def test_preload_imports_once_in_the_master_and_runs_the_fork_hooks(tmp_path):
    command, log = serve(tmp_path, '--workers', '2', '--preload')
    seen = pids_answering(*command.host_port(), want=2)
    assert lines(log, 'imported') == [command.proc.pid]
    assert sorted(lines(log, 'forked')) == sorted(seen)
    # A reload forks new workers from the master: the app is not imported again.
    os.kill(command.proc.pid, signal.SIGHUP)
    wait_until(lambda: len(lines(log, 'forked')) == 4, 'two more forks')
    host, port = command.host_port()
    new = set(lines(log, 'forked')[2:])
    wait_until(lambda: ask(host, port)[0] in new and ask(host, port)[0] in new, 'the new workers')
    assert lines(log, 'imported') == [command.proc.pid]
    assert command.stop() == 0


def test_sighup_imports_the_app_again_in_new_workers(tmp_path):
    command, log = serve(tmp_path, '--workers', '1')
    host, port = command.host_port()
    first, _ = ask(host, port)
    os.kill(command.proc.pid, signal.SIGHUP)
    wait_until(lambda: len(lines(log, 'imported')) == 2, 'a second import')
    second = lines(log, 'imported')[1]
    wait_until(lambda: ask(host, port)[0] == second, 'the new worker to answer')
    assert second != first
    assert command.stop() == 0
    assert 'SIGHUP received' in command.stderr


def test_socket_activation_feeds_every_worker(tmp_path):
    (tmp_path / 'workers_app.py').write_text(APP)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(('127.0.0.1', 0))
    listener.listen(16)
    port = listener.getsockname()[1]
    fd = listener.fileno()
    env = dict(os.environ, WORKERS_TEST_LOG=str(tmp_path / 'log.txt'))
    # As systemd starts a service: the socket as fd 3, LISTEN_FDS=1 and LISTEN_PID = the
    # server's own pid (this small launcher's, which exec keeps).
    launcher = (
        'import os, sys; os.dup2(int(sys.argv[1]), 3); '
        "os.environ.update(LISTEN_FDS='1', LISTEN_PID=str(os.getpid())); "
        'os.execv(sys.argv[2], sys.argv[2:])'
    )
    argv = [sys.executable, '-c', launcher, str(fd), *python_front(), '--bind', '127.0.0.1:1', '--workers', '2', 'workers_app']
    command = Command(argv, cwd=tmp_path, env=env, pass_fds=(fd,))
    listener.close()
    try:
        assert command.wait_for_address() == f'127.0.0.1:{port}'
        seen = pids_answering('127.0.0.1', port, want=2)
        assert set(seen.values()) == {'True'}
    finally:
        assert command.stop() == 0
    assert 'listening on the socket passed by systemd' in command.stderr


def test_access_log_file_in_json_reopened_on_sigusr1(tmp_path):
    access = tmp_path / 'access.log'
    command, _ = serve(tmp_path, '--workers', '2', '--access-log', str(access), '--access-log-format', 'json')
    try:
        host, port = command.host_port()
        for _ in range(3):
            ask(host, port)
        wait_until(lambda: access.exists() and len(access.read_text().splitlines()) == 3, 'three access lines')
        # logrotate's way: rename, then SIGUSR1 to the master, which each worker gets too.
        rotated = tmp_path / 'access.log.1'
        access.rename(rotated)
        command.proc.send_signal(signal.SIGUSR1)
        wait_until(access.exists, 'the reopened access log')
        # Both workers must have reopened before the next requests count.
        time.sleep(0.3)
        pids_answering(host, port, 2)
        wait_until(lambda: len(access.read_text().splitlines()) >= 2, 'lines in the new file')
    finally:
        assert command.stop() == 0, command.stderr
    old = [json.loads(line) for line in rotated.read_text().splitlines()]
    new = [json.loads(line) for line in access.read_text().splitlines()]
    assert len(old) == 3, old
    assert {(r['method'], r['target'], r['protocol'], r['status']) for r in old + new} == {('GET', '/', 'HTTP/1.1', 200)}
    assert all(r['remote_addr'] == '127.0.0.1' and r['duration_us'] >= 0 for r in old + new)
    assert len(new) >= 2
    assert command.stderr.count(' reopened ') == 2, command.stderr
