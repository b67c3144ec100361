//! The request body as a gateway reads it: bytes buffered up front, or streamed from the
//! connection task through a small bounded channel.

use std::io::{self, Read};

use bytes::{Buf, Bytes};
use tokio::sync::{mpsc, oneshot};

use crate::exchange::client_side::client_side;

/// How many body pieces may wait between the connection task and a worker. With pieces of at
/// most one read buffer (8 KiB), a request holds a few tens of KiB whatever the body size.
pub(crate) const BODY_CHANNEL_CAPACITY: usize = 4;

/// A message on the body channel: `Ok(Some(piece))`, `Ok(None)` at the end of the body, or the
/// error that ends it (a client gone mid-body, a body over the size limit, a malformed chunk).
/// The channel closing without `Ok(None)` means the connection went away mid-body.
pub(crate) type BodyMessage = io::Result<Option<Bytes>>;

enum Source {
    /// Everything, already read (inline gateways, small bodies).
    Buffered(Option<Bytes>),
    /// Pieces sent by the connection task; the channel closing means the end of the body.
    Channel(mpsc::Receiver<BodyMessage>),
}

/// Tells the connection task that the gateway started reading the body: a client that sent
/// `Expect: 100-continue` then gets its `100 Continue` (and none if the body is never read).
pub(crate) type Demand = oneshot::Sender<()>;

/// The body of one request, read as [`std::io::Read`] or piece by piece with
/// [`read_chunk`](RequestBody::read_chunk).
///
/// On a worker thread a read blocks only that thread until the client sends more. The body is
/// already de-chunked; a read past the end returns 0 (or `None`). A body that ends badly (the
/// client disconnects, the body passes `max_request_body_size`, a chunk is malformed) returns
/// that error, and the server then answers with the matching status if the gateway fails.
pub struct RequestBody {
    source: Source,
    /// Fired on the first read, then dropped.
    demand: Option<Demand>,
    /// The unread rest of the last piece, for `Read`.
    current: Bytes,
    finished: bool,
}

impl std::fmt::Debug for RequestBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestBody")
            .field("buffered", &self.current.len())
            .field("finished", &self.finished)
            .finish()
    }
}

impl RequestBody {
    /// An empty body.
    pub fn empty() -> Self {
        Self::buffered(Bytes::new())
    }

    /// A body already in memory.
    pub fn buffered(data: Bytes) -> Self {
        Self {
            source: Source::Buffered(Some(data)),
            demand: None,
            current: Bytes::new(),
            finished: false,
        }
    }

    /// A body whose first bytes, `first`, are already here and whose rest streams through
    /// `rx`; `demand`, if given, fires on the first read that needs the channel.
    pub(crate) fn channel(
        rx: mpsc::Receiver<BodyMessage>,
        demand: Option<Demand>,
        first: Bytes,
    ) -> Self {
        Self {
            source: Source::Channel(rx),
            demand,
            current: first,
            finished: false,
        }
    }

    /// The next piece of the body, `None` at its end.
    ///
    /// # Errors
    ///
    /// The error that ended the body early (see the type documentation).
    ///
    /// # Panics
    ///
    /// A streamed body must not be read from inside an async task (the server only hands
    /// streamed bodies to worker-pool threads, so a gateway never meets this).
    pub fn read_chunk(&mut self) -> io::Result<Option<Bytes>> {
        if !self.current.is_empty() {
            return Ok(Some(std::mem::take(&mut self.current)));
        }
        if self.finished {
            return Ok(None);
        }
        if let Some(demand) = self.demand.take() {
            let _ = demand.send(());
        }
        loop {
            let next = match &mut self.source {
                Source::Buffered(data) => data.take(),
                Source::Channel(rx) => match rx.blocking_recv() {
                    Some(Ok(piece)) => piece,
                    Some(Err(err)) => {
                        self.finished = true;
                        return Err(err);
                    }
                    None => {
                        self.finished = true;
                        return Err(client_side(
                            io::ErrorKind::UnexpectedEof,
                            "the client connection closed before the request body ended",
                        ));
                    }
                },
            };
            match next {
                Some(piece) if piece.is_empty() => continue,
                Some(piece) => return Ok(Some(piece)),
                None => {
                    self.finished = true;
                    return Ok(None);
                }
            }
        }
    }

