//! `Server`: an HTTP server that runs one WSGI app, with cheroot's `wsgi.Server` settings.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use cheroot_server::{BindAddr, HttpServer, Protocol, ServerConfig, ServerError, StatsSnapshot};

use crate::app::WsgiApp;
use crate::environ::WsgiVersion;
use crate::gateway::WsgiGateway;

/// cheroot's `wsgi.Server`: an [`HttpServer`] whose gateway is a [`WsgiGateway`].
///
/// cheroot's constructor parameters are setters, with cheroot's defaults: `numthreads` 10
/// ([`set_numthreads`](Server::set_numthreads), the pool's minimum), `max` -1 = no cap
/// ([`set_max`](Server::set_max) with `None`), `server_name` `Cheroot/<version>`,
/// `request_queue_size` 1024 (cheroot: 5), `timeout` 10 s, `shutdown_timeout` 5 s, `accepted_queue_size`
/// (bounded here, see the server's [`ServerConfig`]), `accepted_queue_timeout` 10 s,
/// `peercreds_enabled` and `peercreds_resolve_enabled` false, `reuse_port` false, and
/// cheroot's class attribute `wsgi_version` ([`set_wsgi_version`](Server::set_wsgi_version)).
/// Every other server setting is on [`http_server`](Server::http_server).
///
/// Setters take `&self` and apply at the next [`prepare`](Server::prepare), so a `Server`
/// can be shared in an `Arc` and stopped from another thread.
pub struct Server {
    http: HttpServer,
    gateway: Arc<WsgiGateway>,
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("http", &self.http)
            .field("gateway", &self.gateway)
            .finish()
    }
}

impl Server {
    /// A server for `app` on `bind_addr` with cheroot's defaults.
    pub fn new(bind_addr: BindAddr, app: impl WsgiApp) -> Self {
        Self::from_arc(bind_addr, Arc::new(app))
    }

    /// As [`new`](Server::new), for an app already shared.
    pub fn from_arc(bind_addr: BindAddr, app: Arc<dyn WsgiApp>) -> Self {
        Self::with_config(bind_addr, app, ServerConfig::default())
    }

    /// A server for `app` with every server setting given at once.
    pub fn with_config(bind_addr: BindAddr, app: Arc<dyn WsgiApp>, config: ServerConfig) -> Self {
        let gateway = Arc::new(WsgiGateway::from_arc(app));
        // As `set_protocol` does: the environ's ACTUAL_SERVER_PROTOCOL follows the server's.
        gateway.set_server_protocol(config.protocol.as_str());
        let http = HttpServer::from_arc(bind_addr, Arc::clone(&gateway) as _, config);
        Self { http, gateway }
    }

    /// The underlying HTTP server, for the settings this type does not repeat.
    pub fn http_server(&self) -> &HttpServer {
        &self.http
    }

    /// The gateway (its `wsgi_version` and environ facts).
    pub fn gateway(&self) -> &WsgiGateway {
        &self.gateway
    }

    /// The application (cheroot's `wsgi_app`).
    pub fn wsgi_app(&self) -> &Arc<dyn WsgiApp> {
        self.gateway.app()
    }

    /// cheroot's `numthreads` property: the pool's minimum thread count.
    pub fn numthreads(&self) -> usize {
        self.http.config().minthreads
    }

    /// Sets `numthreads` (cheroot's `requests.min`, default 10).
    pub fn set_numthreads(&self, n: usize) -> &Self {
        self.http.set_minthreads(n);
        self
    }

    /// Sets `max` (cheroot: -1 means no cap; here `None`).
    pub fn set_max(&self, max: Option<usize>) -> &Self {
        self.http.set_maxthreads(max);
        self
    }

    /// Sets `server_name` (`SERVER_NAME` and the `Server:` header).
    pub fn set_server_name(&self, name: impl Into<String>) -> &Self {
        self.http.set_server_name(name.into());
        self
    }

    /// Sets `request_queue_size` (the listen backlog, default 1024; cheroot: 5).
    pub fn set_request_queue_size(&self, size: u32) -> &Self {
        self.http.set_request_queue_size(size);
        self
    }

