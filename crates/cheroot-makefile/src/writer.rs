//! `StreamWriter`: batches small writes and queues large `Bytes` so a flush is one `writev`.

use std::collections::VecDeque;
use std::fmt;
use std::future::poll_fn;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::{Buf, Bytes, BytesMut};
use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::DEFAULT_BUFFER_SIZE;

/// Below this size a pushed `Bytes` is copied into the buffer: one more slice in a `writev`
/// costs more than copying a few hundred bytes.
const COPY_BELOW: usize = 512;

/// How many slices one `writev` carries at most (Linux allows 1024; a response has few).
const MAX_SLICES: usize = 64;

/// A buffered writer over an async byte stream.
///
/// Small pieces (a response head from an encoder writing into
/// [`buffer_mut`](Self::buffer_mut), short chunks through [`write_all`](Self::write_all)) are
/// copied into one `BytesMut`; a large body handed over as [`Bytes`] is queued as is. A
/// [`flush`](Self::flush) sends everything pending with vectored writes, normally one system
/// call, and nothing is written before it unless the pending bytes pass the batch size
/// (8 KiB by default), which bounds the memory one connection holds.
///
/// It also implements [`AsyncWrite`] with the same batching, for code generic over writers
/// (`tokio::io::copy`, a body writer); the inherent `write_all`, `flush` and `shutdown` do the
/// same as the trait's.
pub struct StreamWriter<W> {
    inner: W,
    /// Bytes queued before `buf`, in order.
    queue: VecDeque<Bytes>,
    queued: usize,
    /// The tail that small writes are copied into.
    buf: BytesMut,
    batch_size: usize,
    bytes_written: u64,
}

impl<W> StreamWriter<W> {
    /// A writer with cheroot's 8 KiB batch size. It allocates nothing until the first write.
    pub fn new(inner: W) -> Self {
        Self::with_batch_size(inner, DEFAULT_BUFFER_SIZE)
    }

    /// A writer that sends once more than `batch_size` bytes are pending (at least 1).
    pub fn with_batch_size(inner: W, batch_size: usize) -> Self {
        StreamWriter {
            inner,
            queue: VecDeque::new(),
            queued: 0,
            buf: BytesMut::new(),
            batch_size: batch_size.max(1),
            bytes_written: 0,
        }
    }

    /// The tail of the write buffer, for encoders that write into a `BytesMut` (a response
    /// head). What is appended here goes out after everything already pending.
    pub fn buffer_mut(&mut self) -> &mut BytesMut {
        &mut self.buf
    }

    /// Appends a copy of `data` to the pending bytes without writing.
    pub fn push(&mut self, data: &[u8]) {
        self.buf.extend_from_slice(data);
    }

    /// Appends `data` to the pending bytes without writing; a large `Bytes` is queued without
    /// a copy.
    pub fn push_bytes(&mut self, data: Bytes) {
        if data.len() < COPY_BELOW {
            self.buf.extend_from_slice(&data);
            return;
        }
        if !self.buf.is_empty() {
            // Freeze the tail so far; the allocation's spare room stays with `buf`.
            let head = self.buf.split().freeze();
            self.queued += head.len();
            self.queue.push_back(head);
        }
        self.queued += data.len();
        self.queue.push_back(data);
    }

    /// Whether `len` more bytes stay pending: [`write_all`](Self::write_all) and
    /// [`write_bytes`](Self::write_bytes) of that many write nothing to the stream, so they
    /// cannot wait (a caller may then skip the timer it would put around them).
    pub fn has_room(&self, len: usize) -> bool {
        self.buffered_len() + len <= self.batch_size
    }

    /// How many bytes are pending, not yet written to the stream.
    pub fn buffered_len(&self) -> usize {
        self.queued + self.buf.len()
    }

    /// How many bytes the stream accepted so far (cheroot's `StreamWriter.bytes_written`).
    pub fn bytes_written(&self) -> u64 {
        self.bytes_written
    }

    /// Counts `n` bytes written to the stream past this writer (a file sent by the kernel
    /// with sendfile(2)).
    pub fn count_written(&mut self, n: u64) {
        self.bytes_written += n;
    }

    /// Resets the byte counter to 0, e.g. at the start of a response.
    pub fn reset_bytes_written(&mut self) {
        self.bytes_written = 0;
    }

    /// The size of the write buffer's allocation, in bytes.
    pub fn buffer_capacity(&self) -> usize {
        self.buf.capacity()
    }

    /// Releases the write buffer's memory if nothing is pending, for a connection about to be
    /// parked idle. Returns whether it did.
    pub fn shrink(&mut self) -> bool {
        if self.buffered_len() != 0 {
            return false;
        }
        self.buf = BytesMut::new();
        self.queue = VecDeque::new();
        true
    }

