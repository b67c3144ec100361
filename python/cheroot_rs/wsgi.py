"""A drop-in for ``cheroot.wsgi``: :class:`Server` takes cheroot 11's arguments and attributes
and serves a Python WSGI application on the cheroot-rs server (written in Rust)."""

import contextlib
import sys
import threading
import traceback as traceback_

from cheroot_rs import __version__, _native
from cheroot_rs import ssl as ssl_adapters


def _optional_limit(value):
    """A count where ``None`` or a negative number means no limit (``None``)."""
    return None if value is None or value < 0 else int(value)


def _body_limit(value):
    """``max_request_body_size``: ``None`` keeps cheroot-rs's default, 0 is no limit."""
    return None if value is None else int(value)


class _Live:
    """A setting the running server applies at once, as cheroot reads it off its server
    object for each connection or request (CherryPy and cheroot's fixtures change these on a
    server that is serving). ``convert`` turns the attribute into the native setter's value."""

    def __init__(self, default, convert):
        self.default = default
        self.convert = convert

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, server, owner=None):
        if server is None:
            return self
        return server.__dict__.get(self.name, self.default)

    def __set__(self, server, value):
        server.__dict__[self.name] = value
        native = server.__dict__.get("_native")
        if native is not None:
            getattr(native, f"set_{self.name}")(self.convert(value))


class HTTPConnection:
    """cheroot's ``server.HTTPConnection`` as far as frameworks configure it: its
    ``RequestHandlerClass``, a class of cheroot's ``HTTPRequest`` kind whose ``proxy_mode`` and
    ``strict_mode`` the server takes when it is prepared (CherryPy sets one with
    ``proxy_mode=True``). There is no Python object per connection.
    """

    RequestHandlerClass = None


def _request_modes(server, handler):
    """``(proxy_mode, strict_mode)`` of requests made by ``handler`` (cheroot's defaults when
    there is none): read off one instance, since the class passes them to its base's
    ``__init__`` (``HTTPRequest(server, conn, proxy_mode=False, strict_mode=True)``)."""
    if handler is None:
        return False, True
    try:
        request = handler(server, None)
    except Exception as exc:
        raise TypeError(
            f"ConnectionClass.RequestHandlerClass {handler!r} cannot be read: "
            f"it must take (server, conn) as cheroot's HTTPRequest does ({exc})"
        ) from exc
    return bool(getattr(request, "proxy_mode", False)), bool(getattr(request, "strict_mode", True))


class _ListeningSocket:
    """What ``Server.socket`` gives while serving: the listening socket's address, as
    ``getsockname()`` (CherryPy reads it to learn an ephemeral port)."""

    def __init__(self, address):
        self._address = address

    def getsockname(self):
        return self._address


