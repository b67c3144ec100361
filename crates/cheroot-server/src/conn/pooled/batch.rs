//! Pipelined requests answered by one pooled job: the requests without a body already
//! buffered behind a pooled one join its job, and the connection settles their responses in
//! order as they come back through the one channel.

use std::time::Instant;

use cheroot_wire::RequestHead;
use tokio::io::{AsyncRead, AsyncWrite};

use super::submit;
use crate::conn::zero_copy::ZeroCopy;
use crate::conn::{Conn, Dispatch, Next, has_no_body};
use crate::exchange::access_log::AccessEntry;
use crate::workers::handoff::{EventReceiver, PIPELINE_BATCH};
use crate::workers::pool::Job;

/// What the connection keeps of a request answered in a batch, to settle its response.
pub(in crate::conn) struct Batched {
    version: http::Version,
    /// Bytes of its head, for the stats.
    head_len: usize,
    /// Its access log entry, when the log is on.
    access: Option<Box<AccessEntry>>,
}

impl<R, W> Conn<R, W>
where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + ZeroCopy + Unpin + Send + 'static,
{
    /// Adds the requests without a body already buffered behind the pooled request just put
    /// in the connection's job slot (whose response speaks `version`) to the same job: up to
    /// [`PIPELINE_BATCH`] in all, and none after one that asks to close the connection. What
    /// settling each takes, the first request's first; `None` when no such request is
    /// buffered (the job holds one request then).
    pub(in crate::conn) fn gather_pipelined(
        &mut self,
        version: http::Version,
    ) -> Option<Vec<Batched>> {
        // The usual case, nothing buffered, is seen without a call.
        if self.reader.buffer().is_empty() {
            return None;
        }
        let first_head_len = self.head_len;
        let mut head = self.next_pipelined()?;
        let slot = self.job_slot.take()?;
        let mut batch = Vec::with_capacity(PIPELINE_BATCH);
        batch.push(Batched {
            version,
            head_len: first_head_len,
            access: self.access.take(),
        });
        loop {
            self.requests_seen += 1;
            let version = self.open_request(&head);
            let ctx = self.response_ctx(&head, version);
            let goes_on = ctx.wants_keep_alive;
            batch.push(Batched {
                version,
                head_len: self.head_len,
                access: self.access.take(),
            });
            slot.push(head, ctx);
            if !goes_on || batch.len() == PIPELINE_BATCH {
                break;
            }
            match self.next_pipelined() {
                Some(next) => head = next,
                None => break,
            }
        }
        self.job_slot = Some(slot);
        Some(batch)
    }

    /// The next buffered head, when it is whole and its request has no body; another head
    /// (or a bad one) is left in `pending` for the connection's loop.
    fn next_pipelined(&mut self) -> Option<RequestHead> {
        match self.head_now()? {
            Ok(head) if has_no_body(&head) => Some(head),
            other => {
                self.pending = Some(Box::new(other));
                None
            }
        }
    }

    /// Hands `job`, a batch [`gather_pipelined`](Self::gather_pipelined) made, to the worker
    /// pool and passes its responses on, settling each as it ends (the first request's
    /// counted from `started`, each next one's from the end of the one before); stops at the
    /// first that ends the connection.
    pub(in crate::conn) async fn respond_pooled_batch(
        &mut self,
        job: Job,
        mut events: EventReceiver,
        mut started: Option<(Instant, u64, u64)>,
        batch: Vec<Batched>,
    ) -> Next {
        let submitted = submit(&self.shared, job).await;
        for Batched {
            version,
            head_len,
            access,
        } in batch
        {
            let dispatch = if submitted {
                self.next_response(&mut events).await
            } else {
                Dispatch::Overloaded
            };
            self.head_len = head_len;
            self.access = access;
            let next = self.settle(dispatch, version, started, true);
            if next != Next::KeepAlive {
                return next;
            }
            started = self.stats_start();
        }
        self.events = Some(events);
        Next::KeepAlive
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use crate::config::ServerConfig;
    use crate::embed::ConnectionServer;
    use crate::exchange::gateway::{Gateway, GatewayError};
    use crate::exchange::request::Request;
    use crate::exchange::response::Response;
    use crate::listen::bind::BindAddr;
    use crate::workers::handoff::PIPELINE_BATCH;

    /// Answers `ok`, with its length, on the worker pool.
    struct PooledOk;

    impl Gateway for PooledOk {
        fn respond(
            &self,
            _: &mut Request<'_>,
            resp: &mut Response<'_>,
        ) -> Result<(), GatewayError> {
            resp.add_header("Content-Length", "2")?;
            Ok(resp.write(b"ok")?)
        }

        fn blocking(&self) -> bool {
            true
        }
    }

    /// Sends `requests` pipelined GETs on a new connection to `server`, all written before
    /// the connection reads (so its first read has them all), and checks that each is
    /// answered.
    async fn answer_pipelined(server: &ConnectionServer, requests: usize) {
        let (mut client, io) = tokio::io::duplex(64 * 1024);
        client
            .write_all(&b"GET / HTTP/1.1\r\nHost: x\r\n\r\n".repeat(requests))
            .await
            .expect("the requests are written");
        let conn = tokio::spawn(server.serve_connection(io, None));
        let status = b"HTTP/1.1 200 OK";
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        while got.windows(status.len()).filter(|w| w == status).count() < requests
            || !got.ends_with(b"ok")
        {
            let n = client.read(&mut buf).await.expect("the responses are read");
            assert_ne!(n, 0, "closed early: {}", String::from_utf8_lossy(&got));
            got.extend_from_slice(&buf[..n]);
        }
        drop(client);
        conn.await
            .expect("the connection ends when the client goes");
    }

    /// Pipelined requests the connection finds already buffered are answered by jobs of up to
    /// a batch each, not a job per request: what the batch is for, and what no reply on the
    /// wire shows (the same responses come back either way).
    #[tokio::test]
    async fn buffered_pipelined_requests_share_a_job_per_batch() {
        let bind = BindAddr::tcp("127.0.0.1", 80).expect("an address");
        let server =
            ConnectionServer::new(bind, PooledOk, ServerConfig::default()).expect("a server");
        // A batch, then the one left.
        answer_pipelined(&server, PIPELINE_BATCH + 1).await;
        assert_eq!(server.jobs_taken(), 2);
        // Two whole batches.
        answer_pipelined(&server, 2 * PIPELINE_BATCH).await;
        assert_eq!(server.jobs_taken(), 4);
    }
}
