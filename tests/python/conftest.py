"""The `serve` fixture: run a WSGI app on the server under test (cheroot_rs, or cheroot as the oracle) over loopback."""

import contextlib
import dataclasses
import http.client
import os
import socket
import sys
import threading
import warnings
import wsgiref.validate

import pytest

import wire

# How long stop() may take before the test fails instead of hanging (shutdown_timeout is 5 s by default).
STOP_TIMEOUT_S = 20.0
SERVE_THREAD_JOIN_S = 10.0


def server_class():
    """The Server class named by CHEROOT_RS_SERVER; imported lazily so the oracle run never imports cheroot_rs."""
    implementation = os.environ.get('CHEROOT_RS_SERVER', 'cheroot_rs')
    if implementation == 'cheroot':
        from cheroot.wsgi import Server
    else:
        from cheroot_rs.wsgi import Server
    return Server


@dataclasses.dataclass
class Response:
    """A response read through http.client: status, reason, headers (an HTTPMessage) and the whole body."""

    status: int
    reason: str
    headers: object
    body: bytes


@dataclasses.dataclass
class RunningServer:
    """Handle on a server that is serving in a background thread."""

    server: object
    host: str
    port: int

    def url(self, path='/'):
        return f'http://{self.host}:{self.port}{path}'

    def connect(self, timeout=wire.DEFAULT_TIMEOUT):
        """A raw TCP socket to the server, with a timeout so no read can hang."""
        return socket.create_connection((self.host, self.port), timeout=timeout)

    def http(self, timeout=wire.DEFAULT_TIMEOUT):
        """An http.client connection to the server (caller closes it)."""
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def request(self, method, path, body=None, headers=None, timeout=wire.DEFAULT_TIMEOUT):
        """One request on a fresh http.client connection; the whole body is read."""
        connection = self.http(timeout)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return Response(response.status, response.reason, response.headers, response.read())
        finally:
            connection.close()

    def raw(self, request_bytes, method='GET', timeout=wire.DEFAULT_TIMEOUT):
        """Send `request_bytes` on a fresh socket and read one response exactly as sent."""
        with self.connect(timeout) as sock:
            sock.sendall(request_bytes)
            return wire.read_response(wire.WireReader(sock, timeout), method=method)


class _ServeThread(threading.Thread):
    """Runs server.serve() and keeps whatever it raised."""

    def __init__(self, server):
        super().__init__(name='wsgi-serve', daemon=True)
        self.server = server
        self.error = None

    def run(self):
        try:
            self.server.serve()
        except BaseException as exc:  # reported by the fixture, not lost in a thread
            self.error = exc


def _stop_bounded(server, serve_thread):
    """Call server.stop() with a deadline; return a description of what went wrong, or None."""
    stopper_errors = []

    def stop():
        try:
            server.stop()
        except BaseException as exc:
            stopper_errors.append(exc)

    stopper = threading.Thread(target=stop, name='wsgi-stop', daemon=True)
    stopper.start()
    stopper.join(STOP_TIMEOUT_S)
    if stopper.is_alive():
        return f'server.stop() did not return within {STOP_TIMEOUT_S} s'
    if stopper_errors:
        return f'server.stop() raised {stopper_errors[0]!r}'
    serve_thread.join(SERVE_THREAD_JOIN_S)
    if serve_thread.is_alive():
        return f'serve() still running {SERVE_THREAD_JOIN_S} s after stop()'
    if serve_thread.error is not None:
        return f'serve() raised {serve_thread.error!r}'
    return None


class _InputWrapperAllowingReadAll(wsgiref.validate.InputWrapper):
    """wsgiref.validate's wsgi.input check, except that read() without a size is allowed.

    PEP 3333 only lists read(size), but Werkzeug and Django call read() with
    no argument and cheroot supports it, so cheroot_rs must too. The result
    is still checked to be bytes.
    """

    def read(self, *args):
        wsgiref.validate.assert_(len(args) <= 1, 'read() takes at most one argument')
        data = self.input.read(*args)
        wsgiref.validate.assert_(type(data) is bytes, f'wsgi.input.read() returned {type(data)!r}')
        return data


@pytest.fixture
def serve(monkeypatch):
    """Factory: `with serve(app, validate=True, **server_kwargs) as srv:` serves `app` on 127.0.0.1.

    The app is wrapped in wsgiref.validate.validator unless validate=False.
    Any WSGIWarning, and any validator assertion (raised on either the
    server's or the app's side, in whatever thread), fails the test even if
    the app or a framework swallowed the AssertionError into a 500.
    """
    violations = []
    original_assert = wsgiref.validate.assert_
    original_check_string_type = wsgiref.validate.check_string_type

    def recording_assert(condition, *args):
        if not condition:
            violations.append(f'[{threading.current_thread().name}] {args!r}')
        original_assert(condition, *args)

    def recording_check_string_type(value, title):
        try:
            return original_check_string_type(value, title)
        except AssertionError as exc:
            violations.append(f'[{threading.current_thread().name}] {exc}')
            raise

    monkeypatch.setattr(wsgiref.validate, 'assert_', recording_assert)
    monkeypatch.setattr(wsgiref.validate, 'check_string_type', recording_check_string_type)
    monkeypatch.setattr(wsgiref.validate, 'InputWrapper', _InputWrapperAllowingReadAll)

    @contextlib.contextmanager
    def _serve(app, *, validate=True, attributes=None, **server_kwargs):
        wsgi_app = wsgiref.validate.validator(app) if validate else app
        server = server_class()(('127.0.0.1', 0), wsgi_app, **server_kwargs)
        # Attributes set before prepare(), as a cheroot user sets max_request_body_size.
        for name, value in (attributes or {}).items():
            setattr(server, name, value)
        # catch_warnings patches process-wide state, so warnings raised in the
        # server's worker threads are recorded here too.
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always', wsgiref.validate.WSGIWarning)
            server.prepare()
            serve_thread = _ServeThread(server)
            serve_thread.start()
            try:
                host, port = server.bind_addr[:2]
                assert port != 0, 'bind_addr must give the bound port after prepare()'
                yield RunningServer(server=server, host=host, port=port)
            finally:
                stop_problem = _stop_bounded(server, serve_thread)
                if stop_problem:
                    print(f'serve fixture: {stop_problem}', file=sys.stderr)
        problems = [stop_problem] if stop_problem else []
        problems += [f'validator: {v}' for v in violations]
        violations.clear()
        for record in caught:
            if issubclass(record.category, wsgiref.validate.WSGIWarning):
                problems.append(f'WSGIWarning: {record.message}')
            else:
                warnings.warn_explicit(record.message, record.category, record.filename, record.lineno)
        if problems:
            pytest.fail('\n'.join(problems))

    return _serve
