//! Running a blocking gateway on the worker pool: the request body streams to the worker and
//! the response streams back, each through a small bounded channel, while the connection task
//! pumps both.

mod batch;
mod job_slot;

use std::io;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use bytes::Bytes;
use cheroot_makefile::StreamReader;
use cheroot_wire::{ParseError, RequestHead};
use tokio::io::{AsyncRead, AsyncWrite};

use crate::conn::zero_copy::ZeroCopy;
use tokio::sync::{mpsc, oneshot};

use super::body::{BodyDecoder, Step};
use super::body_deadline::BodyDeadline;
use super::{Conn, Dispatch, log_socket_error};
use crate::exchange::client_side::{client_side, client_side_io};
use crate::exchange::file_region::FileRegion;
use crate::exchange::outcome::{Failure, Outcome};
use crate::exchange::request_body::{BODY_CHANNEL_CAPACITY, BodyMessage, RequestBody};
use crate::exchange::response::ResponseCtx;
use crate::server_state::ServerState;
use crate::workers::handoff::{self, EVENT_CHANNEL_CAPACITY, Ended, Event, EventReceiver};
use crate::workers::pool::{Job, SharedJob};
pub(super) use job_slot::JobSlot;
use job_slot::Parts;

/// Where a request's `100 Continue` stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Continue {
    /// The client did not ask for one (or the body is empty).
    NotAsked,
    /// Asked for and not sent yet: the body is left unread until the gateway reads it.
    Withheld,
    /// Sent: the client may send its body.
    Sent,
}

/// The largest lent buffer a connection keeps for its next response.
const SCRATCH_KEEP_LIMIT: usize = 8 * 1024;

