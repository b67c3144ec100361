//! Waiting for and parsing the next request head: pipelined bytes first, then the socket, with
//! the idle keep-alive parking, the per-read and whole-head timeouts and the stop signal.

use std::time::{Duration, Instant};

use cheroot_wire::{
    ParseError, RequestHead, ScannedHead, Status, request_head_eof_error, scan_request_head,
};
use tokio::io::{AsyncRead, AsyncWrite};

use crate::conn::zero_copy::ZeroCopy;

use super::{Conn, log_socket_error};
use crate::shutdown::stopped;

/// How long a keep-alive connection waits for its next request with its buffers kept before
/// it releases them and parks.
const PARK_AFTER: Duration = Duration::from_millis(50);

/// How long a fresh connection may still take to send its first request once the server
/// stops.
const FIRST_REQUEST_GRACE: Duration = Duration::from_secs(1);

/// Why waiting for a request head gave none.
#[derive(Debug)]
pub(super) enum NoHead {
    /// Closed without a word: EOF between requests, idle timeout, or server stop.
    Closed,
    /// A read or write failed: the client is gone.
    Gone,
    /// No complete head within `timeout` on a fresh connection or mid-head, or within
    /// `header_timeout` of its first byte: answer 408.
    TimedOut,
    /// The head is malformed.
    Rejected(ParseError),
}

