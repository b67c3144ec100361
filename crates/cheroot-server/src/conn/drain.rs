//! Skipping the unread rest of a request body so the connection can serve the next request,
//! within a byte budget, the read timeout and a body deadline of its own (a trickle must not
//! keep the connection open here either).

use tokio::io::{AsyncRead, AsyncWrite};

use crate::conn::zero_copy::ZeroCopy;

use super::body::{BodyDecoder, Step};
use super::body_deadline::BodyDeadline;
use super::{Conn, DRAIN_LIMIT};

impl<R, W> Conn<R, W>
where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + ZeroCopy + Unpin + Send + 'static,
{
    /// Reads and drops the rest of `body`; false when it is longer than [`DRAIN_LIMIT`],
    /// malformed, stalls for `timeout`, trickles past `body_timeout` (plus a second per KiB),
    /// or the client goes away (the connection must close).
    pub(super) async fn drain(&mut self, body: &mut BodyDecoder) -> bool {
        // test_conn.py::test_readall_or_close: an unread body does not break the connection.
        let mut budget = DRAIN_LIMIT;
        let mut deadline =
            BodyDeadline::new(self.shared.config.body_timeout, self.reader.bytes_read());
        loop {
            match body.step(&mut self.reader) {
                Step::Data(piece) => match budget.checked_sub(piece.len() as u64) {
                    Some(left) => budget = left,
                    None => return false,
                },
                Step::Done => return true,
                Step::Error(_) => return false,
                Step::NeedMore => {
                    // The client may wait for the response before sending the rest.
                    if !self.flush().await {
                        return false;
                    }
                    let wait =
                        deadline.next_wait(self.reader.bytes_read(), self.shared.live.timeout());
                    let started = tokio::time::Instant::now();
                    let read = tokio::time::timeout(wait, self.reader.fill()).await;
                    deadline.waited(started.elapsed());
                    match read {
                        Ok(Ok(n)) if n > 0 => {}
                        _ => return false,
                    }
                }
            }
        }
    }
}
