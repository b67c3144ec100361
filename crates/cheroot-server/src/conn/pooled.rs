//! Running a blocking gateway on the worker pool: the request body streams to the worker and
//! the response streams back, each through a small bounded channel, while the connection task
//! pumps both.

use std::io;
use std::sync::Arc;

use bytes::Bytes;
use cheroot_wire::{ParseError, RequestHead};
use tokio::io::{AsyncRead, AsyncWrite};

use crate::conn::zero_copy::ZeroCopy;
use tokio::sync::{mpsc, oneshot};

use super::body::{BodyDecoder, Step};
use super::body_deadline::BodyDeadline;
use super::run_gateway::run_gateway;
use super::{Conn, Dispatch, log_socket_error};
use crate::exchange::client_side::{client_side, client_side_io};
use crate::exchange::outcome::{Failure, Outcome};
use crate::exchange::request::Request;
use crate::exchange::request_body::{BODY_CHANNEL_CAPACITY, BodyMessage, RequestBody};
use crate::exchange::response::{Response, ResponseCtx, ResponseOutput};
use crate::workers::handoff;
use crate::workers::handoff::{EVENT_CHANNEL_CAPACITY, Ended, Event};

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
    pub(super) async fn respond_pooled(
        &mut self,
        head: RequestHead,
        ctx: ResponseCtx,
        body: &mut BodyDecoder,
        expect: &mut Continue,
        first: Bytes,
        mut deadline: BodyDeadline,
    ) -> Dispatch {
        let shared = Arc::clone(&self.shared);
        // A client waiting for `100 Continue` gets it when the gateway first reads the body.
        let (demand, mut asked) = match expect {
            Continue::Withheld => {
                let (tx, rx) = oneshot::channel();
                (Some(tx), Some(rx))
            }
            _ => (None, None),
        };
        let (event_tx, mut event_rx) =
            handoff::channel(EVENT_CHANNEL_CAPACITY, Arc::clone(&shared.wakes));
        // The body's first part, read before the gateway ran, comes before what streams.
        let (mut body_tx, request_body) = if body.is_done() {
            (None, RequestBody::buffered(first))
        } else {
            let (tx, rx) = mpsc::channel::<BodyMessage>(BODY_CHANNEL_CAPACITY);
            (Some(tx), RequestBody::channel(rx, demand, first))
        };
        let gateway = Arc::clone(&shared.gateway);
        let info = Arc::clone(&self.info);
        // The worker writes the response into the connection's scratch buffer, which comes
        // back with `End`: allocated, filled, and reused without a free on another thread
        // (malloc's arenas make a buffer allocated by one thread and freed by another slow).
        let pending = std::mem::take(&mut self.scratch);
        let zero_copy = self.writer.get_ref().can_send_file();
        let job = move || {
            let mut request_body = request_body;
            let mut req = Request::new(&head, &info, &mut request_body);
            let output = ResponseOutput::Channel {
                tx: event_tx,
                pending,
                zero_copy,
            };
            let mut resp = Response::new(&ctx, output);
            let outcome = run_gateway(&*gateway, &mut req, &mut resp);
            resp.send_end(outcome, head);
        };
        if shared
            .pool
            .submit(Box::new(job), shared.config.accepted_queue_timeout)
            .await
            .is_err()
        {
            return Dispatch::Overloaded;
        }

        let timeout = shared.live.timeout();
        let mut pending: Option<BodyMessage> = None;
        let mut body_error: Option<ParseError> = None;
        let mut head_sent = false;
        loop {
            let gated = *expect == Continue::Withheld;
            if body_tx.is_some() && pending.is_none() && !gated {
                match body.step(&mut self.reader) {
                    Step::Data(piece) => pending = Some(Ok(Some(piece))),
                    Step::Done => pending = Some(Ok(None)),
                    Step::Error(err) => {
                        body_error = Some(err);
                        pending = Some(Err(client_side(io::ErrorKind::InvalidData, err.reason())));
                    }
                    Step::NeedMore => {}
                }
            }
            let need_bytes = body_tx.is_some() && pending.is_none() && !gated;
            // The read waits at most `timeout`, and no longer than the body's budget; only
            // time spent waiting on the client counts against the budget.
            let wait = deadline.next_wait(self.reader.bytes_read(), timeout);
            let waiting_since = tokio::time::Instant::now();
            tokio::select! {
                biased;
                event = event_rx.recv() => match event {
                    Some(Event::Data(data)) => {
                        head_sent = true;
                        let written = tokio::time::timeout(timeout, self.writer.write_bytes(data)).await;
                        if !matches!(written, Ok(Ok(()))) {
                            if let Ok(Err(err)) = written {
                                log_socket_error(&err);
                            }
                            return Dispatch::Gone;
                        }
                        // Stream to the client as the gateway writes, batching what is
                        // already queued.
                        if event_rx.is_empty() && !self.flush().await {
                            return Dispatch::Gone;
                        }
                    }
                    Some(Event::File(region)) => {
                        head_sent = true;
                        // The bytes before the file go first, then the kernel sends the file.
                        if !self.flush().await {
                            return Dispatch::Gone;
                        }
                        let sent = tokio::time::timeout(timeout, self.writer.get_mut().send_file(&region)).await;
                        match sent {
                            Ok(Ok(bytes)) => self.writer.count_written(bytes),
                            Ok(Err(err)) => {
                                log_socket_error(&err);
                                return Dispatch::Gone;
                            }
                            Err(_) => return Dispatch::Gone,
                        }
                    }
                    Some(Event::End(Ended { outcome, mut last, head })) => {
                        drop(head);
                        // Written, not flushed: a pipelined batch goes out in one write.
                        if !last.is_empty() {
                            let written = tokio::time::timeout(timeout, self.writer.write_all(&last)).await;
                            if !matches!(written, Ok(Ok(()))) {
                                return Dispatch::Gone;
                            }
                        }
                        // Kept for the next response unless a large one grew it: a parked
                        // connection should not hold much memory.
                        if last.capacity() <= SCRATCH_KEEP_LIMIT {
                            last.clear();
                            self.scratch = last;
                        }
                        return Dispatch::Done { outcome, body_error };
                    }
                    None => {
                        // The job ended without a word: it panicked outside the gateway, or
                        // the pool dropped it while stopping.
                        let outcome = Outcome {
                            head_sent,
                            status: 500,
                            body_bytes: 0,
                            keep_alive: false,
                            failure: Some(Failure::Gateway),
                        };
                        return Dispatch::Done { outcome, body_error };
                    }
                },
                wanted = first_read(&mut asked), if gated => {
                    if wanted {
                        let protocol = shared.config.protocol.as_str();
                        cheroot_wire::continue_response(self.writer.buffer_mut(), protocol);
                        if !self.flush().await {
                            return Dispatch::Gone;
                        }
                        *expect = Continue::Sent;
                    }
                    // Without `wanted` the body was dropped unread: it stays withheld.
                    asked = None;
                },
                permit = reserve(body_tx.clone()), if pending.is_some() => match permit {
                    Some(permit) => {
                        let message = pending.take().unwrap_or(Ok(None));
                        let last = !matches!(message, Ok(Some(_)));
                        permit.send(message);
                        if last {
                            body_tx = None;
                        }
                    }
                    None => {
                        // The gateway dropped the body unread; what is left is drained
                        // after the response.
                        body_tx = None;
                        pending = None;
                    }
                },
                read = tokio::time::timeout(wait, self.reader.fill()), if need_bytes => {
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
                            body_error = Some(ParseError::new(408, ""));
                            Some(client_side(io::ErrorKind::TimedOut, "timed out reading the request body"))
                        }
                    };
                    if let Some(err) = failure {
                        body_error.get_or_insert(ParseError::new(400, "Incomplete request body."));
                        pending = Some(Err(err));
                    }
                },
            }
            if need_bytes {
                deadline.waited(waiting_since.elapsed());
            }
        }
    }
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
