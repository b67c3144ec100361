//! The two error types: [`TlsError`] when an adapter is chosen or built, [`TlsAcceptError`] when
//! one connection's handshake fails.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// An adapter could not be chosen or built: an unknown or absent backend, a missing or
/// malformed file, a wrong key password, unknown cipher names.
///
/// Building fails at start-up, never later, and the message names the file at fault.
#[derive(Debug)]
pub struct TlsError {
    kind: ErrorKind,
}

#[derive(Debug)]
enum ErrorKind {
    /// No adapter answers to this name; `known` are the names that do, for the message (passed
    /// in by the registry, so that this module needs nothing of it).
    UnknownAdapter {
        name: String,
        known: &'static [&'static str],
    },
    /// The adapter exists but its cargo feature is off.
    NotBuilt { adapter: &'static str },
    /// A file is missing, unreadable or malformed, or its key cannot be decrypted.
    File { path: PathBuf, detail: String },
    /// The `ciphers` string names suites the backend does not know, or selects none.
    Ciphers(String),
    /// Any other inconsistency in the settings or the backend's set-up.
    Config(String),
}

impl TlsError {
    pub(crate) fn unknown_adapter(name: &str, known: &'static [&'static str]) -> Self {
        Self {
            kind: ErrorKind::UnknownAdapter {
                name: name.to_owned(),
                known,
            },
        }
    }

    pub(crate) fn not_built(adapter: &'static str) -> Self {
        Self {
            kind: ErrorKind::NotBuilt { adapter },
        }
    }

    #[cfg_attr(
        not(any(feature = "rustls", feature = "openssl")),
        allow(dead_code, reason = "used only by a backend, and this build has none")
    )]
    pub(crate) fn file(path: &Path, detail: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::File {
                path: path.to_owned(),
                detail: detail.into(),
            },
        }
    }

    #[cfg_attr(
        not(any(feature = "rustls", feature = "openssl")),
        allow(dead_code, reason = "used only by a backend, and this build has none")
    )]
    pub(crate) fn ciphers(detail: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::Ciphers(detail.into()),
        }
    }

    #[cfg_attr(
        not(any(feature = "rustls", feature = "openssl")),
        allow(dead_code, reason = "used only by a backend, and this build has none")
    )]
    pub(crate) fn config(detail: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::Config(detail.into()),
        }
    }

    /// No adapter answers to the name given to `get_ssl_adapter_class`.
    pub fn is_unknown_adapter(&self) -> bool {
        matches!(self.kind, ErrorKind::UnknownAdapter { .. })
    }

    /// The adapter exists but this binary was built without its cargo feature.
    pub fn is_not_built(&self) -> bool {
        matches!(self.kind, ErrorKind::NotBuilt { .. })
    }

    /// A certificate, key or CA file could not be used (missing, malformed, wrong password).
    pub fn is_file(&self) -> bool {
        matches!(self.kind, ErrorKind::File { .. })
    }

    /// The `ciphers` setting names unknown suites or selects none.
    pub fn is_ciphers(&self) -> bool {
        matches!(self.kind, ErrorKind::Ciphers(_))
    }

    /// The file at fault, for [`is_file`](Self::is_file) errors.
    pub fn path(&self) -> Option<&Path> {
        match &self.kind {
            ErrorKind::File { path, .. } => Some(path),
            _ => None,
        }
    }

    /// What is wrong, without the file's path or the `ciphers:` prefix that `Display` puts
    /// first: for a caller that names the file or the setting itself (a command-line flag).
    pub fn detail(&self) -> String {
        match &self.kind {
            ErrorKind::File { detail, .. } | ErrorKind::Ciphers(detail) => detail.clone(),
            _ => self.to_string(),
        }
    }
}

impl fmt::Display for TlsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::UnknownAdapter { name, known } => write!(
                f,
                "unknown SSL adapter {name:?}: the adapters are {}",
                known.join(", ")
            ),
            ErrorKind::NotBuilt { adapter } => write!(
                f,
                "the {adapter} adapter is not built into this binary; rebuild with --features {adapter}"
            ),
            ErrorKind::File { path, detail } => write!(f, "{}: {detail}", path.display()),
            ErrorKind::Ciphers(detail) => write!(f, "ciphers: {detail}"),
            ErrorKind::Config(detail) => f.write_str(detail),
        }
    }
}

impl std::error::Error for TlsError {}

/// One connection's TLS set-up failed: the client spoke plain HTTP, the handshake failed or
/// timed out, or the peer went away.
///
/// The message is one line, fit for a log without a traceback. None of these stop the server.
#[derive(Debug)]
pub struct TlsAcceptError {
    kind: AcceptKind,
}

#[derive(Debug)]
enum AcceptKind {
    /// Plain HTTP on the TLS port; the 400 answer has been sent.
    PlainHttp,
    /// The handshake did not finish within the timeout.
    TimedOut,
    /// The peer closed before the handshake finished.
    Closed,
    /// The TLS layer failed (an alert sent or received, a malformed record).
    Alert(cheroot_errors::FatalSslAlert),
    /// The socket failed (reset, broken pipe).
    Io(io::Error),
}

