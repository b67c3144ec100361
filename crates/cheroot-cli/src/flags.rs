//! The table of command-line flags, as a clap derive struct: each field is one flag, with its
//! help (the doc comment), its default and the check of its value, so `--help`, the man page,
//! the completions and the parser cannot drift apart.
//!
//! Help texts are wrapped by hand (`verbatim_doc_comment`, at most 69 columns): clap wraps
//! only with its `wrap_help` feature, which would bring a terminal-size crate into the binary
//! for a text that is fine at a fixed width. A default clap cannot show (one that depends on
//! the machine or the build) is written as the help's last paragraph, in clap's own form.

use std::path::PathBuf;
use std::time::Duration;

use cheroot::BindAddr;
use cheroot::server::AccessLogFormat;
use clap::Parser;

use crate::access_log::AccessLogDest;
use crate::app_spec::AppSpec;
use crate::options::{
    ClientVerify, DEFAULT_BIND, LogFilter, LogFormat, MAX_WORKERS, Options, TlsBackend, TlsOptions,
};

/// The command line: one field per flag, then APP. [`Cli::into_options`] makes the public
/// [`Options`] of it.
#[derive(Debug, Parser)]
#[command(
    name = "cheroot",
    version,
    // The man page's NAME line.
    about = "serve a web application over HTTP/1.1",
    // The help's opening.
    long_about = "Serve APP over HTTP/1.1 until SIGINT or SIGTERM, then stop gracefully.\n\
                  Prints the bound address on one line once it is listening.",
    override_usage = "cheroot [OPTIONS] APP",
    next_line_help = true,
    // `--threads 2 --threads 4` is 4, as with argparse.
    args_override_self = true,
    // Ours below: `-h` prints the whole help too, so clap's "see a summary with '-h'" would
    // be wrong.
    disable_help_flag = true,
    disable_version_flag = true
)]
pub(crate) struct Cli {
    /// Where to listen: HOST:PORT (IPv6 in brackets, [::1]:8000; port 0
    /// picks a free port), a UNIX socket path starting with '/' or './',
    /// or @NAME for a Linux abstract socket
    #[arg(long, value_name = "ADDRESS", default_value = DEFAULT_BIND,
        allow_hyphen_values = true, verbatim_doc_comment,
        value_parser = |v: &str| v.parse::<BindAddr>().map_err(|e| e.to_string()))]
    bind: BindAddr,

    /// Change to this directory before serving
    #[arg(long, value_name = "PATH", allow_hyphen_values = true, value_parser = path)]
    chdir: Option<PathBuf>,

    /// The Python interpreter that hosts a module:callable application
    /// (it needs the cheroot-rs package)
    ///
    /// [default: $VIRTUAL_ENV/bin/python, then python3]
    #[arg(long, value_name = "PATH", allow_hyphen_values = true, verbatim_doc_comment,
        value_parser = path)]
    python: Option<PathBuf>,

    /// Worker processes serving the app, supervised by a master process
    /// that binds the sockets once; 0 for one per core
    #[arg(long, value_name = "INT", default_value = "1", allow_hyphen_values = true,
        verbatim_doc_comment,
        value_parser = |v: &str| integer(v, 0, MAX_WORKERS as u64).map(|n| n as usize))]
    workers: usize,

    /// Replace a worker gracefully after it answered this many requests
    /// (its replacement starts first); 0 never replaces
    #[arg(long, value_name = "INT", default_value = "0", allow_hyphen_values = true,
        verbatim_doc_comment, value_parser = |v: &str| integer(v, 0, u64::MAX))]
    max_requests: u64,

    /// Add up to this many requests to --max-requests, per worker, so
    /// workers are not all replaced at once
    #[arg(long, value_name = "INT", default_value = "0", allow_hyphen_values = true,
        verbatim_doc_comment, value_parser = |v: &str| integer(v, 0, u64::MAX))]
    max_requests_jitter: u64,

    /// Kill and replace a worker whose request has run longer than this
    /// (the log names the request); 0 never does
    #[arg(long, value_name = "SECONDS", default_value = "0", allow_hyphen_values = true,
        verbatim_doc_comment, value_parser = |v: &str| seconds(v, true))]
    worker_timeout: Duration,

    /// Import the app once in the master before forking the workers
    /// (they share its memory; SIGHUP then restarts workers without
    /// importing the app again)
    #[arg(long, verbatim_doc_comment)]
    preload: bool,

    /// Serve the server's statistics, summed over workers and per worker,
    /// at this URL path: JSON, or Prometheus text for Accept: text/plain
    /// or ?format=prometheus
    #[arg(long, value_name = "PATH", allow_hyphen_values = true, verbatim_doc_comment,
        value_parser = url_path)]
    stats_path: Option<String>,

    /// Serve --stats-path on this address of its own instead of with the
    /// app (forms as --bind)
    #[arg(long, value_name = "ADDRESS", allow_hyphen_values = true, verbatim_doc_comment,
        value_parser = |v: &str| v.parse::<BindAddr>().map_err(|e| e.to_string()))]
    stats_bind: Option<BindAddr>,

    /// The Server header and SERVER_NAME
    ///
    /// [default: Cheroot/<version>]
    #[arg(long, value_name = "NAME", allow_hyphen_values = true, verbatim_doc_comment,
        value_parser = server_name)]
    server_name: Option<String>,

    /// Worker threads kept running (the pool's minimum), at most what the
    /// machine allows
    #[arg(long, value_name = "INT", default_value = "10", allow_hyphen_values = true,
        verbatim_doc_comment,
        value_parser = |v: &str| integer(v, 1, max_threads()).map(|n| n as usize))]
    threads: usize,

    /// Worker threads the pool may grow to under load; -1 for no cap
    ///
    /// [default: 32 per core, within what the machine allows (64 on two
    /// cores)]
    #[arg(long, value_name = "INT", allow_hyphen_values = true, verbatim_doc_comment,
        value_parser = |v: &str| cap(v, 1, max_threads()))]
    max_threads: Option<Cap>,

    /// Socket read/write timeout, and how long an idle keep-alive
    /// connection is kept
    #[arg(long, value_name = "SECONDS", default_value = "10", allow_hyphen_values = true,
        verbatim_doc_comment, value_parser = |v: &str| seconds(v, false))]
    timeout: Duration,

    /// How long a client may take to send a whole request head (then 408)
    #[arg(long, value_name = "SECONDS", default_value = "30", allow_hyphen_values = true,
        value_parser = |v: &str| seconds(v, false))]
    header_timeout: Duration,

    /// How long a client may take to send a request body, plus a second
    /// per KiB it sent (then 408)
    #[arg(long, value_name = "SECONDS", default_value = "30", allow_hyphen_values = true,
        verbatim_doc_comment, value_parser = |v: &str| seconds(v, false))]
    body_timeout: Duration,

    /// How long a stop lets in-flight requests finish
    #[arg(long, value_name = "SECONDS", default_value = "5", allow_hyphen_values = true,
        value_parser = |v: &str| seconds(v, true))]
    shutdown_timeout: Duration,

    /// The listen() backlog (cheroot's default is 5)
    #[arg(long, value_name = "INT", default_value = "1024", allow_hyphen_values = true,
        value_parser = |v: &str| integer(v, 0, 65535).map(|n| n as u32))]
    request_queue_size: u32,

    /// Requests waiting for a worker thread, at most (cheroot's -1,
    /// unbounded, is not offered: every queue is bounded)
    #[arg(long, value_name = "INT", default_value = "1024", allow_hyphen_values = true,
        verbatim_doc_comment,
        value_parser = |v: &str| integer(v, 1, MAX_QUEUE).map(|n| n as usize))]
    accepted_queue_size: usize,

    /// How long a request waits for room in that queue before it is
    /// answered 503
    #[arg(long, value_name = "SECONDS", default_value = "10", allow_hyphen_values = true,
        verbatim_doc_comment, value_parser = |v: &str| seconds(v, true))]
    accepted_queue_timeout: Duration,

    /// The TLS backend: rustls (also called builtin) or openssl (also
    /// called pyopenssl), if built in
    ///
    /// [default: rustls if built in, else openssl]
    #[arg(long, value_name = "NAME", allow_hyphen_values = true, verbatim_doc_comment,
        value_parser = tls_backend)]
    ssl_adapter: Option<TlsBackend>,

    /// Serve TLS with this certificate (PEM); needs --ssl-private-key
    #[arg(long, value_name = "PATH", allow_hyphen_values = true, value_parser = path)]
    ssl_certificate: Option<PathBuf>,

    /// The certificate's private key (PEM)
    #[arg(long, value_name = "PATH", allow_hyphen_values = true, value_parser = path)]
    ssl_private_key: Option<PathBuf>,

    /// Read the password of an encrypted private key from this file (its
    /// first line); or set CHEROOT_SSL_PRIVATE_KEY_PASSWORD
    #[arg(long, value_name = "PATH", allow_hyphen_values = true, verbatim_doc_comment,
        value_parser = path)]
    ssl_private_key_password_file: Option<PathBuf>,

    /// Intermediate certificates, and the CAs client certificates are
    /// checked against (PEM)
    #[arg(long, value_name = "PATH", allow_hyphen_values = true, verbatim_doc_comment,
        value_parser = path)]
    ssl_certificate_chain: Option<PathBuf>,

    /// The cipher suites to allow, in the backend's syntax
    #[arg(long, value_name = "LIST", allow_hyphen_values = true, value_parser = ciphers)]
    ssl_ciphers: Option<String>,

    /// Client certificates: none, optional or required
    #[arg(long, value_name = "MODE", default_value = "none", allow_hyphen_values = true,
        value_parser = client_verify)]
    ssl_client_verify: ClientVerify,

    /// Bytes of request line plus headers allowed (431 beyond); 0 for no
    /// limit
    #[arg(long, value_name = "BYTES", default_value = "65536", allow_hyphen_values = true,
        verbatim_doc_comment,
        value_parser = |v: &str| integer(v, 0, usize::MAX as u64).map(|n| n as usize))]
    max_header_size: usize,

    /// Header fields allowed in a request (431 beyond); 0 for no limit
    #[arg(long, value_name = "INT", default_value = "128", allow_hyphen_values = true,
        value_parser = |v: &str| integer(v, 0, usize::MAX as u64).map(|n| n as usize))]
    max_header_fields: usize,

    /// Bytes of request body allowed (413 beyond); 0 for no limit
    #[arg(long, value_name = "BYTES", default_value = "104857600", allow_hyphen_values = true,
        value_parser = |v: &str| integer(v, 0, u64::MAX))]
    max_body_size: u64,

    /// Idle keep-alive connections kept at once; -1 for no limit
    #[arg(long, value_name = "INT", default_value = "-1", allow_hyphen_values = true,
        value_parser = |v: &str| cap(v, 0, usize::MAX as u64))]
    keep_alive_limit: Cap,

    /// Bind with SO_REUSEPORT, so several processes share the port (TCP,
    /// fixed port)
    #[arg(long, verbatim_doc_comment)]
    reuse_port: bool,

    /// Look up the peer's pid, uid and gid on UNIX sockets (environ
    /// X_REMOTE_PID, X_REMOTE_UID, X_REMOTE_GID)
    #[arg(long, verbatim_doc_comment)]
    peercreds: bool,

    /// Also resolve the peer's uid and gid to names (X_REMOTE_USER,
    /// X_REMOTE_GROUP, REMOTE_USER; implies --peercreds)
    #[arg(long, verbatim_doc_comment)]
    peercreds_resolve: bool,

    /// Write one line per request to FILE (appended to, and reopened on
    /// SIGUSR1 for logrotate), or to stdout with -, whatever --log-level
    /// and RUST_LOG say; requests the server refuses are logged too
    #[arg(long, value_name = "FILE", allow_hyphen_values = true, verbatim_doc_comment,
        value_parser = |v: &str| AccessLogDest::parse(v))]
    access_log: Option<AccessLogDest>,

    /// How the access log's lines are written: common (Common Log
    /// Format), combined (with Referer, User-Agent and the request's
    /// duration in microseconds) or json (one object per line)
    ///
    /// [default: common]
    // No clap default: given without --access-log it is refused (see `into_options`).
    #[arg(long, value_name = "FORMAT", allow_hyphen_values = true, verbatim_doc_comment,
        value_parser = access_log_format)]
    access_log_format: Option<AccessLogFormat>,

    /// Which messages are written to stderr: the most verbose level
    /// (error, warn, info, debug or trace), or filter directives as in
    /// RUST_LOG (info,cheroot_server=debug). Given, it wins over RUST_LOG
    ///
    /// [default: RUST_LOG if set, else info]
    #[arg(long, value_name = "FILTER", allow_hyphen_values = true, verbatim_doc_comment,
        value_parser = |v: &str| LogFilter::parse(v))]
    log_level: Option<LogFilter>,

    /// How each log line is written: text (a UTC time, the level, where,
    /// and the message) or json (one JSON object per line)
    #[arg(long, value_name = "FORMAT", default_value = "text", allow_hyphen_values = true,
        verbatim_doc_comment, value_parser = log_format)]
    log_format: LogFormat,

    /// Print this help and exit
    #[arg(short, long, action = clap::ArgAction::Help)]
    help: Option<bool>,

    /// Print the version and exit
    #[arg(short = 'V', long, action = clap::ArgAction::Version)]
    version: Option<bool>,

    /// The application: builtin:echo, builtin:hello, or a Python WSGI
    /// application module[:callable] (see below)
    #[arg(value_name = "APP", verbatim_doc_comment)]
    app: String,
}

