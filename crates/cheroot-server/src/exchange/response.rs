//! The response a gateway writes: status, validated headers and body, framed by the server
//! (head assembly, chunking, `Content-Length` accounting) and sent to the connection.

use std::fmt;
use std::io;

use crate::exchange::file_region::FileRegion;
use crate::exchange::outcome::{Failure, Outcome};
use crate::workers::handoff::{Ended, Event, EventSender};
use bytes::{BufMut, Bytes, BytesMut};
use cheroot_wire::{
    HeaderLine, HeaderLines, KnownHeader, ParseError, ResponseFraming, ResponseHead,
    response_framing,
};

mod context;

pub(crate) use context::{ResponseCtx, ResponseEnv};

/// Below this size a `Bytes` body piece is copied next to the head rather than queued alone.
const COPY_THRESHOLD: usize = 4096;

/// A file sent without sendfile is read in pieces of this size.
const FILE_COPY_PIECE: usize = 64 * 1024;

/// A buffered response (see [`Response::set_buffered`]) sends its bytes once this many are held.
const BUFFER_LIMIT: usize = 64 * 1024;

/// cheroot's message for a body longer than the declared `Content-Length` (before headers).
pub(crate) const OVERFLOW_MESSAGE: &str =
    "The requested resource returned more bytes than the declared Content-Length.";

/// Where response bytes go when the gateway runs inline: the connection's write buffer.
pub(crate) trait OutBuf: Send {
    /// The buffer small pieces (the head, chunk framing) are appended to.
    fn buffer_mut(&mut self) -> &mut BytesMut;
    /// Queues a large piece without copying it.
    fn push_bytes(&mut self, data: Bytes);
}

/// Where a response's bytes go: straight into the connection's write buffer (a gateway run
/// inline on the I/O task), or over the event channel to the connection task (a gateway run
/// on the worker pool).
pub(crate) enum ResponseOutput<'a> {
    Inline(&'a mut dyn OutBuf),
    Channel {
        /// The connection's channel, which every response of a batch of pipelined requests
        /// goes through in turn.
        tx: &'a EventSender,
        pending: BytesMut,
        /// Whether the connection can send a file without copying it (plain TCP or UNIX
        /// socket; TLS must encrypt every byte).
        zero_copy: bool,
    },
}

/// The response to one request, written by [`Gateway::respond`](crate::Gateway::respond).
///
/// Set the status and headers, then write the body; the first write (or
/// [`send_headers`](Response::send_headers)) sends the head. The server then:
/// - adds `Transfer-Encoding: chunked` when there is no `Content-Length` and the response
///   protocol is HTTP/1.1, `Connection`, `Keep-Alive` (HTTP/1.0 keep-alive only), and `Date`
///   and `Server` unless the gateway set them;
/// - discards body bytes of responses that carry none (HEAD, 1xx, 204, 304);
/// - checks the body against a declared `Content-Length`: more bytes fail the write (and give
///   500 if nothing was sent yet, cheroot's message), fewer close the connection.
///
/// Header names must be tokens and values free of CR, LF and NUL: a response-splitting
/// attempt fails [`add_header`](Response::add_header).
pub struct Response<'a> {
    ctx: &'a ResponseCtx,
    output: ResponseOutput<'a>,
    status: u16,
    reason: String,
    /// The gateway's header lines, checked and rendered as they are added.
    headers: HeaderLines,
    content_length: Option<u64>,
    /// The gateway's `Content-Length` line in `headers`, to leave it out of responses that
    /// must not carry one (1xx, 204).
    content_length_line: Option<HeaderLine>,
    has_date: bool,
    has_server: bool,
    has_connection: bool,
    app_close: bool,
    headers_sent: bool,
    framing: ResponseFraming,
    keep_alive: bool,
    written: u64,
    overflow: bool,
    broken: bool,
    buffered: bool,
    /// A buffered response's first piece, held back until the response ends or a second
    /// piece comes: when it is the whole body, the head carries its `Content-Length` instead of
    /// chunking it (a WSGI app that returned a one-element list).
    held: Option<Bytes>,
}

