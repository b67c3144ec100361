//! The response head encoder: the status line, the header lines (checked as they are added,
//! by the one header-text rule), the framing lines the server adds, and the `Date` and `Server`
//! lines that end nearly every head, cached per thread for a second.
//!
//! cheroot never checks response header names or values for CR/LF, which allows response
//! splitting (docs/cheroot-reference.md#response-headers-unchecked); here a bad header is an
//! error and writes nothing.

use std::cell::RefCell;

use bytes::{BufMut, BytesMut};

use super::{put_decimal, write_status_line};
use crate::field_syntax::{is_field_value, is_token, trim_ows};
use crate::{HttpDate, ParseError};

/// The rejections of a response head: 500, because the application (or the server) is at fault,
/// not the client.
impl ParseError {
    /// 500: a status code that is not three digits (100..=999), a reason phrase with a control
    /// byte such as CR or LF, or an empty protocol or one with a byte that is not visible ASCII.
    pub const BAD_RESPONSE_STATUS: Self = Self::new(500, "Illegal response status.");
    /// 500: a response header name that is not a token (RFC 9110 §5.1).
    pub const BAD_RESPONSE_HEADER_NAME: Self = Self::new(500, "Illegal response header name.");
    /// 500: a response header value with CR, LF, NUL or another control byte but HTAB
    /// (RFC 9110 §5.5): a value that smuggles a CRLF would split the response.
    pub const BAD_RESPONSE_HEADER_VALUE: Self = Self::new(500, "Illegal response header value.");
}

/// A response head being written into a buffer: the status line first, then each header, then
/// [`ResponseHead::finish`], so that the whole head goes out in one write.
///
/// ```
/// use bytes::BytesMut;
/// use cheroot_wire::ResponseHead;
///
/// let mut out = BytesMut::new();
/// let mut head = ResponseHead::new(&mut out, "HTTP/1.1", 200, "OK")?;
/// head.header("Content-Type", "text/plain")?;
/// // A response-splitting attempt is refused and leaves the buffer as it was.
/// assert!(head.header("X-Bad", "a\r\nSet-Cookie: evil=1").is_err());
/// head.finish();
/// assert_eq!(&out[..], b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n");
/// # Ok::<(), cheroot_wire::ParseError>(())
/// ```
#[derive(Debug)]
pub struct ResponseHead<'a> {
    out: &'a mut BytesMut,
}

impl<'a> ResponseHead<'a> {
    /// Starts a head in `out` with the status line `{protocol} {status} {reason}`.
    ///
    /// `protocol` is the server's protocol string (cheroot always uses `server.protocol`, so an
    /// HTTP/1.0 request to the default server gets `HTTP/1.1 200 OK`:
    /// docs/cheroot-reference.md#status-line-protocol).
    ///
    /// # Errors
    ///
    /// 500 "Illegal response status." when `status` is not three digits (100..=999), `reason`
    /// holds a control byte such as CR or LF, or `protocol` is empty or holds a byte that is not
    /// visible ASCII. Nothing is written then.
    pub fn new(
        out: &'a mut BytesMut,
        protocol: &str,
        status: u16,
        reason: impl AsRef<[u8]>,
    ) -> Result<Self, ParseError> {
        let reason = reason.as_ref();
        let protocol_ok = !protocol.is_empty() && protocol.bytes().all(|b| b.is_ascii_graphic());
        if !(100..=999).contains(&status) || !is_field_value(reason) || !protocol_ok {
            return Err(ParseError::BAD_RESPONSE_STATUS);
        }
        write_status_line(out, protocol, status, reason);
        Ok(Self { out })
    }

    /// Appends the header `name: value`.
    ///
    /// # Errors
    ///
    /// 500 when `name` is not a token (RFC 9110 §5.1) or `value` holds CR, LF, NUL or another
    /// control byte but HTAB (§5.5): a value that smuggles a CRLF would split the response.
    /// Nothing is written then.
    pub fn header(
        &mut self,
        name: impl AsRef<[u8]>,
        value: impl AsRef<[u8]>,
    ) -> Result<(), ParseError> {
        let (name, value) = (name.as_ref(), value.as_ref());
        check_header_line(name, value)?;
        write_line(self.out, name, value);
        Ok(())
    }

