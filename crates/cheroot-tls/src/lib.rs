//! TLS for cheroot-rs, as `cheroot.ssl`: the [`SslAdapter`] trait the server calls for each
//! connection, the registry [`get_ssl_adapter_class`], and two backends behind additive
//! features, with the mod_ssl-style TLS environ.
//!
//! An adapter is built once from [`TlsSettings`] (every file is read and checked then, so a
//! bad file fails at start-up with its name). The server then calls
//! [`SslAdapter::accept`] in each connection's own task, never on the accept path: it checks
//! for plain HTTP (and answers it with cheroot's 400), runs the handshake under the server's
//! timeout, and returns a [`TlsStream`] and the connection's [`TlsEnv`].
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use cheroot_tls::{TlsSettings, get_ssl_adapter_class};
//!
//! let adapter = get_ssl_adapter_class("builtin")?
//!     .build(TlsSettings::new("cert.pem", "key.pem"))?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8443").await?;
//! let (tcp, _) = listener.accept().await?;
//! let accepting = adapter.accept(Box::new(tcp), Duration::from_secs(10));
//! tokio::spawn(async move {
//!     match accepting.await {
//!         Ok((stream, env)) => { /* serve HTTP on `stream`, add `env` to the environ */ }
//!         Err(err) if err.is_plain_http() => { /* already answered with 400 */ }
//!         Err(err) => eprintln!("{err}"),
//!     }
//! });
//! # Ok(())
//! # }
//! ```
//!
//! # The TLS environ
//!
//! On both backends alike: `wsgi.url_scheme=https`, `HTTPS=on`, `SSL_PROTOCOL` (`TLSv1.2`,
//! `TLSv1.3`), `SSL_CIPHER` (OpenSSL's name), `SSL_CIPHER_EXPORT` (empty),
//! `SSL_CIPHER_USEKEYSIZE`, `SSL_CIPHER_ALGKEYSIZE`, `SSL_SESSION_ID` (hex; empty on rustls),
//! `SSL_TLS_SNI` (when the client sent one), `SSL_VERSION_INTERFACE`, `SSL_VERSION_LIBRARY`,
//! `SSL_CLIENT_VERIFY` (`NONE` or `SUCCESS`), `SSL_SERVER_CERT` and the certificate fields of
//! the server (`SSL_SERVER_*`) and, with a verified client certificate, `SSL_CLIENT_CERT` and
//! the client's (`SSL_CLIENT_*`): `M_VERSION`, `M_SERIAL`, `V_START`, `V_END`, `V_REMAIN` (days
//! left), `S_DN` and `I_DN` (`K=V` pairs in certificate order, comma-joined) with one key per
//! attribute (`S_DN_CN`, and `S_DN_OU_0`, `S_DN_OU_1`... when repeated), `SAN_DNS_n` and
//! `SAN_Email_n`.
//!
//! # Features
//!
//! - `rustls`: the rustls backend (`RustlsAdapter`), ring provider only.
//! - `openssl`: the OpenSSL backend (`OpenSslAdapter`); with `rustls` also on, rustls can
//!   read encrypted private keys.
//!
//! None is on by default. Asking the registry for a backend whose feature is off is a
//! run-time error naming the feature, never a build failure.
#![deny(missing_docs)]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

/// Compiles the items it wraps only when a backend (`rustls` or `openssl`) is built in, as
/// tokio's `cfg_net!` does for its features.
macro_rules! cfg_backend {
    ($($item:item)*) => {
        $(
            #[cfg(any(feature = "rustls", feature = "openssl"))]
            $item
        )*
    };
}

mod adapter;
// The certificate reader needs no backend: it is public (and fuzzed) without one.
mod cert_env;
mod env;
mod error;
mod forward;
mod registry;
mod settings;
mod x509;

cfg_backend! {
    mod cipher_table;
    mod files;
    mod handshake;
    mod pem_text;
    mod plain_http;
    mod prefixed;
}

#[cfg(feature = "rustls")]
mod rustls_adapter;
#[cfg(feature = "rustls")]
mod rustls_ciphers;
#[cfg(feature = "rustls")]
mod rustls_keys;

#[cfg(feature = "openssl")]
mod openssl_adapter;
#[cfg(feature = "openssl")]
mod openssl_ciphers;
#[cfg(feature = "openssl")]
mod openssl_errors;

pub use adapter::{AcceptFuture, AsyncReadWrite, BoxedIo, SslAdapter, TlsStream};
pub use cert_env::certificate_environ;
pub use env::TlsEnv;
pub use error::{TlsAcceptError, TlsError};
pub use registry::{ADAPTER_NAMES, AdapterKind, get_ssl_adapter_class};
pub use settings::{ClientVerify, Password, TlsSettings};

#[cfg(feature = "openssl")]
pub use openssl_adapter::OpenSslAdapter;
#[cfg(feature = "rustls")]
pub use rustls_adapter::RustlsAdapter;