impl fmt::Debug for Response<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("reason", &self.reason)
            .field("headers_sent", &self.headers_sent)
            .field("written", &self.written)
            .finish_non_exhaustive()
    }
}

impl<'a> Response<'a> {
    /// A response whose header lines go into `scratch` (cleared), so a connection can reuse
    /// one allocation for every response; [`into_scratch`](Self::into_scratch) gives it back.
    pub(crate) fn with_scratch(
        ctx: &'a ResponseCtx,
        output: ResponseOutput<'a>,
        scratch: BytesMut,
    ) -> Self {
        Self {
            ctx,
            output,
            status: 200,
            reason: String::new(),
            headers: HeaderLines::from_buffer(scratch),
            content_length: None,
            content_length_line: None,
            has_date: false,
            has_server: false,
            has_connection: false,
            app_close: false,
            headers_sent: false,
            framing: ResponseFraming::CloseDelimited,
            keep_alive: false,
            written: 0,
            overflow: false,
            broken: false,
            buffered: false,
            held: None,
        }
    }

    /// Gives back the header scratch buffer.
    pub(crate) fn into_scratch(self) -> BytesMut {
        self.headers.into_buffer()
    }

    /// Sets the status code and reason phrase (default `200 OK`; an empty reason is replaced
    /// by the standard phrase). Ignored once the headers are sent.
    pub fn set_status(&mut self, code: u16, reason: impl AsRef<str>) {
        if self.headers_sent {
            return;
        }
        self.status = code;
        let reason = reason.as_ref();
        self.reason.clear();
        // The standard phrase is what an empty reason sends: keeping it empty saves an
        // allocation per response for the common `set_status(200, "OK")`.
        if reason != cheroot_wire::canonical_reason(code) {
            self.reason.push_str(reason);
        }
    }

    /// [`set_status`](Self::set_status) with a typed status: its code and standard reason.
    pub fn set_status_code(&mut self, status: http::StatusCode) {
        self.set_status(status.as_u16(), status.canonical_reason().unwrap_or(""));
    }

