//! A connection's pooled job: the parts of its current request (or of a batch of pipelined
//! ones), waiting for a worker in an allocation the connection keeps from one pooled request
//! to the next.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use bytes::{Bytes, BytesMut};
use cheroot_wire::RequestHead;

use crate::conn::run_gateway::run_gateway;
use crate::exchange::conn_info::ConnInfo;
use crate::exchange::request::Request;
use crate::exchange::request_body::RequestBody;
use crate::exchange::response::{Response, ResponseCtx, ResponseOutput};
use crate::server_state::ServerState;
use crate::workers::handoff::EventSender;
use crate::workers::header_scratch;
use crate::workers::pool::SharedJob;

/// Where a connection leaves each pooled request for a worker, which gets it as a
/// [`Job`](crate::workers::pool::Job): a reference count on this slot.
///
/// A job answers the requests left in it in order, each response through the same channel:
/// the pipelined requests a connection finds buffered behind a pooled one ride along, so a
/// batch costs one round trip between the threads rather than one per request (two context
/// switches each on one core; docs/benchmarks.md, issue 16). A response that ends the
/// connection ends the batch: the requests behind it are dropped unanswered, as they would
/// have been left unread.
pub(crate) struct JobSlot {
    /// Reaches the gateway.
    shared: Arc<ServerState>,
    info: Arc<ConnInfo>,
    work: Mutex<Work>,
}

/// What the next job answers.
#[derive(Default)]
struct Work {
    /// Where the responses go.
    tx: Option<EventSender>,
    /// Whether the connection can send a file with sendfile(2).
    zero_copy: bool,
    /// The first request: the only one, unless requests were pipelined behind it.
    first: Option<Parts>,
    /// The requests pipelined behind the first, in the order they came; the allocation is
    /// kept for the next batch.
    rest: VecDeque<Parts>,
    /// Buffers the responses of earlier batches came back in, lent to the requests of the
    /// next (the first request has the connection's own): kept, they are allocated once
    /// rather than by the worker for every pipelined response and freed by the connection.
    spare: Vec<BytesMut>,
}

/// One request's share of the job.
pub(crate) struct Parts {
    pub(crate) head: RequestHead,
    pub(crate) ctx: ResponseCtx,
    pub(crate) body: RequestBody,
    /// A buffer of the connection's, lent for the response: it comes back with `End`,
    /// allocated, filled, and reused without a free on another thread (malloc's arenas make
    /// a buffer allocated by one thread and freed by another slow).
    pub(crate) pending: BytesMut,
}

impl JobSlot {
    /// An empty slot for a connection of `shared`'s server.
    pub(crate) fn new(shared: Arc<ServerState>, info: Arc<ConnInfo>) -> Self {
        Self {
            shared,
            info,
            work: Mutex::new(Work::default()),
        }
    }

    /// Leaves `parts` for the next worker to run, answering through `tx`.
    pub(crate) fn put(&self, tx: EventSender, zero_copy: bool, parts: Parts) {
        let mut work = self.lock();
        work.tx = Some(tx);
        work.zero_copy = zero_copy;
        work.first = Some(parts);
    }

    /// Adds a request without a body pipelined behind those put, answered after them through
    /// the same channel.
    pub(crate) fn push(&self, head: RequestHead, ctx: ResponseCtx) {
        let mut work = self.lock();
        let pending = work.spare.pop().unwrap_or_default();
        work.rest.push_back(Parts {
            head,
            ctx,
            body: RequestBody::buffered(Bytes::new()),
            pending,
        });
    }

    /// Keeps `buffer`, which a pipelined response came back in, for a later batch.
    pub(crate) fn keep_spare(&self, buffer: BytesMut) {
        self.lock().spare.push(buffer);
    }

    /// The slot of the connection's last pooled request, when no worker holds it any more
    /// (only the connection does).
    pub(crate) fn reusable(slot: Arc<JobSlot>) -> Option<Arc<JobSlot>> {
        (Arc::strong_count(&slot) == 1).then_some(slot)
    }

