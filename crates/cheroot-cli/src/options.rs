//! Everything the command line can set, with the defaults `--help` documents.

use std::path::PathBuf;
use std::time::Duration;

use cheroot::server::AccessLogFormat;
use cheroot::{BindAddr, ServerConfig};

use crate::access_log::AccessLogDest;
use crate::app_spec::AppSpec;

/// The most worker processes `--workers` takes (the supervisor's scoreboard size).
pub(crate) const MAX_WORKERS: usize = cheroot_supervisor::MAX_WORKERS;

/// The address served when `--bind` is absent: cheroot's CLI default.
pub const DEFAULT_BIND: &str = "[::1]:8000";

/// A parsed command line that asks to serve an application.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// `--bind`: where to listen.
    pub bind: BindAddr,
    /// `--chdir`: the directory to change to before serving.
    pub chdir: Option<PathBuf>,
    /// `--python`: the interpreter that hosts a `module:callable` application.
    pub python: Option<PathBuf>,
    /// `--workers`: worker processes (0: one per core, see [`worker_count`](Self::worker_count)).
    pub workers: usize,
    /// `--max-requests`: requests after which a worker is replaced (`None`: never).
    pub max_requests: Option<u64>,
    /// `--max-requests-jitter`: up to this many more, per worker.
    pub max_requests_jitter: u64,
    /// `--worker-timeout`: how long a request may run before its worker is killed (`None`:
    /// no limit).
    pub worker_timeout: Option<Duration>,
    /// `--preload`: import the application in the master, before forking.
    pub preload: bool,
    /// `--stats-path`: the URL path of the statistics page (`None`: no page).
    pub stats_path: Option<String>,
    /// `--stats-bind`: the statistics page's own address (`None`: served with the app).
    pub stats_bind: Option<BindAddr>,
    /// `--server-name`: the `Server:` header and `SERVER_NAME`.
    pub server_name: Option<String>,
    /// `--threads`: the worker pool's minimum size.
    pub threads: usize,
    /// `--max-threads`: the worker pool's maximum size (`Some(None)`: no cap); `None` when
    /// not given, for the server's default cap (which follows a larger `--threads`).
    pub max_threads: Option<Option<usize>>,
    /// `--timeout`: socket timeout and idle keep-alive lifetime.
    pub timeout: Duration,
    /// `--header-timeout`: how long a whole request head may take.
    pub header_timeout: Duration,
    /// `--body-timeout`: how long a request body may take (plus a second per KiB received).
    pub body_timeout: Duration,
    /// `--shutdown-timeout`: how long a stop waits for in-flight requests.
    pub shutdown_timeout: Duration,
    /// `--request-queue-size`: the `listen()` backlog.
    pub request_queue_size: u32,
    /// `--accepted-queue-size`: requests waiting for a worker, at most.
    pub accepted_queue_size: usize,
    /// `--accepted-queue-timeout`: how long a request waits for room in that queue.
    pub accepted_queue_timeout: Duration,
    /// `--ssl-*`: TLS settings (not served yet).
    pub tls: TlsOptions,
    /// `--max-header-size`: bytes of request line and headers (0: no limit).
    pub max_header_size: usize,
    /// `--max-header-fields`: header fields in a request head (0: no limit).
    pub max_header_fields: usize,
    /// `--max-body-size`: bytes of request body (0: no limit).
    pub max_body_size: u64,
    /// `--keep-alive-limit`: idle keep-alive connections at once (`None`: no limit).
    pub keep_alive_limit: Option<usize>,
    /// `--reuse-port`: bind with `SO_REUSEPORT`.
    pub reuse_port: bool,
    /// `--peercreds`: look up peer credentials on UNIX sockets.
    pub peercreds: bool,
    /// `--peercreds-resolve`: resolve them to user and group names (implies `--peercreds`).
    pub peercreds_resolve: bool,
    /// `--access-log`: where one line per request is written (`None`: no access log).
    pub access_log: Option<AccessLogDest>,
    /// `--access-log-format`: how those lines are written.
    pub access_log_format: AccessLogFormat,
    /// `--log-level`: which messages are written to stderr (`None`: not given, so `RUST_LOG`
    /// if it is set, else `info`).
    pub log_level: Option<LogFilter>,
    /// `--log-format`: how log lines are written.
    pub log_format: LogFormat,
    /// APP: the application to serve.
    pub app: AppSpec,
}