    /// The status code set so far.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Adds a header, after those already added (order is kept).
    ///
    /// A `Content-Length` sets the body length the server checks; a `Transfer-Encoding` is
    /// dropped (the server frames the body itself); `Date`, `Server` and `Connection` replace
    /// the server's own. A `Connection: close` makes the server close after the response.
    ///
    /// # Errors
    ///
    /// [`HeaderError`] when the name is not a token, the value holds a control byte (but HTAB)
    /// or DEL, a `Content-Length` is not a decimal number (or disagrees with an earlier one),
    /// or the headers were already sent.
    pub fn add_header(
        &mut self,
        name: impl AsRef<[u8]>,
        value: impl AsRef<[u8]>,
    ) -> Result<(), HeaderError> {
        let (name, value) = (name.as_ref(), value.as_ref());
        if self.headers_sent {
            return Err(HeaderError(HeaderErrorKind::AlreadySent));
        }
        // Checked (name, then value) and written in one step; a line the server must not
        // keep is taken out again below.
        let line = self.headers.push(name, value).map_err(|err| {
            HeaderError(if err == ParseError::BAD_RESPONSE_HEADER_NAME {
                HeaderErrorKind::Name
            } else {
                HeaderErrorKind::Value
            })
        })?;
        let value = trim(value);
        match line.known() {
            KnownHeader::ContentLength => {
                let declared = cheroot_wire::parse_content_length(value);
                match (declared, self.content_length) {
                    (Some(len), None) => {
                        self.content_length = Some(len);
                        self.content_length_line = Some(line);
                    }
                    // The same length again: one line is enough.
                    (Some(len), Some(old)) if len == old => self.headers.remove(line),
                    _ => {
                        self.headers.remove(line);
                        return Err(HeaderError(HeaderErrorKind::ContentLength));
                    }
                }
            }
            // The server frames the body itself.
            KnownHeader::TransferEncoding => self.headers.remove(line),
            KnownHeader::Date => self.has_date = true,
            KnownHeader::Server => self.has_server = true,
            KnownHeader::Connection => {
                self.has_connection = true;
                if value
                    .split(|&b| b == b',')
                    .any(|t| trim(t).eq_ignore_ascii_case(b"close"))
                {
                    self.app_close = true;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Forgets the status and headers set so far, as if none had been set: what a WSGI
    /// `start_response` called again with `exc_info` needs. Ignored once the headers are sent.
    pub fn clear_head(&mut self) {
        if self.headers_sent {
            return;
        }
        self.status = 200;
        self.reason.clear();
        self.headers.clear();
        self.content_length = None;
        self.content_length_line = None;
        self.has_date = false;
        self.has_server = false;
        self.has_connection = false;
        self.app_close = false;
    }

    /// [`add_header`](Self::add_header) with a typed name and value (`http`'s, re-exported as
    /// `cheroot::http`): the same rules apply (a `Content-Length` sets the length, and so on).
    ///
    /// # Errors
    ///
    /// As `add_header` (a typed value cannot hold a control byte, but a `Content-Length` that is
    /// not a number, or headers already sent, are still errors).
    pub fn add_typed_header(
        &mut self,
        name: &http::header::HeaderName,
        value: &http::HeaderValue,
    ) -> Result<(), HeaderError> {
        self.add_header(name.as_str(), value.as_bytes())
    }

    /// Holds body bytes back until the gateway returns (or 64 KiB accumulate) instead of
    /// sending each write at once. For a gateway on the worker pool whose whole body is ready
    /// without waiting (a WSGI app that returned a list): the response then reaches the
    /// connection in one message. Off by default, because a streaming gateway (one that waits
    /// between writes) wants each write to reach the client at once. Inline gateways are
    /// always sent when they return, so this changes nothing for them.
    pub fn set_buffered(&mut self, buffered: bool) {
        self.buffered = buffered;
    }

    /// Whether the head has been sent.
    pub fn headers_sent(&self) -> bool {
        self.headers_sent
    }

    /// Sends the head now (normally the first write does it).
    ///
    /// # Errors
    ///
    /// An invalid reason phrase or status code (`InvalidInput`), or the client connection is
    /// gone (`BrokenPipe`).
    pub fn send_headers(&mut self) -> io::Result<()> {
        self.release_held()?;
        if !self.headers_sent {
            self.start()?;
        }
        self.flush_channel()
    }

    /// Writes body bytes (sending the head first if needed).
    ///
    /// # Errors
    ///
    /// `InvalidData` when the bytes pass the declared `Content-Length` (nothing is sent if the
    /// head was not sent yet; otherwise the body is truncated and the connection will close),
    /// `BrokenPipe` when the client is gone, or the errors of
    /// [`send_headers`](Response::send_headers).
    pub fn write(&mut self, data: &[u8]) -> io::Result<()> {
        self.write_piece(Piece::Slice(data))
    }

    /// Writes body bytes without copying them when they are large.
    ///
    /// # Errors
    ///
    /// As [`write`](Response::write).
    pub fn write_bytes(&mut self, data: Bytes) -> io::Result<()> {
        self.write_piece(Piece::Bytes(data))
    }

    /// Writes `region` of a file as body bytes: with sendfile(2), not copied through memory,
    /// on a plain TCP or UNIX connection from the worker pool; read and written otherwise
    /// (TLS, inline gateways). The same framing and `Content-Length` checks as
    /// [`write`](Response::write).
    ///
    /// # Errors
    ///
    /// As [`write`](Response::write), and the errors of reading the file on the copying path.
    pub fn send_file(&mut self, region: FileRegion) -> io::Result<()> {
        if !matches!(
            self.output,
            ResponseOutput::Channel {
                zero_copy: true,
                ..
            }
        ) {
            return self.copy_file(region);
        }
        if self.broken {
            return Err(gone());
        }
        self.release_held()?;
        let mut region = region;
        let len = region.len();
        if !self.headers_sent {
            if self.content_length.is_some_and(|declared| len > declared) {
                self.overflow = true;
                return Err(io::Error::new(io::ErrorKind::InvalidData, OVERFLOW_MESSAGE));
            }
            self.start()?;
        }
        let mut result = Ok(());
        match self.framing {
            ResponseFraming::NoBody => return Ok(()),
            ResponseFraming::Length(declared) => {
                let remaining = declared - self.written;
                if len > remaining {
                    region.truncate(remaining);
                    self.keep_alive = false;
                    result = Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        "Response body exceeds the declared Content-Length.",
                    ));
                }
            }
            ResponseFraming::Chunked => {
                if len == 0 {
                    return Ok(());
                }
                cheroot_wire::encode_chunk_size(self.out(), len);
            }
            ResponseFraming::CloseDelimited => {}
        }
        self.written += region.len();
        // What is pending (the head, a chunk size) goes first, then the file.
        self.flush_channel()?;
        if let ResponseOutput::Channel { tx, .. } = &self.output {
            if tx.blocking_send(Event::File(region)).is_err() {
                self.broken = true;
                return Err(gone());
            }
        }
        if self.framing == ResponseFraming::Chunked {
            cheroot_wire::encode_chunk_end(self.out());
        }
        result
    }

    /// `send_file` where the bytes must pass through memory: 64 KiB reads, each written.
    fn copy_file(&mut self, region: FileRegion) -> io::Result<()> {
        let mut offset = region.offset();
        let end = region.offset() + region.len();
        while offset < end {
            let want = (end - offset).min(FILE_COPY_PIECE as u64) as usize;
            let mut piece = BytesMut::zeroed(want);
            let got = std::os::unix::fs::FileExt::read_at(region.file(), &mut piece, offset)?;
            if got == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the file ended before the region sent from it",
                ));
            }
            piece.truncate(got);
            self.write_bytes(piece.freeze())?;
            offset += got as u64;
        }
        Ok(())
    }

    fn write_piece(&mut self, piece: Piece<'_>) -> io::Result<()> {
        if self.broken {
            return Err(gone());
        }
        if self.buffered
            && !self.headers_sent
            && self.content_length.is_none()
            && self.held.is_none()
            && piece.len() <= BUFFER_LIMIT
        {
            self.held = Some(piece.into_bytes());
            return Ok(());
        }
        self.release_held()?;
        self.write_now(piece)
    }

    /// Writes the held piece, if any, as an ordinary write.
    fn release_held(&mut self) -> io::Result<()> {
        match self.held.take() {
            Some(held) => self.write_now(Piece::Bytes(held)),
            None => Ok(()),
        }
    }

    fn write_now(&mut self, piece: Piece<'_>) -> io::Result<()> {
        let len = piece.len() as u64;
        if !self.headers_sent {
            if self.content_length.is_some_and(|declared| len > declared) {
                self.overflow = true;
                return Err(io::Error::new(io::ErrorKind::InvalidData, OVERFLOW_MESSAGE));
            }
            self.start()?;
        }
        let result = match self.framing {
            ResponseFraming::NoBody => Ok(()),
            ResponseFraming::Length(declared) => {
                let remaining = declared - self.written;
                if len > remaining {
                    self.emit(piece.truncate(remaining as usize));
                    self.written = declared;
                    self.keep_alive = false;
                    Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        "Response body exceeds the declared Content-Length.",
                    ))
                } else {
                    self.written += len;
                    self.emit(piece);
                    Ok(())
                }
            }
            ResponseFraming::Chunked => {
                if len > 0 {
                    cheroot_wire::encode_chunk_size(self.out(), len);
                    self.emit(piece);
                    cheroot_wire::encode_chunk_end(self.out());
                    self.written += len;
                }
                Ok(())
            }
            ResponseFraming::CloseDelimited => {
                self.written += len;
                self.emit(piece);
                Ok(())
            }
        };
        if !self.buffered || self.pending_len() >= BUFFER_LIMIT {
            self.flush_channel()?;
        } else if self.broken {
            return Err(gone());
        }
        result
    }

    fn pending_len(&self) -> usize {
        match &self.output {
            ResponseOutput::Inline(_) => 0,
            ResponseOutput::Channel { pending, .. } => pending.len(),
        }
    }

    /// Ends a response whose gateway returned normally: sends the head if nothing was
    /// written, the last chunk, and reports whether the connection can stay open.
    pub(crate) fn finish(&mut self) -> Outcome {
        if self.overflow {
            return self.fail();
        }
        if let Some(held) = self.held.take() {
            // The held piece is the whole body: say its length (not for 1xx, 204 and 304,
            // which carry no body).
            if self.status >= 200 && !matches!(self.status, 204 | 304) {
                let _ = self.add_header("Content-Length", held.len().to_string());
            }
            if self.write_now(Piece::Bytes(held)).is_err() {
                return self.fail();
            }
        }
        if !self.headers_sent {
            // Nothing was written: the body is known to be empty, so say so instead of
            // chunking (or closing, on HTTP/1.0) an empty body.
            if self.content_length.is_none() {
                let framing =
                    response_framing(&self.ctx.method, self.ctx.version, self.status, None);
                if matches!(
                    framing,
                    ResponseFraming::Chunked | ResponseFraming::CloseDelimited
                ) {
                    let _ = self.add_header("Content-Length", "0");
                }
            }
            if self.start().is_err() {
                return self.fail();
            }
        }
        match self.framing {
            ResponseFraming::Chunked if !self.broken => cheroot_wire::encode_last_chunk(self.out()),
            ResponseFraming::Length(declared) if self.written < declared => {
                tracing::warn!(
                    "Response body shorter than its Content-Length ({} of {declared} bytes); \
                     closing the connection",
                    self.written
                );
                self.keep_alive = false;
            }
            _ => {}
        }
        // What is still pending (the last chunk, a buffered body) goes with the End message.
        self.outcome(None)
    }

    /// Ends a response whose gateway failed.
    pub(crate) fn fail(&mut self) -> Outcome {
        self.keep_alive = false;
        let failure = if self.overflow && !self.headers_sent {
            Failure::Overflow
        } else {
            Failure::Gateway
        };
        self.outcome(Some(failure))
    }

    /// Hands the outcome, with the bytes still pending and the request head, back to the
    /// connection task (worker-pool gateways); false when the connection is gone.
    pub(crate) fn send_end(&mut self, outcome: Outcome, head: cheroot_wire::RequestHead) -> bool {
        match &mut self.output {
            ResponseOutput::Channel { tx, pending, .. } => {
                let last = std::mem::take(pending);
                tx.send_end(Ended { outcome, last }, head).is_ok()
            }
            ResponseOutput::Inline(_) => true,
        }
    }

    fn outcome(&self, failure: Option<Failure>) -> Outcome {
        Outcome {
            head_sent: self.headers_sent,
            status: self.status,
            body_bytes: self.written,
            keep_alive: self.keep_alive && !self.broken,
            failure,
        }
    }

    /// Decides framing and keep-alive, and writes the head into the output.
    fn start(&mut self) -> io::Result<()> {
        let ctx = self.ctx;
        let env = &*ctx.env;
        let status = self.status;
        let version = ctx.version;
        let framing = response_framing(&ctx.method, version, status, self.content_length);
        let reason = if self.reason.is_empty() {
            cheroot_wire::canonical_reason(status)
        } else {
            &self.reason
        };
        let out = output_buffer(&mut self.output);
        out.reserve(128 + self.headers.len());
        // Checks the status code and the reason phrase; nothing is written if they fail.
        let mut head =
            ResponseHead::new(out, env.protocol().as_str(), status, reason).map_err(|_| {
                let what = if (100..=999).contains(&status) {
                    "Invalid reason phrase"
                } else {
                    "Invalid status code"
                };
                io::Error::new(io::ErrorKind::InvalidInput, what)
            })?;
        let keep_alive = ctx.wants_keep_alive
            && !self.app_close
            && status != 413
            && framing != ResponseFraming::CloseDelimited
            && env.can_keep_alive();
        if let Some(line) = self.content_length_line {
            // RFC 9110 §8.6: no Content-Length in a 1xx or 204 response.
            if status < 200 || status == 204 {
                self.headers.remove(line);
            }
        }
        head.lines(&self.headers);
        if framing == ResponseFraming::Chunked {
            head.chunked();
        }
        if !self.has_connection {
            if version == http::Version::HTTP_11 {
                if !keep_alive {
                    head.connection_close();
                }
            } else if keep_alive {
                head.keep_alive(env.keep_alive_timeout_secs());
            }
        }
        head.finish_with_date_and_server(
            (!self.has_date).then(|| env.now_secs()),
            (!self.has_server).then(|| env.server_name()),
        );
        self.framing = framing;
        self.keep_alive = keep_alive;
        self.headers_sent = true;
        self.headers.clear();
        Ok(())
    }

    fn out(&mut self) -> &mut BytesMut {
        output_buffer(&mut self.output)
    }

    fn emit(&mut self, piece: Piece<'_>) {
        match piece {
            Piece::Slice(data) => self.out().put_slice(data),
            Piece::Bytes(data) if data.len() < COPY_THRESHOLD => self.out().put_slice(&data),
            Piece::Bytes(data) => match &mut self.output {
                ResponseOutput::Inline(buf) => buf.push_bytes(data),
                ResponseOutput::Channel { tx, pending, .. } => {
                    if !pending.is_empty() {
                        let head = pending.split().freeze();
                        if tx.blocking_send(Event::Data(head)).is_err() {
                            self.broken = true;
                            return;
                        }
                    }
                    if tx.blocking_send(Event::Data(data)).is_err() {
                        self.broken = true;
                    }
                }
            },
        }
    }

    /// Sends what a worker has pending to the connection task.
    fn flush_channel(&mut self) -> io::Result<()> {
        if let ResponseOutput::Channel { tx, pending, .. } = &mut self.output {
            if !pending.is_empty() && !self.broken {
                let data = pending.split().freeze();
                if tx.blocking_send(Event::Data(data)).is_err() {
                    self.broken = true;
                }
            }
        }
        if self.broken { Err(gone()) } else { Ok(()) }
    }
}

