"""Run a server under test by hand (a subclass, a UNIX socket, serve() expected to raise), bounded in time."""

import contextlib
import socket
import threading

import wire
from markers import UNDER_CHEROOT

# stop() waits up to shutdown_timeout (5 s by default) for requests in flight; past this the test fails instead of hanging.
STOP_DEADLINE_S = 20.0


def wsgi_module():
    """cheroot.wsgi for the oracle run, cheroot_rs.wsgi otherwise (imported lazily so the oracle never loads cheroot_rs)."""
    if UNDER_CHEROOT:
        from cheroot import wsgi
    else:
        from cheroot_rs import wsgi
    return wsgi


class ServeThread(threading.Thread):
    """Runs server.serve() and keeps what it raised and whether it returned."""

    def __init__(self, server):
        super().__init__(name='wsgi-serve-by-hand', daemon=True)
        self.server = server
        self.error = None
        self.returned = threading.Event()

    def run(self):
        try:
            self.server.serve()
        except BaseException as exc:  # the test inspects it; a thread must not swallow it
            self.error = exc
        finally:
            self.returned.set()


def stop_within(server, serve_thread, deadline_s=STOP_DEADLINE_S):
    """Call server.stop() from another thread and wait for serve() to end; a description of what went wrong, or None."""
    stopper = threading.Thread(target=server.stop, name='wsgi-stop-by-hand', daemon=True)
    stopper.start()
    stopper.join(deadline_s)
    if stopper.is_alive():
        return f'server.stop() did not return within {deadline_s} s'
    serve_thread.join(deadline_s)
    if serve_thread.is_alive():
        return f'serve() still running {deadline_s} s after stop()'
    return None


@contextlib.contextmanager
def serving(server, allow_serve_error=False):
    """Prepare `server`, serve it in a thread and yield that thread; stop it on exit.

    Fails the test if stopping takes too long or, unless allow_serve_error,
    if serve() raised (the caller then checks thread.error itself). A test
    that makes no request may stop the server before serve() got going;
    test_server_api checks that case on its own.
    """
    server.prepare()
    thread = ServeThread(server)
    thread.start()
    try:
        yield thread
    except BaseException:
        stop_within(server, thread)  # best effort: the test's own failure is the one to report
        raise
    problem = stop_within(server, thread)
    assert problem is None, problem
    if not allow_serve_error:
        assert thread.error is None, f'serve() raised {thread.error!r}'


def tcp_request(server, request_bytes, method='GET', timeout=wire.DEFAULT_TIMEOUT):
    """Send `request_bytes` to a TCP server on a fresh connection and read one response."""
    host, port = server.bind_addr[:2]
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(request_bytes)
        return wire.read_response(wire.WireReader(sock, timeout), method=method)