    /// The lock; no code that could panic runs under it, and its content is whole either way.
    fn lock(&self) -> std::sync::MutexGuard<'_, Work> {
        self.work.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs the gateway for one request and sends the response's end; whether the connection
    /// carries on after it (it takes the response, and neither the response nor a failure
    /// closes it: the rule the connection's `settle` applies to a request without a body).
    // Inlined at both calls: a call of its own took the request's parts, 300 bytes, as a
    // copy.
    #[inline(always)]
    fn answer(&self, parts: Parts, tx: &EventSender, zero_copy: bool) -> bool {
        let Parts {
            head,
            ctx,
            mut body,
            pending,
        } = parts;
        let mut req = Request::new(&head, &self.info, &mut body);
        let output = ResponseOutput::Channel {
            tx,
            pending,
            zero_copy,
        };
        // Header lines go into this worker's own buffer (see `header_scratch.rs`).
        let mut resp = Response::with_scratch(&ctx, output, header_scratch::take());
        let outcome = run_gateway(&*self.shared.gateway, &mut req, &mut resp);
        let taken = resp.send_end(outcome, head);
        header_scratch::keep(resp.into_scratch());
        taken && outcome.keep_alive && outcome.failure.is_none()
    }
}

impl SharedJob for JobSlot {
    fn run(&self) {
        let mut work = self.lock();
        let Some(first) = work.first.take() else {
            return;
        };
        let (tx, zero_copy, pipelined) = (work.tx.take(), work.zero_copy, !work.rest.is_empty());
        drop(work);
        let Some(tx) = tx else {
            return;
        };
        if !self.answer(first, &tx, zero_copy) || !pipelined {
            return;
        }
        loop {
            let next = self.lock().rest.pop_front();
            let Some(parts) = next else {
                return;
            };
            if !self.answer(parts, &tx, zero_copy) {
                // The connection closes after this response: the rest go unanswered.
                self.lock().rest.clear();
                return;
            }
        }
    }

    fn abandon(&self) {
        // The sender goes with the parts: the connection reads that the job ended unrun.
        let work = std::mem::take(&mut *self.lock());
        drop(work);
    }
}

#[cfg(test)]
mod tests {
    use std::task::Poll;

    use bytes::Bytes;
    use cheroot_wire::{ParseOptions, Status, parse_request_head};

    use super::*;
    use crate::config::ServerConfig;
    use crate::exchange::gateway_fn::gateway_fn;
    use crate::listen::bind::BindAddr;
    use crate::live::LiveSettings;
    use crate::shutdown::Tracker;
    use crate::stats::Stats;
    use crate::workers::handoff::{self, EVENT_CHANNEL_CAPACITY};
    use crate::workers::pool::{Job, WorkerPool};

    /// A slot of a server whose gateway answers 204 (`/close`: 200 with `Connection:
    /// close`), with a request for `/` left in it, and the receiver of its response.
    fn slot_with_a_request() -> (Arc<JobSlot>, handoff::EventReceiver) {
        let config = ServerConfig::default();
        let gateway = gateway_fn(|req, resp| {
            if req.target().path() == b"/close" {
                resp.add_header("Connection", "close")?;
            } else {
                resp.set_status(204, "No Content");
            }
            Ok(())
        });
        let shared = Arc::new(ServerState::new(
            config.clone(),
            Arc::new(gateway),
            WorkerPool::for_config(&config).expect("a pool"),
            Arc::new(Stats::new()),
            Arc::new(ready_tracker()),
            BindAddr::tcp("127.0.0.1", 80).expect("an address"),
            Arc::new(LiveSettings::new(&config)),
        ));
        let info = Arc::new(ConnInfo::new(
            None,
            None,
            Arc::new(BindAddr::tcp("127.0.0.1", 80).expect("an address")),
            Arc::from("srv"),
        ));
        let (tx, rx) = handoff::channel(EVENT_CHANNEL_CAPACITY, Arc::clone(&shared.wakes));
        let (head, ctx) = request("/", &shared);
        let slot = Arc::new(JobSlot::new(shared, info));
        slot.put(
            tx,
            false,
            Parts {
                head,
                ctx,
                body: RequestBody::buffered(Bytes::new()),
                pending: BytesMut::new(),
            },
        );
        (slot, rx)
    }

