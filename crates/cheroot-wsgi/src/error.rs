//! The one error type of the WSGI layer: what an application, `start_response`, `write` or
//! `wsgi.input` can fail with, and what the gateway turns into a 500 or a closed connection.

use std::error::Error as StdError;
use std::fmt;
use std::io;

/// An application error, as a Python WSGI app would raise an exception.
///
/// Applications build one from any error (`AppError::new`, `?` on an [`io::Error`], a
/// `String` or `&str`); the WSGI layer builds its own for the rules it enforces, and those
/// can be told apart with the `is_*` predicates. It is also the `exc_info` handed to
/// [`StartResponse::call`](crate::StartResponse::call) when an app replaces a response
/// because of an error.
///
/// What the gateway does with an error an app returns: if no response byte was sent yet the
/// client gets `500 Internal Server Error` (or the status the server core attaches to a
/// request-body failure, e.g. 413); after that the connection is closed. Either way it is
/// logged.
pub struct AppError {
    inner: Box<Inner>,
}

struct Inner {
    kind: Kind,
    source: Box<dyn StdError + Send + Sync>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Raised by the application itself.
    App,
    /// `start_response` called twice without `exc_info`.
    StartResponseTwice,
    /// `write` before `start_response`.
    WriteBeforeStartResponse,
    /// A status line or header that cannot go on the wire (not latin-1, CR/LF, bad token).
    InvalidResponse,
    /// More body bytes than the declared `Content-Length`.
    ContentLengthExceeded,
    /// Reading `wsgi.input` or writing the response failed because of the connection.
    Io,
}

impl AppError {
    /// An error wrapping another (an application failure).
    pub fn new(source: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        Self::with_kind(Kind::App, source)
    }

    /// An error carrying only a message (an application failure).
    pub fn msg(message: impl Into<String>) -> Self {
        Self::with_kind(Kind::App, message.into())
    }

    fn with_kind(kind: Kind, source: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        Self {
            inner: Box::new(Inner {
                kind,
                source: source.into(),
            }),
        }
    }

    /// cheroot's `RuntimeError('WSGI start_response called a second time with no exc_info.')`.
    pub(crate) fn start_response_twice() -> Self {
        Self::with_kind(
            Kind::StartResponseTwice,
            "WSGI start_response called a second time with no exc_info.",
        )
    }

    /// cheroot's `RuntimeError('WSGI write called before start_response.')`.
    pub(crate) fn write_before_start_response() -> Self {
        Self::with_kind(
            Kind::WriteBeforeStartResponse,
            "WSGI write called before start_response.",
        )
    }

    /// The app returned a body without ever calling `start_response`.
    pub(crate) fn no_start_response() -> Self {
        Self::with_kind(
            Kind::WriteBeforeStartResponse,
            "WSGI application returned without calling start_response.",
        )
    }

    /// A status or header the wire cannot carry.
    pub(crate) fn invalid_response(message: impl Into<String>) -> Self {
        Self::with_kind(Kind::InvalidResponse, message.into())
    }

    /// cheroot's `ValueError('Response body exceeds the declared Content-Length.')`, or the
    /// 500 message when nothing was sent yet.
    pub(crate) fn content_length_exceeded(message: &'static str) -> Self {
        Self::with_kind(Kind::ContentLengthExceeded, message)
    }

    /// A connection-level failure (client gone, request body failed).
    pub(crate) fn io(err: io::Error) -> Self {
        Self::with_kind(Kind::Io, err)
    }

    /// Whether this is the "start_response called a second time" error.
    pub fn is_start_response_twice(&self) -> bool {
        self.inner.kind == Kind::StartResponseTwice
    }

    /// Whether this is the "write called before start_response" error (or its cousin: the
    /// app returned without calling `start_response` at all).
    pub fn is_write_before_start_response(&self) -> bool {
        self.inner.kind == Kind::WriteBeforeStartResponse
    }

    /// Whether a status or header was refused (not ISO-8859-1, CR/LF in it, a name that is
    /// not a token, a malformed status): the response-splitting guard.
    pub fn is_invalid_response(&self) -> bool {
        self.inner.kind == Kind::InvalidResponse
    }

    /// Whether the app wrote more than its declared `Content-Length`.
    pub fn is_content_length_exceeded(&self) -> bool {
        self.inner.kind == Kind::ContentLengthExceeded
    }

    /// Whether the failure came from the connection (reading `wsgi.input`, writing the
    /// response); [`io_error`](AppError::io_error) gives the detail.
    pub fn is_io(&self) -> bool {
        self.inner.kind == Kind::Io
    }

