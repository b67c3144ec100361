//! Embedding, hyper-style: serving connections the caller accepted itself, as tasks of the
//! caller's own tokio runtime ([`ConnectionServer`], [`serve_connection`]).

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use tokio::io::{AsyncRead, AsyncWrite};

use crate::config::ServerConfig;
use crate::conn::serve_connection as drive_connection;
use crate::error::ServerError;
use crate::exchange::conn_info::ConnInfo;
use crate::exchange::gateway::Gateway;
use crate::listen::accept::serve_tls;
use crate::listen::bind::BindAddr;
use crate::live::LiveSettings;
use crate::server_state::ServerState;
use crate::shutdown::Tracker;
use crate::stats::Stats;
use crate::workers::io_runtime::IoRuntime;
use crate::workers::pool::WorkerPool;

/// Serves connections its caller accepted (from a `tokio::net::TcpListener`, a UNIX socket,
/// an in-memory `tokio::io::duplex` pipe, a stream of its own TLS...) on the caller's tokio
/// runtime: what an [`HttpServer`](crate::HttpServer) does with each connection, without
/// its listener and runtime.
///
/// One `ConnectionServer` holds what its connections share: the settings, the gateway, the
/// worker pool (started only for a [`blocking`](Gateway::blocking) gateway; an inline one
/// uses it only for a request whose body it cannot read first), the `Date` clock and the
/// statistics. Clones share it; the worker pool stops once the last clone and the last
/// connection are gone.
///
/// ```no_run
/// use cheroot_server::{BindAddr, ConnectionServer, ServerConfig, gateway_fn};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
/// let local = listener.local_addr()?;
/// let hello = gateway_fn(|_req, resp| Ok(resp.write(b"Hello world!")?));
/// let bind_addr = BindAddr::tcp(local.ip().to_string(), local.port())?;
/// let server = ConnectionServer::new(bind_addr, hello, ServerConfig::default())?;
/// loop {
///     let (stream, peer) = listener.accept().await?;
///     tokio::spawn(server.serve_connection(stream, Some(peer)));
/// }
/// # }
/// ```
#[derive(Clone)]
pub struct ConnectionServer {
    inner: Arc<Inner>,
}

struct Inner {
    shared: Arc<ServerState>,
    /// What every connection's [`ConnInfo`] shares.
    bind_addr: Arc<BindAddr>,
    server_name: Arc<str>,
}

impl std::fmt::Debug for ConnectionServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectionServer")
            .field("bind_addr", &self.inner.bind_addr)
            .finish_non_exhaustive()
    }
}

impl ConnectionServer {
    /// A server for `gateway` with `config`, for connections that arrive on `bind_addr`
    /// (what gateways see of the server's address, WSGI's `SERVER_PORT`, and the statistics'
    /// `Bind Address`; nothing is bound). Settings that concern the listener
    /// (`request_queue_size`, `nodelay`, `reuse_port`, `listening_socket`, peer credentials)
    /// are the caller's business; `ssl_adapter` is honoured: each connection's handshake
    /// runs in [`serve_connection`](Self::serve_connection).
    ///
    /// Must be called inside a tokio runtime (with its I/O and time drivers): the `Date`
    /// clock's ticker runs there, and a blocking gateway's worker pool is started from its
    /// blocking threads, so this never waits.
    ///
    /// # Errors
    ///
    /// An invalid setting (as [`ServerConfig::validate`] says), or no tokio runtime.
    pub fn new(
        bind_addr: BindAddr,
        gateway: impl Gateway,
        config: ServerConfig,
    ) -> Result<Self, ServerError> {
        Self::from_arc(bind_addr, Arc::new(gateway), config)
    }

    /// As [`new`](Self::new), for a gateway already shared.
    ///
    /// # Errors
    ///
    /// As [`new`](Self::new).
    pub fn from_arc(
        bind_addr: BindAddr,
        gateway: Arc<dyn Gateway>,
        config: ServerConfig,
    ) -> Result<Self, ServerError> {
        config.validate(&bind_addr)?;
        let runtime = IoRuntime::current()?;
        let pool = WorkerPool::for_config(&config)?;
        if gateway.blocking() {
            let pool = pool.clone();
            runtime.spawn(async move {
                // Refused only when the server was dropped first.
                if let Ok(Err(err)) = tokio::task::spawn_blocking(move || pool.start()).await {
                    tracing::debug!("the worker pool did not start: {err}");
                }
            });
        }
        let stats = Arc::new(Stats::new());
        stats.set_enabled(config.stats_enabled);
        stats.start_run();
        let tracker = Arc::new(Tracker::new());
        tracker.set_ready(true);
        let live = Arc::new(LiveSettings::new(&config));
        let server_name = Arc::from(config.server_name.as_str());
        let shared = Arc::new(ServerState::new(
            config,
            gateway,
            pool,
            stats,
            tracker,
            bind_addr.clone(),
            live,
        ));
        runtime.spawn(shared.housekeeping());
        Ok(Self {
            inner: Arc::new(Inner {
                shared,
                bind_addr: Arc::new(bind_addr),
                server_name,
            }),
        })
    }