impl Cli {
    /// The options this command line gives; only APP is still to be checked here (the flags'
    /// values were checked as they were parsed).
    pub(crate) fn into_options(self) -> Result<Options, String> {
        let app = AppSpec::parse(&self.app).map_err(|err| err.to_string())?;
        if self.access_log_format.is_some() && self.access_log.is_none() {
            return Err("--access-log-format needs --access-log FILE (or - for stdout)".to_owned());
        }
        Ok(Options {
            bind: self.bind,
            chdir: self.chdir,
            python: self.python,
            workers: self.workers,
            max_requests: (self.max_requests > 0).then_some(self.max_requests),
            max_requests_jitter: self.max_requests_jitter,
            worker_timeout: (!self.worker_timeout.is_zero()).then_some(self.worker_timeout),
            preload: self.preload,
            stats_path: self.stats_path,
            stats_bind: self.stats_bind,
            server_name: self.server_name,
            threads: self.threads,
            max_threads: self.max_threads.map(|cap| cap.0),
            timeout: self.timeout,
            header_timeout: self.header_timeout,
            body_timeout: self.body_timeout,
            shutdown_timeout: self.shutdown_timeout,
            request_queue_size: self.request_queue_size,
            accepted_queue_size: self.accepted_queue_size,
            accepted_queue_timeout: self.accepted_queue_timeout,
            tls: TlsOptions {
                adapter: self.ssl_adapter,
                certificate: self.ssl_certificate,
                private_key: self.ssl_private_key,
                private_key_password_file: self.ssl_private_key_password_file,
                certificate_chain: self.ssl_certificate_chain,
                ciphers: self.ssl_ciphers,
                client_verify: self.ssl_client_verify,
            },
            max_header_size: self.max_header_size,
            max_header_fields: self.max_header_fields,
            max_body_size: self.max_body_size,
            keep_alive_limit: self.keep_alive_limit.0,
            reuse_port: self.reuse_port,
            peercreds: self.peercreds,
            peercreds_resolve: self.peercreds_resolve,
            access_log: self.access_log,
            access_log_format: self.access_log_format.unwrap_or_default(),
            log_level: self.log_level,
            log_format: self.log_format,
            app,
        })
    }
}

