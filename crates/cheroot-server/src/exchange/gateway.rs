//! The native gateway: the trait an application implements to answer requests, and its error.

use std::error::Error as StdError;
use std::fmt;

use crate::exchange::request::Request;
use crate::exchange::response::Response;

/// An application answering requests, as cheroot's `Gateway` subclasses do.
///
/// The server calls [`respond`](Gateway::respond) once per request. The gateway reads what it
/// needs from the [`Request`] (head, connection, body) and writes the answer through the
/// [`Response`] (status, headers, body). The server frames the response, adds `Date`,
/// `Server`, `Connection`, `Keep-Alive` and `Transfer-Encoding`, and checks the body against a
/// declared `Content-Length`.
///
/// Where it runs:
/// - [`blocking`](Gateway::blocking) is `true` (the default): on a worker-pool thread. The
///   gateway may block (sleep, read files, hold locks); the request body and the response
///   stream through small bounded channels to and from the connection, so a slow client slows
///   only its own request.
/// - `false`: inline on the connection's I/O task. The gateway must not block. Requests whose
///   body is small (declared `Content-Length` of at most 64 KiB) arrive with the body already
///   read; a larger or chunked body sends that request to the pool instead. The response is
///   written into the connection's buffer and goes out when the gateway returns.
///
/// If `respond` returns an error (or panics) before anything was sent, the client gets
/// `500 Internal Server Error`; after, the connection is closed. Either way the error is
/// logged and the server carries on.
///
/// ```
/// use cheroot_server::{Gateway, GatewayError, Request, Response};
///
/// struct Hello;
///
/// impl Gateway for Hello {
///     fn respond(&self, _req: &mut Request<'_>, resp: &mut Response<'_>) -> Result<(), GatewayError> {
///         resp.set_status(200, "OK");
///         resp.add_header("Content-Type", "text/plain")?;
///         resp.add_header("Content-Length", "12")?;
///         resp.write(b"Hello world!")?;
///         Ok(())
///     }
///
///     fn blocking(&self) -> bool {
///         false
///     }
/// }
/// ```
pub trait Gateway: Send + Sync + 'static {
    /// Answers one request.
    ///
    /// # Errors
    ///
    /// Any failure: the server answers 500 if no header was sent, closes the connection
    /// otherwise, and logs the error.
    fn respond(&self, req: &mut Request<'_>, resp: &mut Response<'_>) -> Result<(), GatewayError>;

    /// Whether `respond` may block: `true` runs it on the worker pool, `false` inline on the
    /// I/O task (see the trait documentation). A fixed property of the gateway: the server
    /// asks once per connection, not per request.
    fn blocking(&self) -> bool {
        true
    }
}

/// Why a gateway failed to answer: any error, boxed, or a message.
pub struct GatewayError {
    inner: Box<dyn StdError + Send + Sync>,
}

impl GatewayError {
    /// An error carrying only a message.
    pub fn msg(message: impl Into<String>) -> Self {
        Self {
            inner: message.into().into(),
        }
    }

    /// An error wrapping another.
    pub fn new(source: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        Self {
            inner: source.into(),
        }
    }

    /// The wrapped error.
    pub fn get_ref(&self) -> &(dyn StdError + Send + Sync + 'static) {
        &*self.inner
    }

    /// The wrapped error, owned.
    pub fn into_inner(self) -> Box<dyn StdError + Send + Sync> {
        self.inner
    }
}

impl fmt::Debug for GatewayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

impl fmt::Display for GatewayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.inner, f)
    }
}

/// Transparent, as `ServerError`: `Display` is the wrapped error's, so `source()` is its
/// source (the wrapped error itself is [`get_ref`](GatewayError::get_ref)).
impl StdError for GatewayError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.inner.source()
    }
}

impl From<std::io::Error> for GatewayError {
    fn from(err: std::io::Error) -> Self {
        Self::new(err)
    }
}

impl From<crate::exchange::response::HeaderError> for GatewayError {
    fn from(err: crate::exchange::response::HeaderError) -> Self {
        Self::new(err)
    }
}

impl From<String> for GatewayError {
    fn from(message: String) -> Self {
        Self::msg(message)
    }
}

impl From<&str> for GatewayError {
    fn from(message: &str) -> Self {
        Self::msg(message)
    }
}
