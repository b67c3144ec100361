//! `StreamReader`: a read buffer over an async byte stream, counting the bytes it hands out.

use std::fmt;
use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Buf, Bytes, BytesMut};
use tokio::io::{AsyncRead, AsyncReadExt, ReadBuf};

use crate::DEFAULT_BUFFER_SIZE;

/// A buffered reader over an async byte stream.
///
/// The caller drives it as a push parser wants: [`fill`](Self::fill) appends whatever the stream
/// has to the buffer, [`buffer`](Self::buffer) shows the unconsumed bytes, and
/// [`consume`](Self::consume) (or [`split_to`](Self::split_to), which gives the bytes away
/// without a copy) drops the ones the parser used. Bytes still in the buffer after a request
/// are a pipelined next request ([`has_data`](Self::has_data)).
///
/// It also implements [`AsyncRead`], serving buffered bytes first, so a body reader can treat it
/// as a plain stream.
pub struct StreamReader<R> {
    inner: R,
    buf: BytesMut,
    read_size: usize,
    bytes_read: u64,
}

impl<R> StreamReader<R> {
    /// A reader with cheroot's 8 KiB read size. It allocates nothing until the first
    /// [`fill`](Self::fill).
    pub fn new(inner: R) -> Self {
        Self::with_read_size(inner, DEFAULT_BUFFER_SIZE)
    }

    /// A reader that asks the stream for up to `read_size` bytes at a time (at least 1).
    pub fn with_read_size(inner: R, read_size: usize) -> Self {
        StreamReader {
            inner,
            buf: BytesMut::new(),
            read_size: read_size.max(1),
            bytes_read: 0,
        }
    }

    /// The bytes received and not yet consumed.
    pub fn buffer(&self) -> &[u8] {
        &self.buf
    }

    /// Drops the first `n` buffered bytes and counts them as read.
    ///
    /// `n` larger than the buffer is clamped to its length: consuming is never a way to lose
    /// track of bytes the stream has not delivered.
    pub fn consume(&mut self, n: usize) {
        let n = n.min(self.buf.len());
        self.buf.advance(n);
        self.bytes_read += n as u64;
    }

    /// Takes the first `n` buffered bytes (clamped to the buffer's length) without copying them,
    /// and counts them as read.
    pub fn split_to(&mut self, n: usize) -> Bytes {
        let n = n.min(self.buf.len());
        self.bytes_read += n as u64;
        self.buf.split_to(n).freeze()
    }

    /// Whether bytes are buffered that nobody has consumed yet: a pipelined request, which
    /// must be served before waiting on the socket again (cheroot's `StreamReader.has_data()`).
    pub fn has_data(&self) -> bool {
        !self.buf.is_empty()
    }

    /// How many bytes were handed to the caller so far, by [`consume`](Self::consume),
    /// [`split_to`](Self::split_to) or [`AsyncRead`]; buffered bytes count once consumed.
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    /// Resets the byte counter to 0, e.g. at the start of a request.
    pub fn reset_bytes_read(&mut self) {
        self.bytes_read = 0;
    }

    /// The size of the buffer's allocation, in bytes (0 after [`shrink`](Self::shrink) of an
    /// empty buffer).
    pub fn buffer_capacity(&self) -> usize {
        self.buf.capacity()
    }

    /// Releases the read buffer's memory, for a connection about to be parked idle.
    ///
    /// An empty buffer gives its allocation back entirely; a buffer holding pipelined bytes is
    /// copied into an allocation of exactly their size. The next [`fill`](Self::fill) allocates
    /// again.
    pub fn shrink(&mut self) {
        if self.buf.is_empty() {
            self.buf = BytesMut::new();
        } else if self.buf.capacity() > self.buf.len() {
            self.buf = BytesMut::from(&self.buf[..]);
        }
    }

    /// The wrapped stream.
    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    /// The wrapped stream, mutably. Reading from it directly skips the buffer.
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    /// The wrapped stream and the buffered bytes nobody consumed.
    pub fn into_parts(self) -> (R, BytesMut) {
        (self.inner, self.buf)
    }
}

impl<R: AsyncRead + Unpin> StreamReader<R> {
    /// Reads once from the stream into the buffer; returns how many bytes arrived, 0 at end of
    /// stream.
    ///
    /// # Errors
    ///
    /// The stream's read error, unchanged.
    pub async fn fill(&mut self) -> io::Result<usize> {
        if self.buf.capacity() == 0 {
            // A new or parked connection: wait for bytes without holding a heap buffer, so an
            // idle connection costs no read buffer at all.
            return poll_fn(|cx| self.poll_fill_unallocated(cx)).await;
        }
        // Make room for a whole read; `reserve` reclaims consumed space when it can.
        if self.buf.capacity() - self.buf.len() < self.read_size {
            self.buf.reserve(self.read_size);
        }
        self.inner.read_buf(&mut self.buf).await
    }