class Server:
    """cheroot's ``wsgi.Server``: an HTTP server that calls a WSGI application.

    The constructor's arguments come in cheroot's order; the attributes are read when the
    server is prepared, so set them before ``prepare()``/``start()``, except ``wsgi_app``,
    ``timeout``, ``max_request_body_size`` and ``keep_alive_conn_limit``, which a running
    server applies at once. Subclasses may override ``error_log``.
    """

    wsgi_version = (1, 0)
    protocol = "HTTP/1.1"
    version = f"Cheroot/{__version__}"
    software = None
    ssl_adapter = None
    nodelay = True
    keep_alive_conn_limit = _Live(10, _optional_limit)
    # None keeps cheroot-rs's limits (64 KiB of head, 100 MiB of body); 0 means no limit, as
    # in cheroot (whose default is 0 for both).
    max_request_header_size = None
    max_request_body_size = _Live(None, _body_limit)
    timeout = _Live(10, float)
    expiration_interval = 0.5
    # cheroot-rs only: how long a whole request head may take (slowloris), in seconds.
    header_timeout = 30
    # cheroot-rs only: when a request with ``Expect: 100-continue`` gets its ``100 Continue``:
    # "at-once", as soon as its head is read (cheroot's timing, the default here), or
    # "on-read", when the app first reads ``wsgi.input``, so an app that answers without the
    # body spares the client from sending it (the ``cheroot`` command's default).
    expect_continue = "at-once"
    # Set when several worker processes serve the app (wsgi.multiprocess).
    multiprocess = False
    ConnectionClass = HTTPConnection

    def __init__(  # noqa: PLR0913 (cheroot's signature)
        self,
        bind_addr,
        wsgi_app,
        numthreads=10,
        server_name=None,
        max=-1,  # noqa: A002 (cheroot's name)
        request_queue_size=1024,
        timeout=10,
        shutdown_timeout=5,
        accepted_queue_size=-1,
        accepted_queue_timeout=10,
        peercreds_enabled=False,
        peercreds_resolve_enabled=False,
        reuse_port=False,
    ):
        self.bind_addr = bind_addr
        self.wsgi_app = wsgi_app
        self.numthreads = numthreads or 1
        self.server_name = server_name
        self.max = max
        self.request_queue_size = request_queue_size
        self.timeout = timeout
        self.shutdown_timeout = shutdown_timeout
        self.accepted_queue_size = accepted_queue_size
        self.accepted_queue_timeout = accepted_queue_timeout
        self.peercreds_enabled = peercreds_enabled
        self.peercreds_resolve_enabled = peercreds_resolve_enabled
        self.reuse_port = reuse_port
        self._native = None
        self._interrupt = None
        self._stats_enabled = False

    # Lifecycle -----------------------------------------------------------------------------

    def prepare(self):
        """Binds the listening socket; ``bind_addr`` then holds the real address."""
        self._interrupt = None
        if self.software is None:
            self.software = f"{self.version} Server"
        native = _native.Server(self, self.bind_addr, **self._settings())
        native.prepare()
        self._native = native
        self.bind_addr = native.bind_addr

    def serve(self):
        """Serves until :meth:`stop`; raises the interrupt that stopped it, if any."""
        if self._native is None:
            raise RuntimeError("Server.serve() needs Server.prepare() first")
        self._native.serve()
        if self._interrupt is not None:
            raise self._interrupt

    def start(self):
        """Prepares, then serves."""
        self.prepare()
        self.serve()

    def safe_start(self):
        """Serves, and stops cleanly on ``KeyboardInterrupt`` or ``SystemExit``."""
        try:
            self.start()
        except (KeyboardInterrupt, SystemExit) as exc:
            underlying = self.interrupt
            if not underlying:
                self.interrupt = exc
            raise exc from underlying

    def stop(self):
        """Stops gracefully: in-flight requests get ``shutdown_timeout`` to finish."""
        if self._native is not None:
            self._native.stop()

    @contextlib.contextmanager
    def _run_in_thread(self):
        """Prepares, serves in a daemon thread for the ``with`` block, then stops (cheroot's
        helper, which its tests and some users' fixtures call)."""
        self.prepare()
        thread = threading.Thread(target=self.serve, daemon=True)
        thread.start()
        try:
            yield thread
        finally:
            self.stop()

    @property
    def ready(self):
        """Whether the server is serving."""
        return self._native is not None and self._native.ready

    @property
    def socket(self):
        """The listening socket's address as ``getsockname()`` while the server is ready,
        else ``None`` (cheroot's ``socket`` is the socket itself)."""
        if not self.ready:
            return None
        return _ListeningSocket(self.bind_addr)

    @property
    def can_add_keepalive_connection(self):
        """Whether a response may keep its connection open now (``keep_alive_conn_limit``)."""
        return self._native is not None and self._native.can_add_keepalive_connection()

    @property
    def _connections(self):
        """What cheroot's ``ConnectionManager`` tells about the connections, read-only: its
        ``_num_connections`` (the idle keep-alive connections), which cheroot's tests and
        monitoring code read."""
        return _ConnectionCounts(self._native)

    @property
    def interrupt(self):
        """The exception that stopped the server (KeyboardInterrupt, SystemExit), if any."""
        return self._interrupt

    @interrupt.setter
    def interrupt(self, interrupt):
        if isinstance(interrupt, KeyboardInterrupt):
            self.error_log("Keyboard Interrupt: shutting down")
        if isinstance(interrupt, SystemExit):
            self.error_log("SystemExit raised: shutting down")
        self._interrupt = interrupt
        if self._native is not None:
            self._native.interrupt(repr(interrupt))

    # Settings ------------------------------------------------------------------------------

    @property
    def numthreads(self):
        """The worker pool's minimum size."""
        return self._numthreads

    @numthreads.setter
    def numthreads(self, value):
        self._numthreads = value

    def _settings(self):
        """The attributes as the native server's keyword arguments."""
        version = {(1, 0): "1.0", ("u", 0): "u0"}.get(tuple(self.wsgi_version))
        if version is None:
            raise ValueError(
                f"wsgi_version must be (1, 0) or ('u', 0), not {self.wsgi_version!r}"
            )
        proxy_mode, strict_mode = _request_modes(self, self.ConnectionClass.RequestHandlerClass)
        return {
            "proxy_mode": proxy_mode,
            "strict_mode": strict_mode,
            "numthreads": int(self.numthreads),
            "max": _optional_limit(self.max),
            "server_name": self.server_name,
            "protocol": self.protocol,
            "timeout": float(self.timeout),
            "shutdown_timeout": float(self.shutdown_timeout),
            "request_queue_size": int(self.request_queue_size),
            "accepted_queue_size": _optional_limit(self.accepted_queue_size),
            "accepted_queue_timeout": float(self.accepted_queue_timeout),
            "max_request_header_size": self.max_request_header_size,
            "max_request_body_size": _body_limit(self.max_request_body_size),
            "nodelay": bool(self.nodelay),
            "reuse_port": bool(self.reuse_port),
            "keep_alive_conn_limit": _optional_limit(self.keep_alive_conn_limit),
            "peercreds_enabled": bool(self.peercreds_enabled),
            "peercreds_resolve_enabled": bool(self.peercreds_resolve_enabled),
            "stats_enabled": bool(self._stats_enabled),
            "wsgi_version": version,
            "multiprocess": bool(self.multiprocess),
            "software": self.software,
            "ssl_adapter": ssl_adapters.from_cheroot(self.ssl_adapter),
            "expect_continue": self.expect_continue,
        }

    # Logging and statistics ----------------------------------------------------------------

    def error_log(self, msg="", level=20, traceback=False):
        """Writes ``msg`` to standard error (cheroot's default; override as desired)."""
        sys.stderr.write(f"{msg!s}\n")
        sys.stderr.flush()
        if traceback:
            sys.stderr.write(traceback_.format_exc())
            sys.stderr.flush()

    @property
    def stats(self):
        """The statistics, with cheroot's keys (``Enabled``, ``Requests``, ...).

        ``server.stats['Enabled'] = True`` turns counting on (before ``prepare()`` or while
        serving), as on cheroot's ``stats`` dict (CherryPy sets it before it starts the server).
        """
        if self._native is None:
            return _Stats(self, {"Enabled": self._stats_enabled})
        values = _Stats(self, self._native.stats())
        # cheroot shows repr(bind_addr) ("('127.0.0.1', 8080)"), which stats pages display as is.
        dict.__setitem__(values, "Bind Address", repr(self.bind_addr))
        return values

    def clear_stats(self):
        """Zeroes the statistics."""
        if self._native is not None:
            self._native.clear_stats()

    def runtime(self):
        """Seconds served while statistics were on."""
        return 0.0 if self._native is None else self._native.runtime()


