//! What a gateway knows about the connection a request came on: addresses, scheme, TLS extras.

use std::net::SocketAddr;
use std::os::fd::RawFd;
use std::sync::{Arc, OnceLock};

use crate::config::Protocol;
use crate::listen::bind::BindAddr;

/// Facts about one client connection, shared by every request on it.
///
/// The WSGI layer builds `REMOTE_ADDR`, `REMOTE_PORT`, `SERVER_NAME`, `SERVER_PORT` and
/// `wsgi.url_scheme` from these; [`extra_env`](ConnInfo::extra_env) carries pairs a TLS
/// adapter or the peer-credentials lookup adds later.
#[derive(Debug, Clone)]
pub struct ConnInfo {
    remote: Option<SocketAddr>,
    local: Option<SocketAddr>,
    bind_addr: Arc<BindAddr>,
    server_name: Arc<str>,
    url_scheme: &'static str,
    server_protocol: Protocol,
    extra_env: Vec<(String, String)>,
    raw_fd: Option<RawFd>,
    /// `remote_addr_text` and `remote_port_text`, made on first use.
    remote_texts: OnceLock<(Arc<str>, Arc<str>)>,
}

impl ConnInfo {
    /// Facts for a connection from `remote` (None for a UNIX socket) accepted on `bind_addr`.
    pub fn new(
        remote: Option<SocketAddr>,
        local: Option<SocketAddr>,
        bind_addr: Arc<BindAddr>,
        server_name: Arc<str>,
    ) -> Self {
        Self {
            remote,
            local,
            bind_addr,
            server_name,
            url_scheme: "http",
            server_protocol: Protocol::Http11,
            extra_env: Vec::new(),
            raw_fd: None,
            remote_texts: OnceLock::new(),
        }
    }

    /// Sets the URL scheme (`https` once a TLS adapter wraps the connection).
    pub fn with_url_scheme(mut self, scheme: &'static str) -> Self {
        self.url_scheme = scheme;
        self
    }

    /// Sets the protocol the server speaks (cheroot's `server.protocol`, WSGI's
    /// `ACTUAL_SERVER_PROTOCOL`).
    pub fn with_server_protocol(mut self, protocol: Protocol) -> Self {
        self.server_protocol = protocol;
        self
    }

    /// Adds environment pairs (TLS `SSL_*` keys, peer credentials).
    pub fn with_extra_env(mut self, env: Vec<(String, String)>) -> Self {
        self.extra_env = env;
        self
    }

    /// Records the connection's file descriptor, for lookups such as `SO_PEERCRED`.
    pub fn with_raw_fd(mut self, fd: RawFd) -> Self {
        self.raw_fd = Some(fd);
        self
    }

    /// The client's address and port; `None` on a UNIX socket.
    pub fn remote(&self) -> Option<SocketAddr> {
        self.remote
    }

    /// The client's address as text (cheroot's `remote_addr`): the IP, or `""` on a UNIX
    /// socket.
    pub fn remote_addr(&self) -> String {
        self.remote.map(|a| a.ip().to_string()).unwrap_or_default()
    }

    /// [`remote_addr`](Self::remote_addr) and the port as text (`""` on a UNIX socket), made
    /// once per connection and shared by its requests: a gateway that puts them in every
    /// request's environment (WSGI's `REMOTE_ADDR`, `REMOTE_PORT`) formats them once.
    pub fn remote_texts(&self) -> (Arc<str>, Arc<str>) {
        let (addr, port) = self.remote_texts.get_or_init(|| match self.remote {
            Some(remote) => (
                Arc::from(remote.ip().to_string()),
                Arc::from(remote.port().to_string()),
            ),
            None => (Arc::from(""), Arc::from("")),
        });
        (Arc::clone(addr), Arc::clone(port))
    }

    /// The client's port (cheroot's `remote_port`), 0 on a UNIX socket.
    pub fn remote_port(&self) -> u16 {
        self.remote.map_or(0, |a| a.port())
    }

    /// Whether the connection came over a UNIX socket.
    pub fn is_unix(&self) -> bool {
        self.remote.is_none()
    }

    /// The server-side socket address of this connection; `None` on a UNIX socket.
    pub fn local(&self) -> Option<SocketAddr> {
        self.local
    }

    /// The address the server listens on (port 0 already resolved).
    pub fn bind_addr(&self) -> &BindAddr {
        &self.bind_addr
    }

    /// The server's name (the `Server:` header and WSGI `SERVER_NAME`).
    pub fn server_name(&self) -> &str {
        &self.server_name
    }

    /// `http`, or `https` over TLS.
    pub fn url_scheme(&self) -> &str {
        self.url_scheme
    }

    /// The protocol the server speaks (HTTP/1.1 unless configured otherwise).
    pub fn server_protocol(&self) -> Protocol {
        self.server_protocol
    }

    /// Extra environment pairs added by a TLS adapter or the peer-credentials lookup.
    pub fn extra_env(&self) -> &[(String, String)] {
        &self.extra_env
    }

    /// The connection's file descriptor, when known (for `SO_PEERCRED` on UNIX sockets).
    pub fn raw_fd(&self) -> Option<RawFd> {
        self.raw_fd
    }
}
