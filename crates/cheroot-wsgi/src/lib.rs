//! The WSGI-style face of cheroot-rs: applications written against WSGI's model (an environ,
//! `start_response`, a body of byte chunks with a `close` hook), run by the cheroot-rs server
//! on its worker pool, as `cheroot.wsgi` does for Python.
//!
//! - [`WsgiApp`]: the application, `call(environ, start_response) -> Body`; plain functions
//!   and [`app_fn`] closures implement it.
//! - [`Environ`]: every key cheroot's `Gateway_10` sets, as native strings, with typed
//!   accessors; `wsgi.input` is [`WsgiInput`] (streamed, `read`/`readline`/`readlines`/`iter_lines`),
//!   `wsgi.errors` is [`WsgiErrors`]. [`WsgiVersion::U0`] gives `Gateway_u0`'s UTF-8 paths.
//! - [`StartResponse`] and [`Write`]: WSGI's `start_response` and `write` callables with
//!   cheroot's rules, plus validation of status and headers (no response splitting).
//! - [`Body`] and [`ResponseBody`]: what an app returns; `close` runs on every path.
//! - [`PathInfoDispatcher`]: one app per path prefix.
//! - [`Server`]: cheroot's `wsgi.Server`; [`WsgiGateway`] plugs an app into a hand-built
//!   [`HttpServer`](cheroot_server::HttpServer).
//! - [`invoke`]: runs an app for one environ without a server and records the response.
//!
//! ```no_run
//! use cheroot_wsgi::{AppError, Body, Environ, Server, StartResponse};
//!
//! fn app<'r>(env: Environ, start_response: StartResponse<'r>) -> Result<Body<'r>, AppError> {
//!     let mut input = env.input;
//!     let body = input.read_all()?;
//!     start_response.start(
//!         "200 OK",
//!         [("Content-Type", "text/plain".to_owned()), ("Content-Length", body.len().to_string())],
//!     )?;
//!     Ok(Body::from(body))
//! }
//!
//! let server = Server::new("127.0.0.1:8080".parse().expect("a bind address"), app);
//! server.set_numthreads(4);
//! server.safe_start()?;
//! # Ok::<(), cheroot_server::ServerError>(())
//! ```
//!
//! Where this differs from cheroot (a second `start_response` with `exc_info` replaces the
//! headers; CR/LF in headers is refused; a failing body gets a 500, not a half-sent 200) is
//! listed in the project's `docs/differences.md`.
//!
//! The crate has no features.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod app;
mod body;
mod build_environ;
mod dispatch;
mod environ;
mod environ_source;
mod environ_vars;
mod error;
mod errors_stream;
mod gateway;
mod header_var;
mod input;
mod invoke;
mod server;
mod start_response;

pub use app::{WsgiApp, app_fn};
pub use body::{Body, ResponseBody};
pub use dispatch::PathInfoDispatcher;
pub use environ::{Environ, VarKey, WsgiVersion};
pub use environ_source::{EnvironSink, EnvironSource, VarValue};
pub use error::AppError;
pub use errors_stream::WsgiErrors;
pub use gateway::WsgiGateway;
pub use input::{Lines, WsgiInput};
pub use invoke::{Invoked, invoke};
pub use server::Server;
pub use start_response::{StartResponse, Write};