    /// Appends header lines collected (and checked) before the head was started.
    pub fn lines(&mut self, lines: &HeaderLines) {
        self.out.put_slice(&lines.bytes);
    }

    /// Appends `Transfer-Encoding: chunked`.
    pub fn chunked(&mut self) {
        self.out.put_slice(b"Transfer-Encoding: chunked\r\n");
    }

    /// Appends `Connection: close`.
    pub fn connection_close(&mut self) {
        self.out.put_slice(b"Connection: close\r\n");
    }

    /// Appends `Connection: Keep-Alive` and `Keep-Alive: timeout={timeout_secs}`, as cheroot
    /// answers an HTTP/1.0 client that asked to keep the connection.
    pub fn keep_alive(&mut self, timeout_secs: u64) {
        self.out
            .put_slice(b"Connection: Keep-Alive\r\nKeep-Alive: timeout=");
        put_decimal(self.out, timeout_secs);
        self.out.put_slice(b"\r\n");
    }

    /// Appends `Date` for `unix_seconds` (rendered at most once a second per thread).
    pub fn date(&mut self, unix_seconds: u64) {
        put_date(self.out, unix_seconds);
    }

    /// Ends the head: `Date` for `date` (seconds since the epoch) and `Server: {server}` unless
    /// `None` (the application set its own), then the empty line. With both, the three lines
    /// are one copy of bytes this thread built once for this second and this name.
    ///
    /// `server` is written as given, as cheroot writes its `server_name`: it is the server's
    /// own setting, not something a client or an application sent.
    ///
    /// ```
    /// use bytes::BytesMut;
    /// use cheroot_wire::ResponseHead;
    ///
    /// let mut out = BytesMut::new();
    /// let head = ResponseHead::new(&mut out, "HTTP/1.1", 204, "No Content")?;
    /// head.finish_with_date_and_server(Some(784_111_777), Some("Cheroot/0.1.0"));
    /// assert_eq!(
    ///     &out[..],
    ///     &b"HTTP/1.1 204 No Content\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\
    ///        Server: Cheroot/0.1.0\r\n\r\n"[..]
    /// );
    /// # Ok::<(), cheroot_wire::ParseError>(())
    /// ```
    pub fn finish_with_date_and_server(self, date: Option<u64>, server: Option<&str>) {
        match (date, server) {
            (Some(now), Some(name)) => put_usual_tail(self.out, now, name),
            (date, server) => {
                if let Some(now) = date {
                    put_date(self.out, now);
                }
                if let Some(name) = server {
                    put_server(self.out, name);
                }
                self.out.put_slice(b"\r\n");
            }
        }
    }

    /// Ends the head with the empty line.
    pub fn finish(self) {
        self.out.put_slice(b"\r\n");
    }
}

/// Response header lines gathered before the head is written (the status may still change):
/// each checked as it is added and kept as `name: value\r\n`, so that writing the head
/// ([`ResponseHead::lines`]) is one copy. The buffer can be reused from one response to the
/// next ([`from_buffer`](Self::from_buffer), [`into_buffer`](Self::into_buffer)).
///
/// ```
/// use cheroot_wire::{HeaderLines, ParseError};
///
/// let mut lines = HeaderLines::new();
/// lines.push("Content-Type", " text/plain ")?;
/// let length = lines.push("Content-Length", "5")?;
/// assert_eq!(
///     lines.push("X-Split", "a\r\nSet-Cookie: evil=1"),
///     Err(ParseError::BAD_RESPONSE_HEADER_VALUE)
/// );
/// lines.remove(length);
/// assert_eq!(lines.as_bytes(), b"Content-Type: text/plain\r\n");
/// # Ok::<(), ParseError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct HeaderLines {
    bytes: BytesMut,
}

