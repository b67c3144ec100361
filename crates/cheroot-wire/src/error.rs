//! The one error a parse can end in: an HTTP status and the short reason sent to the client.

use std::fmt;

/// A rejected request: the HTTP status the server answers with and a short plain-text reason,
/// as cheroot's `simple_response(status, msg)` pairs them.
///
/// The server never decides a status by matching on the message: it reads [`ParseError::status`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseError {
    status: u16,
    reason: &'static str,
}

impl ParseError {
    /// Builds an error that answers `status` with the body `reason`.
    pub const fn new(status: u16, reason: &'static str) -> Self {
        Self { status, reason }
    }

    /// The HTTP status code to answer with (400, 405, 413, 414, 431, 501, 505, ...).
    pub const fn status(&self) -> u16 {
        self.status
    }

    /// The short plain-text reason, sent as the response body.
    pub const fn reason(&self) -> &'static str {
        self.reason
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.status, self.reason)
    }
}

impl std::error::Error for ParseError {}
