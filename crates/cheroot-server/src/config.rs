//! The server's settings: every knob of cheroot's `HTTPServer`, its defaults, and validation.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use cheroot_tls::SslAdapter;

use crate::exchange::access_log::AccessLogFormat;
use crate::listen::bind::BindAddr;
use crate::listen::listener::ListeningSocket;

/// The default `listen()` backlog: Linux's `somaxconn` default since 5.4, so the kernel's own
/// cap decides. cheroot's 5 drops the SYNs of a burst of new connections past the fifth, and
/// each such client waits a second or more for its retransmit.
pub const DEFAULT_BACKLOG: u32 = 1024;

/// cheroot's `HTTPServer.version`, used as the default `Server:` header.
pub const DEFAULT_SERVER_NAME: &str = concat!("Cheroot/", env!("CARGO_PKG_VERSION"));

/// The HTTP version the server speaks: written on every status line (cheroot's
/// `server.protocol`) and the cap on the features used (chunked responses, keep-alive rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Protocol {
    /// `HTTP/1.0`: no chunked responses; keep-alive only on `Connection: keep-alive`.
    Http10,
    /// `HTTP/1.1`, the default.
    #[default]
    Http11,
}

/// When a request that asked for `100 Continue` (RFC 9110 section 10.1.1) gets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExpectContinue {
    /// When the gateway first reads the body (the default): an app that answers without the
    /// body spares the client from sending it, which is what the expectation is for. The
    /// connection then closes after the response, since the client may or may not send it.
    #[default]
    OnFirstRead,
    /// As soon as the head is read, before the gateway runs, as cheroot does: the client
    /// sends its body in any case, and a body the app leaves unread is read and dropped so
    /// the connection stays open.
    AtOnce,
}

impl Protocol {
    /// The text written on status lines.
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Http10 => "HTTP/1.0",
            Protocol::Http11 => "HTTP/1.1",
        }
    }

    /// The same version as an [`http::Version`].
    pub fn version(self) -> http::Version {
        match self {
            Protocol::Http10 => http::Version::HTTP_10,
            Protocol::Http11 => http::Version::HTTP_11,
        }
    }
}