impl<R, W> Conn<R, W>
where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + ZeroCopy + Unpin + Send + 'static,
{
    /// Passes the response of a request without a body, whose `job`
    /// [`pooled_job`](Self::pooled_job) made,
    /// on until the gateway returns: [`respond_pooled`](Self::respond_pooled) without the
    /// body's side, whose state would be set up, moved and dropped for nothing.
    pub(super) async fn respond_pooled_bodyless(
        &mut self,
        job: Job,
        mut event_rx: EventReceiver,
    ) -> Dispatch {
        if !submit(&self.shared, job).await {
            return Dispatch::Overloaded;
        }
        // `next_response`'s loop, written out: as a call, its future's own state cost a
        // pooled hello response 175 instructions (callgrind; docs/benchmarks.md, issue 16).
        let timeout = self.shared.live.timeout();
        let mut pump = Pump::without_body();
        loop {
            let event = event_rx.recv().await;
            if let Some(dispatch) = self
                .forward_events(event, &mut event_rx, &mut pump, timeout)
                .await
            {
                self.keep_events(event_rx, &dispatch);
                return dispatch;
            }
        }
    }

    /// Passes the next response of a request without a body from `events` on to the client,
    /// until it ends (or the client is gone).
    async fn next_response(&mut self, events: &mut EventReceiver) -> Dispatch {
        let timeout = self.shared.live.timeout();
        let mut pump = Pump::without_body();
        loop {
            let event = events.recv().await;
            if let Some(dispatch) = self.forward_events(event, events, &mut pump, timeout).await {
                return dispatch;
            }
        }
    }

    /// Runs the gateway on the worker pool, then pumps until it returns: the response from
    /// the worker to the client, the body from the client to the worker, and a withheld
    /// `100 Continue` once the gateway reads.
    pub(super) async fn respond_pooled(
        &mut self,
        head: RequestHead,
        ctx: ResponseCtx,
        body: &mut BodyDecoder,
        expect: &mut Continue,
        first: Bytes,
        mut deadline: BodyDeadline,
    ) -> Dispatch {
        // A client waiting for `100 Continue` gets it when the gateway first reads the body.
        let (demand, asked) = match expect {
            Continue::Withheld => {
                let (tx, rx) = oneshot::channel();
                (Some(tx), Some(rx))
            }
            _ => (None, None),
        };
        // The body's first part, read before the gateway ran, comes before what streams.
        let (body_tx, request_body) = if body.is_done() {
            (None, RequestBody::buffered(first))
        } else {
            let (tx, rx) = mpsc::channel::<BodyMessage>(BODY_CHANNEL_CAPACITY);
            (Some(tx), RequestBody::channel(rx, demand, first))
        };
        let (job, mut event_rx) = self.pooled_job(head, ctx, request_body);
        if !submit(&self.shared, job).await {
            return Dispatch::Overloaded;
        }

        let timeout = self.shared.live.timeout();
        let mut pump = Pump {
            body_tx,
            asked,
            ..Pump::without_body()
        };
        loop {
            let gated = *expect == Continue::Withheld;
            if !gated {
                pump.decode_buffered(body, &mut self.reader);
            }
            let need_bytes = pump.needs_bytes(gated);
            // The read waits at most `timeout`, and no longer than the body's budget; only
            // time spent waiting on the client counts against the budget. Neither clock is
            // read when no body byte is wanted (the usual request): `select!` builds every
            // branch's future, enabled or not, and a `timeout` built eagerly read the clock
            // and looked up the runtime's timer on each pass of this loop: 350 of a pooled
            // hello response's 14,000 instructions, 1,170 of 11,500 pipelined (callgrind;
            // docs/benchmarks.md, issue 16).
            let (wait, waiting_since) = if need_bytes {
                let wait = deadline.next_wait(self.reader.bytes_read(), timeout);
                (wait, Some(tokio::time::Instant::now()))
            } else {
                (Duration::ZERO, None)
            };
            // One branch per thing the connection waits on; each step is a method below.
            tokio::select! {
                biased;
                event = event_rx.recv() => {
                    if let Some(dispatch) = self.forward_events(event, &mut event_rx, &mut pump, timeout).await {
                        self.keep_events(event_rx, &dispatch);
                        return dispatch;
                    }
                }
                wanted = first_read(&mut pump.asked), if gated => {
                    if !self.send_withheld_continue(wanted, expect, &mut pump).await {
                        return Dispatch::Gone;
                    }
                }
                permit = reserve(pump.body_tx.clone()), if pump.pending.is_some() => {
                    pump.pass_body(permit);
                }
                read = fill_within(wait, &mut self.reader), if need_bytes => {
                    pump.note_read(read);
                }
            }
            if let Some(since) = waiting_since {
                deadline.waited(since.elapsed());
            }
        }
    }

    /// The job that runs the gateway for `head` on the worker pool, and the receiver of its
    /// response, over the connection's kept slot and channel when no worker holds them any
    /// more. Made before any wait: the request's parts move into the slot at once rather than
    /// into the state of an `async fn` (which holds its arguments twice, as they came and as
    /// locals), so the future of a pooled request stays small (see
    /// [`handle_pooled_now`](Conn::handle_pooled_now)).
    pub(super) fn pooled_job(
        &mut self,
        head: RequestHead,
        ctx: ResponseCtx,
        body: RequestBody,
    ) -> (Job, EventReceiver) {
        let renewed = self
            .events
            .take()
            .and_then(|rx| rx.renew().map(|tx| (tx, rx)));
        let (tx, event_rx) = renewed.unwrap_or_else(|| {
            handoff::channel(EVENT_CHANNEL_CAPACITY, Arc::clone(&self.shared.wakes))
        });
        let slot = match self.job_slot.take().and_then(JobSlot::reusable) {
            Some(slot) => slot,
            None => Arc::new(JobSlot::new(
                Arc::clone(&self.shared),
                Arc::clone(&self.info),
            )),
        };
        let zero_copy = self.writer.get_ref().can_send_file();
        let pending = std::mem::take(&mut self.scratch);
        slot.put(
            tx,
            zero_copy,
            Parts {
                head,
                ctx,
                body,
                pending,
            },
        );
        let job = Job::new(Arc::clone(&slot) as Arc<dyn SharedJob>);
        self.job_slot = Some(slot);
        (job, event_rx)
    }

    /// Keeps the channel of an exchange that ended with the gateway's return, for the next
    /// pooled request (see [`EventReceiver::renew`]).
    fn keep_events(&mut self, events: EventReceiver, dispatch: &Dispatch) {
        if matches!(dispatch, Dispatch::Done { .. }) {
            self.events = Some(events);
        }
    }

    /// Passes `event` and the messages already waiting behind it on to the client; `Some`
    /// when the exchange is over: the gateway returned (or its job ended without a word), or
    /// the client is gone.
    ///
    /// Each message is taken in one synchronous step ([`take_event`](Self::take_event)); this
    /// future waits only for a flush, or, in a box of its own, for a client slow to take a
    /// large response. Kept that flat, the future of a pooled request is small: when each
    /// step was an `async fn` holding its message (twice: as it came, and as a local) and its
    /// own timed write, it was 640 of the 728 bytes of that future (docs/benchmarks.md,
    /// issue 16).
    async fn forward_events(
        &mut self,
        mut event: Option<Event>,
        events: &mut EventReceiver,
        pump: &mut Pump,
        timeout: Duration,
    ) -> Option<Dispatch> {
        loop {
            match self.take_event(event, events, pump) {
                Taken::Next => {}
                Taken::Flush => {
                    if !self.flush().await {
                        return Some(Dispatch::Gone);
                    }
                }
                Taken::Over(dispatch) => return Some(dispatch),
                Taken::Wait(wait) => {
                    let waited = Box::pin(self.wait_for_client(wait, pump, timeout)).await;
                    if waited.is_some() {
                        return waited;
                    }
                }
            }
            // A message already waiting (`End` right behind the body of an unbuffered
            // response) is taken without another wait (and, in `respond_pooled`, without
            // another pass of `select!`, which builds and drops every branch's future: 290
            // instructions fewer per pipelined pooled response; callgrind, docs/benchmarks.md,
            // issue 16).
            match events.try_recv() {
                Poll::Ready(next) => event = next,
                Poll::Pending => return None,
            }
        }
    }

    /// Takes one message of the worker's response, as far as it goes without waiting: bytes
    /// join the write buffer when they fit, the end of the response is settled.
    fn take_event(
        &mut self,
        event: Option<Event>,
        events: &EventReceiver,
        pump: &mut Pump,
    ) -> Taken {
        let body_error = pump.body_error;
        match event {
            Some(Event::Data(data)) => {
                pump.head_sent = true;
                if !self.writer.has_room(data.len()) {
                    return Taken::Wait(Wait::Data(data));
                }
                // Nothing is written yet, so there is nothing to time.
                self.writer.push_bytes(data);
                // Stream to the client as the gateway writes, batching what is already queued.
                if events.is_empty() {
                    Taken::Flush
                } else {
                    Taken::Next
                }
            }
            Some(Event::File(region)) => {
                pump.head_sent = true;
                Taken::Wait(Wait::File(region))
            }
            Some(Event::End(ended)) => {
                if !self.writer.has_room(ended.last.len()) {
                    return Taken::Wait(Wait::End(ended));
                }
                // The usual case: the bytes join the write buffer, and go out with the next
                // flush. Without the `timeout` around a write that cannot wait, which read the
                // clock and looked up the runtime's timer for nothing: here and for a body
                // piece, about 200 instructions a pooled response (callgrind;
                // docs/benchmarks.md, issue 16).
                self.writer.push(&ended.last);
                Taken::Over(self.finish_response(ended, body_error))
            }
            None => {
                // The job ended without a word: it panicked outside the gateway, or the pool
                // dropped it while stopping.
                let outcome = Outcome {
                    head_sent: pump.head_sent,
                    status: 500,
                    body_bytes: 0,
                    keep_alive: false,
                    failure: Some(Failure::Gateway),
                };
                Taken::Over(Dispatch::Done {
                    outcome,
                    body_error,
                })
            }
        }
    }

    /// Writes what did not fit the write buffer, waiting at most `timeout` for the client to
    /// take it; `Some` when the exchange is over (the response's end, or the client gone).
    async fn wait_for_client(
        &mut self,
        wait: Wait,
        pump: &Pump,
        timeout: Duration,
    ) -> Option<Dispatch> {
        match wait {
            Wait::Data(data) => {
                let written = tokio::time::timeout(timeout, self.writer.write_bytes(data)).await;
                match written {
                    Ok(Ok(())) => None,
                    Ok(Err(err)) => {
                        log_socket_error(&err);
                        Some(Dispatch::Gone)
                    }
                    Err(_) => Some(Dispatch::Gone),
                }
            }
            Wait::File(region) => {
                (!self.send_response_file(&region, timeout).await).then_some(Dispatch::Gone)
            }
            Wait::End(ended) => {
                let written =
                    tokio::time::timeout(timeout, self.writer.write_all(&ended.last)).await;
                if !matches!(written, Ok(Ok(()))) {
                    return Some(Dispatch::Gone);
                }
                Some(self.finish_response(ended, pump.body_error))
            }
        }
    }

    /// Sends a file region of the response with sendfile(2); false if the client is gone.
    async fn send_response_file(&mut self, region: &FileRegion, timeout: Duration) -> bool {
        // The bytes before the file go first, then the kernel sends the file.
        if !self.flush().await {
            return false;
        }
        let sent = tokio::time::timeout(timeout, self.writer.get_mut().send_file(region)).await;
        match sent {
            Ok(Ok(bytes)) => {
                self.writer.count_written(bytes);
                true
            }
            Ok(Err(err)) => {
                log_socket_error(&err);
                false
            }
            Err(_) => false,
        }
    }

    /// Ends the exchange once the response's last bytes are written (not flushed: a
    /// pipelined batch goes out in one write), taking the lent buffer back.
    fn finish_response(&mut self, ended: Ended, body_error: Option<ParseError>) -> Dispatch {
        let Ended { outcome, mut last } = ended;
        // Kept for the next response unless a large one grew it: a parked connection should
        // not hold much memory.
        if last.capacity() <= SCRATCH_KEEP_LIMIT {
            last.clear();
            if self.scratch.capacity() == 0 {
                self.scratch = last;
            } else if let Some(slot) = &self.job_slot {
                // A later response of a batch: the first one's buffer is back already.
                slot.keep_spare(last);
            }
        }
        Dispatch::Done {
            outcome,
            body_error,
        }
    }

    /// The gateway first read the body (`wanted`) or dropped it unread: sends the withheld
    /// `100 Continue` in the first case. False if the client is gone.
    async fn send_withheld_continue(
        &mut self,
        wanted: bool,
        expect: &mut Continue,
        pump: &mut Pump,
    ) -> bool {
        if wanted {
            let protocol = self.shared.config.protocol.as_str();
            cheroot_wire::continue_response(self.writer.buffer_mut(), protocol);
            if !self.flush().await {
                return false;
            }
            *expect = Continue::Sent;
        }
        // Without `wanted` the body was dropped unread: it stays withheld.
        pump.asked = None;
        true
    }
}