impl Options {
    /// The options for `app` with every flag at its default.
    pub fn new(app: AppSpec) -> Self {
        let server = ServerConfig::default();
        Options {
            bind: DEFAULT_BIND
                .parse()
                .expect("the default bind address parses"),
            chdir: None,
            python: None,
            workers: 1,
            max_requests: None,
            max_requests_jitter: 0,
            worker_timeout: None,
            preload: false,
            stats_path: None,
            stats_bind: None,
            server_name: None,
            threads: server.minthreads,
            max_threads: None,
            timeout: server.timeout,
            header_timeout: server.header_timeout,
            body_timeout: server.body_timeout,
            shutdown_timeout: server.shutdown_timeout,
            request_queue_size: server.request_queue_size,
            accepted_queue_size: server.accepted_queue_size,
            accepted_queue_timeout: server.accepted_queue_timeout,
            tls: TlsOptions::default(),
            max_header_size: server.max_request_header_size,
            max_header_fields: server.max_request_header_fields,
            max_body_size: server.max_request_body_size,
            keep_alive_limit: server.keep_alive_conn_limit,
            reuse_port: server.reuse_port,
            peercreds: server.peercreds_enabled,
            peercreds_resolve: server.peercreds_resolve_enabled,
            access_log: None,
            access_log_format: AccessLogFormat::Common,
            log_level: None,
            log_format: LogFormat::Text,
            app,
        }
    }

    /// The worker processes to run: `--workers`, with 0 meaning one per core.
    pub fn worker_count(&self) -> usize {
        if self.workers == 0 {
            std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
        } else {
            self.workers
        }
        .min(MAX_WORKERS)
    }

    /// The server settings these options ask for (TLS aside).
    pub fn server_config(&self) -> ServerConfig {
        let mut config = ServerConfig {
            minthreads: self.threads,
            maxthreads: self
                .max_threads
                .unwrap_or_else(|| Some(cheroot::default_maxthreads(self.threads))),
            timeout: self.timeout,
            header_timeout: self.header_timeout,
            body_timeout: self.body_timeout,
            shutdown_timeout: self.shutdown_timeout,
            request_queue_size: self.request_queue_size,
            accepted_queue_size: self.accepted_queue_size,
            accepted_queue_timeout: self.accepted_queue_timeout,
            max_request_header_size: self.max_header_size,
            max_request_header_fields: self.max_header_fields,
            max_request_body_size: self.max_body_size,
            keep_alive_conn_limit: self.keep_alive_limit,
            reuse_port: self.reuse_port,
            peercreds_enabled: self.peercreds || self.peercreds_resolve,
            peercreds_resolve_enabled: self.peercreds_resolve,
            access_log: self.access_log.as_ref().map(|_| self.access_log_format),
            ..ServerConfig::default()
        };
        if let Some(name) = &self.server_name {
            config.server_name = name.clone();
        }
        config
    }
}

/// The `--ssl-*` flags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TlsOptions {
    /// `--ssl-adapter`: the TLS backend (`None`: not given; rustls if built in, else
    /// OpenSSL).
    pub adapter: Option<TlsBackend>,
    /// `--ssl-certificate`: the server certificate (PEM).
    pub certificate: Option<PathBuf>,
    /// `--ssl-private-key`: its private key (PEM).
    pub private_key: Option<PathBuf>,
    /// `--ssl-private-key-password-file`: where the private key's password is (else the
    /// `CHEROOT_SSL_PRIVATE_KEY_PASSWORD` environment variable, if set).
    pub private_key_password_file: Option<PathBuf>,
    /// `--ssl-certificate-chain`: intermediate certificates, or the CA bundle client
    /// certificates are checked against (PEM).
    pub certificate_chain: Option<PathBuf>,
    /// `--ssl-ciphers`: the cipher list, in the backend's syntax.
    pub ciphers: Option<String>,
    /// `--ssl-client-verify`: whether to ask for a client certificate.
    pub client_verify: ClientVerify,
}