/// A count with `-1` for "no limit" (`--max-threads`, `--keep-alive-limit`): `None` then.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cap(Option<usize>);

/// More worker threads than this is a typo, not a configuration.
const MAX_THREADS: u64 = 100_000;

/// The most worker threads a flag may ask for: what this machine lets the process start
/// (`cheroot::max_worker_threads`), and never more than [`MAX_THREADS`]. Asking for more used
/// to pass and then fail part-way through starting them.
fn max_threads() -> u64 {
    cheroot::max_worker_threads().map_or(MAX_THREADS, |n| MAX_THREADS.min(n as u64))
}
/// The largest accepted-connection queue offered.
const MAX_QUEUE: u64 = 1 << 24;
/// The longest timeout offered: a day.
const MAX_SECONDS: f64 = 86_400.0;

/// A decimal integer in `min..=max`, digits only.
fn integer(v: &str, min: u64, max: u64) -> Result<u64, String> {
    let expected = || {
        if max >= u64::from(u32::MAX) {
            format!("expected an integer >= {min}")
        } else {
            format!("expected an integer from {min} to {max}")
        }
    };
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return Err(expected());
    }
    match v.parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(expected()),
    }
}

/// An integer in `min..=max`, or `-1` for no limit.
fn cap(v: &str, min: u64, max: u64) -> Result<Cap, String> {
    if v == "-1" {
        return Ok(Cap(None));
    }
    let n = integer(v, min, max).map_err(|e| format!("{e}, or -1"))?;
    Ok(Cap(Some(n as usize)))
}