impl<R, W> Conn<R, W>
where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + ZeroCopy + Unpin + Send + 'static,
{
    /// The next head when the buffer already holds it in full (or holds a bad one), found
    /// without an await; `None` when [`read_head`](Self::read_head) must wait for bytes or
    /// flush a full batch first (it parses again then).
    pub(super) fn head_now(&mut self) -> Option<Result<RequestHead, NoHead>> {
        if self.writer.buffered_len() >= super::BATCH_LIMIT {
            return None;
        }
        let buffer = self.reader.buffer();
        if buffer.len() > self.shared.parse_options.limits.max_head_size || !buffer.contains(&b'\n')
        {
            return None;
        }
        match scan_request_head(buffer, &self.shared.parse_options) {
            Ok(Status::Complete(scanned)) => Some(Ok(self.take_head(scanned))),
            Ok(Status::Partial) => None,
            Err(err) => Some(Err(NoHead::Rejected(err))),
        }
    }

    /// Takes a complete head's bytes out of the read buffer, without a copy: the head shares
    /// the buffer's allocation until the request is done.
    fn take_head(&mut self, scanned: ScannedHead) -> RequestHead {
        let used = scanned.used();
        self.head_len = used;
        scanned.into_head(self.reader.split_to(used))
    }

    pub(super) async fn read_head(&mut self) -> Result<RequestHead, NoHead> {
        // Bytes already looked at without finding a line end; parsing again is pointless
        // until a new line arrives.
        let mut checked = 0;
        let limit = self.shared.parse_options.limits.max_head_size;
        // Set at the head's first byte: the whole head must arrive by then (slowloris).
        let mut deadline: Option<Instant> = None;
        loop {
            // Batching pipelined responses must not hold an unbounded amount of them.
            if self.writer.buffered_len() >= super::BATCH_LIMIT && !self.flush().await {
                return Err(NoHead::Gone);
            }
            let buffer = self.reader.buffer();
            let over = buffer.len() > limit;
            if over || (buffer.len() > checked && buffer[checked..].contains(&b'\n')) {
                match scan_request_head(buffer, &self.shared.parse_options) {
                    Ok(Status::Complete(scanned)) => return Ok(self.take_head(scanned)),
                    Ok(Status::Partial) if over => {
                        // The parser should have refused this already; never buffer more.
                        return Err(NoHead::Rejected(too_large(buffer)));
                    }
                    Ok(Status::Partial) => {}
                    Err(err) => return Err(NoHead::Rejected(err)),
                }
            }
            checked = buffer.len();

            // The next request is not all here: send the responses batched so far (one write
            // for a whole pipelined batch) before waiting on the socket.
            if !self.flush().await {
                return Err(NoHead::Gone);
            }
            let started = !self.reader.buffer().is_empty();
            let idle = !started && self.requests_seen > 0;
            let config = &self.shared.config;
            let mut timeout = self.shared.live.timeout();
            if started {
                let deadline =
                    *deadline.get_or_insert_with(|| Instant::now() + config.header_timeout);
                timeout = timeout.min(deadline.saturating_duration_since(Instant::now()));
            }
            let read = if idle {
                // A busy keep-alive client sends its next request within moments: wait a
                // little with the buffers kept, and park (releasing them) only if it stays
                // quiet. Releasing them at every wait, as first done, freed and allocated
                // both buffers per request.
                //
                // This short wait does not watch the stop signal: a stop is seen before it
                // and once it ends, so a keep-alive connection closes at most `PARK_AFTER`
                // after a stop (serving a request that arrives meanwhile, with its
                // response). Watching it meant joining and leaving the signal's list of
                // waiters at every request: 460 of a native hello response's 5,980
                // instructions under 50 keep-alive connections (callgrind;
                // docs/benchmarks.md, issue 16).
                if self.shared.tracker.is_stopping() {
                    return Err(NoHead::Closed);
                }
                let first = PARK_AFTER.min(timeout);
                let quick = self.read_timer.within(first, self.reader.fill()).await;
                match quick {
                    Ok(read) => Ok(read),
                    Err(_) => {
                        // A parked connection holds no buffers while it waits.
                        self.reader.shrink();
                        self.writer.shrink();
                        self.events = None;
                        self.job_slot = None;
                        let _parked = self.shared.tracker.idle();
                        tokio::select! {
                            read = self.read_timer.within(timeout - first, self.reader.fill()) => read,
                            () = stopped(&mut self.stop) => return Err(NoHead::Closed),
                        }
                    }
                }
            } else {
                tokio::select! {
                    read = self.read_timer.within(timeout, self.reader.fill()) => read,
                    // A connection accepted just before the stop has not sent its request yet,
                    // but its client connected to send one: closing it now would lose that
                    // request (a worker stopping at a reload would drop it while the new
                    // workers are ready to serve). It gets a moment to arrive, and is then
                    // served with `Connection: close`.
                    () = stopped(&mut self.stop), if !started => {
                        match self.read_timer.within(FIRST_REQUEST_GRACE.min(timeout), self.reader.fill()).await {
                            Ok(read) => Ok(read),
                            Err(_) => return Err(NoHead::Closed),
                        }
                    }
                }
            };
            match read {
                Ok(Ok(0)) => {
                    // cheroot answers a head cut short by EOF (the client may only have
                    // closed its sending side).
                    return match request_head_eof_error(self.reader.buffer()) {
                        Some(err) => Err(NoHead::Rejected(err)),
                        None => Err(NoHead::Closed),
                    };
                }
                // A TLS peer that closes without close_notify: rustls says UnexpectedEof where
                // OpenSSL and cheroot's ssl module (suppress_ragged_eofs) see an end of stream.
                // The HTTP framing, not the TLS alert, tells whether anything was cut short.
                Ok(Err(err)) if err.kind() == std::io::ErrorKind::UnexpectedEof => {
                    return match request_head_eof_error(self.reader.buffer()) {
                        Some(err) => Err(NoHead::Rejected(err)),
                        None => Err(NoHead::Closed),
                    };
                }
                Ok(Ok(_)) => {}
                Ok(Err(err)) => {
                    log_socket_error(&err);
                    return Err(NoHead::Gone);
                }
                // test_conn.py::test_HTTP11_Timeout_after_request: an idle keep-alive
                // connection closes silently; a fresh or half-sent one gets 408.
                Err(_) if idle => return Err(NoHead::Closed),
                Err(_) => return Err(NoHead::TimedOut),
            }
        }
    }
}

/// The error for a head over the size limit: 414 while still in the request line, else 431.
fn too_large(buffer: &[u8]) -> ParseError {
    if buffer.contains(&b'\n') {
        ParseError::new(
            431,
            "The headers sent with the request exceed the maximum allowed bytes.",
        )
    } else {
        ParseError::new(
            414,
            "The Request-URI sent with the request exceeds the maximum allowed bytes.",
        )
    }
}