impl TlsOptions {
    /// Whether any TLS flag was given: TLS is wanted.
    pub fn requested(&self) -> bool {
        self.adapter.is_some()
            || self.certificate.is_some()
            || self.private_key.is_some()
            || self.private_key_password_file.is_some()
            || self.certificate_chain.is_some()
            || self.ciphers.is_some()
            || self.client_verify != ClientVerify::None
    }
}

/// The TLS backend (`--ssl-adapter`), named as cheroot-rs' adapter registry names them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TlsBackend {
    /// rustls with the ring provider (the default).
    #[default]
    Rustls,
    /// OpenSSL.
    Openssl,
}

impl TlsBackend {
    /// The name `--ssl-adapter` takes.
    pub fn name(self) -> &'static str {
        match self {
            TlsBackend::Rustls => "rustls",
            TlsBackend::Openssl => "openssl",
        }
    }
}

/// Whether the server asks TLS clients for a certificate (`--ssl-client-verify`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ClientVerify {
    /// Never ask (the default).
    #[default]
    None,
    /// Ask, and check a certificate if one is sent.
    Optional,
    /// Refuse clients without a valid certificate.
    Required,
}

/// Which messages `--log-level` lets through: a level, or filter directives as `RUST_LOG`
/// takes them (`tracing-subscriber`'s `EnvFilter` syntax).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogFilter {
    /// Everything from this level on (`--log-level debug`).
    Level(LogLevel),
    /// Directives (`--log-level info,cheroot_server=debug`), checked when parsed.
    Directives(String),
}

impl LogFilter {
    /// Parses a `--log-level` value: a level name in any case, or directives (a value with `,`
    /// or `=`, or `off`). A lone word that is no level is refused rather than read as a
    /// target name: `--log-level loud` is a typo, not "everything from the target `loud`".
    ///
    /// # Errors
    ///
    /// What was expected, for the usage error.
    pub fn parse(value: &str) -> Result<Self, String> {
        let expected = "expected error, warn, info, debug or trace, or filter directives such \
                        as info,cheroot_server=debug";
        let level = match value.to_ascii_lowercase().as_str() {
            "error" => Some(LogLevel::Error),
            "warn" => Some(LogLevel::Warn),
            "info" => Some(LogLevel::Info),
            "debug" => Some(LogLevel::Debug),
            "trace" => Some(LogLevel::Trace),
            _ => None,
        };
        if let Some(level) = level {
            return Ok(LogFilter::Level(level));
        }
        let directives = value.contains([',', '=']) || value.eq_ignore_ascii_case("off");
        if !directives {
            return Err(expected.to_owned());
        }
        match crate::logging::env_filter(value) {
            Ok(_) => Ok(LogFilter::Directives(value.to_owned())),
            Err(err) => Err(format!(
                "{err} (filter directives look like info,cheroot_server=debug)"
            )),
        }
    }

    /// The filter as `EnvFilter` directives.
    pub fn directives(&self) -> &str {
        match self {
            LogFilter::Level(level) => level.name(),
            LogFilter::Directives(directives) => directives,
        }
    }
}

/// How log lines are written (`--log-format`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LogFormat {
    /// `TIME LEVEL target: message` (the default).
    #[default]
    Text,
    /// One JSON object per line (`timestamp`, `level`, `message`, `target`).
    Json,
}

/// A log level (`--log-level`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    /// Errors only.
    Error,
    /// Warnings and errors.
    Warn,
    /// Informational messages too (the default).
    Info,
    /// Debugging detail.
    Debug,
    /// Everything.
    Trace,
}

impl LogLevel {
    /// The name `--log-level` takes.
    pub fn name(self) -> &'static str {
        match self {
            LogLevel::Error => "error",
            LogLevel::Warn => "warn",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
            LogLevel::Trace => "trace",
        }
    }

    /// The matching `tracing` level.
    pub fn to_tracing(self) -> tracing::Level {
        match self {
            LogLevel::Error => tracing::Level::ERROR,
            LogLevel::Warn => tracing::Level::WARN,
            LogLevel::Info => tracing::Level::INFO,
            LogLevel::Debug => tracing::Level::DEBUG,
            LogLevel::Trace => tracing::Level::TRACE,
        }
    }
}