/// What taking one message of the response left to do.
enum Taken {
    /// Nothing: on to the next message.
    Next,
    /// Send what is buffered: the gateway may take a while to write more.
    Flush,
    /// The exchange is over.
    Over(Dispatch),
    /// The message did not fit the write buffer, or is a file: wait for the client.
    Wait(Wait),
}

/// A message that waits for the client to take what is written.
enum Wait {
    Data(Bytes),
    File(FileRegion),
    End(Ended),
}

/// The request body's side of a pooled exchange, between the socket and the worker.
struct Pump {
    /// The body's channel to the worker, until its last message is sent or the gateway drops
    /// the body.
    body_tx: Option<mpsc::Sender<BodyMessage>>,
    /// A body message decoded and waiting for room in the channel.
    pending: Option<BodyMessage>,
    /// Why the body ended early, if it did.
    body_error: Option<ParseError>,
    /// Whether any byte of the response reached the connection.
    head_sent: bool,
    /// Resolves when the gateway first reads the body (a withheld `100 Continue`).
    asked: Option<oneshot::Receiver<()>>,
}

impl Pump {
    /// The pump of a request without a body: only the response's side is used.
    fn without_body() -> Self {
        Self {
            body_tx: None,
            pending: None,
            body_error: None,
            head_sent: false,
            asked: None,
        }
    }