    /// A server that is up: its responses may keep their connections.
    fn ready_tracker() -> Tracker {
        let tracker = Tracker::new();
        tracker.set_ready(true);
        tracker
    }

    /// The head of a keep-alive `GET path`, and its response's context.
    fn request(path: &str, shared: &ServerState) -> (RequestHead, ResponseCtx) {
        let raw = format!("GET {path} HTTP/1.1\r\nHost: h\r\n\r\n");
        let head = match parse_request_head(raw.as_bytes(), &ParseOptions::default()) {
            Ok(Status::Complete((head, _))) => head,
            other => panic!("not a head: {other:?}"),
        };
        let ctx = ResponseCtx {
            method: head.method.clone(),
            version: http::Version::HTTP_11,
            wants_keep_alive: true,
            env: Arc::clone(&shared.response_env),
        };
        (head, ctx)
    }

    #[test]
    fn a_job_dropped_unrun_tells_the_connection_at_once() {
        let (slot, mut rx) = slot_with_a_request();
        assert!(rx.try_recv().is_pending(), "the request waits for a worker");
        // The pool drops a queued job when it stops: the connection, which keeps the slot,
        // must learn that nothing will come rather than wait for its timeout.
        drop(Job::new(Arc::clone(&slot) as Arc<dyn SharedJob>));
        assert!(matches!(rx.try_recv(), Poll::Ready(None)));
    }

    #[test]
    fn a_job_run_answers_through_the_slot_s_channel() {
        let (slot, mut rx) = slot_with_a_request();
        Job::new(Arc::clone(&slot) as Arc<dyn SharedJob>).run();
        match rx.try_recv() {
            Poll::Ready(Some(handoff::Event::End(ended))) => {
                assert_eq!(ended.outcome.status, 204);
                assert!(ended.last.starts_with(b"HTTP/1.1 204 No Content\r\n"));
            }
            other => panic!("not the end of a 204: {other:?}"),
        }
        // The parts went to the worker: running the job again does nothing.
        slot.run();
        assert_eq!(Arc::strong_count(&slot), 1);
    }

    #[test]
    fn a_batch_is_answered_in_order_up_to_a_response_that_closes() {
        let (slot, mut rx) = slot_with_a_request();
        for path in ["/a", "/close", "/never"] {
            let (head, ctx) = request(path, &slot.shared);
            slot.push(head, ctx);
        }
        Job::new(Arc::clone(&slot) as Arc<dyn SharedJob>).run();
        let mut ends = Vec::new();
        while let Poll::Ready(Some(event)) = rx.try_recv() {
            match event {
                handoff::Event::End(ended) => {
                    ends.push((ended.outcome.status, ended.outcome.keep_alive));
                }
                other => panic!("a hello-sized response is one message: {other:?}"),
            }
        }
        // `/never` was behind the close: not answered, and not left for a later job.
        assert_eq!(ends, [(204, true), (204, true), (200, false)]);
        assert!(
            matches!(rx.try_recv(), Poll::Ready(None)),
            "the job is over"
        );
        assert!(slot.lock().rest.is_empty());
    }

    #[test]
    fn pipelined_requests_borrow_the_buffers_earlier_responses_came_back_in() {
        let (slot, _rx) = slot_with_a_request();
        let buffer = BytesMut::with_capacity(1000);
        let at = buffer.as_ptr();
        slot.keep_spare(buffer);
        let (head, ctx) = request("/a", &slot.shared);
        slot.push(head, ctx);
        let work = slot.lock();
        assert_eq!(work.rest[0].pending.as_ptr(), at);
        assert!(work.spare.is_empty());
    }
}