    /// Serves every request of one connection, `io`, from the client at `remote` (`None`
    /// when it has no IP address: a UNIX socket, a pipe), until the client or the server
    /// closes it: keep-alive, pipelining, timeouts, error responses and all. The future
    /// resolves when the connection is closed; `tokio::spawn` it, as hyper's
    /// `serve_connection`.
    ///
    /// `io` is read and written through `tokio::io::split`, so a gateway's
    /// [`send_file`](crate::Response::send_file) is copied rather than sent with
    /// sendfile(2).
    pub fn serve_connection<IO>(
        &self,
        io: IO,
        remote: Option<SocketAddr>,
    ) -> impl Future<Output = ()> + Send + 'static + use<IO>
    where
        IO: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        let shared = Arc::clone(&inner.shared);
        shared.stats.record_accept();
        let guard = shared.tracker.connection();
        let info = ConnInfo::new(
            remote,
            None,
            Arc::clone(&inner.bind_addr),
            Arc::clone(&inner.server_name),
        )
        .with_server_protocol(shared.config.protocol);
        async move {
            // The server, and so its worker pool, lives as long as any of its connections.
            let _inner = inner;
            let _guard = guard;
            match &shared.config.ssl_adapter {
                None => {
                    let (reader, writer) = tokio::io::split(io);
                    drive_connection(reader, writer, Arc::new(info), shared).await;
                }
                Some(adapter) => {
                    let adapter = Arc::clone(adapter);
                    serve_tls(io, adapter, info, Vec::new(), shared).await;
                }
            }
        }
    }

    /// How many jobs the worker pool has taken so far.
    #[cfg(test)]
    pub(crate) fn jobs_taken(&self) -> u64 {
        self.inner.shared.pool.jobs_taken()
    }

    /// How many connections are being served now.
    pub fn connections(&self) -> usize {
        self.inner.shared.tracker.live_connections()
    }

    /// Stops gracefully, as [`HttpServer::stop`](crate::HttpServer::stop) does with its
    /// connections: parked connections close now, a request in flight finishes with
    /// `Connection: close`, and so does a request already waiting on a connection handed over
    /// from now on (as on a connection `HttpServer` accepted just before its stop). Returns at
    /// once; each [`serve_connection`](Self::serve_connection) future resolves as its
    /// connection closes (the tasks are the caller's: abort those that outlive a deadline of
    /// your own). Idempotent.
    pub fn stop(&self) {
        let tracker = &self.inner.shared.tracker;
        tracker.set_ready(false);
        tracker.signal_stop();
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        // No connection is left (each holds the server): let the pool's threads go.
        self.shared.tracker.signal_stop();
        let _ = self.shared.pool.shutdown(Instant::now());
    }
}

/// Serves every request of one connection, `io`, on the caller's tokio runtime, with a
/// server of its own for `gateway` and `config`: hyper's `serve_connection`, for a one-off.
/// The future resolves when the connection is closed.
///
/// The connection has no known addresses (gateways see no `REMOTE_ADDR` or
/// `SERVER_PORT`), and a blocking gateway gets a worker pool for this one connection: to
/// serve many connections, or pass the client's address, make one [`ConnectionServer`] and
/// call its [`serve_connection`](ConnectionServer::serve_connection) for each.
///
/// ```no_run
/// use cheroot_server::{ServerConfig, gateway_fn, serve_connection};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
/// loop {
///     let (stream, _) = listener.accept().await?;
///     let hello = gateway_fn(|_req, resp| Ok(resp.write(b"Hello world!")?));
///     tokio::spawn(serve_connection(stream, hello, ServerConfig::default()));
/// }
/// # }
/// ```
///
/// # Errors
///
/// As [`ConnectionServer::new`]; nothing once the connection is being served.
pub async fn serve_connection<IO>(
    io: IO,
    gateway: impl Gateway,
    config: ServerConfig,
) -> Result<(), ServerError>
where
    IO: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    // No listener: an address without a port, as a UNIX socket's.
    let unknown = BindAddr::Unix(PathBuf::new());
    let server = ConnectionServer::new(unknown, gateway, config)?;
    server.serve_connection(io, None).await;
    Ok(())
}