    /// Decodes the next body message from what is buffered, when the worker still wants one
    /// and none waits.
    fn decode_buffered<R>(&mut self, body: &mut BodyDecoder, reader: &mut StreamReader<R>) {
        if self.body_tx.is_none() || self.pending.is_some() {
            return;
        }
        match body.step(reader) {
            Step::Data(piece) => self.pending = Some(Ok(Some(piece))),
            Step::Done => self.pending = Some(Ok(None)),
            Step::Error(err) => {
                self.body_error = Some(err);
                self.pending = Some(Err(client_side(io::ErrorKind::InvalidData, err.reason())));
            }
            Step::NeedMore => {}
        }
    }

    /// Whether the body needs bytes from the socket now.
    fn needs_bytes(&self, gated: bool) -> bool {
        self.body_tx.is_some() && self.pending.is_none() && !gated
    }

    /// Hands the waiting body message to the worker (`permit`: room in the channel), or, when
    /// the gateway dropped the body unread, stops feeding it (the rest is drained after the
    /// response).
    fn pass_body(&mut self, permit: Option<mpsc::OwnedPermit<BodyMessage>>) {
        match permit {
            Some(permit) => {
                let message = self.pending.take().unwrap_or(Ok(None));
                let last = !matches!(message, Ok(Some(_)));
                permit.send(message);
                if last {
                    self.body_tx = None;
                }
            }
            None => {
                self.body_tx = None;
                self.pending = None;
            }
        }
    }

