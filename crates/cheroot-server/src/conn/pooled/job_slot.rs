//! A connection's pooled job: the parts of its current request, waiting for a worker in an
//! allocation the connection keeps from one pooled request to the next.

use std::sync::{Arc, Mutex};

use bytes::BytesMut;
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
pub(crate) struct JobSlot {
    /// Reaches the gateway.
    shared: Arc<ServerState>,
    info: Arc<ConnInfo>,
    parts: Mutex<Option<Parts>>,
}

/// One request's share of the job.
pub(crate) struct Parts {
    pub(crate) head: RequestHead,
    pub(crate) ctx: ResponseCtx,
    pub(crate) body: RequestBody,
    /// Where the response goes.
    pub(crate) tx: EventSender,
    /// The connection's scratch buffer, lent for the response: it comes back with `End`,
    /// allocated, filled, and reused without a free on another thread (malloc's arenas make
    /// a buffer allocated by one thread and freed by another slow).
    pub(crate) pending: BytesMut,
    /// Whether the connection can send a file with sendfile(2).
    pub(crate) zero_copy: bool,
}

impl JobSlot {
    /// An empty slot for a connection of `shared`'s server.
    pub(crate) fn new(shared: Arc<ServerState>, info: Arc<ConnInfo>) -> Self {
        Self {
            shared,
            info,
            parts: Mutex::new(None),
        }
    }

    /// Leaves `parts` for the next worker to run.
    pub(crate) fn put(&self, parts: Parts) {
        *self.lock() = Some(parts);
    }

    /// The slot of the connection's last pooled request, when no worker holds it any more
    /// (only the connection does).
    pub(crate) fn reusable(slot: Arc<JobSlot>) -> Option<Arc<JobSlot>> {
        (Arc::strong_count(&slot) == 1).then_some(slot)
    }

    /// The lock; no code that could panic runs under it, and its content is whole either way.
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Parts>> {
        self.parts.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl SharedJob for JobSlot {
    fn run(&self) {
        let Some(parts) = self.lock().take() else {
            return;
        };
        let Parts {
            head,
            ctx,
            mut body,
            tx,
            pending,
            zero_copy,
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
        resp.send_end(outcome, head);
        header_scratch::keep(resp.into_scratch());
    }

    fn abandon(&self) {
        // The sender goes with the parts: the connection reads that the job ended unrun.
        let parts = self.lock().take();
        drop(parts);
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

    /// A slot of a server whose gateway answers 204, with a request left in it, and the
    /// receiver of that request's response.
    fn slot_with_a_request() -> (Arc<JobSlot>, handoff::EventReceiver) {
        let config = ServerConfig::default();
        let gateway = gateway_fn(|_req, resp| {
            resp.set_status(204, "No Content");
            Ok(())
        });
        let shared = Arc::new(ServerState::new(
            config.clone(),
            Arc::new(gateway),
            WorkerPool::for_config(&config).expect("a pool"),
            Arc::new(Stats::new()),
            Arc::new(Tracker::new()),
            BindAddr::tcp("127.0.0.1", 80).expect("an address"),
            Arc::new(LiveSettings::new(&config)),
        ));
        let info = Arc::new(ConnInfo::new(
            None,
            None,
            Arc::new(BindAddr::tcp("127.0.0.1", 80).expect("an address")),
            Arc::from("srv"),
        ));
        let head = match parse_request_head(
            b"GET / HTTP/1.1\r\nHost: h\r\n\r\n",
            &ParseOptions::default(),
        ) {
            Ok(Status::Complete((head, _))) => head,
            other => panic!("not a head: {other:?}"),
        };
        let (tx, rx) = handoff::channel(EVENT_CHANNEL_CAPACITY, Arc::clone(&shared.wakes));
        let ctx = ResponseCtx {
            method: head.method.clone(),
            version: http::Version::HTTP_11,
            wants_keep_alive: true,
            env: Arc::clone(&shared.response_env),
        };
        let slot = Arc::new(JobSlot::new(shared, info));
        slot.put(Parts {
            head,
            ctx,
            body: RequestBody::buffered(Bytes::new()),
            tx,
            pending: BytesMut::new(),
            zero_copy: false,
        });
        (slot, rx)
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
}
