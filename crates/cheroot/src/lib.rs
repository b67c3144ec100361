//! cheroot-rs, the crate an embedder depends on: an HTTP/1.1 server with cheroot's behaviour,
//! re-exporting the layers below it under one flat surface.
//!
//! - [`HttpServer`] and the native [`Gateway`] trait (from `cheroot-server`): bind, serve,
//!   stop gracefully; on a runtime of its own, or on yours
//!   ([`HttpServer::start_on_current_runtime`]).
//! - [`ConnectionServer`] and [`serve_connection`]: serve connections your own code accepted
//!   (any `AsyncRead + AsyncWrite` stream), as tasks of your tokio runtime, hyper-style.
//! - [`wsgi`]: the WSGI-style application interface (`cheroot-wsgi`): [`wsgi::WsgiApp`],
//!   [`wsgi::Environ`], [`wsgi::StartResponse`], [`wsgi::Body`], and [`wsgi::Server`], which
//!   serves an app the way `cheroot.wsgi.Server` does.
//! - [`tls`]: the TLS adapters (`cheroot-tls`): build one with
//!   [`tls::get_ssl_adapter_class`] and put it in [`ServerConfig::ssl_adapter`].
//! - [`peercreds`]: peer credentials of UNIX-socket clients (`cheroot-peercreds`); the server
//!   uses them when [`ServerConfig::peercreds_enabled`] is set.
//! - [`wire`]: the sans-IO HTTP/1.x parser and encoder (`cheroot-wire`), for those who only
//!   need the protocol.
//! - [`http`]: the `http` crate, re-exported, whose [`Method`](http::Method) and
//!   [`Version`](http::Version) a [`Request`] hands out; name them as `cheroot::http::Method`
//!   without a dependency (and a version to keep in step) of your own.
//!
//! A WSGI-style application:
//!
//! ```no_run
//! use cheroot::wsgi::{AppError, Body, Environ, Server, StartResponse};
//!
//! fn hello<'r>(_env: Environ, start_response: StartResponse<'r>) -> Result<Body<'r>, AppError> {
//!     start_response.start("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "12")])?;
//!     Ok(Body::from("Hello world!"))
//! }
//!
//! let server = Server::new("127.0.0.1:8080".parse()?, hello);
//! // Serves until SIGINT or SIGTERM, then stops gracefully.
//! server.safe_start()?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A native gateway, which writes the response itself:
//!
//! ```no_run
//! use cheroot::{Gateway, GatewayError, HttpServer, Request, Response};
//!
//! struct Hello;
//!
//! impl Gateway for Hello {
//!     fn respond(&self, _: &mut Request<'_>, resp: &mut Response<'_>) -> Result<(), GatewayError> {
//!         resp.add_header("Content-Type", "text/plain")?;
//!         resp.add_header("Content-Length", "12")?;
//!         resp.write(b"Hello world!")?;
//!         Ok(())
//!     }
//! }
//!
//! let server = HttpServer::new("127.0.0.1:8080".parse()?, Hello);
//! // Serves until SIGINT or SIGTERM, then stops gracefully.
//! server.safe_start()?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! On your own tokio runtime, hyper-style: accept the connections yourself and spawn a task
//! for each (`examples/own_runtime.rs`). [`serve_connection`] does it for one connection with
//! a server of its own; a [`ConnectionServer`] shares one worker pool, the settings and the
//! statistics among all of them, and passes the client's address to the gateway:
//!
//! ```no_run
//! use cheroot::{BindAddr, ConnectionServer, ServerConfig, gateway_fn};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! let local = listener.local_addr()?;
//! let hello = gateway_fn(|_req, resp| {
//!     resp.add_header("Content-Length", "12")?;
//!     resp.write(b"Hello world!")?;
//!     Ok(())
//! });
//! let bind_addr = BindAddr::tcp(local.ip().to_string(), local.port())?;
//! let server = ConnectionServer::new(bind_addr, hello, ServerConfig::default())?;
//! loop {
//!     let (stream, peer) = listener.accept().await?;
//!     tokio::spawn(server.serve_connection(stream, Some(peer)));
//! }
//! # }
//! ```
//!
//! To run a whole [`HttpServer`] (its listener, TLS, UNIX sockets, `stop()`) on your runtime
//! instead, await [`HttpServer::start_on_current_runtime`].
//!
//! # Features
//!
//! - `rustls`: the rustls TLS backend (ring provider), cheroot's `builtin` adapter.
//! - `openssl`: the OpenSSL TLS backend (the system's libssl), cheroot's `pyopenssl` adapter.
//! - `full`: both.
//!
//! None is on by default: without a backend, [`tls::get_ssl_adapter_class`] answers every
//! name with an error naming the feature to turn on. Peer credentials need no feature (the
//! server always has them; `peercreds_enabled` switches them on), so there is no `peercreds`
//! feature.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

/// The `http` crate, whose types the API uses (`Request::method()` is an `http::Method`):
/// name them through `cheroot::http` without depending on `http` yourself.
pub use http;

pub use cheroot_server::{
    BindAddr, BindAddrError, ConfigError, ConnInfo, ConnectionServer, DEFAULT_BACKLOG,
    DEFAULT_SERVER_NAME, ExpectContinue, FileRegion, Gateway, GatewayError, GatewayFn, HeaderError,
    HttpServer, PeerAddr, Protocol, Request, RequestBody, Response, ServerConfig, ServerError,
    StatsSnapshot, default_maxthreads, gateway_fn, max_worker_threads, serve_connection,
};

/// The server's building blocks below [`HttpServer`]: listeners, streams, the worker pool and
/// statistics (`cheroot-server`).
pub mod server {
    pub use cheroot_server::*;
}

/// The WSGI-style gateway: applications, environ, `start_response`, bodies, dispatch and
/// `Server` (`cheroot-wsgi`).
pub mod wsgi {
    pub use cheroot_wsgi::*;
}

/// TLS adapters: the [`SslAdapter`](tls::SslAdapter) trait, the registry, the backends
/// (`cheroot-tls`).
pub mod tls {
    pub use cheroot_tls::*;
}

/// Peer credentials (pid, uid, gid, names) of UNIX-socket clients (`cheroot-peercreds`).
pub mod peercreds {
    pub use cheroot_peercreds::*;
}

/// Sans-IO HTTP/1.x: request-head and body parsers, response encoders (`cheroot-wire`).
pub mod wire {
    pub use cheroot_wire::*;
}