    /// The wrapped stream.
    pub fn get_ref(&self) -> &W {
        &self.inner
    }

    /// The wrapped stream, mutably. Writing to it directly skips the pending bytes.
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.inner
    }

    /// The wrapped stream; pending bytes are dropped.
    pub fn into_inner(self) -> W {
        self.inner
    }

    /// Drops `n` written bytes from the front of the queue, then the buffer, then `extra`;
    /// returns how many bytes of `extra` were written.
    fn advance(&mut self, mut n: usize) -> usize {
        while n > 0 {
            let Some(front) = self.queue.front_mut() else {
                break;
            };
            let k = n.min(front.len());
            front.advance(k);
            self.queued -= k;
            n -= k;
            if front.is_empty() {
                self.queue.pop_front();
            }
        }
        let k = n.min(self.buf.len());
        self.buf.advance(k);
        n - k
    }
}

impl<W: AsyncWrite + Unpin> StreamWriter<W> {
    /// Writes `data` after the pending bytes. Short data is only buffered; once the total would
    /// pass the batch size, everything pending and `data` go out together in vectored writes,
    /// without copying `data`.
    ///
    /// # Errors
    ///
    /// The stream's write error; `WriteZero` if the stream stops accepting bytes. After an
    /// error the pending bytes are in an unknown state: close the connection.
    pub async fn write_all(&mut self, data: &[u8]) -> io::Result<()> {
        if self.buffered_len() + data.len() <= self.batch_size {
            self.push(data);
            return Ok(());
        }
        self.send(data).await
    }

    /// Appends `data` (queued without a copy when large) and writes everything pending once
    /// it passes the batch size.
    ///
    /// # Errors
    ///
    /// As [`write_all`](Self::write_all).
    pub async fn write_bytes(&mut self, data: Bytes) -> io::Result<()> {
        self.push_bytes(data);
        if self.buffered_len() > self.batch_size {
            self.send(&[]).await?;
        }
        Ok(())
    }

    /// Writes every pending byte, then flushes the stream.
    ///
    /// # Errors
    ///
    /// As [`write_all`](Self::write_all).
    pub async fn flush(&mut self) -> io::Result<()> {
        self.send(&[]).await?;
        self.inner.flush().await
    }

    /// Shuts the stream's write side down after writing every pending byte.
    ///
    /// # Errors
    ///
    /// As [`write_all`](Self::write_all), or the stream's shutdown error.
    pub async fn shutdown(&mut self) -> io::Result<()> {
        self.send(&[]).await?;
        self.inner.shutdown().await
    }

    /// Writes the queue, the buffer and then `extra`, with as few system calls as the stream
    /// allows.
    async fn send(&mut self, mut extra: &[u8]) -> io::Result<()> {
        poll_fn(|cx| self.poll_send(cx, &mut extra)).await
    }

    /// Drives [`send`](Self::send): writes until nothing is pending and `extra` is empty,
    /// shortening `extra` as its bytes go out. Progress survives a `Pending`.
    fn poll_send(&mut self, cx: &mut Context<'_>, extra: &mut &[u8]) -> Poll<io::Result<()>> {
        loop {
            // The usual case, only the buffer pending (a response written into it), is one
            // plain write: the slice array below is a kilobyte to fill on every pass, the pass
            // that finds nothing left included (400 of a native hello response's 6,500
            // instructions; callgrind, docs/benchmarks.md, issue 16).
            if self.queue.is_empty() && extra.is_empty() {
                if self.buf.is_empty() {
                    return Poll::Ready(Ok(()));
                }
                let n = ready!(Pin::new(&mut self.inner).poll_write(cx, &self.buf))?;
                self.wrote(n, extra)?;
                continue;
            }
            let n = {
                let mut slices = [IoSlice::new(&[]); MAX_SLICES];
                let count = gather(&self.queue, &self.buf, &mut slices, extra);
                if count == 0 {
                    return Poll::Ready(Ok(()));
                }
                ready!(Pin::new(&mut self.inner).poll_write_vectored(cx, &slices[..count]))?
            };
            self.wrote(n, extra)?;
        }
    }

    /// Accounts for `n` bytes the stream accepted.
    fn wrote(&mut self, n: usize, extra: &mut &[u8]) -> io::Result<()> {
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::WriteZero,
                "the stream accepted no bytes",
            ));
        }
        self.bytes_written += n as u64;
        let into_extra = self.advance(n);
        *extra = &extra[into_extra..];
        Ok(())
    }
}