/// Every setting of the server, with cheroot's defaults except where `docs/differences.md`
/// says why not (bounded accepted queue, header and body size limits, keep-alive limit).
///
/// Fields are public so a caller can build one with struct-update syntax; [`validate`]
/// (run by `HttpServer::prepare`) rejects inconsistent combinations with cheroot's messages.
///
/// [`validate`]: ServerConfig::validate
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Worker threads the pool keeps at least (cheroot `minthreads`, default 10).
    pub minthreads: usize,
    /// Worker threads the pool may grow to; `None` means no cap (cheroot `maxthreads=-1`,
    /// its default, inert there since its pool never grows). Default:
    /// [`default_maxthreads`](crate::default_maxthreads)`(10)`, 32 per core within what the
    /// machine allows, so no load can make the server start threads without bound.
    pub maxthreads: Option<usize>,
    /// The `Server:` header value and the WSGI `SERVER_NAME` (default `Cheroot/<version>`).
    pub server_name: String,
    /// The version on status lines (default HTTP/1.1).
    pub protocol: Protocol,
    /// Seconds of silence allowed on a socket read or write, and the idle keep-alive lifetime
    /// (default 10 s).
    pub timeout: Duration,
    /// How long a client may take to send a whole request head, from its first byte
    /// (default 30 s, hyper's `header_read_timeout`). `timeout` bounds each read, so without
    /// this a client sending a byte every few seconds (slowloris) could hold a connection
    /// forever; cheroot has no such bound. Past it the request gets 408.
    pub header_timeout: Duration,
    /// How long a client may take to send a request body: this much time spent waiting for
    /// its bytes, plus a second per KiB received (a minimum average rate of 1 KiB/s once it is
    /// spent); past it the request gets 408 (default 30 s). `timeout` bounds each read, so
    /// without this a client sending a byte every few seconds could hold a request (and the
    /// worker thread running its app) forever; cheroot has no such bound.
    pub body_timeout: Duration,
    /// How long `stop()` lets in-flight requests finish (default 5 s).
    pub shutdown_timeout: Duration,
    /// The `listen()` backlog (default 1024, the kernel's usual `somaxconn`; cheroot: 5, which
    /// makes a burst of new connections wait for SYN retransmits).
    pub request_queue_size: u32,
    /// Requests waiting for a worker thread, at most (cheroot: unbounded; here 1024).
    pub accepted_queue_size: usize,
    /// How long a request waits for room in that queue before it is answered 503 (10 s).
    pub accepted_queue_timeout: Duration,
    /// Bytes of request line plus headers allowed; 0 means no limit (cheroot: 0; here 64 KiB).
    pub max_request_header_size: usize,
    /// Header fields allowed in a request head, one more is 431; 0 means no limit (cheroot:
    /// no limit; here 128, `Limits::DEFAULT_MAX_HEADERS`, which a request of 100 fields of
    /// its own passes).
    pub max_request_header_fields: usize,
    /// Bytes of request body allowed; 0 means no limit (cheroot: 0; here 100 MiB, CherryPy's
    /// value).
    pub max_request_body_size: u64,
    /// Set `TCP_NODELAY` on accepted TCP connections (default true).
    pub nodelay: bool,
    /// Bind with `SO_REUSEPORT` so several processes share the port (default false).
    pub reuse_port: bool,
    /// Idle keep-alive connections allowed at once; `None` means no limit (cheroot: 10;
    /// here unlimited, because an idle connection is a parked task of a few KiB).
    pub keep_alive_conn_limit: Option<usize>,
    /// Period of cheroot's idle sweep (default 0.5 s). Kept for compatibility: idle
    /// connections here each have their own timer, so it only paces the accept back-off.
    pub expiration_interval: Duration,
    /// Look up `SO_PEERCRED` on UNIX sockets (default false).
    pub peercreds_enabled: bool,
    /// Resolve peer uid/gid to names; needs `peercreds_enabled` (default false).
    pub peercreds_resolve_enabled: bool,
    /// Serve HTTPS through this adapter (from `cheroot-tls`); the handshake runs in each
    /// connection's task, within `timeout` (default none: plain HTTP).
    pub ssl_adapter: Option<Arc<dyn SslAdapter>>,
    /// When a `100 Continue` goes out (default: when the gateway first reads the body).
    pub expect_continue: ExpectContinue,
    /// cheroot's `HTTPRequest.proxy_mode` (default false): any absolute target is accepted
    /// without checking its host against `Host`, and `CONNECT` takes an authority-form target
    /// (see `cheroot_wire::ParseOptions`). CherryPy's request class turns it on.
    pub proxy_mode: bool,
    /// cheroot's `HTTPRequest.strict_mode` (default true; see `cheroot_wire::ParseOptions`).
    pub strict_mode: bool,
    /// Emit one line per request, in this format, on the `cheroot::access` tracing target
    /// (default none: cheroot has no access log).
    pub access_log: Option<AccessLogFormat>,
    /// Count requests and bytes in the server's stats (cheroot `stats['Enabled']`, default
    /// false).
    pub stats_enabled: bool,
    /// Serve this socket, bound by a supervisor before it forked this worker process, instead
    /// of binding the server's address (default none: bind it).
    pub listening_socket: Option<Arc<ListeningSocket>>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            minthreads: 10,
            maxthreads: Some(crate::default_maxthreads(10)),
            server_name: DEFAULT_SERVER_NAME.to_owned(),
            protocol: Protocol::Http11,
            timeout: Duration::from_secs(10),
            header_timeout: Duration::from_secs(30),
            body_timeout: Duration::from_secs(30),
            shutdown_timeout: Duration::from_secs(5),
            request_queue_size: DEFAULT_BACKLOG,
            accepted_queue_size: 1024,
            accepted_queue_timeout: Duration::from_secs(10),
            max_request_header_size: 64 * 1024,
            max_request_header_fields: cheroot_wire::Limits::DEFAULT_MAX_HEADERS,
            max_request_body_size: 100 * 1024 * 1024,
            nodelay: true,
            reuse_port: false,
            keep_alive_conn_limit: None,
            expiration_interval: Duration::from_millis(500),
            peercreds_enabled: false,
            peercreds_resolve_enabled: false,
            ssl_adapter: None,
            expect_continue: ExpectContinue::OnFirstRead,
            proxy_mode: false,
            strict_mode: true,
            access_log: None,
            stats_enabled: false,
            listening_socket: None,
        }
    }
}