class _ConnectionCounts:
    """The counts of cheroot's ``ConnectionManager`` for a server (see ``Server._connections``)."""

    def __init__(self, native):
        self._native = native

    @property
    def _num_connections(self):
        """Open connections parked idle between requests."""
        return 0 if self._native is None else self._native.idle_connections()


class _Stats(dict):
    """One reading of the statistics. A fresh dict is built on each ``Server.stats`` access, so
    setting ``'Enabled'`` on it is passed on to the server (read at ``prepare()``), where
    cheroot's long-lived ``stats`` dict would keep it."""

    def __init__(self, server, values):
        super().__init__(values)
        self._server = server

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        if key == "Enabled":
            self._server._stats_enabled = bool(value)
            # A running server starts (or stops) counting at once.
            if self._server._native is not None:
                self._server._native.set_stats_enabled(bool(value))


class PathInfoDispatcher:
    """A WSGI app that routes to one app per ``PATH_INFO`` prefix (longest first), moving the
    prefix into ``SCRIPT_NAME``; 404 when no prefix matches (cheroot's dispatcher)."""

    def __init__(self, apps):
        if hasattr(apps, "items"):
            apps = list(apps.items())
        # Longest prefix first; a trailing slash is not part of a prefix.
        self.apps = sorted(
            ((path.rstrip("/"), app) for path, app in apps),
            key=lambda pair: len(pair[0]),
            reverse=True,
        )

    def __call__(self, environ, start_response):
        path = environ["PATH_INFO"] or "/"
        for prefix, app in self.apps:
            if path == prefix or path.startswith(prefix + "/"):
                environ = dict(environ)
                environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + prefix
                environ["PATH_INFO"] = path[len(prefix):]
                return app(environ, start_response)
        start_response(
            "404 Not Found",
            [("Content-Type", "text/plain"), ("Content-Length", "0")],
        )
        return [b""]


# cheroot's aliases.
WSGIServer = Server
WSGIPathInfoDispatcher = PathInfoDispatcher