    /// One read into a stack array, copied into a freshly allocated buffer when bytes arrive.
    /// Nothing is held across a `Pending`: a `Pending` read delivered no bytes.
    fn poll_fill_unallocated(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let mut stack = [0u8; DEFAULT_BUFFER_SIZE];
        let want = self.read_size.min(stack.len());
        let mut rb = ReadBuf::new(&mut stack[..want]);
        match Pin::new(&mut self.inner).poll_read(cx, &mut rb) {
            Poll::Ready(Ok(())) => {
                let got = rb.filled();
                if !got.is_empty() {
                    self.buf.reserve(self.read_size.max(got.len()));
                    self.buf.extend_from_slice(got);
                }
                Poll::Ready(Ok(got.len()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<R: AsyncRead + Unpin> AsyncRead for StreamReader<R> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        out: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if !this.buf.is_empty() {
            let n = this.buf.len().min(out.remaining());
            out.put_slice(&this.buf[..n]);
            this.consume(n);
            return Poll::Ready(Ok(()));
        }
        // Nothing buffered: read straight into the caller's memory, no copy through ours.
        let before = out.filled().len();
        let res = Pin::new(&mut this.inner).poll_read(cx, out);
        if let Poll::Ready(Ok(())) = res {
            this.bytes_read += (out.filled().len() - before) as u64;
        }
        res
    }
}

impl<R: fmt::Debug> fmt::Debug for StreamReader<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamReader")
            .field("inner", &self.inner)
            .field("buffered", &self.buf.len())
            .field("bytes_read", &self.bytes_read)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncWriteExt, duplex};

    // test_makefile.py::test_bytes_read
    #[tokio::test]
    async fn counts_consumed_bytes() {
        let (mut tx, rx) = duplex(64);
        tx.write_all(b"foo").await.unwrap();
        drop(tx);
        let mut r = StreamReader::new(rx);
        assert_eq!(r.fill().await.unwrap(), 3);
        assert_eq!(r.buffer(), b"foo");
        assert_eq!(r.bytes_read(), 0, "buffered bytes count once consumed");
        r.consume(3);
        assert_eq!(r.bytes_read(), 3);
        assert_eq!(r.fill().await.unwrap(), 0, "end of stream");
        assert!(!r.has_data());
    }

    #[tokio::test]
    async fn has_data_sees_pipelined_bytes() {
        let (mut tx, rx) = duplex(64);
        tx.write_all(b"GET /a HTTP/1.1\r\n\r\nGET /b")
            .await
            .unwrap();
        let mut r = StreamReader::new(rx);
        r.fill().await.unwrap();
        let first = r.split_to(19);
        assert_eq!(&first[..], b"GET /a HTTP/1.1\r\n\r\n");
        assert!(r.has_data());
        assert_eq!(r.buffer(), b"GET /b");
        assert_eq!(r.bytes_read(), 19);
    }

    #[tokio::test]
    async fn consume_is_clamped() {
        let (mut tx, rx) = duplex(64);
        tx.write_all(b"ab").await.unwrap();
        let mut r = StreamReader::new(rx);
        r.fill().await.unwrap();
        r.consume(10);
        assert_eq!(r.bytes_read(), 2);
        assert!(r.buffer().is_empty());
        assert!(r.split_to(5).is_empty());
    }

    #[tokio::test]
    async fn fill_appends_across_reads() {
        let (mut tx, rx) = duplex(4);
        let mut r = StreamReader::with_read_size(rx, 2);
        let writer = tokio::spawn(async move {
            tx.write_all(b"hello world").await.unwrap();
        });
        for _ in 0..20 {
            if r.buffer().len() == 11 {
                break;
            }
            assert_ne!(r.fill().await.unwrap(), 0);
        }
        assert_eq!(r.buffer(), b"hello world");
        writer.await.unwrap();
    }

    #[tokio::test]
    async fn shrink_releases_memory() {
        let (mut tx, rx) = duplex(64);
        let mut r = StreamReader::new(rx);
        assert_eq!(
            r.buffer_capacity(),
            0,
            "no allocation before the first read"
        );
        tx.write_all(b"abcdef").await.unwrap();
        r.fill().await.unwrap();
        assert!(r.buffer_capacity() >= DEFAULT_BUFFER_SIZE);
        r.consume(4);
        r.shrink();
        assert_eq!(r.buffer(), b"ef", "pipelined bytes survive a shrink");
        assert!(r.buffer_capacity() < 64);
        r.consume(2);
        r.shrink();
        assert_eq!(r.buffer_capacity(), 0);
        tx.write_all(b"gh").await.unwrap();
        r.fill().await.unwrap();
        assert_eq!(r.buffer(), b"gh");
    }

    #[tokio::test]
    async fn waiting_on_an_idle_stream_allocates_nothing() {
        use std::future::Future;
        use std::task::Waker;

        let (mut tx, rx) = duplex(64);
        let mut r = StreamReader::new(rx);
        {
            let mut fut = std::pin::pin!(r.fill());
            let mut cx = Context::from_waker(Waker::noop());
            assert!(fut.as_mut().poll(&mut cx).is_pending());
        }
        assert_eq!(r.buffer_capacity(), 0);
        tx.write_all(b"GET").await.unwrap();
        assert_eq!(r.fill().await.unwrap(), 3);
        assert_eq!(r.buffer(), b"GET");
        assert!(
            r.buffer_capacity() >= DEFAULT_BUFFER_SIZE,
            "room for the rest of the request"
        );
    }

    #[tokio::test]
    async fn async_read_serves_buffer_then_stream() {
        let (mut tx, rx) = duplex(64);
        tx.write_all(b"head|").await.unwrap();
        let mut r = StreamReader::new(rx);
        r.fill().await.unwrap();
        tx.write_all(b"body").await.unwrap();
        drop(tx);
        let mut all = Vec::new();
        r.read_to_end(&mut all).await.unwrap();
        assert_eq!(all, b"head|body");
        assert_eq!(r.bytes_read(), 9);
    }
}