    /// Takes the result of reading the socket for the body: more bytes, or why the body ends
    /// early (the client closed, failed or was too slow), which the worker then reads as an
    /// error.
    fn note_read(&mut self, read: Result<io::Result<usize>, tokio::time::error::Elapsed>) {
        let failure = match read {
            Ok(Ok(0)) => Some(client_side(
                io::ErrorKind::UnexpectedEof,
                "the client closed the connection mid-body",
            )),
            Ok(Ok(_)) => None,
            Ok(Err(err)) => {
                log_socket_error(&err);
                Some(client_side_io(err))
            }
            Err(_) => {
                self.body_error = Some(ParseError::new(408, ""));
                Some(client_side(
                    io::ErrorKind::TimedOut,
                    "timed out reading the request body",
                ))
            }
        };
        if let Some(err) = failure {
            self.body_error
                .get_or_insert(ParseError::new(400, "Incomplete request body."));
            self.pending = Some(Err(err));
        }
    }
}

/// Hands `job` to the worker pool; false when the pool's queue stayed full for
/// `accepted_queue_timeout`. Not a method: the connection is not `Sync`, so its future cannot
/// hold `&Conn` across the wait.
async fn submit(shared: &ServerState, job: Job) -> bool {
    let wait = shared.config.accepted_queue_timeout;
    shared.pool.submit(job, wait).await.is_ok()
}

/// Reads more of the body, waiting at most `wait`. An `async fn`, so that building it (as
/// `select!` does for a disabled branch too) costs nothing until it is polled.
async fn fill_within<R: AsyncRead + Unpin>(
    wait: Duration,
    reader: &mut StreamReader<R>,
) -> Result<io::Result<usize>, tokio::time::error::Elapsed> {
    tokio::time::timeout(wait, reader.fill()).await
}

/// Whether the gateway started reading the body (false: it dropped the body unread). With no
/// receiver it never resolves (the branch is disabled then anyway).
async fn first_read(asked: &mut Option<oneshot::Receiver<()>>) -> bool {
    match asked {
        Some(rx) => rx.await.is_ok(),
        None => std::future::pending().await,
    }
}

/// Waits for room in the body channel; `None` if the gateway dropped the body. With no
/// channel it never resolves (the branch is disabled then anyway).
async fn reserve(tx: Option<mpsc::Sender<BodyMessage>>) -> Option<mpsc::OwnedPermit<BodyMessage>> {
    match tx {
        Some(tx) => tx.reserve_owned().await.ok(),
        None => std::future::pending().await,
    }
}
