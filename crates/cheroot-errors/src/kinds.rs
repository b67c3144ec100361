//! The three error kinds of `cheroot.errors`: an over-limit body and the two TLS failures.

use std::fmt;

/// A request body (declared or read so far) is larger than `max_request_body_size`.
///
/// cheroot's `MaxSizeExceeded`; the server answers it with `413 Request Entity Too Large`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MaxSizeExceeded {
    limit: u64,
}

impl MaxSizeExceeded {
    /// An error for a body that went over `limit` bytes.
    pub const fn new(limit: u64) -> Self {
        Self { limit }
    }

    /// The limit that was exceeded, in bytes.
    pub const fn limit(&self) -> u64 {
        self.limit
    }
}

impl fmt::Display for MaxSizeExceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "request body exceeds the maximum of {} bytes",
            self.limit
        )
    }
}

impl std::error::Error for MaxSizeExceeded {}

/// The client spoke plain HTTP to a TLS socket.
///
/// cheroot's `NoSSLError`: the server answers it with a plain-text `400 Bad Request` telling the
/// client to use HTTPS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NoSslError;

impl fmt::Display for NoSslError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the client sent a plain HTTP request to an HTTPS port")
    }
}

impl std::error::Error for NoSslError {}

/// The TLS layer failed for good (a fatal alert, a bad handshake): the connection is dropped
/// without a response.
///
/// cheroot's `FatalSSLAlert`. It carries the backend's description, since the backends
/// (rustls, OpenSSL) have no common error type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FatalSslAlert {
    detail: String,
}

impl FatalSslAlert {
    /// An alert described by `detail` (the TLS backend's own message).
    pub fn new(detail: impl Into<String>) -> Self {
        Self {
            detail: detail.into(),
        }
    }

    /// The TLS backend's description of the failure.
    pub fn detail(&self) -> &str {
        &self.detail
    }
}

impl fmt::Display for FatalSslAlert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "fatal TLS error: {}", self.detail)
    }
}

impl std::error::Error for FatalSslAlert {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_size_exceeded_names_the_limit() {
        let e = MaxSizeExceeded::new(1024);
        assert_eq!(e.limit(), 1024);
        assert_eq!(
            e.to_string(),
            "request body exceeds the maximum of 1024 bytes"
        );
    }

    #[test]
    fn no_ssl_error_says_what_happened() {
        assert!(NoSslError.to_string().contains("plain HTTP"));
    }

    #[test]
    fn fatal_ssl_alert_keeps_the_backend_detail() {
        let e = FatalSslAlert::new("handshake failure");
        assert_eq!(e.detail(), "handshake failure");
        assert_eq!(e.to_string(), "fatal TLS error: handshake failure");
    }

    #[test]
    fn kinds_are_std_errors() {
        // The server boxes them next to io::Error; that needs `Error + Send + Sync + 'static`.
        let boxed: Vec<Box<dyn std::error::Error + Send + Sync>> = vec![
            Box::new(MaxSizeExceeded::new(1)),
            Box::new(NoSslError),
            Box::new(FatalSslAlert::new("x")),
        ];
        assert_eq!(boxed.len(), 3);
    }
}