    /// Reads and drops the rest of the body.
    ///
    /// # Errors
    ///
    /// As [`read_chunk`](RequestBody::read_chunk).
    pub fn discard(&mut self) -> io::Result<()> {
        while self.read_chunk()?.is_some() {}
        Ok(())
    }

    /// Reads the rest of the body into memory.
    ///
    /// # Errors
    ///
    /// As [`read_chunk`](RequestBody::read_chunk).
    pub fn read_to_vec(&mut self) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        while let Some(piece) = self.read_chunk()? {
            out.extend_from_slice(&piece);
        }
        Ok(out)
    }
}

impl Read for RequestBody {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.current.is_empty() {
            match self.read_chunk()? {
                Some(piece) => self.current = piece,
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.current.len());
        buf[..n].copy_from_slice(&self.current[..n]);
        self.current.advance(n);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffered_body_reads_then_ends() {
        let mut body = RequestBody::buffered(Bytes::from_static(b"hello"));
        let mut out = [0u8; 3];
        assert_eq!(body.read(&mut out).unwrap(), 3);
        assert_eq!(&out, b"hel");
        assert_eq!(body.read_chunk().unwrap(), Some(Bytes::from_static(b"lo")));
        assert_eq!(body.read_chunk().unwrap(), None);
        assert_eq!(body.read(&mut out).unwrap(), 0);
    }

    #[test]
    fn channel_body_streams_and_reports_errors() {
        let (tx, rx) = mpsc::channel(BODY_CHANNEL_CAPACITY);
        let mut body = RequestBody::channel(rx, None, Bytes::new());
        let sender = std::thread::spawn(move || {
            tx.blocking_send(Ok(Some(Bytes::from_static(b"ab"))))
                .unwrap();
            tx.blocking_send(Ok(Some(Bytes::new()))).unwrap();
            tx.blocking_send(Ok(Some(Bytes::from_static(b"cd"))))
                .unwrap();
            tx.blocking_send(Err(io::Error::new(io::ErrorKind::UnexpectedEof, "gone")))
                .unwrap();
        });
        let mut got = Vec::new();
        let err = loop {
            match body.read_chunk() {
                Ok(Some(piece)) => got.extend_from_slice(&piece),
                Ok(None) => panic!("body ended without the error"),
                Err(err) => break err,
            }
        };
        sender.join().unwrap();
        assert_eq!(got, b"abcd");
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
        assert_eq!(body.read_chunk().unwrap(), None);
    }

    #[test]
    fn end_marker_ends_the_body() {
        let (tx, rx) = mpsc::channel(2);
        tx.try_send(Ok(Some(Bytes::from_static(b"xy")))).unwrap();
        tx.try_send(Ok(None)).unwrap();
        let mut body = RequestBody::channel(rx, None, Bytes::new());
        assert_eq!(body.read_to_vec().unwrap(), b"xy");
        drop(tx);
        assert_eq!(body.read_chunk().unwrap(), None);
    }

    #[test]
    fn the_first_read_fires_the_demand() {
        let (tx, rx) = mpsc::channel(2);
        let (demand, mut asked) = oneshot::channel();
        let mut body = RequestBody::channel(rx, Some(demand), Bytes::new());
        assert!(asked.try_recv().is_err(), "no demand before a read");
        tx.try_send(Ok(None)).unwrap();
        assert_eq!(body.read_chunk().unwrap(), None);
        assert_eq!(asked.try_recv(), Ok(()));
    }

    #[test]
    fn closed_channel_without_end_is_an_error() {
        let (tx, rx) = mpsc::channel::<BodyMessage>(1);
        drop(tx);
        let mut body = RequestBody::channel(rx, None, Bytes::new());
        let err = body.read_to_vec().unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
    }
}
