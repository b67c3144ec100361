//! The connection driver: one tokio task per connection, serving its requests one after
//! another (keep-alive, pipelining) until it closes.
//!
//! Phases, one file each: [`read_head`] waits for and parses a request head (and parks an
//! idle keep-alive connection), [`body`] decodes a request body, [`inline`] and [`pooled`] run
//! the gateway on the I/O task or on the worker pool, [`drain`] skips an unread body before the
//! next request, [`keepalive`] holds the persistence rules and [`run_gateway`] calls the gateway;
//! [`read_timer`] times the waits for a request.

mod body;
mod body_deadline;
mod drain;
mod inline;
mod keepalive;
mod pooled;
mod prebuffer;
mod read_head;
mod read_timer;
mod run_gateway;
pub(crate) mod zero_copy;

use std::future::poll_fn;
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use cheroot_makefile::StreamReader;
use cheroot_makefile::StreamWriter;
use cheroot_wire::{BodyFraming, HttpDate, ParseError, RequestHead, body_framing};
use tokio::io::{AsyncRead, AsyncWrite};

use crate::conn::zero_copy::ZeroCopy;
use tokio::sync::watch;

use crate::config::ExpectContinue;
use crate::exchange::access_log::{self, AccessEntry, Answered};
use crate::exchange::conn_info::ConnInfo;
use crate::exchange::outcome::{Failure, Outcome};
use crate::exchange::request_body::RequestBody;
use crate::exchange::response::{OVERFLOW_MESSAGE, OutBuf, ResponseCtx};
use crate::server_state::ServerState;
use crate::workers::handoff::EventReceiver;

use body::BodyDecoder;
use body_deadline::BodyDeadline;
use pooled::Continue;
use prebuffer::{PREBUFFER_LIMIT, PREBUFFER_PATIENCE};
use read_head::NoHead;
use read_timer::ReadTimer;

/// Bodies of at most this many bytes (declared) are read before an inline gateway runs;
/// larger or chunked ones send the request to the worker pool.
const INLINE_BODY_LIMIT: u64 = 64 * 1024;

/// Pipelined responses are batched into one write, up to this many bytes.
const BATCH_LIMIT: usize = 64 * 1024;

/// At most this much unread request body is read and dropped to keep a connection open.
const DRAIN_LIMIT: u64 = 1024 * 1024;

/// How long and how much a closing connection keeps reading what the client still sends, so
/// an error response is not destroyed by a reset.
const LINGER_TIME: Duration = Duration::from_secs(2);
const LINGER_BYTES: u64 = 256 * 1024;

/// Serves every request of one accepted connection, then closes it.
pub(crate) async fn serve_connection<R, W>(
    read_half: R,
    write_half: W,
    info: Arc<ConnInfo>,
    shared: Arc<ServerState>,
) where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + ZeroCopy + Unpin + Send + 'static,
{
    let stop = shared.tracker.stop_signal();
    let blocking_gateway = shared.gateway.blocking();
    let mut conn = Conn {
        reader: StreamReader::new(read_half),
        writer: StreamWriter::new(write_half),
        shared,
        info,
        stop,
        requests_seen: 0,
        head_len: 0,
        scratch: BytesMut::new(),
        events: None,
        job_slot: None,
        inline_ctx: None,
        blocking_gateway,
        pending: None,
        access: None,
        read_timer: ReadTimer::new(),
    };
    let ending = conn.run().await;
    conn.close(ending).await;
}

/// How a connection ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ending {
    /// Flush what is pending and close.
    Clean,
    /// Flush, close the write side, and read what the client still sends for a while (the
    /// request was not read to its end).
    Linger,
    /// The client is gone: just drop the socket.
    Abort,
}

/// What follows a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Next {
    KeepAlive,
    Close(Ending),
}

