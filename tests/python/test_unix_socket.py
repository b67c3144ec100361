"""Serving on a UNIX socket: bind_addr as a path, the environ's empty remote address, peer credentials."""

import grp
import os
import pwd
import socket
import uuid

import pytest

import wire
from serving import serving, wsgi_module

PEERCRED_KEYS = ['X_REMOTE_PID', 'X_REMOTE_UID', 'X_REMOTE_GID', 'X_REMOTE_USER', 'X_REMOTE_GROUP', 'REMOTE_USER']
ADDRESS_KEYS = ['REMOTE_ADDR', 'REMOTE_PORT', 'SERVER_PORT']


def environ_app(environ, start_response):
    """Answers 'KEY=value' for the address and peer-credential keys it was given (absent keys left out)."""
    body = ''.join(f'{key}={environ[key]}\n' for key in ADDRESS_KEYS + PEERCRED_KEYS if key in environ).encode()
    start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', str(len(body)))])
    return [body]


def unix_get(address, path='/'):
    """GET `path` over a fresh AF_UNIX connection to `address`; the response as received."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(wire.DEFAULT_TIMEOUT)
        sock.connect(address)
        sock.sendall(wire.build_request('GET', path, [('Connection', 'close')], host='localhost'))
        return wire.read_response(wire.WireReader(sock))


def environ_over_unix(address, **server_kwargs):
    """Serve environ_app on `address` and return the environ lines of one request."""
    server = wsgi_module().Server(address, environ_app, **server_kwargs)
    with serving(server):
        response = unix_get(server.bind_addr)
    assert response.status == 200
    return dict(line.split('=', 1) for line in response.body.decode().splitlines())


def test_a_socket_path_as_bind_addr_serves_http(tmp_path):
    path = str(tmp_path / 'server.sock')
    server = wsgi_module().Server(path, environ_app)
    with serving(server):
        assert server.bind_addr == path
        response = unix_get(path, '/over-unix')
    assert response.status == 200
    assert response.header('Content-Length') == str(len(response.body))


def test_the_remote_address_and_ports_are_empty(tmp_path):
    environ = environ_over_unix(str(tmp_path / 'server.sock'))
    # As cheroot: a UNIX peer has no address or port, and WSGI has nothing better to put there.
    assert environ == {'REMOTE_ADDR': '', 'REMOTE_PORT': '', 'SERVER_PORT': ''}


def test_without_peercreds_the_environ_has_no_peer_credentials(tmp_path):
    environ = environ_over_unix(str(tmp_path / 'server.sock'))
    assert not set(environ) & set(PEERCRED_KEYS)


def test_peercreds_give_the_clients_pid_uid_and_gid(tmp_path):
    environ = environ_over_unix(str(tmp_path / 'server.sock'), peercreds_enabled=True)
    # The client is this test process.
    assert environ['X_REMOTE_PID'] == str(os.getpid())
    assert environ['X_REMOTE_UID'] == str(os.getuid())
    assert environ['X_REMOTE_GID'] == str(os.getgid())
    # Names are only looked up on request.
    assert 'X_REMOTE_USER' not in environ
    assert 'REMOTE_USER' not in environ


def test_resolved_peercreds_give_the_user_and_group_names(tmp_path):
    environ = environ_over_unix(
        str(tmp_path / 'server.sock'), peercreds_enabled=True, peercreds_resolve_enabled=True
    )
    user = pwd.getpwuid(os.getuid()).pw_name
    group = grp.getgrgid(os.getgid()).gr_name
    assert environ['X_REMOTE_PID'] == str(os.getpid())
    assert environ['X_REMOTE_USER'] == user
    assert environ['X_REMOTE_GROUP'] == group
    assert environ['REMOTE_USER'] == user


def test_resolving_needs_peercreds_enabled(tmp_path):
    # cheroot: peercreds_resolve_enabled = peercreds_resolve_enabled and peercreds_enabled.
    environ = environ_over_unix(str(tmp_path / 'server.sock'), peercreds_resolve_enabled=True)
    assert not set(environ) & set(PEERCRED_KEYS)


def test_an_abstract_socket_name_serves_http():
    name = f'\0cheroot-rs-test-{uuid.uuid4().hex}'
    server = wsgi_module().Server(name, environ_app)
    with serving(server):
        assert server.bind_addr == name
        response = unix_get(name)
    assert response.status == 200