/// Fills `slices` with the queue, the buffer and `extra`, in order, as far as they fit;
/// returns how many it used.
fn gather<'a>(
    queue: &'a VecDeque<Bytes>,
    buf: &'a BytesMut,
    slices: &mut [IoSlice<'a>; MAX_SLICES],
    extra: &'a [u8],
) -> usize {
    let mut count = 0;
    for b in queue.iter().take(MAX_SLICES - 2) {
        slices[count] = IoSlice::new(b);
        count += 1;
    }
    // Later pieces only go in when all earlier ones did, to keep the order.
    if count == queue.len() {
        if !buf.is_empty() {
            slices[count] = IoSlice::new(buf);
            count += 1;
        }
        if !extra.is_empty() {
            slices[count] = IoSlice::new(extra);
            count += 1;
        }
    }
    count
}

/// Writing through the buffer: small writes are only buffered, a write that would pass the
/// batch size goes out together with the pending bytes in one vectored write.
impl<W: AsyncWrite + Unpin> AsyncWrite for StreamWriter<W> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.buffered_len() + data.len() <= this.batch_size {
            this.push(data);
            return Poll::Ready(Ok(data.len()));
        }
        let mut extra = data;
        loop {
            let taken = data.len() - extra.len();
            let n = {
                let mut slices = [IoSlice::new(&[]); MAX_SLICES];
                let count = gather(&this.queue, &this.buf, &mut slices, extra);
                if count == 0 {
                    return Poll::Ready(Ok(taken));
                }
                match Pin::new(&mut this.inner).poll_write_vectored(cx, &slices[..count]) {
                    // Some of `data` went out: report it; the rest is the caller's next call.
                    Poll::Pending | Poll::Ready(Err(_)) if taken > 0 => {
                        return Poll::Ready(Ok(taken));
                    }
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(res) => res?,
                }
            };
            this.wrote(n, &mut extra)?;
            // Once the pending bytes are out, what is left of `data` may fit in the buffer.
            if this.buffered_len() == 0 && extra.len() <= this.batch_size {
                this.push(extra);
                return Poll::Ready(Ok(data.len()));
            }
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_send(cx, &mut &[][..]))?;
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_send(cx, &mut &[][..]))?;
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}

