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

/// Where a connection leaves each pooled request for a worker (see
/// [`Job::Shared`](crate::workers::pool::Job::Shared)).
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