impl ServerConfig {
    /// Checks the settings against each other and against `bind_addr`, as cheroot's
    /// constructor, `ThreadPool` and `prepare_socket` do.
    ///
    /// # Errors
    ///
    /// A [`ConfigError`] whose message is cheroot's: `min=0 must be > 0`,
    /// `max=M must be > min=N (or infinity for no max)`, the empty-host message,
    /// `Cannot reuse a non-IP socket`, `Cannot reuse an ephemeral port (0)`, or a zero
    /// accepted-queue size.
    pub fn validate(&self, bind_addr: &BindAddr) -> Result<(), ConfigError> {
        if self.minthreads < 1 {
            return Err(ConfigError::new(format!(
                "min={} must be > 0",
                self.minthreads
            )));
        }
        match self.maxthreads {
            Some(0) => {
                return Err(ConfigError::new(
                    "Expected an integer or the infinity value for the `max` argument but got 0."
                        .to_owned(),
                ));
            }
            Some(max) if max < self.minthreads => {
                return Err(ConfigError::new(format!(
                    "max={max} must be > min={} (or infinity for no max)",
                    self.minthreads
                )));
            }
            _ => {}
        }
        if let Some(limit) = crate::max_worker_threads() {
            for (name, threads) in [("min", Some(self.minthreads)), ("max", self.maxthreads)] {
                if let Some(threads) = threads.filter(|&n| n > limit) {
                    return Err(ConfigError::new(format!(
                        "{name}={threads} is more worker threads than this machine allows \
                         ({limit}: from RLIMIT_NPROC, kernel.threads-max and vm.max_map_count, \
                         less what the rest of the process needs)"
                    )));
                }
            }
        }
        if self.accepted_queue_size == 0 {
            return Err(ConfigError::new(
                "accepted_queue_size=0 must be > 0".to_owned(),
            ));
        }
        if self.timeout.is_zero() {
            return Err(ConfigError::new("timeout must be > 0".to_owned()));
        }
        if self.header_timeout.is_zero() {
            return Err(ConfigError::new("header_timeout must be > 0".to_owned()));
        }
        if self.body_timeout.is_zero() {
            return Err(ConfigError::new("body_timeout must be > 0".to_owned()));
        }
        match bind_addr {
            BindAddr::Tcp { host, port } => {
                if host.is_empty() {
                    return Err(ConfigError::new(EMPTY_HOST.to_owned()));
                }
                if self.reuse_port && *port == 0 {
                    return Err(ConfigError::new(
                        "Cannot reuse an ephemeral port (0)".to_owned(),
                    ));
                }
            }
            _ => {
                if self.reuse_port {
                    return Err(ConfigError::new("Cannot reuse a non-IP socket".to_owned()));
                }
            }
        }
        Ok(())
    }
}

/// cheroot's `bind_addr` setter message for an empty host.
const EMPTY_HOST: &str = "Host values of '' or None are not allowed. Use '0.0.0.0' (IPv4) or \
                          '::' (IPv6) instead to listen on all active interfaces.";