    /// The I/O error behind an [`is_io`](AppError::is_io) error (or an app error built from
    /// an [`io::Error`]).
    pub fn io_error(&self) -> Option<&io::Error> {
        self.inner.source.downcast_ref::<io::Error>()
    }

    /// The wrapped error.
    pub fn get_ref(&self) -> &(dyn StdError + Send + Sync + 'static) {
        &*self.inner.source
    }

    /// The wrapped error, owned.
    pub fn into_inner(self) -> Box<dyn StdError + Send + Sync> {
        self.inner.source
    }
}

impl fmt::Debug for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppError")
            .field("kind", &self.inner.kind)
            .field("source", &self.inner.source)
            .finish()
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.inner.source, f)
    }
}

/// Transparent: `Display` is the wrapped error's, so `source()` goes on from *its* source
/// (the wrapped error itself is [`get_ref`](AppError::get_ref)); an error-chain printer says
/// each cause once.
impl StdError for AppError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.inner.source.source()
    }
}

impl From<io::Error> for AppError {
    fn from(err: io::Error) -> Self {
        Self::new(err)
    }
}

impl From<String> for AppError {
    fn from(message: String) -> Self {
        Self::msg(message)
    }
}

impl From<&str> for AppError {
    fn from(message: &str) -> Self {
        Self::msg(message)
    }
}

impl From<AppError> for io::Error {
    fn from(err: AppError) -> Self {
        match err.inner.source.downcast::<io::Error>() {
            Ok(io_err) => *io_err,
            Err(other) => io::Error::other(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_told_apart() {
        // Each error answers yes to its own predicate and no to every other.
        type Predicate = fn(&AppError) -> bool;
        let predicates: [(&str, Predicate); 5] = [
            ("start_response_twice", AppError::is_start_response_twice),
            ("write_before", AppError::is_write_before_start_response),
            ("invalid_response", AppError::is_invalid_response),
            ("content_length", AppError::is_content_length_exceeded),
            ("io", AppError::is_io),
        ];
        let errors = [
            (
                AppError::start_response_twice(),
                Some("start_response_twice"),
            ),
            (
                AppError::write_before_start_response(),
                Some("write_before"),
            ),
            (AppError::invalid_response("bad"), Some("invalid_response")),
            (
                AppError::content_length_exceeded("over"),
                Some("content_length"),
            ),
            (
                AppError::io(io::Error::new(io::ErrorKind::BrokenPipe, "gone")),
                Some("io"),
            ),
            (AppError::msg("the app's own"), None),
        ];
        for (err, own) in &errors {
            for (name, predicate) in predicates {
                assert_eq!(predicate(err), *own == Some(name), "{name} of {err:?}");
            }
        }
        let io = &errors[4].0;
        assert_eq!(
            io.io_error().map(io::Error::kind),
            Some(io::ErrorKind::BrokenPipe)
        );
        assert_eq!(
            format!("{io:?}"),
            "AppError { kind: Io, source: Custom { kind: BrokenPipe, error: \"gone\" } }"
        );
    }

    #[test]
    fn messages_are_cheroots() {
        assert_eq!(
            AppError::start_response_twice().to_string(),
            "WSGI start_response called a second time with no exc_info."
        );
        assert_eq!(
            AppError::write_before_start_response().to_string(),
            "WSGI write called before start_response."
        );
    }

    #[test]
    fn chains_say_each_cause_once() {
        #[derive(Debug)]
        struct Loading(io::Error);
        impl fmt::Display for Loading {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("loading the template failed")
            }
        }
        impl StdError for Loading {
            fn source(&self) -> Option<&(dyn StdError + 'static)> {
                Some(&self.0)
            }
        }
        let err = AppError::new(Loading(io::Error::other("no such file")));
        let mut chain = vec![err.to_string()];
        let mut next = err.source();
        while let Some(source) = next {
            chain.push(source.to_string());
            next = source.source();
        }
        assert_eq!(chain, ["loading the template failed", "no such file"]);
        assert!(err.get_ref().is::<Loading>());
    }

    #[test]
    fn round_trips_through_io_error() {
        let err = AppError::from(io::Error::new(io::ErrorKind::InvalidData, "too big"));
        let back: io::Error = err.into();
        assert_eq!(back.kind(), io::ErrorKind::InvalidData);
        assert_eq!(back.to_string(), "too big");
    }
}