/// A number of seconds, fractions allowed (`0.5`), at most a day; zero only if `zero_ok`.
fn seconds(v: &str, zero_ok: bool) -> Result<Duration, String> {
    let expected = || {
        if zero_ok {
            "expected a number of seconds from 0 to 86400".to_owned()
        } else {
            "expected a number of seconds above 0, at most 86400".to_owned()
        }
    };
    let plain = !v.is_empty()
        && v.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && v.bytes().filter(|&b| b == b'.').count() <= 1
        && v.bytes().any(|b| b.is_ascii_digit());
    if !plain {
        return Err(expected());
    }
    let secs: f64 = v.parse().map_err(|_| expected())?;
    if secs > MAX_SECONDS || (!zero_ok && secs == 0.0) {
        return Err(expected());
    }
    Ok(Duration::from_secs_f64(secs))
}

/// A non-empty path.
fn path(v: &str) -> Result<PathBuf, String> {
    if v.is_empty() {
        return Err("expected a path".to_owned());
    }
    Ok(PathBuf::from(v))
}

/// `--stats-path`: a URL path a request line can carry as is.
fn url_path(v: &str) -> Result<String, String> {
    if !v.starts_with('/') || v.bytes().any(|b| b <= b' ' || b == b'?' || b == 0x7f) {
        return Err("expected a URL path starting with '/', without spaces or '?'".to_owned());
    }
    Ok(v.to_owned())
}

