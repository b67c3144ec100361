//! HTTP/1.1 server core of cheroot-rs: listeners, connections, keep-alive, the worker pool and
//! statistics, as `cheroot.server`, `cheroot.connections` and `cheroot.workers` have them.
//!
//! [`HttpServer`] serves a [`Gateway`]: each connection is a tokio task that reads request
//! heads, streams bodies, runs the gateway (on a pool of worker threads if it may block, inline
//! on the I/O task if not), frames the [`Response`], and keeps the connection alive, pipelined
//! or parked idle, by cheroot's rules (see `docs/differences.md` for where RFC 9112 wins).
//! Settings are cheroot's knobs, in [`ServerConfig`].
//!
//! ```no_run
//! use cheroot_server::{Gateway, GatewayError, HttpServer, Request, Response};
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
//!
//!     fn blocking(&self) -> bool {
//!         false // answers without blocking: run inline on the I/O task
//!     }
//! }
//!
//! let server = HttpServer::new("127.0.0.1:8080".parse().expect("an address"), Hello);
//! server.safe_start()?; // until SIGINT/SIGTERM or stop() from another thread
//! # Ok::<(), cheroot_server::ServerError>(())
//! ```
//!
//! The server binds its listening socket from a [`BindAddr`] (TCP v4/v6, UNIX path, abstract
//! name, or a socket passed by systemd), runs blocking gateways on a pool of OS threads that
//! grows and shrinks with load, and counts what happens: [`HttpServer::stats`] gives a
//! [`StatsSnapshot`] with cheroot's keys. The listener, the pool and the counters themselves
//! are the server's own, not part of this API.
//!
//! The crate has no features.
#![deny(missing_docs)]
// Only the systemd activation module (to adopt fd 3) and `sched` (to set a thread's scheduling
// policy) may use `unsafe`; each says so itself.
#![deny(unsafe_code)]

// Listening and accepting: addresses, listening sockets, the accept loop.
mod listen;
// The worker pool and how it meets the I/O runtime.
mod workers;
// One HTTP exchange as a gateway sees it: request, body, response, gateway.
mod exchange;
// The connection driver: one task per connection, reading heads and bodies, keep-alive.
mod conn;
// Serving connections the caller accepted, on the caller's runtime.
mod embed;

// Running a server: settings, lifecycle, shared state, counters.
mod clock;
mod config;
mod error;
mod live;
mod server;
mod server_state;
mod shutdown;
mod stats;

pub use listen::bind::{BindAddr, BindAddrError};
pub use listen::listener::{ListenOptions, ListeningSocket, PeerAddr};
pub use stats::{StatsSnapshot, WorkerSnapshot};

pub use config::{
    ConfigError, DEFAULT_BACKLOG, DEFAULT_SERVER_NAME, ExpectContinue, Protocol, ServerConfig,
};
pub use embed::{ConnectionServer, serve_connection};
pub use error::ServerError;
pub use exchange::access_log::{ACCESS_LOG_TARGET, AccessLogFormat};
pub use exchange::conn_info::ConnInfo;
pub use exchange::file_region::FileRegion;
pub use exchange::gateway::{Gateway, GatewayError};
pub use exchange::gateway_fn::{GatewayFn, gateway_fn};
pub use exchange::request::Request;
pub use exchange::request_body::RequestBody;
pub use exchange::response::{HeaderError, Response};
pub use server::HttpServer;
pub use workers::thread_limit::{
    DEFAULT_THREADS_PER_CORE, RESERVED_THREADS, default_maxthreads, machine_thread_limit,
    max_worker_threads,
};

/// The request-head types a gateway reads, re-exported from `cheroot-wire`.
pub use cheroot_wire::{HeaderField, Headers, RequestHead, RequestTarget, TargetForm};