impl<W: fmt::Debug> fmt::Debug for StreamWriter<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamWriter")
            .field("inner", &self.inner)
            .field("pending", &self.buffered_len())
            .field("bytes_written", &self.bytes_written)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, duplex};

    /// A stream that records each write call, accepting at most `limit` bytes per call.
    #[derive(Debug, Default)]
    struct Recorder {
        calls: Vec<Vec<u8>>,
        limit: usize,
        flushed: bool,
    }

    impl AsyncWrite for Recorder {
        fn poll_write(
            self: Pin<&mut Self>,
            _cx: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<io::Result<usize>> {
            let this = self.get_mut();
            let n = buf.len().min(this.limit);
            this.calls.push(buf[..n].to_vec());
            Poll::Ready(Ok(n))
        }
        fn poll_write_vectored(
            self: Pin<&mut Self>,
            _cx: &mut Context<'_>,
            bufs: &[IoSlice<'_>],
        ) -> Poll<io::Result<usize>> {
            let this = self.get_mut();
            let mut call = Vec::new();
            for b in bufs {
                let room = this.limit - call.len();
                call.extend_from_slice(&b[..b.len().min(room)]);
            }
            let n = call.len();
            this.calls.push(call);
            Poll::Ready(Ok(n))
        }
        fn is_write_vectored(&self) -> bool {
            true
        }
        fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            self.get_mut().flushed = true;
            Poll::Ready(Ok(()))
        }
        fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }
    }

    fn recorder(limit: usize) -> Recorder {
        Recorder {
            limit,
            ..Recorder::default()
        }
    }

    // test_makefile.py::test_bytes_written
    #[tokio::test]
    async fn counts_written_bytes() {
        let (tx, mut rx) = duplex(64);
        let mut w = StreamWriter::new(tx);
        w.write_all(b"bar").await.unwrap();
        assert_eq!(w.bytes_written(), 0, "buffered until flush");
        w.flush().await.unwrap();
        assert_eq!(w.bytes_written(), 3);
        let mut got = [0u8; 3];
        rx.read_exact(&mut got).await.unwrap();
        assert_eq!(&got, b"bar");
    }

    #[tokio::test]
    async fn head_and_large_body_go_out_in_one_call() {
        let mut w = StreamWriter::new(recorder(usize::MAX));
        w.buffer_mut().extend_from_slice(b"HTTP/1.1 200 OK\r\n\r\n");
        let body = Bytes::from(vec![b'x'; 100_000]);
        w.push_bytes(body.clone());
        w.push(b"trailer");
        w.flush().await.unwrap();
        let calls = &w.get_ref().calls;
        assert_eq!(calls.len(), 1);
        let mut want = b"HTTP/1.1 200 OK\r\n\r\n".to_vec();
        want.extend_from_slice(&body);
        want.extend_from_slice(b"trailer");
        assert_eq!(calls[0], want);
        assert!(w.get_ref().flushed);
        assert_eq!(w.bytes_written(), want.len() as u64);
        assert_eq!(w.buffered_len(), 0);
    }

    #[tokio::test]
    async fn partial_writes_keep_order() {
        let mut w = StreamWriter::new(recorder(7));
        w.push(b"head:");
        w.push_bytes(Bytes::from(vec![b'a'; 600]));
        w.push(b":mid:");
        w.push_bytes(Bytes::from(vec![b'b'; 600]));
        w.write_all(&[b'c'; 9000]).await.unwrap();
        w.flush().await.unwrap();
        let all: Vec<u8> = w.get_ref().calls.concat();
        let mut want = b"head:".to_vec();
        want.extend(std::iter::repeat_n(b'a', 600));
        want.extend_from_slice(b":mid:");
        want.extend(std::iter::repeat_n(b'b', 600));
        want.extend(std::iter::repeat_n(b'c', 9000));
        assert_eq!(all, want);
        assert_eq!(w.bytes_written(), want.len() as u64);
    }

    #[tokio::test]
    async fn write_all_over_batch_sends_without_flush() {
        let mut w = StreamWriter::with_batch_size(recorder(usize::MAX), 16);
        w.write_all(b"0123456789").await.unwrap();
        assert!(w.get_ref().calls.is_empty());
        w.write_all(b"abcdefghij").await.unwrap();
        assert_eq!(w.get_ref().calls, vec![b"0123456789abcdefghij".to_vec()]);
        assert_eq!(w.buffered_len(), 0);
    }

    #[tokio::test]
    async fn many_queued_pieces_are_all_sent() {
        let mut w = StreamWriter::new(recorder(usize::MAX));
        let mut want = Vec::new();
        for i in 0..200u8 {
            let piece = Bytes::from(vec![i; COPY_BELOW]);
            want.extend_from_slice(&piece);
            w.push_bytes(piece);
            w.push(&[i]);
            want.push(i);
        }
        w.flush().await.unwrap();
        assert_eq!(w.get_ref().calls.concat(), want);
        assert!(
            w.get_ref().calls.len() > 1,
            "at most {MAX_SLICES} slices per call"
        );
    }

    #[tokio::test]
    async fn async_write_keeps_order_through_copy() {
        // tokio::io::copy drives `poll_write` with 8 KiB pieces; the stream takes 1000 at a
        // time.
        let data: Vec<u8> = (0..50_000u32).map(|i| (i % 251) as u8).collect();
        let mut w = StreamWriter::with_batch_size(recorder(1000), 4096);
        w.push(b"head:");
        let mut src: &[u8] = &data;
        let copied = tokio::io::copy(&mut src, &mut w).await.unwrap();
        assert_eq!(copied, data.len() as u64);
        AsyncWriteExt::flush(&mut w).await.unwrap();
        let mut want = b"head:".to_vec();
        want.extend_from_slice(&data);
        assert_eq!(w.get_ref().calls.concat(), want);
        assert_eq!(w.bytes_written(), want.len() as u64);
        assert!(w.get_ref().calls.iter().all(|c| c.len() <= 1000));
    }

    #[tokio::test]
    async fn async_write_small_pieces_are_batched() {
        let mut w = StreamWriter::with_batch_size(recorder(usize::MAX), 16);
        for piece in [&b"abc"[..], b"defgh", b"ij"] {
            assert_eq!(
                AsyncWriteExt::write(&mut w, piece).await.unwrap(),
                piece.len()
            );
        }
        assert!(w.get_ref().calls.is_empty());
        AsyncWriteExt::write_all(&mut w, b"0123456789")
            .await
            .unwrap();
        assert_eq!(w.get_ref().calls, vec![b"abcdefghij0123456789".to_vec()]);
        AsyncWriteExt::shutdown(&mut w).await.unwrap();
    }

    #[tokio::test]
    async fn write_zero_is_an_error() {
        let mut w = StreamWriter::new(recorder(0));
        w.push(b"x");
        let err = w.flush().await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::WriteZero);
    }

    #[tokio::test]
    async fn shrink_only_when_empty() {
        let mut w = StreamWriter::new(recorder(usize::MAX));
        w.push(b"abc");
        assert!(!w.shrink());
        w.flush().await.unwrap();
        assert!(w.buffer_capacity() > 0);
        assert!(w.shrink());
        assert_eq!(w.buffer_capacity(), 0);
    }
}