/// An invalid setting, with cheroot's message (its `ValueError`/`TypeError` text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    message: String,
}

impl ConfigError {
    fn new(message: String) -> Self {
        Self { message }
    }

    /// The message, as cheroot words it.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn tcp(host: &str, port: u16) -> BindAddr {
        BindAddr::Tcp {
            host: host.to_owned(),
            port,
        }
    }

    #[test]
    fn defaults_are_valid() {
        assert_eq!(
            ServerConfig::default().validate(&tcp("127.0.0.1", 0)),
            Ok(())
        );
    }

    // test_server.py::test_threadpool_invalid_threadrange, test_server.py::test_bind_addr_inet
    // and cheroot's prepare_socket messages.
    #[test]
    fn invalid_settings_give_cheroots_messages() {
        let base = ServerConfig::default();
        let cases: Vec<(ServerConfig, BindAddr, &str)> = vec![
            (
                ServerConfig {
                    minthreads: 0,
                    ..base.clone()
                },
                tcp("::", 0),
                "min=0 must be > 0",
            ),
            (
                ServerConfig {
                    minthreads: 10,
                    maxthreads: Some(5),
                    ..base.clone()
                },
                tcp("::", 0),
                "max=5 must be > min=10 (or infinity for no max)",
            ),
            (
                ServerConfig {
                    maxthreads: Some(0),
                    ..base.clone()
                },
                tcp("::", 0),
                "Expected an integer or the infinity value for the `max` argument but got 0.",
            ),
            (base.clone(), tcp("", 8080), EMPTY_HOST),
            (
                ServerConfig {
                    reuse_port: true,
                    ..base.clone()
                },
                tcp("127.0.0.1", 0),
                "Cannot reuse an ephemeral port (0)",
            ),
            (
                ServerConfig {
                    reuse_port: true,
                    ..base.clone()
                },
                BindAddr::Unix("/tmp/x.sock".into()),
                "Cannot reuse a non-IP socket",
            ),
        ];
        for (config, addr, want) in cases {
            let err = config.validate(&addr).expect_err(want);
            assert_eq!(err.message(), want);
        }
    }

    #[test]
    fn thread_counts_the_machine_cannot_give_are_refused() {
        // Thread counts are checked against the machine: `--threads 20000` used to pass
        // validation, then die part-way through starting threads (a panic from std when
        // vm.max_map_count ran out).
        let Some(limit) = crate::max_worker_threads() else {
            return;
        };
        let too_many = ServerConfig {
            minthreads: limit + 1,
            maxthreads: None,
            ..ServerConfig::default()
        };
        let err = too_many.validate(&tcp("127.0.0.1", 0)).unwrap_err();
        assert!(
            err.message()
                .starts_with(&format!("min={} is more worker threads", limit + 1)),
            "{err}"
        );
        let too_many = ServerConfig {
            maxthreads: Some(limit + 1),
            ..ServerConfig::default()
        };
        let err = too_many.validate(&tcp("127.0.0.1", 0)).unwrap_err();
        assert!(err.message().starts_with("max="), "{err}");
        let at_limit = ServerConfig {
            maxthreads: Some(limit),
            ..ServerConfig::default()
        };
        assert_eq!(at_limit.validate(&tcp("127.0.0.1", 0)), Ok(()));
    }

    #[test]
    fn the_default_pool_has_a_finite_cap() {
        // No load may make the server start threads without bound.
        let config = ServerConfig::default();
        let max = config.maxthreads.expect("a finite default");
        assert!(max >= config.minthreads, "{max}");
        assert_eq!(max, crate::default_maxthreads(10));
    }

    #[test]
    fn max_equal_to_min_is_allowed() {
        let config = ServerConfig {
            minthreads: 3,
            maxthreads: Some(3),
            ..Default::default()
        };
        assert_eq!(config.validate(&tcp("127.0.0.1", 0)), Ok(()));
    }
}
