//! Reading a request body on the I/O task before any gateway code runs for it: all of it for
//! an inline gateway, and the first [`PREBUFFER_LIMIT`] bytes for a pooled one.
//!
//! A pooled request used to go to a worker thread as soon as its head was read, and the
//! worker then blocked on each body byte: 300 clients sending a 1000-byte body one byte every
//! 2 s held 300 threads. Waiting here costs a task, not a thread; the worker starts with the
//! body (or its first part) in memory and blocks only when the app asks for more than that.
//!
//! A client that sends no body byte at all for [`PREBUFFER_PATIENCE`] after its head may be
//! waiting for the app's answer before it sends (some clients, and apps that answer without
//! reading, work that way; cheroot calls the app at once): its request goes to a worker then,
//! as before, bounded by `maxthreads` and the body's deadline.

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use tokio::io::{AsyncRead, AsyncWrite};

use crate::conn::zero_copy::ZeroCopy;

use super::body::{BodyDecoder, Step};
use super::body_deadline::BodyDeadline;
use super::{Conn, Dispatch, Ending, log_socket_error};

/// How much of a pooled request's body is read before a worker runs its gateway: a read
/// buffer's worth, so a connection waiting here holds about what it holds anyway.
pub(super) const PREBUFFER_LIMIT: usize = 16 * 1024;

/// How long a pooled request waits for the first byte of its body before its gateway runs
/// anyway.
pub(super) const PREBUFFER_PATIENCE: Duration = Duration::from_millis(500);

impl<R, W> Conn<R, W>
where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + ZeroCopy + Unpin + Send + 'static,
{
    /// Reads `body` until it ends or at least `limit` bytes of it are here, within the read
    /// `timeout` per read and the body's `deadline`; with `patience`, also stops when that
    /// long passes before the client sent any of it. `Err` is how the request was answered
    /// instead: a malformed or oversized body (400/413), a body too slow (408), a client gone.
    pub(super) async fn prebuffer_body(
        &mut self,
        body: &mut BodyDecoder,
        deadline: &mut BodyDeadline,
        version: http::Version,
        limit: usize,
        patience: Option<Duration>,
    ) -> Result<Bytes, Dispatch> {
        let mut data = BytesMut::new();
        // Body bytes that came with the head count as hearing from the client.
        let mut heard = !self.reader.buffer().is_empty();
        while data.len() < limit {
            match body.step(&mut self.reader) {
                Step::Data(piece) => data.extend_from_slice(&piece),
                Step::Done => break,
                Step::Error(err) => {
                    self.reject(err, version);
                    return Err(Dispatch::Answered(Ending::Linger));
                }
                Step::NeedMore => {
                    if !self.flush().await {
                        return Err(Dispatch::Gone);
                    }
                    let wait =
                        deadline.next_wait(self.reader.bytes_read(), self.shared.live.timeout());
                    let (wait, hand_over) = match patience {
                        Some(patience) if !heard && patience < wait => (patience, true),
                        _ => (wait, false),
                    };
                    let started = tokio::time::Instant::now();
                    let read = tokio::time::timeout(wait, self.reader.fill()).await;
                    deadline.waited(started.elapsed());
                    match read {
                        Ok(Ok(0)) => return Err(Dispatch::Gone),
                        Ok(Ok(_)) => heard = true,
                        Ok(Err(err)) => {
                            log_socket_error(&err);
                            return Err(Dispatch::Gone);
                        }
                        // Silent since its head: the client may wait for the answer.
                        Err(_) if hand_over => break,
                        Err(_) => {
                            // A request started and stalled mid-body, or trickled past its
                            // body deadline.
                            self.simple_response(408, "", false);
                            return Err(Dispatch::Answered(Ending::Clean));
                        }
                    }
                }
            }
        }
        Ok(data.freeze())
    }
}
