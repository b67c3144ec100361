"""CherryPy on cheroot-rs, by configuration alone.

One line in a CherryPy application (before ``cherrypy.engine.start()`` or
``cherrypy.quickstart``)::

    cherrypy.config.update({'server.instance': 'cheroot_rs.cherrypy.CPWSGIServer'})

``cherrypy.server`` then builds :class:`CPWSGIServer` from its own settings, exactly where it
would build CherryPy's ``CPWSGIServer``: ``socket_host``/``socket_port`` (or ``socket_file``),
``thread_pool``/``thread_pool_max``, ``socket_timeout``, ``shutdown_timeout``, the request
size limits, ``protocol_version``, ``nodelay``, ``ssl_certificate``/``ssl_private_key``/
``ssl_certificate_chain``/``ssl_ciphers``/``ssl_module``, ``statistics`` and ``peercreds``.
"""

import cherrypy

from cheroot_rs import ssl as ssl_adapters
from cheroot_rs import wsgi


class _ProxyModeRequest:
    """CherryPy's request class (``CPWSGIHTTPRequest``) as cheroot-rs reads it: proxy mode on,
    so absolute targets with any host and ``CONNECT`` reach the application."""

    proxy_mode = True
    strict_mode = True

    def __init__(self, server, conn):
        self.server = server


class _CherryPyConnection(wsgi.HTTPConnection):
    RequestHandlerClass = _ProxyModeRequest


class CPWSGIServer(wsgi.Server):
    """CherryPy's ``CPWSGIServer`` on cheroot-rs: ``cherrypy.tree`` served with the settings of
    ``server_adapter`` (``cherrypy.server`` by default), errors logged to ``cherrypy.log``."""

    version = f"CherryPy/{cherrypy.__version__} {wsgi.Server.version}"
    ConnectionClass = _CherryPyConnection

    def __init__(self, server_adapter=None):
        adapter = cherrypy.server if server_adapter is None else server_adapter
        self.server_adapter = adapter
        self.max_request_header_size = adapter.max_request_header_size or 0
        self.max_request_body_size = adapter.max_request_body_size or 0
        self.wsgi_version = adapter.wsgi_version
        super().__init__(
            adapter.bind_addr,
            cherrypy.tree,
            adapter.thread_pool,
            adapter.socket_host or adapter.socket_file or None,
            max=adapter.thread_pool_max,
            request_queue_size=adapter.socket_queue_size,
            timeout=adapter.socket_timeout,
            shutdown_timeout=adapter.shutdown_timeout,
            accepted_queue_size=adapter.accepted_queue_size,
            accepted_queue_timeout=adapter.accepted_queue_timeout,
            peercreds_enabled=adapter.peercreds,
            peercreds_resolve_enabled=adapter.peercreds_resolve,
        )
        self.protocol = adapter.protocol_version
        self.nodelay = adapter.nodelay
        self.ssl_adapter = _ssl_adapter(adapter)
        self.stats["Enabled"] = getattr(adapter, "statistics", False)

    def error_log(self, msg="", level=20, traceback=False):
        """Writes to CherryPy's error log, as CherryPy's own server does."""
        cherrypy.engine.log(msg, level, traceback)


def _ssl_adapter(adapter):
    """The TLS adapter ``server.ssl_*`` describes, or ``None`` for plain HTTP."""
    if adapter.ssl_context is not None:
        raise ValueError(
            "server.ssl_context: a Python SSL context cannot be used by cheroot-rs; "
            "set server.ssl_certificate and server.ssl_private_key instead"
        )
    if not adapter.ssl_certificate:
        return None
    adapter_class = ssl_adapters.get_ssl_adapter_class(adapter.ssl_module or "builtin")
    return adapter_class(
        adapter.ssl_certificate,
        adapter.ssl_private_key,
        adapter.ssl_certificate_chain,
        adapter.ssl_ciphers,
    )
