//! Test support for cheroot-rs, as `cheroot.testing` is for cheroot: the built-in
//! applications, a test-server fixture and a raw-socket client.
//!
//! - [`Echo`]: the echo application of ECHO_APP.md, and [`Hello`], the benchmark's app.
//! - [`TestServer`]: a server on an ephemeral 127.0.0.1 port (or a UNIX socket in a fresh
//!   temporary directory), served on a thread and stopped on drop (cheroot's
//!   `cheroot_server` fixture). [`TestServer::builder`] changes the server's settings.
//! - [`TestClient`]: a raw-socket HTTP/1.x client with keep-alive reuse, HTTP/1.0, chunked
//!   and close-delimited bodies, and [`send_raw`](TestClient::send_raw) /
//!   [`read_response`](TestClient::read_response) for malformed input; its [`Response`] has
//!   webtest's assertions.
//! - [`assert_echo_contract`]: every row of ECHO_APP.md checked against a running echo app;
//!   [`assert_echo_contract_with`] does it through any client, e.g. one speaking TLS.
//! - [`Sha256`]: the digest the echo app reports, for comparing in tests.
//!
//! ```no_run
//! use cheroot_testing::{Echo, TestServer};
//!
//! let server = TestServer::start(Echo);
//! let mut client = server.client();
//! client.get("/hello")?.assert_status(200).assert_body("Hello world!");
//! client
//!     .request("GET", "/stream?n=3&size=4", &[], b"")?
//!     .assert_header("Transfer-Encoding", "chunked")
//!     .assert_body("xxxxxxxxxxxx");
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! # Features
//!
//! - `rustls`: [`TestClient::with_tls`], a client that speaks TLS (rustls, ring provider) to a
//!   server configured with an `ssl_adapter`.
#![deny(missing_docs)]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod client;
mod echo;
mod echo_contract;
mod hello;
mod json;
mod response;
mod server;
mod sha256;

pub use client::{ServerAddr, TestClient};
pub use echo::Echo;
pub use echo_contract::{assert_echo_contract, assert_echo_contract_with};
pub use hello::Hello;
pub use response::{Framing, Response};
pub use server::{TestServer, TestServerBuilder};
pub use sha256::{Digest, Sha256, sha256};
