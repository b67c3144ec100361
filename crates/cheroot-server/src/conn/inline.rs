//! Running a non-blocking gateway inline on the I/O task: the (small) body is read first, the
//! response goes straight into the connection's write buffer.

use bytes::Bytes;
use cheroot_wire::RequestHead;
use tokio::io::{AsyncRead, AsyncWrite};

use crate::conn::zero_copy::ZeroCopy;

use super::body::BodyDecoder;
use super::body_deadline::BodyDeadline;
use super::run_gateway::run_gateway;
use super::{Conn, Dispatch};
use crate::exchange::request::Request;
use crate::exchange::request_body::RequestBody;
use crate::exchange::response::{Response, ResponseCtx, ResponseOutput};

/// The first allocation of the write buffer for inline responses: sixteen small responses.
const WRITE_BUFFER_START: usize = 4096;

impl<R, W> Conn<R, W>
where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + ZeroCopy + Unpin + Send + 'static,
{
    pub(super) async fn respond_inline(
        &mut self,
        head: &RequestHead,
        ctx: &ResponseCtx,
        body: &mut BodyDecoder,
        deadline: &mut BodyDeadline,
    ) -> Dispatch {
        // The body is small (checked by the caller): all of it, before the gateway runs.
        match self
            .prebuffer_body(body, deadline, ctx.version, usize::MAX, None)
            .await
        {
            Ok(data) => self.run_inline(head, ctx, data),
            Err(answered) => answered,
        }
    }

    /// Runs the gateway on a request whose body is all here, `data`, writing the response into
    /// the connection's write buffer.
    pub(super) fn run_inline(
        &mut self,
        head: &RequestHead,
        ctx: &ResponseCtx,
        data: Bytes,
    ) -> Dispatch {
        // Borrowed, not cloned: the fields below are disjoint (no reference count per request).
        let gateway = &*self.shared.gateway;
        let mut body = RequestBody::buffered(data);
        let mut req = Request::new(head, &self.info, &mut body);
        let out = self.writer.buffer_mut();
        if out.capacity() == 0 {
            // A connection back from idle holds no write buffer: take room for a pipelined
            // batch of small responses at once instead of growing it from nothing through
            // half a dozen reallocations.
            out.reserve(WRITE_BUFFER_START);
        }
        let scratch = std::mem::take(&mut self.scratch);
        let mut resp =
            Response::with_scratch(ctx, ResponseOutput::Inline(&mut self.writer), scratch);
        let outcome = run_gateway(gateway, &mut req, &mut resp);
        self.scratch = resp.into_scratch();
        Dispatch::Done {
            outcome,
            body_error: None,
        }
    }
}