    /// Sets `timeout` (default 10 s); a running server uses it from its next socket wait on.
    pub fn set_timeout(&self, timeout: Duration) -> &Self {
        self.http.set_timeout(timeout);
        self
    }

    /// Sets `shutdown_timeout` (default 5 s).
    pub fn set_shutdown_timeout(&self, timeout: Duration) -> &Self {
        self.http.set_shutdown_timeout(timeout);
        self
    }

    /// Sets `accepted_queue_size`.
    pub fn set_accepted_queue_size(&self, size: usize) -> &Self {
        self.http.set_accepted_queue_size(size);
        self
    }

    /// Sets `accepted_queue_timeout` (default 10 s).
    pub fn set_accepted_queue_timeout(&self, timeout: Duration) -> &Self {
        self.http.set_accepted_queue_timeout(timeout);
        self
    }

    /// Sets `peercreds_enabled`.
    pub fn set_peercreds_enabled(&self, enabled: bool) -> &Self {
        self.http.set_peercreds_enabled(enabled);
        self
    }

    /// Sets `peercreds_resolve_enabled`.
    pub fn set_peercreds_resolve_enabled(&self, enabled: bool) -> &Self {
        self.http.set_peercreds_resolve_enabled(enabled);
        self
    }

    /// Sets `reuse_port`.
    pub fn set_reuse_port(&self, reuse: bool) -> &Self {
        self.http.set_reuse_port(reuse);
        self
    }

    /// Sets `max_request_body_size` (0: no limit); a body over it fails `wsgi.input` reads
    /// and, if the app lets that error through, the client gets 413. A running server applies
    /// it from the next request on.
    pub fn set_max_request_body_size(&self, max: u64) -> &Self {
        self.http.set_max_request_body_size(max);
        self
    }

    /// Sets the server's protocol (`ACTUAL_SERVER_PROTOCOL`, the status-line version).
    pub fn set_protocol(&self, protocol: Protocol) -> &Self {
        self.http.set_protocol(protocol);
        self.gateway.set_server_protocol(protocol.as_str());
        self
    }

    /// cheroot's `wsgi_version`: (1, 0) or ('u', 0).
    pub fn wsgi_version(&self) -> WsgiVersion {
        self.gateway.wsgi_version()
    }

    /// Sets `wsgi_version` (takes effect from the next request).
    pub fn set_wsgi_version(&self, version: WsgiVersion) -> &Self {
        self.gateway.set_wsgi_version(version);
        self
    }

    /// Binds the listening socket and starts the workers (see [`HttpServer::prepare`]).
    ///
    /// # Errors
    ///
    /// As [`HttpServer::prepare`].
    pub fn prepare(&self) -> Result<(), ServerError> {
        self.sync_facts();
        self.http.prepare()
    }

    /// Serves until [`stop`](Server::stop) (see [`HttpServer::serve`]).
    ///
    /// # Errors
    ///
    /// As [`HttpServer::serve`].
    pub fn serve(&self) -> Result<(), ServerError> {
        self.http.serve()
    }

    /// `prepare` then `serve` (see [`HttpServer::start`]).
    ///
    /// # Errors
    ///
    /// As [`HttpServer::start`].
    pub fn start(&self) -> Result<(), ServerError> {
        self.sync_facts();
        self.http.start()
    }

    /// `start`, stopping cleanly on an interrupt (see [`HttpServer::safe_start`]).
    ///
    /// # Errors
    ///
    /// As [`HttpServer::safe_start`].
    pub fn safe_start(&self) -> Result<(), ServerError> {
        self.sync_facts();
        self.http.safe_start()
    }

    /// Stops the server (see [`HttpServer::stop`]).
    pub fn stop(&self) {
        self.http.stop();
    }

    /// Whether the server is serving (cheroot's `ready`).
    pub fn ready(&self) -> bool {
        self.http.ready()
    }

    /// The address the server listens on (after `prepare`, port 0 is the real port).
    pub fn bind_addr(&self) -> BindAddr {
        self.http.bind_addr()
    }

    /// The server's statistics.
    pub fn stats(&self) -> StatsSnapshot {
        self.http.stats()
    }

    fn sync_facts(&self) {
        self.gateway
            .set_server_protocol(self.http.config().protocol.as_str());
    }
}