/// How the gateway call went, seen from the connection.
#[derive(Debug)]
enum Dispatch {
    /// The gateway returned (or failed); `body_error` is why the body ended early, if it did.
    Done {
        outcome: Outcome,
        body_error: Option<ParseError>,
    },
    /// The worker pool's queue stayed full for `accepted_queue_timeout`.
    Overloaded,
    /// The request was answered by the server (an error response); close as given.
    Answered(Ending),
    /// The client went away.
    Gone,
}

struct Conn<R, W> {
    reader: StreamReader<R>,
    writer: StreamWriter<W>,
    shared: Arc<ServerState>,
    info: Arc<ConnInfo>,
    stop: watch::Receiver<bool>,
    requests_seen: u64,
    /// Bytes of the last request head, for the stats.
    head_len: usize,
    /// Header lines of inline responses, reused from one response to the next.
    scratch: BytesMut,
    /// The channel of the last pooled response, kept for the next (see
    /// [`EventReceiver::renew`]); released when the connection parks.
    events: Option<EventReceiver>,
    /// Where the last pooled request waited for a worker, kept for the next (see
    /// [`JobSlot`](pooled::JobSlot)); released with `events`.
    job_slot: Option<Arc<pooled::JobSlot>>,
    /// The response context of the last inline request, kept for the next (see
    /// [`response_ctx`](Self::response_ctx)).
    inline_ctx: Option<ResponseCtx>,
    /// The gateway's `blocking()`, asked once per connection rather than per request (a
    /// dynamic call on the hottest path; the answer is a property of the gateway).
    blocking_gateway: bool,
    /// A head (or why none came) found by `serve_buffered`, or behind a pooled batch, left to
    /// the async path.
    /// Boxed: a head is over 200 bytes, and every connection, parked ones included, would
    /// carry the room for one.
    pending: Option<Box<Result<RequestHead, NoHead>>>,
    /// The access log's entry for the request being served, when the log is on; boxed for
    /// the same reason as `pending`.
    access: Option<Box<AccessEntry>>,
    /// Times the waits for the next request's bytes.
    read_timer: ReadTimer,
}

impl<W: AsyncWrite + Unpin + Send> OutBuf for StreamWriter<W> {
    fn buffer_mut(&mut self) -> &mut BytesMut {
        StreamWriter::buffer_mut(self)
    }

    fn push_bytes(&mut self, data: Bytes) {
        StreamWriter::push_bytes(self, data);
    }
}