/// Where one line sits in its [`HeaderLines`], to take it out again with
/// [`HeaderLines::remove`], and which name it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderLine {
    start: usize,
    end: usize,
    known: KnownHeader,
}

impl HeaderLine {
    /// The line's name, if it is one the server acts on.
    pub fn known(&self) -> KnownHeader {
        self.known
    }
}

/// The response header names that decide how a response is framed or that the server writes
/// itself, and `Content-Type`, the most common other one; [`HeaderLine::known`] says which one
/// a line has. All of them are tokens, so [`HeaderLines::push`] skips the byte-by-byte check
/// for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KnownHeader {
    /// `Content-Length`.
    ContentLength,
    /// `Transfer-Encoding`.
    TransferEncoding,
    /// `Date`.
    Date,
    /// `Server`.
    Server,
    /// `Connection`.
    Connection,
    /// `Content-Type`.
    ContentType,
    /// Any other name.
    Other,
}

impl KnownHeader {
    /// Which known name `name` is, ASCII case-insensitively; one comparison, picked by length,
    /// and a plain one first for the usual spelling.
    // Inlined: called for every header an app adds.
    #[inline]
    pub fn of(name: &[u8]) -> Self {
        let (known, usual, lower): (Self, &[u8], &[u8]) = match name.len() {
            4 => (Self::Date, b"Date", b"date"),
            6 => (Self::Server, b"Server", b"server"),
            10 => (Self::Connection, b"Connection", b"connection"),
            12 => (Self::ContentType, b"Content-Type", b"content-type"),
            14 => (Self::ContentLength, b"Content-Length", b"content-length"),
            17 => (
                Self::TransferEncoding,
                b"Transfer-Encoding",
                b"transfer-encoding",
            ),
            _ => return Self::Other,
        };
        if name == usual || name.eq_ignore_ascii_case(lower) {
            known
        } else {
            Self::Other
        }
    }
}

impl HeaderLines {
    /// No lines yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// No lines yet, written into `buffer` (emptied first): a connection reuses one
    /// allocation for every response.
    pub fn from_buffer(mut buffer: BytesMut) -> Self {
        buffer.clear();
        Self { bytes: buffer }
    }

    /// The buffer back, emptied.
    pub fn into_buffer(self) -> BytesMut {
        let mut buffer = self.bytes;
        buffer.clear();
        buffer
    }

    /// Appends the header `name: value`, without the spaces and tabs around `value` (they are
    /// not part of a field value, RFC 9110 §5.5).
    ///
    /// # Errors
    ///
    /// [`ParseError::BAD_RESPONSE_HEADER_NAME`] when `name` is not a token,
    /// [`ParseError::BAD_RESPONSE_HEADER_VALUE`] when `value` holds a control byte but HTAB, or
    /// DEL (checked in that order). Nothing is written then.
    pub fn push(
        &mut self,
        name: impl AsRef<[u8]>,
        value: impl AsRef<[u8]>,
    ) -> Result<HeaderLine, ParseError> {
        let (name, value) = (name.as_ref(), value.as_ref());
        let known = KnownHeader::of(name);
        // A known name is a token: only another one needs the check (it showed in profiles of
        // small responses, where the names are most of the bytes checked).
        if known == KnownHeader::Other && !is_token(name) {
            return Err(ParseError::BAD_RESPONSE_HEADER_NAME);
        }
        check_value(value)?;
        let start = self.bytes.len();
        write_line(&mut self.bytes, name, trim_ows(value));
        Ok(HeaderLine {
            start,
            end: self.bytes.len(),
            known,
        })
    }

    /// Takes out a line [`push`](Self::push) returned; the lines after it move up, so a
    /// [`HeaderLine`] of a later line no longer fits (take out the last one first).
    pub fn remove(&mut self, line: HeaderLine) {
        let HeaderLine { start, end, .. } = line;
        if end > self.bytes.len() || start > end {
            return;
        }
        self.bytes.copy_within(end.., start);
        self.bytes.truncate(self.bytes.len() - (end - start));
    }

