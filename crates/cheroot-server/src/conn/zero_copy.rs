//! Sending a file region to a connection without copying it: sendfile(2) on plain TCP and
//! UNIX sockets. A TLS connection must encrypt every byte, so it cannot, nor can a connection
//! the server knows only as a byte stream (`ConnectionServer`); a worker then reads the file
//! and writes it as ordinary body bytes (`Response::send_file`).

use std::future::Future;
use std::io;
use std::os::fd::AsFd;

use tokio::io::Interest;

use crate::exchange::file_region::FileRegion;
use crate::listen::listener::StreamWriteHalf;

/// At most this much per sendfile(2) call, so one large file does not starve the other
/// connections of this I/O thread.
const SENDFILE_PIECE: usize = 1024 * 1024;

/// A connection's write half, as far as sending files goes.
pub(crate) trait ZeroCopy {
    /// Whether [`send_file`](ZeroCopy::send_file) can be used.
    fn can_send_file(&self) -> bool;

    /// Sends the whole of `region`; returns the bytes sent.
    fn send_file(&mut self, region: &FileRegion) -> impl Future<Output = io::Result<u64>> + Send;
}

impl ZeroCopy for StreamWriteHalf {
    fn can_send_file(&self) -> bool {
        true
    }

    async fn send_file(&mut self, region: &FileRegion) -> io::Result<u64> {
        let mut offset = i64::try_from(region.offset())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "file offset too large"))?;
        let end = offset.saturating_add(i64::try_from(region.len()).unwrap_or(i64::MAX));
        while offset < end {
            let count = usize::try_from(end - offset)
                .unwrap_or(usize::MAX)
                .min(SENDFILE_PIECE);
            let attempt = |socket: std::os::fd::BorrowedFd<'_>, offset: &mut i64| {
                nix::sys::sendfile::sendfile64(socket, region.file(), Some(offset), count)
                    .map_err(io::Error::from)
            };
            // Wait for room in the socket, then send; tokio forgets the readiness when the
            // kernel says it would block.
            let sent = match self {
                StreamWriteHalf::Tcp(half) => {
                    let sock = half.as_ref();
                    sock.writable().await?;
                    sock.try_io(Interest::WRITABLE, || attempt(sock.as_fd(), &mut offset))
                }
                StreamWriteHalf::Unix(half) => {
                    let sock = half.as_ref();
                    sock.writable().await?;
                    sock.try_io(Interest::WRITABLE, || attempt(sock.as_fd(), &mut offset))
                }
            };
            match sent {
                Ok(0) => {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the file ended before the region sent from it",
                    ));
                }
                Ok(_) => {}
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => {}
                Err(err) => return Err(err),
            }
        }
        Ok(region.len())
    }
}

/// A stream split by `tokio::io::split`: a TLS stream, or any stream an embedder hands over.
impl<T> ZeroCopy for tokio::io::WriteHalf<T>
where
    T: Send,
{
    fn can_send_file(&self) -> bool {
        false
    }

    async fn send_file(&mut self, _region: &FileRegion) -> io::Result<u64> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "this connection cannot send a file without copying it",
        ))
    }
}
