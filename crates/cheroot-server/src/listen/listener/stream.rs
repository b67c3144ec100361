//! `Stream`: an accepted connection, TCP or UNIX, as one `AsyncRead + AsyncWrite` type.

use std::io::{self, IoSlice};
use std::net::SocketAddr;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpStream, UnixStream, tcp, unix};

/// The address of one end of a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PeerAddr {
    /// A TCP address. On a dual-stack listener an IPv4 client shows as `::ffff:a.b.c.d`, as in
    /// cheroot.
    Tcp(SocketAddr),
    /// A UNIX socket: clients are unnamed, so there is nothing to show (peer credentials come
    /// from `SO_PEERCRED` on the raw fd).
    Unix,
}

/// An accepted connection.
#[derive(Debug)]
pub(crate) enum Stream {
    /// A TCP connection.
    Tcp(TcpStream),
    /// A UNIX socket connection.
    Unix(UnixStream),
}

impl Stream {
    /// The address of the other end.
    ///
    /// # Errors
    ///
    /// `getpeername()` failed, e.g. the peer already disconnected (`ENOTCONN`).
    #[cfg(test)]
    pub(crate) fn peer_addr(&self) -> io::Result<PeerAddr> {
        match self {
            Stream::Tcp(s) => s.peer_addr().map(PeerAddr::Tcp),
            Stream::Unix(_) => Ok(PeerAddr::Unix),
        }
    }

    /// The address of this end (for `SERVER_PORT` and the like).
    ///
    /// # Errors
    ///
    /// `getsockname()` failed.
    pub(crate) fn local_addr(&self) -> io::Result<PeerAddr> {
        match self {
            Stream::Tcp(s) => s.local_addr().map(PeerAddr::Tcp),
            Stream::Unix(_) => Ok(PeerAddr::Unix),
        }
    }

    /// Whether this is a UNIX socket connection.
    pub(crate) fn is_unix(&self) -> bool {
        matches!(self, Stream::Unix(_))
    }

    /// Splits the connection into a read half and a write half that can live in separate
    /// places (a `StreamReader` and a `StreamWriter`) without a lock between them.
    ///
    /// Dropping the write half shuts the write side down (`SHUT_WR`); the socket closes when
    /// both halves are dropped.
    pub(crate) fn into_split(self) -> (StreamReadHalf, StreamWriteHalf) {
        match self {
            Stream::Tcp(s) => {
                let (r, w) = s.into_split();
                (StreamReadHalf::Tcp(r), StreamWriteHalf::Tcp(w))
            }
            Stream::Unix(s) => {
                let (r, w) = s.into_split();
                (StreamReadHalf::Unix(r), StreamWriteHalf::Unix(w))
            }
        }
    }
}

impl AsFd for Stream {
    fn as_fd(&self) -> BorrowedFd<'_> {
        match self {
            Stream::Tcp(s) => s.as_fd(),
            Stream::Unix(s) => s.as_fd(),
        }
    }
}

impl AsRawFd for Stream {
    fn as_raw_fd(&self) -> RawFd {
        self.as_fd().as_raw_fd()
    }
}

/// The read half of a [`Stream`], from [`Stream::into_split`].
#[derive(Debug)]
pub(crate) enum StreamReadHalf {
    /// Of a TCP connection.
    Tcp(tcp::OwnedReadHalf),
    /// Of a UNIX socket connection.
    Unix(unix::OwnedReadHalf),
}

/// The write half of a [`Stream`], from [`Stream::into_split`].
#[derive(Debug)]
pub(crate) enum StreamWriteHalf {
    /// Of a TCP connection.
    Tcp(tcp::OwnedWriteHalf),
    /// Of a UNIX socket connection.
    Unix(unix::OwnedWriteHalf),
}

impl AsFd for StreamReadHalf {
    fn as_fd(&self) -> BorrowedFd<'_> {
        match self {
            StreamReadHalf::Tcp(s) => s.as_ref().as_fd(),
            StreamReadHalf::Unix(s) => s.as_ref().as_fd(),
        }
    }
}

impl AsFd for StreamWriteHalf {
    fn as_fd(&self) -> BorrowedFd<'_> {
        match self {
            StreamWriteHalf::Tcp(s) => s.as_ref().as_fd(),
            StreamWriteHalf::Unix(s) => s.as_ref().as_fd(),
        }
    }
}

/// Implements `AsyncRead` for an enum whose `Tcp` and `Unix` variants each hold a reader, by
/// forwarding to the variant's stream.
macro_rules! forward_async_read {
    ($ty:ident) => {
        impl AsyncRead for $ty {
            fn poll_read(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &mut ReadBuf<'_>,
            ) -> Poll<io::Result<()>> {
                match self.get_mut() {
                    $ty::Tcp(s) => Pin::new(s).poll_read(cx, buf),
                    $ty::Unix(s) => Pin::new(s).poll_read(cx, buf),
                }
            }
        }
    };
}

/// Implements `AsyncWrite` (vectored writes included) for an enum whose `Tcp` and `Unix`
/// variants each hold a writer, by forwarding to the variant's stream.
macro_rules! forward_async_write {
    ($ty:ident) => {
        impl AsyncWrite for $ty {
            fn poll_write(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &[u8],
            ) -> Poll<io::Result<usize>> {
                match self.get_mut() {
                    $ty::Tcp(s) => Pin::new(s).poll_write(cx, buf),
                    $ty::Unix(s) => Pin::new(s).poll_write(cx, buf),
                }
            }

            fn poll_write_vectored(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                bufs: &[IoSlice<'_>],
            ) -> Poll<io::Result<usize>> {
                match self.get_mut() {
                    $ty::Tcp(s) => Pin::new(s).poll_write_vectored(cx, bufs),
                    $ty::Unix(s) => Pin::new(s).poll_write_vectored(cx, bufs),
                }
            }

            fn is_write_vectored(&self) -> bool {
                match self {
                    $ty::Tcp(s) => s.is_write_vectored(),
                    $ty::Unix(s) => s.is_write_vectored(),
                }
            }

            fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                match self.get_mut() {
                    $ty::Tcp(s) => Pin::new(s).poll_flush(cx),
                    $ty::Unix(s) => Pin::new(s).poll_flush(cx),
                }
            }

            fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                match self.get_mut() {
                    $ty::Tcp(s) => Pin::new(s).poll_shutdown(cx),
                    $ty::Unix(s) => Pin::new(s).poll_shutdown(cx),
                }
            }
        }
    };
}

forward_async_read!(Stream);
forward_async_write!(Stream);
forward_async_read!(StreamReadHalf);
forward_async_write!(StreamWriteHalf);
