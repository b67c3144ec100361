//! One request as a gateway sees it: the parsed head, the connection, and the body.

use std::io::{self, Read};

use bytes::Bytes;
use cheroot_wire::{Headers, RequestHead, RequestTarget};

use crate::exchange::conn_info::ConnInfo;
use crate::exchange::request_body::RequestBody;

/// A request handed to [`Gateway::respond`](crate::Gateway::respond).
///
/// It reads as [`std::io::Read`] over the (de-chunked) body; [`read_chunk`](Request::read_chunk)
/// gives the body piece by piece without a copy.
#[derive(Debug)]
pub struct Request<'a> {
    head: &'a RequestHead,
    conn: &'a ConnInfo,
    body: &'a mut RequestBody,
}

impl<'a> Request<'a> {
    /// A request over its parts (the server builds these; tests and other layers may too).
    pub fn new(head: &'a RequestHead, conn: &'a ConnInfo, body: &'a mut RequestBody) -> Self {
        Self { head, conn, body }
    }

    /// The parsed request line and headers.
    pub fn head(&self) -> &RequestHead {
        self.head
    }

    /// The method.
    pub fn method(&self) -> &http::Method {
        &self.head.method
    }

    /// The request target (raw `REQUEST_URI`, decoded path, raw query).
    pub fn target(&self) -> RequestTarget<'a> {
        self.head.target()
    }

    /// The request's HTTP version (1.0 or 1.1).
    pub fn version(&self) -> http::Version {
        self.head.version
    }

    /// The header fields, in the order received.
    pub fn headers(&self) -> &'a Headers {
        self.head.headers()
    }

    /// The connection the request came on.
    pub fn conn(&self) -> &ConnInfo {
        self.conn
    }

    /// The body.
    pub fn body(&mut self) -> &mut RequestBody {
        self.body
    }

    /// The next piece of the body, `None` at its end.
    ///
    /// # Errors
    ///
    /// See [`RequestBody::read_chunk`].
    pub fn read_chunk(&mut self) -> io::Result<Option<Bytes>> {
        self.body.read_chunk()
    }
}

impl Read for Request<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.body.read(buf)
    }
}