/// `--server-name`: it goes into a header.
fn server_name(v: &str) -> Result<String, String> {
    if v.is_empty() || v.chars().any(char::is_control) {
        return Err("expected a non-empty name without control characters".to_owned());
    }
    Ok(v.to_owned())
}

/// `--ssl-ciphers`.
fn ciphers(v: &str) -> Result<String, String> {
    if v.trim().is_empty() {
        return Err("expected a non-empty cipher list".to_owned());
    }
    Ok(v.to_owned())
}

/// `--ssl-adapter`, with cheroot's adapter names as aliases, in any case.
fn tls_backend(v: &str) -> Result<TlsBackend, String> {
    match v.to_ascii_lowercase().as_str() {
        "rustls" | "builtin" => Ok(TlsBackend::Rustls),
        "openssl" | "pyopenssl" => Ok(TlsBackend::Openssl),
        _ => Err("expected rustls, builtin, openssl or pyopenssl".to_owned()),
    }
}

/// `--ssl-client-verify`, in any case.
fn client_verify(v: &str) -> Result<ClientVerify, String> {
    match v.to_ascii_lowercase().as_str() {
        "none" => Ok(ClientVerify::None),
        "optional" => Ok(ClientVerify::Optional),
        "required" => Ok(ClientVerify::Required),
        _ => Err("expected none, optional or required".to_owned()),
    }
}

/// `--log-format`, in any case.
fn access_log_format(v: &str) -> Result<AccessLogFormat, String> {
    match v.to_ascii_lowercase().as_str() {
        "common" => Ok(AccessLogFormat::Common),
        "combined" => Ok(AccessLogFormat::Combined),
        "json" => Ok(AccessLogFormat::Json),
        _ => Err("expected common, combined or json".to_owned()),
    }
}

fn log_format(v: &str) -> Result<LogFormat, String> {
    match v.to_ascii_lowercase().as_str() {
        "text" => Ok(LogFormat::Text),
        "json" => Ok(LogFormat::Json),
        _ => Err("expected text or json".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory as _;

    #[test]
    fn integers() {
        let table: &[(&str, u64, u64, Result<u64, &str>)] = &[
            ("0", 0, 10, Ok(0)),
            ("10", 0, 10, Ok(10)),
            ("11", 0, 10, Err("expected an integer from 0 to 10")),
            ("0", 1, 10, Err("expected an integer from 1 to 10")),
            ("-1", 0, 10, Err("expected an integer from 0 to 10")),
            ("+1", 0, 10, Err("expected an integer")),
            (" 1", 0, 10, Err("expected an integer")),
            ("", 0, 10, Err("expected an integer")),
            ("1e3", 0, 10, Err("expected an integer")),
            (
                "99999999999999999999999",
                0,
                u64::MAX,
                Err("expected an integer >= 0"),
            ),
        ];
        for &(v, min, max, ref want) in table {
            match (integer(v, min, max), want) {
                (Ok(got), Ok(want)) => assert_eq!(got, *want, "{v:?}"),
                (Err(err), Err(want)) => assert!(err.starts_with(want), "{v:?}: {err}"),
                (got, want) => panic!("{v:?}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn seconds_values() {
        assert_eq!(seconds("10", false), Ok(Duration::from_secs(10)));
        assert_eq!(seconds("0.5", false), Ok(Duration::from_millis(500)));
        assert_eq!(seconds("0", true), Ok(Duration::ZERO));
        for bad in [
            "0", "0.0", "", ".", "-1", "1.2.3", "inf", "NaN", "1e3", "86401",
        ] {
            assert!(seconds(bad, false).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_table_is_consistent() {
        // clap's own checks: no flag twice, every value parser fits its field.
        Cli::command().debug_assert();
    }

    #[test]
    fn every_flag_has_help_and_no_short_form() {
        for arg in Cli::command().get_arguments() {
            let name = arg.get_id().as_str();
            assert!(arg.get_help().is_some(), "{name}");
            // Only -h and -V are short: cheroot's flags have no short forms.
            let short = arg.get_short();
            assert!(
                short.is_none() || matches!(name, "help" | "version"),
                "{name}"
            );
        }
    }
}