impl io::Write for Response<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        Response::write(self, buf)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

enum Piece<'a> {
    Slice(&'a [u8]),
    Bytes(Bytes),
}

impl Piece<'_> {
    fn len(&self) -> usize {
        match self {
            Piece::Slice(s) => s.len(),
            Piece::Bytes(b) => b.len(),
        }
    }

    fn into_bytes(self) -> Bytes {
        match self {
            Piece::Slice(s) => Bytes::copy_from_slice(s),
            Piece::Bytes(b) => b,
        }
    }

    fn truncate(self, n: usize) -> Self {
        match self {
            Piece::Slice(s) => Piece::Slice(&s[..n]),
            Piece::Bytes(mut b) => {
                b.truncate(n);
                Piece::Bytes(b)
            }
        }
    }
}

/// The buffer small pieces of a response go into: the connection's write buffer (inline), or
/// the worker's pending bytes (pooled).
fn output_buffer<'b>(output: &'b mut ResponseOutput<'_>) -> &'b mut BytesMut {
    match output {
        ResponseOutput::Inline(buf) => buf.buffer_mut(),
        ResponseOutput::Channel { pending, .. } => pending,
    }
}

fn gone() -> io::Error {
    io::Error::new(io::ErrorKind::BrokenPipe, "the client connection is gone")
}

fn trim(value: &[u8]) -> &[u8] {
    value.trim_ascii()
}

/// A header the gateway tried to add was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderError(HeaderErrorKind);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HeaderErrorKind {
    Name,
    Value,
    ContentLength,
    AlreadySent,
}

impl HeaderError {
    /// Whether the name was not a token.
    pub fn is_invalid_name(&self) -> bool {
        self.0 == HeaderErrorKind::Name
    }

    /// Whether the value held a control byte (CR or LF: a response-splitting attempt).
    pub fn is_invalid_value(&self) -> bool {
        self.0 == HeaderErrorKind::Value
    }

    /// Whether the headers had already been sent.
    pub fn is_already_sent(&self) -> bool {
        self.0 == HeaderErrorKind::AlreadySent
    }
}

impl fmt::Display for HeaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.0 {
            HeaderErrorKind::Name => "Response header names must be tokens.",
            HeaderErrorKind::Value => "Response header values must not contain control characters.",
            HeaderErrorKind::ContentLength => "Malformed Content-Length Header.",
            HeaderErrorKind::AlreadySent => "Response headers were already sent.",
        })
    }
}

impl std::error::Error for HeaderError {}
