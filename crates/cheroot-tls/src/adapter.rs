//! The [`SslAdapter`] trait the server calls for each accepted connection, and the byte
//! streams it takes and gives back.

use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::env::TlsEnv;
use crate::error::TlsAcceptError;

/// A byte stream an adapter can wrap: any `AsyncRead + AsyncWrite + Unpin + Send + 'static`
/// (a TCP or UNIX stream, or a test's duplex pipe). Implemented for every such type.
pub trait AsyncReadWrite: AsyncRead + AsyncWrite + Unpin + Send + 'static {}

impl<T: AsyncRead + AsyncWrite + Unpin + Send + 'static> AsyncReadWrite for T {}

/// A boxed stream, so that [`SslAdapter`] stays object-safe.
pub type BoxedIo = Box<dyn AsyncReadWrite>;

/// What [`SslAdapter::accept`] returns: a future that owns everything it needs.
pub type AcceptFuture =
    Pin<Box<dyn Future<Output = Result<(TlsStream, TlsEnv), TlsAcceptError>> + Send + 'static>>;

/// A TLS server backend, as cheroot's `cheroot.ssl.Adapter`.
///
/// The server keeps one `Arc<dyn SslAdapter>` and, in each connection's own task (never on
/// the accept path, cheroot issue #748), calls [`accept`](Self::accept) on the freshly accepted
/// stream.
pub trait SslAdapter: Send + Sync + fmt::Debug {
    /// The backend's registry name: `"rustls"` or `"openssl"`.
    fn name(&self) -> &'static str;

    /// Runs the TLS handshake on `io` within `timeout` (the server's `timeout`), and returns
    /// the encrypted stream with the connection's TLS environ.
    ///
    /// Plain HTTP from the client is answered with cheroot's `400 Bad Request` and reported
    /// by [`TlsAcceptError::is_plain_http`]; every other failure is
    /// [`TlsAcceptError::is_fatal_alert`].
    ///
    /// # Panics
    ///
    /// The future uses tokio's timer: it panics if polled on a runtime without the time
    /// driver, as every `tokio::time` future does.
    fn accept(&self, io: BoxedIo, timeout: Duration) -> AcceptFuture;
}

/// An established TLS connection: a byte stream like the one it wraps, so the server reads
/// requests and writes responses on it exactly as on a plain socket.
pub struct TlsStream {
    inner: BoxedIo,
}

impl TlsStream {
    #[cfg_attr(
        not(any(feature = "rustls", feature = "openssl")),
        allow(dead_code, reason = "used only by a backend, and this build has none")
    )]
    pub(crate) fn new(inner: BoxedIo) -> Self {
        Self { inner }
    }
}

impl fmt::Debug for TlsStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsStream").finish_non_exhaustive()
    }
}

impl AsyncRead for TlsStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

crate::forward::forward_write_to_inner!(TlsStream);