#[cfg_attr(
    not(any(feature = "rustls", feature = "openssl")),
    allow(dead_code, reason = "used only by a backend, and this build has none")
)]
impl TlsAcceptError {
    pub(crate) fn plain_http() -> Self {
        Self {
            kind: AcceptKind::PlainHttp,
        }
    }

    pub(crate) fn timed_out() -> Self {
        Self {
            kind: AcceptKind::TimedOut,
        }
    }

    pub(crate) fn closed() -> Self {
        Self {
            kind: AcceptKind::Closed,
        }
    }

    pub(crate) fn alert(detail: impl Into<String>) -> Self {
        Self {
            kind: AcceptKind::Alert(cheroot_errors::FatalSslAlert::new(detail)),
        }
    }

    /// Sorts an I/O error out of a TLS stream: the TLS libraries report their own failures
    /// as `InvalidData` (rustls) or `Other`, the rest is the socket's.
    pub(crate) fn io(err: io::Error) -> Self {
        match err.kind() {
            io::ErrorKind::UnexpectedEof => Self::closed(),
            io::ErrorKind::InvalidData | io::ErrorKind::Other => Self::alert(err.to_string()),
            _ => Self {
                kind: AcceptKind::Io(err),
            },
        }
    }
}

impl TlsAcceptError {
    /// The client sent plain HTTP to the TLS port (cheroot's `NoSSLError`); it has already been
    /// answered with `400 Bad Request` and the connection should just be dropped.
    pub fn is_plain_http(&self) -> bool {
        matches!(self.kind, AcceptKind::PlainHttp)
    }

    /// Any other failure (cheroot's `FatalSSLAlert`): an alert, a reset, an early EOF or a
    /// timeout. Drop the connection without a response and log one line at most.
    pub fn is_fatal_alert(&self) -> bool {
        !self.is_plain_http()
    }

    /// The handshake did not finish within the timeout given to
    /// `SslAdapter::accept`.
    pub fn is_timeout(&self) -> bool {
        matches!(self.kind, AcceptKind::TimedOut)
    }

    /// The peer closed (or reset) the connection before the handshake finished: the noise of
    /// port scanners and health checks, usually not worth logging.
    pub fn is_closed(&self) -> bool {
        match &self.kind {
            AcceptKind::Closed => true,
            AcceptKind::Io(err) => cheroot_errors::is_ignorable(err),
            _ => false,
        }
    }
}

impl fmt::Display for TlsAcceptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            AcceptKind::PlainHttp => write!(f, "{}", cheroot_errors::NoSslError),
            AcceptKind::TimedOut => f.write_str("TLS handshake timed out"),
            AcceptKind::Closed => {
                f.write_str("the client closed the connection during the TLS handshake")
            }
            AcceptKind::Alert(alert) => write!(f, "{alert}"),
            AcceptKind::Io(err) => write!(f, "socket error during the TLS handshake: {err}"),
        }
    }
}

/// `Display` already shows the alert or socket error, so `source()` goes on from *its*
/// source: an error-chain printer says each cause once.
impl std::error::Error for TlsAcceptError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            AcceptKind::Alert(alert) => alert.source(),
            AcceptKind::Io(err) => err.source(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_detail_leaves_out_what_display_puts_first() {
        let file = TlsError::file(Path::new("/k.pem"), "no key here");
        assert_eq!(file.to_string(), "/k.pem: no key here");
        assert_eq!(file.detail(), "no key here");
        let ciphers = TlsError::ciphers("unknown: X");
        assert_eq!(ciphers.to_string(), "ciphers: unknown: X");
        assert_eq!(ciphers.detail(), "unknown: X");
        let config = TlsError::config("odd");
        assert_eq!(config.detail(), "odd");
    }

    #[test]
    fn predicates_and_messages() {
        let plain = TlsAcceptError::plain_http();
        assert!(plain.is_plain_http() && !plain.is_fatal_alert());
        let timeout = TlsAcceptError::timed_out();
        assert!(timeout.is_timeout() && timeout.is_fatal_alert());
        let eof = TlsAcceptError::io(io::Error::from(io::ErrorKind::UnexpectedEof));
        assert!(eof.is_closed() && eof.is_fatal_alert());
        let alert = TlsAcceptError::io(io::Error::new(io::ErrorKind::InvalidData, "bad record"));
        assert_eq!(alert.to_string(), "fatal TLS error: bad record");
        for err in [plain, timeout, eof, alert] {
            assert!(!err.to_string().contains('\n'), "{err}");
        }
    }

    #[test]
    fn chains_say_each_cause_once() {
        let chain = |err: &TlsAcceptError| {
            let mut texts = vec![err.to_string()];
            let mut next = std::error::Error::source(err);
            while let Some(source) = next {
                texts.push(source.to_string());
                next = source.source();
            }
            texts
        };
        let reset = TlsAcceptError::io(io::Error::from_raw_os_error(104));
        assert_eq!(chain(&reset).len(), 1, "{:?}", chain(&reset));
        let alert = TlsAcceptError::alert("handshake failure");
        assert_eq!(chain(&alert), ["fatal TLS error: handshake failure"]);
    }

    #[test]
    fn not_built_names_the_feature() {
        let err = TlsError::not_built("openssl");
        assert!(err.is_not_built());
        assert_eq!(
            err.to_string(),
            "the openssl adapter is not built into this binary; rebuild with --features openssl"
        );
    }
}