impl<R, W> Conn<R, W>
where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + ZeroCopy + Unpin + Send + 'static,
{
    async fn run(&mut self) -> Ending {
        loop {
            match self.serve_buffered() {
                Some(Next::KeepAlive) => continue,
                Some(Next::Close(ending)) => return ending,
                None => {}
            }
            // Only waiting for bytes needs `read_head`'s future.
            let outcome = match self.pending.take() {
                Some(outcome) => *outcome,
                None => self.read_head().await,
            };
            let head = match outcome {
                Ok(head) => head,
                Err(NoHead::Closed) => return Ending::Clean,
                Err(NoHead::Gone) => return Ending::Abort,
                Err(NoHead::TimedOut) => {
                    // test_conn.py::test_HTTP11_Timeout: 408 with an empty body, then close.
                    self.access = None;
                    self.simple_response(408, "", false);
                    return Ending::Clean;
                }
                Err(NoHead::Rejected(err)) => {
                    self.access = None;
                    // Before the version is known cheroot names the close only on a head too
                    // large (its 413, our 431); a 414 goes without
                    // (docs/cheroot-reference.md#request-line-too-long).
                    let close_header = err.status() == 431;
                    self.simple_response(err.status(), err.reason(), close_header);
                    return Ending::Linger;
                }
            };
            self.requests_seen += 1;
            let next = if !has_no_body(&head) {
                // Boxed: `handle`'s future is over a kilobyte, and kept inline it would make
                // every connection's task that much larger, parked ones included (scenario I
                // measured ~1.3 KiB more per idle connection).
                Box::pin(self.handle(head)).await
            } else if self.blocking_gateway {
                // Not boxed: 512 bytes, where waiting for the next head takes 432, so every
                // connection's future grows by 80 bytes, against an allocation and a copy per
                // pooled request (350 instructions; docs/benchmarks.md, issue 16).
                self.handle_pooled_now(head).await
            } else {
                // The usual request (no body, inline gateway) never waits: served without
                // building a future at all.
                self.handle_now(&head)
            };
            match next {
                Next::KeepAlive => {}
                Next::Close(ending) => return ending,
            }
        }
    }

    /// Serves the next request when its head is already buffered in full (pipelined) and
    /// [`handle_now`](Self::handle_now) can serve it: no await, and the head never moves into
    /// this task's state. Another buffered head, or a bad one, is left in `pending` for the
    /// loop; `None` then, and when no complete head is buffered.
    fn serve_buffered(&mut self) -> Option<Next> {
        // A head found already (behind a pooled batch) comes first.
        if self.pending.is_some() {
            return None;
        }
        match self.head_now()? {
            Ok(head) if self.serves_now(&head) => {
                self.requests_seen += 1;
                Some(self.handle_now(&head))
            }
            other => {
                self.pending = Some(Box::new(other));
                None
            }
        }
    }

    /// Whether [`handle_now`](Self::handle_now) can serve this request: it has no body and
    /// the gateway runs inline.
    fn serves_now(&self, head: &RequestHead) -> bool {
        !self.blocking_gateway && has_no_body(head)
    }

    /// What every request starts with: the stats' starting figures (when counted), the
    /// version the response speaks, and the access log's entry (when the log is on).
    fn begin_request(
        &mut self,
        head: &RequestHead,
    ) -> (Option<(Instant, u64, u64)>, http::Version) {
        (self.stats_start(), self.open_request(head))
    }

    /// The version a request's response speaks; opens its access log entry when the log is on.
    fn open_request(&mut self, head: &RequestHead) -> http::Version {
        let config = &self.shared.config;
        if config.access_log.is_some() {
            self.access = Some(Box::new(AccessEntry::new(head)));
        }
        keepalive::response_version(head.version, config.protocol.version())
    }

    /// Serves a request without a body for a gateway on the worker pool: with no body there is
    /// no size check, no `100 Continue`, nothing to read before or during the gateway call and
    /// nothing to drain after it, so [`handle`](Self::handle)'s state (over a kilobyte, set up
    /// and moved per request) and its body pump are not built.
    ///
    /// Everything up to the first wait is done before the future is made, the request's parts
    /// moved into the job: the future holds no head (an `async fn` holds its arguments twice,
    /// as they came and as locals). With that, the rare waits boxed (a client slow to take a
    /// large response, the timed flush) and the response's messages taken in synchronous
    /// steps (`take_event`), the future is 512 bytes (a pipelined batch's 24 included) where it
    /// was 1,664, small enough to be part of the connection's own (docs/benchmarks.md, issue
    /// 16).
    fn handle_pooled_now(&mut self, head: RequestHead) -> impl Future<Output = Next> + '_ {
        let version = self.open_request(&head);
        let ctx = self.response_ctx(&head, version);
        let goes_on = ctx.wants_keep_alive;
        let (job, event_rx) = self.pooled_job(head, ctx, RequestBody::buffered(Bytes::new()));
        // Requests pipelined behind this one ride in the same job (see `JobSlot`).
        let batch = if goes_on {
            self.gather_pipelined(version)
        } else {
            None
        };
        // Counted from here, after any gathering: each gathered head counts with its own
        // request (the stats count consumed bytes).
        let started = self.stats_start();
        async move {
            let shared = Arc::clone(&self.shared);
            let _in_flight = shared.tracker.request();
            match batch {
                // Boxed: a batch's state is paid for once per batch, and kept out of every
                // connection's future.
                Some(batch) => {
                    Box::pin(self.respond_pooled_batch(job, event_rx, started, batch)).await
                }
                None => {
                    let dispatch = self.respond_pooled_bodyless(job, event_rx).await;
                    self.settle(dispatch, version, started, true)
                }
            }
        }
    }

    /// Serves a request that [`serves_now`](Self::serves_now) accepted: every step of it is
    /// synchronous.
    fn handle_now(&mut self, head: &RequestHead) -> Next {
        let (started, version) = self.begin_request(head);
        let ctx = self.response_ctx(head, version);
        let dispatch = self.run_inline(head, &ctx, Bytes::new());
        self.inline_ctx = Some(ctx);
        // The body is done, so nothing is left to drain whatever `settle` says.
        self.settle(dispatch, version, started, true)
    }

    /// The response context of a request whose response speaks `version`: the one place one
    /// is made. The context the last inline request gave back is refilled when there is one,
    /// so the usual request takes no reference count.
    // Inlined: on every request; a call of its own showed in instruction counts.
    #[inline]
    fn response_ctx(&mut self, head: &RequestHead, version: http::Version) -> ResponseCtx {
        let wants_keep_alive = keepalive::wants_keep_alive(head, version);
        match self.inline_ctx.take() {
            Some(mut ctx) => {
                ctx.method.clone_from(&head.method);
                ctx.version = version;
                ctx.wants_keep_alive = wants_keep_alive;
                ctx
            }
            None => ResponseCtx {
                method: head.method.clone(),
                version,
                wants_keep_alive,
                env: Arc::clone(&self.shared.response_env),
            },
        }
    }

    /// Serves one request whose head was read.
    async fn handle(&mut self, head: RequestHead) -> Next {
        let shared = Arc::clone(&self.shared);
        let _in_flight = shared.tracker.request();
        let config = &shared.config;
        // The access log's entry is made before the checks below, whose refusals are logged too.
        let (started, version) = self.begin_request(&head);

        let framing = match body_framing(head.version, head.headers()) {
            Ok(framing) => framing,
            Err(err) => {
                self.reject(err, version);
                return Next::Close(Ending::Linger);
            }
        };
        if let BodyFraming::Length(declared) = framing {
            let max = shared.live.max_request_body_size();
            if max != 0 && declared > max {
                // test_conn.py::test_Content_Length_in: 413 before the body is read.
                self.simple_response(
                    413,
                    "The entity sent with the request exceeds the maximum allowed bytes.",
                    version == http::Version::HTTP_11,
                );
                return Next::Close(Ending::Linger);
            }
        }
        let mut body = BodyDecoder::new(framing, shared.live.max_request_body_size());

        let ctx = self.response_ctx(&head, version);
        let inline = !self.blocking_gateway && body.is_small(INLINE_BODY_LIMIT);
        let mut expect = if !body.is_done() && keepalive::expects_continue(&head, version) {
            Continue::Withheld
        } else {
            Continue::NotAsked
        };
        let continue_now = inline || config.expect_continue == ExpectContinue::AtOnce;
        if continue_now && expect == Continue::Withheld {
            // An inline gateway gets its (small) body read before it runs: ask for it now.
            // So does every gateway when the server is set to answer as cheroot does.
            cheroot_wire::continue_response(self.writer.buffer_mut(), config.protocol.as_str());
            if !self.flush().await {
                return Next::Close(Ending::Abort);
            }
            expect = Continue::Sent;
        }
        let mut deadline = BodyDeadline::new(config.body_timeout, self.reader.bytes_read());
        let dispatch = if inline {
            let dispatch = self
                .respond_inline(&head, &ctx, &mut body, &mut deadline)
                .await;
            self.inline_ctx = Some(ctx);
            dispatch
        } else {
            // The first part of the body is read here, so a slow client holds no worker
            // thread while it sends it; not when the client waits for `100 Continue`, which
            // goes out only when the gateway reads.
            let first = if expect != Continue::Withheld {
                let patience = Some(PREBUFFER_PATIENCE);
                self.prebuffer_body(&mut body, &mut deadline, version, PREBUFFER_LIMIT, patience)
                    .await
            } else {
                Ok(Bytes::new())
            };
            match first {
                // Boxed: the pooled path's state is large, and every inline request would
                // otherwise carry (and copy) it as part of this future.
                Ok(first) => {
                    let pooled =
                        self.respond_pooled(head, ctx, &mut body, &mut expect, first, deadline);
                    Box::pin(pooled).await
                }
                Err(answered) => answered,
            }
        };

        let next = self.settle(dispatch, version, started, body.is_done());
        if next == Next::KeepAlive && expect == Continue::Withheld {
            // The gateway answered without the body the client is still holding back (RFC
            // 9110 10.1.1): whether it sends it now is up to the client, so the connection
            // cannot carry another request.
            return Next::Close(Ending::Linger);
        }
        if next == Next::KeepAlive && !body.is_done() && !self.drain(&mut body).await {
            return Next::Close(Ending::Linger);
        }
        next
    }

    /// The byte counters and the clock at the start of a request, when stats are counted (the
    /// clock is not free at a million requests a second).
    fn stats_start(&self) -> Option<(Instant, u64, u64)> {
        self.shared.stats.is_enabled().then(|| {
            let written = self.writer.bytes_written() + self.writer.buffered_len() as u64;
            (Instant::now(), self.reader.bytes_read(), written)
        })
    }

    /// Everything after the gateway: answers for a gateway that failed before sending
    /// anything, logs, counts, and decides what follows. `KeepAlive` with a body not read to
    /// its end means the caller drains it first.
    fn settle(
        &mut self,
        dispatch: Dispatch,
        version: http::Version,
        started: Option<(Instant, u64, u64)>,
        body_done: bool,
    ) -> Next {
        let (outcome, body_error) = match dispatch {
            Dispatch::Done {
                outcome,
                body_error,
            } => (outcome, body_error),
            Dispatch::Overloaded => {
                // test_server.py::test_overload_results_in_suitable_http_error
                self.simple_response(503, "", version == http::Version::HTTP_11);
                return Next::Close(Ending::Linger);
            }
            Dispatch::Answered(ending) => return Next::Close(ending),
            Dispatch::Gone => return Next::Close(Ending::Abort),
        };

        let mut status = outcome.status;
        if let Some(failure) = outcome.failure {
            if !outcome.head_sent {
                // A failed gateway that sent nothing: answer for it.
                match (failure, body_error) {
                    (Failure::Overflow, _) => {
                        status = 500;
                        let close_header = version == http::Version::HTTP_11;
                        self.simple_response(500, OVERFLOW_MESSAGE, close_header);
                    }
                    (Failure::Gateway, Some(err)) => {
                        status = err.status();
                        self.reject(err, version);
                    }
                    (Failure::Gateway, None) => {
                        status = 500;
                        self.simple_response(500, "", version == http::Version::HTTP_11);
                    }
                }
            }
        }
        // Unless `simple_response` above answered (and logged) for the gateway.
        if self.access.is_some() {
            self.log_access(status, outcome.body_bytes);
        }
        if let Some((at, read_before, written_before)) = started {
            let read = self.reader.bytes_read().saturating_sub(read_before) + self.head_len as u64;
            let written = (self.writer.bytes_written() + self.writer.buffered_len() as u64)
                .saturating_sub(written_before);
            self.shared
                .stats
                .record_request(read, written, at.elapsed());
        }

        if outcome.failure.is_some() || body_error.is_some() {
            return Next::Close(Ending::Linger);
        }
        if !outcome.keep_alive {
            return Next::Close(if body_done {
                Ending::Clean
            } else {
                Ending::Linger
            });
        }
        Next::KeepAlive
    }

    /// Writes cheroot's simple response for a rejected request.
    fn reject(&mut self, err: ParseError, version: http::Version) {
        let close_header = version == http::Version::HTTP_11;
        self.simple_response(err.status(), err.reason(), close_header);
    }

    /// Appends a server-generated response (cheroot's `simple_response`) to the write buffer;
    /// the connection closes after it. `close_header` adds `Connection: close`: cheroot names
    /// the close only on 413 and 414, but an HTTP/1.1 client that is not told reuses the
    /// connection and meets an EOF (RFC 9112 section 9.6), so every answer to a parsed
    /// HTTP/1.1 request that ends the connection says so.
    fn simple_response(&mut self, status: u16, msg: &str, close: bool) {
        if status >= 500 && !msg.is_empty() {
            tracing::error!("{} {}", status, msg);
        }
        self.log_access(status, msg.len() as u64);
        let protocol = self.shared.config.protocol.as_str();
        let date = HttpDate::from_unix_seconds(self.shared.response_env.now_secs());
        cheroot_wire::simple_response(
            self.writer.buffer_mut(),
            protocol,
            status,
            msg,
            close,
            &date,
        );
    }

    /// Writes the access log's line for the request being served, once (the entry is
    /// taken); without one (the server refused bytes that never made a request line) the
    /// line says `-` for the request.
    fn log_access(&mut self, status: u16, body_bytes: u64) {
        let Some(format) = self.shared.config.access_log else {
            return;
        };
        let entry = self.access.take();
        let answered = Answered { status, body_bytes };
        access_log::log(format, &self.info, entry.as_deref(), answered);
    }

    /// Writes everything pending, within `timeout`; false if the client is gone.
    async fn flush(&mut self) -> bool {
        if self.writer.buffered_len() == 0 {
            return true;
        }
        // One try first, without a timer: a socket with room takes the bytes at once, and a
        // timer made up front read the clock and looked up the runtime's timer on every
        // response. Only a client that does not read gets the timed wait, boxed: kept inline,
        // its timer made every future that flushes 170 bytes larger (the writer keeps what
        // the first try wrote; docs/benchmarks.md, issue 16).
        let first = poll_fn(|cx| Poll::Ready(Pin::new(&mut self.writer).poll_flush(cx))).await;
        let flushed = match first {
            Poll::Ready(flushed) => flushed,
            Poll::Pending => {
                let timeout = self.shared.live.timeout();
                match Box::pin(tokio::time::timeout(timeout, self.writer.flush())).await {
                    Ok(flushed) => flushed,
                    Err(_) => return false,
                }
            }
        };
        match flushed {
            Ok(()) => true,
            Err(err) => {
                log_socket_error(&err);
                false
            }
        }
    }

    async fn close(&mut self, ending: Ending) {
        if ending == Ending::Abort {
            return;
        }
        if !self.flush().await {
            return;
        }
        let timeout = self.shared.live.timeout();
        let _ = tokio::time::timeout(timeout, self.writer.shutdown()).await;
        if ending == Ending::Linger {
            let linger = async {
                let mut seen = 0u64;
                while seen < LINGER_BYTES {
                    let n = self.reader.buffer().len();
                    self.reader.consume(n);
                    seen += n as u64;
                    match self.reader.fill().await {
                        Ok(0) | Err(_) => break,
                        Ok(_) => {}
                    }
                }
            };
            let _ = tokio::time::timeout(LINGER_TIME.min(timeout), linger).await;
        }
    }
}

/// Whether the request has no body (no framing headers, or `Content-Length: 0`).
fn has_no_body(head: &RequestHead) -> bool {
    matches!(
        body_framing(head.version, head.headers()),
        Ok(BodyFraming::Empty | BodyFraming::Length(0))
    )
}

/// Logs a socket error unless cheroot would ignore it (resets, broken pipes, timeouts).
fn log_socket_error(err: &std::io::Error) {
    if !cheroot_errors::is_ignorable(err) {
        tracing::warn!("socket.error {}", err);
    }
}