    /// Takes out every line, keeping the allocation.
    pub fn clear(&mut self) {
        self.bytes.clear();
    }

    /// The lines as they will be written.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Bytes held.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether no line was added.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

/// Checks one header line: `name` a token, then `value` a field value; the one rule every
/// response header line passes, for code that keeps header lines of its own.
///
/// # Errors
///
/// [`ParseError::BAD_RESPONSE_HEADER_NAME`] or [`ParseError::BAD_RESPONSE_HEADER_VALUE`], as
/// [`HeaderLines::push`].
pub fn check_header_line(name: &[u8], value: &[u8]) -> Result<(), ParseError> {
    if !is_token(name) {
        return Err(ParseError::BAD_RESPONSE_HEADER_NAME);
    }
    check_value(value)
}

/// Checks a header value: a field value (no control byte but HTAB, no DEL).
fn check_value(value: &[u8]) -> Result<(), ParseError> {
    if is_field_value(value) {
        Ok(())
    } else {
        Err(ParseError::BAD_RESPONSE_HEADER_VALUE)
    }
}

/// Appends one checked `name: value` line; the one place a header line is written.
// Inlined: it runs for every response, and out of line it showed in callgrind's instruction
// counts of the hello benchmark.
#[inline]
fn write_line(out: &mut BytesMut, name: &[u8], value: &[u8]) {
    out.reserve(name.len() + value.len() + 4);
    out.put_slice(name);
    out.put_slice(b": ");
    out.put_slice(value);
    out.put_slice(b"\r\n");
}

/// Appends the `Date` line for `now` (seconds since the epoch).
fn put_date(out: &mut BytesMut, now: u64) {
    out.put_slice(b"Date: ");
    out.put_slice(HttpDate::cached(now).as_bytes());
    out.put_slice(b"\r\n");
}

/// Appends the `Server` line.
fn put_server(out: &mut BytesMut, server_name: &str) {
    out.put_slice(b"Server: ");
    out.put_slice(server_name.as_bytes());
    out.put_slice(b"\r\n");
}

/// The end of a head with the server's own `Date` and `Server`, as last built on this thread:
/// the two lines and the empty line, for one second and one server name.
struct UsualTail {
    now: u64,
    server_name: String,
    bytes: BytesMut,
}

thread_local! {
    static USUAL_TAIL: RefCell<UsualTail> = RefCell::new(UsualTail {
        now: u64::MAX,
        server_name: String::new(),
        bytes: BytesMut::new(),
    });
}

/// Appends `Date`, `Server` and the empty line that ends the head: one copy of a piece built
/// once a second, instead of seven small ones per response (measured at a million responses
/// a second).
fn put_usual_tail(out: &mut BytesMut, now: u64, server_name: &str) {
    USUAL_TAIL.with(|cell| {
        let mut tail = cell.borrow_mut();
        if tail.now != now || tail.server_name != server_name || tail.bytes.is_empty() {
            let UsualTail {
                now: at,
                server_name: name,
                bytes,
            } = &mut *tail;
            *at = now;
            name.clear();
            name.push_str(server_name);
            bytes.clear();
            put_date(bytes, now);
            put_server(bytes, server_name);
            bytes.put_slice(b"\r\n");
        }
        out.put_slice(&tail.bytes);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    const BAD_STATUS: ParseError = ParseError::BAD_RESPONSE_STATUS;
    const BAD_HEADER_NAME: ParseError = ParseError::BAD_RESPONSE_HEADER_NAME;
    const BAD_HEADER_VALUE: ParseError = ParseError::BAD_RESPONSE_HEADER_VALUE;

    #[test]
    fn head_block() {
        let mut out = BytesMut::new();
        let mut head = ResponseHead::new(&mut out, "HTTP/1.1", 200, "OK").unwrap();
        head.header("Content-Type", "text/html").unwrap();
        head.header(b"X-Latin", b"caf\xe9").unwrap();
        head.header("Empty", "").unwrap();
        head.header("Transfer-Encoding", "chunked").unwrap();
        head.finish();
        assert_eq!(
            &out[..],
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Latin: caf\xe9\r\n\
              Empty: \r\nTransfer-Encoding: chunked\r\n\r\n"
        );

        let mut out = BytesMut::new();
        ResponseHead::new(&mut out, "HTTP/1.0", 599, "")
            .unwrap()
            .finish();
        assert_eq!(&out[..], b"HTTP/1.0 599 \r\n\r\n");
    }

    #[test]
    fn response_splitting_is_refused() {
        let mut out = BytesMut::new();
        let mut head = ResponseHead::new(&mut out, "HTTP/1.1", 200, "OK").unwrap();
        let bad: &[(&[u8], &[u8], ParseError)] = &[
            (b"X-Split", b"a\r\nSet-Cookie: evil=1", BAD_HEADER_VALUE),
            (b"X-Split", b"a\r\n\r\n<html>", BAD_HEADER_VALUE),
            (b"X-Split", b"a\nb", BAD_HEADER_VALUE),
            (b"X-Split", b"a\rb", BAD_HEADER_VALUE),
            (b"X-Nul", b"a\0b", BAD_HEADER_VALUE),
            (b"X-Ctl", b"a\x1bb", BAD_HEADER_VALUE),
            (b"Set-Cookie\r\nX", b"1", BAD_HEADER_NAME),
            (b"Bad Name", b"1", BAD_HEADER_NAME),
            (b"Bad:Name", b"1", BAD_HEADER_NAME),
            (b"", b"1", BAD_HEADER_NAME),
            (b"Caf\xe9", b"1", BAD_HEADER_NAME),
        ];
        for (name, value, expected) in bad {
            assert_eq!(
                head.header(name, value),
                Err(*expected),
                "{name:?}: {value:?}"
            );
        }
        head.finish();
        assert_eq!(&out[..], b"HTTP/1.1 200 OK\r\n\r\n");
    }

    #[test]
    fn bad_status_lines_are_refused() {
        for (protocol, status, reason) in [
            ("HTTP/1.1", 99, "Low"),
            ("HTTP/1.1", 1000, "High"),
            ("HTTP/1.1", 200, "OK\r\nSet-Cookie: x"),
            ("HTTP/1.1", 200, "OK\n"),
            ("HTTP 1.1", 200, "OK"),
            ("", 200, "OK"),
        ] {
            let mut out = BytesMut::new();
            let got = ResponseHead::new(&mut out, protocol, status, reason).map(|_| ());
            assert_eq!(got, Err(BAD_STATUS), "{protocol:?} {status} {reason:?}");
            assert!(out.is_empty());
        }
    }

    #[test]
    fn usual_tail_follows_the_second_and_the_name() {
        // (now, server name) in an order that hits the cache and misses it both ways, and
        // the cache's own starting second.
        for (now, name) in [
            (0, "A"),
            (0, "A"),
            (0, "Bb"),
            (86_400, "Bb"),
            (0, "A"),
            (u64::MAX, ""),
        ] {
            let mut got = BytesMut::new();
            put_usual_tail(&mut got, now, name);
            let mut expected = BytesMut::new();
            put_date(&mut expected, now);
            put_server(&mut expected, name);
            expected.put_slice(b"\r\n");
            assert_eq!(got, expected, "{now} {name}");
        }
    }

    #[test]
    fn the_tail_is_what_the_lines_one_by_one_write() {
        for (date, server) in [
            (Some(784_111_777), Some("Cheroot/0.1.0")),
            (Some(784_111_777), None),
            (None, Some("x")),
            (None, None),
        ] {
            let mut out = BytesMut::new();
            ResponseHead::new(&mut out, "HTTP/1.1", 200, "OK")
                .unwrap()
                .finish_with_date_and_server(date, server);
            let mut expected = b"HTTP/1.1 200 OK\r\n".to_vec();
            if date.is_some() {
                expected.extend_from_slice(b"Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n");
            }
            if let Some(name) = server {
                expected.extend_from_slice(format!("Server: {name}\r\n").as_bytes());
            }
            expected.extend_from_slice(b"\r\n");
            assert_eq!(&out[..], &expected[..], "{date:?} {server:?}");
        }
    }

    #[test]
    fn framing_lines() {
        let mut out = BytesMut::new();
        let mut head = ResponseHead::new(&mut out, "HTTP/1.0", 200, "OK").unwrap();
        head.chunked();
        head.connection_close();
        head.keep_alive(10);
        head.finish();
        assert_eq!(
            &out[..],
            b"HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\
              Connection: Keep-Alive\r\nKeep-Alive: timeout=10\r\n\r\n"
        );
    }

    #[test]
    fn header_lines_check_trim_and_remove() {
        let mut lines = HeaderLines::from_buffer(BytesMut::from(&b"stale"[..]));
        assert!(lines.is_empty());
        let a = lines.push("A", "\t1 ").unwrap();
        let b = lines.push("Content-Length", "22").unwrap();
        let c = lines.push("C", "").unwrap();
        assert_eq!(lines.as_bytes(), b"A: 1\r\nContent-Length: 22\r\nC: \r\n");
        // A CR or LF at an end is refused, not trimmed away.
        for bad in [&b"1\r\n"[..], b"\n1", b"1\r"] {
            assert_eq!(lines.push("X", bad), Err(BAD_HEADER_VALUE));
        }
        assert_eq!(lines.push("Bad Name", "\r\n"), Err(BAD_HEADER_NAME));
        assert_eq!(lines.len(), 31);
        lines.remove(c);
        lines.remove(b);
        assert_eq!(lines.as_bytes(), b"A: 1\r\n");
        lines.remove(a);
        assert!(lines.is_empty());
        lines.push("D", "4").unwrap();
        lines.clear();
        assert!(lines.is_empty());
        assert!(lines.into_buffer().is_empty());
    }

    #[test]
    fn known_names_ignore_case_and_nothing_else() {
        let cases: &[(&[u8], KnownHeader)] = &[
            (b"Content-Length", KnownHeader::ContentLength),
            (b"content-LENGTH", KnownHeader::ContentLength),
            (b"Transfer-Encoding", KnownHeader::TransferEncoding),
            (b"DATE", KnownHeader::Date),
            (b"server", KnownHeader::Server),
            (b"Connection", KnownHeader::Connection),
            (b"Content-Type", KnownHeader::ContentType),
            (b"Content-Lengths", KnownHeader::Other),
            (b"Content Length", KnownHeader::Other),
            (b"Dat\xc5", KnownHeader::Other),
            (b"X-Date", KnownHeader::Other),
            (b"", KnownHeader::Other),
        ];
        for (name, expected) in cases {
            assert_eq!(KnownHeader::of(name), *expected, "{name:?}");
            // Every known name is a valid one: skipping the byte check changes nothing.
            if *expected != KnownHeader::Other {
                assert!(is_token(name));
            }
        }
    }

    #[test]
    fn status_lines() {
        let cases: &[(u16, &str, &[u8])] = &[
            (200, "OK", b"HTTP/1.1 200 OK\r\n\r\n"),
            (200, "Fine", b"HTTP/1.1 200 Fine\r\n\r\n"),
            (404, "Not Found", b"HTTP/1.1 404 Not Found\r\n\r\n"),
            (599, "", b"HTTP/1.1 599 \r\n\r\n"),
        ];
        for (status, reason, expected) in cases {
            let mut out = BytesMut::new();
            ResponseHead::new(&mut out, "HTTP/1.1", *status, reason)
                .unwrap()
                .finish();
            assert_eq!(&out[..], *expected, "{status} {reason}");
        }
    }
}
