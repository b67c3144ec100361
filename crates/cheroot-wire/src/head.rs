//! The request head as one push parse: request line, target and header block, within limits.

use std::fmt;

use bytes::Bytes;
use http::{Method, Version};

use crate::field_syntax::{TCHAR, is_field_value_byte, is_tchar, trim_ows};
use crate::headers::{FieldList, FieldSpan};
use crate::request_line::{self, LineVersion};
use crate::target::{self, RequestTarget, TargetPlan};
use crate::{BodyFraming, Headers, Limits, ParseError, Status, body_framing};

/// The switches of cheroot's `HTTPRequest` and our size limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseOptions {
    /// cheroot's `proxy_mode`: accept any absolute target (`//host/path` too) with no check of
    /// its host against `Host`, and `CONNECT` with an authority-form target (outside proxy mode
    /// `CONNECT` is 405). Default: off; an `http`/`https` absolute-form target is accepted
    /// either way (RFC 9112 section 3.2.2).
    pub proxy_mode: bool,
    /// cheroot's `strict_mode`: refuse targets that are neither origin-form nor `http`/`https`
    /// absolute-form outside proxy mode, and targets without a leading `/`. Turned off, the
    /// method is upper-cased and such targets pass (a `/` is put in front of the path).
    /// cheroot's strict mode also refuses lower-case letters in the method; RFC 9110 section
    /// 9.1 makes methods case-sensitive tokens, so `get` is a method of its own here. Default:
    /// on.
    pub strict_mode: bool,
    /// cheroot's `DropUnderscoreHeaderReader`: drop every field whose name contains `_`, so
    /// that `X_Forwarded_For` cannot pass for `X-Forwarded-For` once names are mapped to CGI
    /// variables. Default: off (cheroot's `HeaderReader` keeps them).
    pub drop_underscore_headers: bool,
    /// Size limits of the head.
    pub limits: Limits,
}

impl Default for ParseOptions {
    fn default() -> Self {
        Self {
            proxy_mode: false,
            strict_mode: true,
            drop_underscore_headers: false,
            limits: Limits::default(),
        }
    }
}

/// A parsed request head. It owns its bytes, one shared buffer holding the head as received
/// (kept by its [`Headers`]): the raw target and the header fields are ranges of it, so a head
/// costs one buffer (none when [`ScannedHead::into_head`] is given bytes split off a read
/// buffer), one reference count, and no allocation per field.
#[derive(Clone)]
pub struct RequestHead {
    /// The method, upper-case.
    pub method: Method,
    /// [`Version::HTTP_10`] or [`Version::HTTP_11`]; any other version is refused.
    pub version: Version,
    target: TargetPlan,
    /// Where the raw target lies in the head's bytes.
    target_range: (u32, u32),
    headers: Headers,
}

impl RequestHead {
    /// The request-target.
    pub fn target(&self) -> RequestTarget<'_> {
        let (start, end) = self.target_range;
        self.target
            .view(&self.headers.bytes()[start as usize..end as usize])
    }

    /// The header fields in the order received.
    pub fn headers(&self) -> &Headers {
        &self.headers
    }
}

impl PartialEq for RequestHead {
    fn eq(&self, other: &Self) -> bool {
        self.method == other.method
            && self.version == other.version
            && self.target() == other.target()
            && self.headers == other.headers
    }
}

impl Eq for RequestHead {}

impl fmt::Debug for RequestHead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestHead")
            .field("method", &self.method)
            .field("version", &self.version)
            .field("target", &self.target())
            .field("headers", &self.headers)
            .finish()
    }
}

/// The rejections of a request head, with cheroot's statuses and messages where cheroot has
/// them.
impl ParseError {
    /// 400: the request line is not `method SP target SP version`, or its version is not
    /// numeric (`HTTP/1.x`), or there were two empty lines before it.
    pub const MALFORMED_REQUEST_LINE: Self = Self::new(400, "Malformed Request-Line");
    /// 400: the version does not start with `HTTP/`.
    pub const BAD_PROTOCOL: Self = Self::new(400, "Malformed Request-Line: bad protocol");
    /// 400: the version has no minor number (`HTTP/1`), or is not written as one digit each.
    pub const BAD_VERSION: Self = Self::new(400, "Malformed Request-Line: bad version");
    /// 505: a version above 1.1 (`HTTP/2.15`, `HTTP/1.10`).
    pub const VERSION_NOT_SUPPORTED: Self = Self::new(505, "Cannot fulfill request");
    /// 505 with an empty body: a major version below 1 (`HTTP/0.9`).
    pub const MAJOR_VERSION_NOT_SUPPORTED: Self = Self::new(505, "");
    /// 400: a line of the head ends in a bare LF.
    pub const CRLF_REQUIRED: Self = Self::new(400, "HTTP requires CRLF terminators");
    /// 400: the target holds bytes other than printable ASCII, or a bad percent-escape.
    pub const MALFORMED_URI: Self = Self::new(400, "Malformed Request-URI");
    /// 400: an origin-form target without its leading `/`, in strict mode.
    pub const NO_LEADING_SLASH: Self = Self::new(
        400,
        "Invalid path in Request-URI: request-target must contain origin-form which starts \
         with absolute-path (URI starting with a slash \"/\").",
    );
    /// 400: a target with a scheme or authority that is not `http`/`https` absolute-form
    /// (`//host/path`, `example.com:80`) when not a proxy, in strict mode.
    pub const ABSOLUTE_URI_NOT_ALLOWED: Self =
        Self::new(400, "Absolute URI not allowed if server is not a proxy.");
    /// 400: a `#fragment` in the target.
    pub const FRAGMENT: Self = Self::new(400, "Illegal #fragment in Request-URI.");
    /// 405 with an empty body: `CONNECT` when not a proxy.
    pub const CONNECT_NOT_ALLOWED: Self = Self::new(405, "");
    /// 400: `CONNECT` in proxy mode with a target that is not `host:port`.
    pub const CONNECT_NEEDS_AUTHORITY: Self = Self::new(
        400,
        "Invalid path in Request-URI: request-target must match authority-form.",
    );
    /// 400: a header line without a colon.
    pub const ILLEGAL_HEADER_LINE: Self = Self::new(400, "Illegal header line.");
    /// 400: the connection ended after the request line, at a line boundary of the header
    /// block. See [`request_head_eof_error`].
    pub const ILLEGAL_END_OF_HEADERS: Self = Self::new(400, "Illegal end of headers.");
    /// 400: the request line is longer than [`Limits::max_head_size`] before its first space,
    /// so it is the method that is too long, not the target.
    pub const METHOD_TOO_LONG: Self = Self::new(400, "Malformed Request-Line: method too long");
    /// 414: the request line alone is longer than [`Limits::max_head_size`], and the part
    /// past the limit is not the method.
    pub const REQUEST_LINE_TOO_LONG: Self = Self::new(
        414,
        "The Request-URI sent with the request exceeds the maximum allowed bytes.",
    );
    /// 431: the head is longer than [`Limits::max_head_size`] (cheroot answers 413 here).
    pub const HEADERS_TOO_LARGE: Self = Self::new(
        431,
        "The headers sent with the request exceed the maximum allowed bytes.",
    );
    /// 431: more header fields than [`Limits::max_headers`].
    pub const TOO_MANY_HEADERS: Self =
        Self::new(431, "The request has more header fields than allowed.");
    /// 400: a header line starting with a space or tab (obsolete line folding, RFC 9112
    /// section 5.2).
    pub const OBS_FOLD: Self = Self::new(400, "Obsolete line folding in headers is not allowed.");
    /// 400: whitespace between a header name and its colon (RFC 9112 section 5.1).
    pub const SPACE_BEFORE_COLON: Self = Self::new(
        400,
        "Whitespace between header name and colon is not allowed.",
    );
    /// 400: a header name that is empty or not a token.
    pub const INVALID_HEADER_NAME: Self = Self::new(400, "Invalid header name.");
    /// 400: a header value holding a control byte other than HTAB, or DEL (RFC 9110 section
    /// 5.5).
    pub const INVALID_HEADER_VALUE: Self = Self::new(400, "Invalid character in header value.");
    /// 400: an HTTP/1.1 request without `Host` (RFC 9112 section 3.2).
    pub const MISSING_HOST: Self = Self::new(400, "Missing Host header.");
    /// 400: more than one `Host` field (RFC 9112 section 3.2).
    pub const DUPLICATE_HOST: Self = Self::new(400, "Duplicate Host header.");
    /// 400: a `Host` value that is not `host[:port]` (RFC 9112 section 3.2, RFC 3986
    /// section 3.2.2).
    pub const INVALID_HOST: Self = Self::new(400, "Invalid Host header.");
    /// 400: an absolute-form target whose authority is not the `Host` field's value, or is
    /// not `host[:port]` (user information, RFC 9110 section 4.2.4), outside proxy mode.
    pub const HOST_MISMATCH: Self =
        Self::new(400, "Host header does not match the request-target.");
}

/// Parses a request head from the start of `buf`.
///
/// Returns `Complete((head, n))` where `n` is how many bytes of `buf` the head used (one
/// ignored leading empty line included); the body, or the next request, starts at `buf[n..]`.
/// Returns `Partial` when the head is not complete yet: read more and call again with the
/// bytes so far and the new ones.
///
/// Lines are checked as soon as they are complete, so a bad head is refused without waiting
/// for its end, and a head is refused as soon as the bytes so far cannot fit the limits.
///
/// # Errors
///
/// A [`ParseError`] with cheroot's status and message for everything cheroot refuses (see the
/// associated constants of [`ParseError`]), and a 400 with a short reason for what RFC 9112 forbids
/// and cheroot lets through: obsolete line folding, whitespace before a colon, a name that is not a
/// token, a control byte (but HTAB) or DEL in a value, a missing `Host` on HTTP/1.1, more than one
/// `Host`, a `Host` that is not `host[:port]`. A request line longer than [`Limits::max_head_size`]
/// is 414, a longer head 431, too many fields 431.
///
/// # Examples
///
/// ```
/// use cheroot_wire::{ParseOptions, Status, parse_request_head};
///
/// let opts = ParseOptions::default();
/// let buf = b"GET /a%20b?x=1 HTTP/1.1\r\nHost: example.com\r\nAccept: text/html\r\n";
/// assert_eq!(parse_request_head(buf, &opts), Ok(Status::Partial));
///
/// let buf = b"GET /a%20b?x=1 HTTP/1.1\r\nHost: example.com\r\nAccept: text/html\r\n\r\nbody";
/// let Ok(Status::Complete((head, used))) = parse_request_head(buf, &opts) else {
///     panic!("a complete head")
/// };
/// assert_eq!(&buf[used..], b"body");
/// assert_eq!(head.target().path(), b"/a b");
/// assert_eq!(head.target().query(), b"x=1");
/// assert_eq!(head.headers().get("host").as_deref(), Some(&b"example.com"[..]));
///
/// let err = parse_request_head(b"G(T / HTTP/1.1\r\n", &opts).unwrap_err();
/// assert_eq!(err.status(), 400);
/// assert_eq!(err.reason(), "Malformed Request-Line");
/// ```
pub fn parse_request_head(
    buf: &[u8],
    opts: &ParseOptions,
) -> Result<Status<(RequestHead, usize)>, ParseError> {
    Ok(match scan_request_head(buf, opts)? {
        Status::Complete(scanned) => {
            let used = scanned.used();
            // One copy of the head; every part is a range of it.
            let head = scanned.into_head(Bytes::copy_from_slice(&buf[..used]));
            Status::Complete((head, used))
        }
        Status::Partial => Status::Partial,
    })
}

/// A request head that passed every check of [`scan_request_head`], before it owns its bytes:
/// give it those with [`into_head`](Self::into_head).
#[derive(Debug)]
pub struct ScannedHead {
    method: Method,
    version: Version,
    target: TargetPlan,
    /// Where the raw target lies in the head; `u32`s, as every offset into a head.
    target_range: (u32, u32),
    fields: FieldList,
    used: usize,
}

impl ScannedHead {
    /// How many bytes of the buffer the head used (one ignored leading empty line included);
    /// the body, or the next request, starts after them.
    pub fn used(&self) -> usize {
        self.used
    }

    /// The head, over `bytes`: the first [`used`](Self::used) bytes of the buffer that was
    /// scanned, for example split off a read buffer with `BytesMut::split_to(used).freeze()`,
    /// which copies nothing.
    ///
    /// # Panics
    ///
    /// When `bytes` is not [`used`](Self::used) bytes long. Bytes of that length but other
    /// content give a head with other content, never a panic later.
    pub fn into_head(self, bytes: Bytes) -> RequestHead {
        assert_eq!(
            bytes.len(),
            self.used,
            "ScannedHead::into_head wants the scanned head's bytes"
        );
        RequestHead {
            method: self.method,
            version: self.version,
            target: self.target,
            target_range: self.target_range,
            headers: Headers::from_parts(bytes, self.fields),
        }
    }
}

/// [`parse_request_head`] without the copy: checks the head at the start of `buf` in full
/// and says where its parts are. `Complete` means the head is valid and
/// [`ScannedHead::into_head`] turns it into a [`RequestHead`] over bytes the caller owns;
/// `Partial` and the errors are exactly [`parse_request_head`]'s.
///
/// # Errors
///
/// As [`parse_request_head`].
///
/// # Examples
///
/// ```
/// use bytes::BytesMut;
/// use cheroot_wire::{ParseOptions, Status, scan_request_head};
///
/// let mut read_buffer = BytesMut::from(&b"GET /x HTTP/1.1\r\nHost: a\r\n\r\nGET /y"[..]);
/// let Ok(Status::Complete(scanned)) = scan_request_head(&read_buffer, &ParseOptions::default())
/// else {
///     panic!("a complete head")
/// };
/// let bytes = read_buffer.split_to(scanned.used()).freeze();
/// let head = scanned.into_head(bytes);
/// assert_eq!(head.target().path(), b"/x");
/// assert_eq!(&read_buffer[..], b"GET /y");
/// ```
pub fn scan_request_head(
    buf: &[u8],
    opts: &ParseOptions,
) -> Result<Status<ScannedHead>, ParseError> {
    // Offsets into the head are kept as `u32`: a head of 4 GiB or more is too large whatever
    // the limit says.
    let max = opts.limits.max_head_size.min(u32::MAX as usize);

    // RFC 9112 section 2.2 and cheroot: ignore one empty line before the request line (a
    // second one is a malformed request line).
    let start = match buf {
        [] | [b'\r'] => return Ok(Status::Partial),
        [b'\r', b'\n', ..] => 2,
        _ => 0,
    };

    // The request line, checked fully before any header: cheroot answers a bad request line
    // without reading further.
    let Some(lf) = find_lf(&buf[start..]) else {
        return if buf.len() >= max {
            Err(request_line_too_long(buf, start, max))
        } else {
            Ok(Status::Partial)
        };
    };
    let line_end = start + lf + 1;
    if line_end > max {
        return Err(request_line_too_long(buf, start, max));
    }
    let Some(line) = buf[start..start + lf].strip_suffix(b"\r") else {
        return Err(ParseError::CRLF_REQUIRED);
    };
    let parts = request_line::split(line)?;
    let method = request_line::method(parts.method, opts.strict_mode)?;
    let plan = target::analyze(&method, parts.target, opts.proxy_mode, opts.strict_mode)?;
    let version = match parts.version {
        LineVersion::Http10 => Version::HTTP_10,
        LineVersion::Http11 => Version::HTTP_11,
        LineVersion::OtherMajor => return Err(ParseError::MAJOR_VERSION_NOT_SUPPORTED),
    };
    let target_start = start + parts.method.len() + 1;
    // In range of `u32`: the request line ends before `max`.
    let target_range = (
        target_start as u32,
        (target_start + parts.target.len()) as u32,
    );

    // The header block, line by line.
    let mut fields = FieldList::default();
    let mut fields_seen = 0usize;
    let mut hosts = 0usize;
    let mut host_value = None;
    let mut pos = line_end;
    let head_end = loop {
        let line = match fast_field_line(buf, pos) {
            Some(line) => line,
            None => match slow_field_line(buf, pos, max)? {
                Some(line) => line,
                None => return Ok(Status::Partial),
            },
        };
        if line.end > max {
            return Err(ParseError::HEADERS_TOO_LARGE);
        }
        let Some((colon, value)) = line.field else {
            break line.end;
        };
        fields_seen += 1;
        if fields_seen > opts.limits.max_headers {
            return Err(ParseError::TOO_MANY_HEADERS);
        }
        let name = &buf[pos..colon];
        if name.eq_ignore_ascii_case(b"host") {
            hosts += 1;
            if hosts > 1 {
                return Err(ParseError::DUPLICATE_HOST);
            }
            if !is_valid_host(&buf[value.0..value.1]) {
                return Err(ParseError::INVALID_HOST);
            }
            host_value = Some(&buf[value.0..value.1]);
        }
        // A dropped field still counts against the limit: it was received.
        if !(opts.drop_underscore_headers && name.contains(&b'_')) {
            // In range of `u32`: every offset is below `max`.
            let at = |n: usize| n as u32;
            fields.push(FieldSpan::new(
                (at(pos), at(colon)),
                (at(value.0), at(value.1)),
            ));
        }
        pos = line.end;
    };
    if version == Version::HTTP_11 && hosts == 0 {
        return Err(ParseError::MISSING_HOST);
    }
    if !opts.proxy_mode {
        let authority = plan.view(&buf[target_range.0 as usize..target_range.1 as usize]);
        check_absolute_form_host(authority.authority(), host_value)?;
    }

    Ok(Status::Complete(ScannedHead {
        method,
        version,
        target: plan,
        target_range,
        fields,
        used: head_end,
    }))
}

/// RFC 9112 section 3.2.2 lets an origin server take the host of an absolute-form target and
/// ignore `Host`; two parties on a request's path that route one by the target and the other
/// by `Host` must not be told different hosts, so they must agree (ASCII case aside). The
/// authority must be a plain `host[:port]`: no user information (RFC 9110 section 4.2.4).
fn check_absolute_form_host(
    authority: Option<&[u8]>,
    host: Option<&[u8]>,
) -> Result<(), ParseError> {
    let Some(authority) = authority else {
        return Ok(());
    };
    let matches = host.is_none_or(|host| host.eq_ignore_ascii_case(authority));
    if !is_valid_host(authority) || !matches {
        return Err(ParseError::HOST_MISMATCH);
    }
    Ok(())
}

/// The answer to a request line that goes past `max`: 414 names the target, so it is only
/// right when a space (the end of the method) came within the limit; a method that alone
/// fills it is a 400. Only the bytes before `max` are looked at, so the answer is the same
/// whether the rest of the line has arrived or not.
fn request_line_too_long(buf: &[u8], start: usize, max: usize) -> ParseError {
    let within_limit = buf.get(start..max).unwrap_or_default();
    if within_limit.contains(&b' ') {
        ParseError::REQUEST_LINE_TOO_LONG
    } else {
        ParseError::METHOD_TOO_LONG
    }
}

/// How the body of the request with this head is framed: [`body_framing`] over the head's
/// version and fields (RFC 9112 section 6.3 with cheroot's statuses).
///
/// # Errors
///
/// As [`body_framing`]: 400 for a bad or conflicting `Content-Length`, `Content-Length` with
/// `Transfer-Encoding`, `Transfer-Encoding` on HTTP/1.0 or `chunked` not final; 501 for another
/// coding; 413 for a `Content-Length` beyond 64 bits.
pub fn request_body_framing(head: &RequestHead) -> Result<BodyFraming, ParseError> {
    body_framing(head.version, head.headers())
}

/// A complete line of the header block that passed every check of its own.
#[derive(Debug, Clone, Copy)]
struct FieldLine {
    /// Where the colon is and where the trimmed value lies; `None` for the empty line that
    /// ends the head.
    field: Option<(usize, (usize, usize))>,
    /// Offset just past the line's LF.
    end: usize,
}

/// The usual case, fast: a line at `pos` that is a token, a colon and a value of allowed bytes
/// ending in CRLF, or the empty line. Anything else (including a line not complete yet) is
/// `None`, and [`slow_field_line`] decides it with every rule in order.
fn fast_field_line(buf: &[u8], pos: usize) -> Option<FieldLine> {
    if buf.get(pos..pos + 2) == Some(b"\r\n") {
        return Some(FieldLine {
            field: None,
            end: pos + 2,
        });
    }
    let mut i = pos;
    if buf.get(pos..pos + 5) == Some(b"Host:") {
        // The usual first field, its name known to be a token without the byte loop.
        i += 4;
    } else {
        while i < buf.len() && TCHAR[usize::from(buf[i])] {
            i += 1;
        }
        if i == pos || buf.get(i) != Some(&b':') {
            return None;
        }
    }
    let colon = i;
    i += 1;
    while let Some(b' ' | b'\t') = buf.get(i) {
        i += 1;
    }
    let value_start = i;
    loop {
        i = skip_plain_value_bytes(buf, i);
        match buf.get(i) {
            Some(b'\t') => i += 1,
            Some(b'\r') if buf.get(i + 1) == Some(&b'\n') => break,
            // Any other control byte is refused, by the slow path.
            _ => return None,
        }
    }
    let mut value_end = i;
    while value_end > value_start && matches!(buf[value_end - 1], b' ' | b'\t') {
        value_end -= 1;
    }
    Some(FieldLine {
        field: Some((colon, (value_start, value_end))),
        end: i + 2,
    })
}

/// Every rule for the header line at `pos`, in an order that gives a partial line and the same
/// line completed the same answer: first what the bytes so far decide (obsolete folding, the
/// name once its colon is seen, NUL or a bare CR in the value), then the size limit, then the
/// CRLF ending, then the colon. `Ok(None)` means "wait for more".
fn slow_field_line(buf: &[u8], pos: usize, max: usize) -> Result<Option<FieldLine>, ParseError> {
    let rest = &buf[pos..];
    let lf = find_lf(rest);
    let line = match lf {
        Some(i) => &rest[..i],
        None => rest,
    };
    let colon = check_field_prefix(line)?;
    let Some(lf) = lf else {
        return if buf.len() >= max {
            Err(ParseError::HEADERS_TOO_LARGE)
        } else {
            Ok(None)
        };
    };
    let end = pos + lf + 1;
    if end > max {
        return Err(ParseError::HEADERS_TOO_LARGE);
    }
    let Some(content) = line.strip_suffix(b"\r") else {
        return Err(ParseError::CRLF_REQUIRED);
    };
    if content.is_empty() {
        return Ok(Some(FieldLine { field: None, end }));
    }
    let Some(colon) = colon else {
        return Err(ParseError::ILLEGAL_HEADER_LINE);
    };
    let raw_value = &content[colon + 1..];
    let lead = raw_value
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    let value_start = pos + colon + 1 + lead;
    let value_end = value_start + trim_ows(raw_value).len();
    Ok(Some(FieldLine {
        field: Some((pos + colon, (value_start, value_end))),
        end,
    }))
}

/// Whether `value` is a valid `Host` field value (RFC 9110 section 7.2): empty (allowed when
/// the target has no authority), or `uri-host [ ":" port ]` where the host is a bracketed IP
/// literal or a reg-name / IPv4 address (unreserved characters, percent-escapes, sub-delims)
/// and the port is digits. Anything else, such as spaces, `/`, `@` or a second colon outside
/// brackets, is refused: a Host that parsers split differently is a routing-confusion vector.
///
/// One exception: an IPv6 address without its brackets, alone or followed by `:port`
/// (`::1`, `:::8080`). cheroot accepts any Host, and clients built on it (its own test client
/// among them) write the server's IPv6 address that way; the value holds only hex digits,
/// colons and dots, so no parser reads a different host or a path out of it.
fn is_valid_host(value: &[u8]) -> bool {
    // Every IPv6 address has two colons at least, so a usual host (`localhost`, `a.b:8080`)
    // skips the address parser, which cost 300 of the 500 instructions this check took
    // (callgrind; docs/benchmarks.md, issue 16).
    let colons = value.iter().filter(|&&b| b == b':').count();
    if colons >= 2 && is_unbracketed_ipv6(value) {
        return true;
    }
    let (host, port) = if value.starts_with(b"[") {
        let Some(close) = value.iter().position(|&b| b == b']') else {
            return false;
        };
        let literal = &value[1..close];
        let literal_ok = !literal.is_empty()
            && literal.iter().all(|&b| {
                b.is_ascii_alphanumeric() || matches!(b, b':' | b'.' | b'-' | b'_' | b'~' | b'%')
            });
        if !literal_ok {
            return false;
        }
        match &value[close + 1..] {
            [] => (&[][..], None),
            [b':', port @ ..] => (&[][..], Some(port)),
            _ => return false,
        }
    } else {
        match value.iter().rposition(|&b| b == b':') {
            Some(colon) => (&value[..colon], Some(&value[colon + 1..])),
            None => (value, None),
        }
    };
    let host_ok = host.iter().all(|&b| REG_NAME[usize::from(b)]);
    host_ok && port.is_none_or(|p| p.iter().all(u8::is_ascii_digit))
}

/// Whether `value` is an IPv6 address without brackets, or one followed by `:port`.
fn is_unbracketed_ipv6(value: &[u8]) -> bool {
    let is_ipv6 = |text: &[u8]| {
        std::str::from_utf8(text).is_ok_and(|text| text.parse::<std::net::Ipv6Addr>().is_ok())
    };
    if is_ipv6(value) {
        return true;
    }
    value.iter().rposition(|&b| b == b':').is_some_and(|colon| {
        let port = &value[colon + 1..];
        !port.is_empty() && port.iter().all(u8::is_ascii_digit) && is_ipv6(&value[..colon])
    })
}

/// The answer cheroot gives when the connection ends while [`parse_request_head`] still says
/// `Partial` for `buf` (everything received): `None` when nothing but an optional empty line
/// arrived (close quietly), [`ParseError::ILLEGAL_END_OF_HEADERS`] when the end falls between
/// header lines, [`ParseError::CRLF_REQUIRED`] when it falls inside a line.
pub fn request_head_eof_error(buf: &[u8]) -> Option<ParseError> {
    let rest = buf.strip_prefix(b"\r\n").unwrap_or(buf);
    if rest.is_empty() {
        None
    } else if rest.ends_with(b"\n") {
        Some(ParseError::ILLEGAL_END_OF_HEADERS)
    } else {
        Some(ParseError::CRLF_REQUIRED)
    }
}

/// Checks what the bytes of a header line received so far already decide, and returns where
/// its colon is. `line` excludes the LF, which may not have arrived yet.
///
/// Order: obsolete line folding, then (once a colon is seen) the name, then the value bytes.
/// A line without a colon is left to the caller, which must first know the line is complete.
fn check_field_prefix(line: &[u8]) -> Result<Option<usize>, ParseError> {
    if let [b' ' | b'\t', ..] = line {
        return Err(ParseError::OBS_FOLD);
    }
    let Some(colon) = line.iter().position(|&b| b == b':') else {
        return Ok(None);
    };
    let name = &line[..colon];
    match name {
        [] => return Err(ParseError::INVALID_HEADER_NAME),
        [.., b' ' | b'\t'] => return Err(ParseError::SPACE_BEFORE_COLON),
        _ if !name.iter().all(|&b| is_tchar(b)) => return Err(ParseError::INVALID_HEADER_NAME),
        _ => {}
    }
    let value = &line[colon + 1..];
    // The last byte of the line so far may be the CR before its LF.
    let value = value.strip_suffix(b"\r").unwrap_or(value);
    if !value.iter().all(|&b| is_field_value_byte(b)) {
        return Err(ParseError::INVALID_HEADER_VALUE);
    }
    Ok(Some(colon))
}

/// The bytes of a reg-name or IPv4 address in a `Host` value (unreserved, sub-delims and
/// `%` of percent-escapes), as a table: [`is_valid_host`] runs on every request.
const REG_NAME: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'%'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
            );
        b += 1;
    }
    table
};

/// `0x01` repeated in every byte of a word, for the word-at-a-time scans below.
const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
/// `0x80` repeated in every byte of a word.
const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);

/// The index of the first LF in `s`, eight bytes at a time.
fn find_lf(s: &[u8]) -> Option<usize> {
    let mut i = 0;
    while let Some(chunk) = s.get(i..i + 8) {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        // A byte of `x` is zero exactly where the input has LF; the lowest flagged byte of
        // `(x - 1s) & !x & 0x80s` is the first zero byte.
        let x = u64::from_le_bytes(word) ^ (ONES * u64::from(b'\n'));
        let found = x.wrapping_sub(ONES) & !x & HIGHS;
        if found != 0 {
            return Some(i + (found.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    s[i..].iter().position(|&b| b == b'\n').map(|j| i + j)
}

/// The index of the first byte at or after `i` that is a control byte (below 0x20, tab, CR
/// and LF included) or DEL, or `buf.len()`: the bytes a header value needs no further look at
/// ([`is_field_value_byte`] but tab) are skipped eight at a time.
fn skip_plain_value_bytes(buf: &[u8], mut i: usize) -> usize {
    while let Some(chunk) = buf.get(i..i + 8) {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        // The lowest flagged byte of each mask is exactly the first byte below 0x20 (bytes
        // of 0x80 and above are masked out by `!w`), and the first DEL (a zero byte of `del`).
        let control = w.wrapping_sub(ONES * 0x20) & !w & HIGHS;
        let del = w ^ (ONES * 0x7f);
        let del = del.wrapping_sub(ONES) & !del & HIGHS;
        let found = control | del;
        if found != 0 {
            return i + (found.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < buf.len() && is_plain_value_byte(buf[i]) {
        i += 1;
    }
    i
}

/// A value byte [`fast_field_line`] needs no second look at: allowed, and not the tab it
/// counts separately.
const fn is_plain_value_byte(b: u8) -> bool {
    is_field_value_byte(b) && b != b'\t'
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TargetForm;

    const BROWSER: &[u8] = b"GET /search?q=cheroot&lang=en HTTP/1.1\r\n\
Host: www.example.com\r\n\
User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n\
Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n\
Accept-Language: en-US,en;q=0.5\r\n\
Accept-Encoding: gzip, deflate, br, zstd\r\n\
Connection: keep-alive\r\n\
Cookie: session=0123456789abcdef; theme=dark\r\n\
Upgrade-Insecure-Requests: 1\r\n\
Sec-Fetch-Dest: document\r\n\
Sec-Fetch-Mode: navigate\r\n\r\n";

    fn parse(input: &[u8]) -> Result<Status<(RequestHead, usize)>, ParseError> {
        parse_request_head(input, &ParseOptions::default())
    }

    /// The error of a complete parse, for tables of rejections.
    fn error_of(input: &[u8], opts: &ParseOptions) -> Option<ParseError> {
        parse_request_head(input, opts).err()
    }

    fn complete(input: &[u8], opts: &ParseOptions) -> (RequestHead, usize) {
        match parse_request_head(input, opts) {
            Ok(Status::Complete(done)) => done,
            other => panic!(
                "{:?}: expected a complete head, got {other:?}",
                String::from_utf8_lossy(input)
            ),
        }
    }

    fn field_pairs(head: &RequestHead) -> Vec<(&[u8], &[u8])> {
        head.headers()
            .iter()
            .map(|f| (f.name(), f.value()))
            .collect()
    }

    #[test]
    fn parses_a_browser_request() {
        let mut input = BROWSER.to_vec();
        input.extend_from_slice(b"GET /next HTTP/1.1\r\n");
        let (head, used) = complete(&input, &ParseOptions::default());
        assert_eq!(used, BROWSER.len());
        assert_eq!(head.method, Method::GET);
        assert_eq!(head.version, Version::HTTP_11);
        assert_eq!(head.target().raw(), b"/search?q=cheroot&lang=en");
        assert_eq!(head.target().path(), b"/search");
        assert_eq!(head.target().query(), b"q=cheroot&lang=en");
        assert_eq!(head.headers().len(), 10);
        assert_eq!(
            head.headers().get("host").as_deref(),
            Some(&b"www.example.com"[..])
        );
        assert_eq!(
            head.headers().get("accept-encoding").as_deref(),
            Some(&b"gzip, deflate, br, zstd"[..])
        );
        assert!(head.headers().has_token("connection", "Keep-Alive"));
    }

    #[test]
    fn accepted_heads() {
        // (input, options, method, version, path, header pairs, bytes used)
        let lenient = ParseOptions {
            strict_mode: false,
            ..ParseOptions::default()
        };
        let drop = ParseOptions {
            drop_underscore_headers: true,
            ..ParseOptions::default()
        };
        type Case<'a> = (
            &'a [u8],
            ParseOptions,
            &'a str,
            Version,
            &'a [u8],
            &'a [(&'a str, &'a str)],
            usize,
        );
        let d = ParseOptions::default();
        let cases: &[Case<'_>] = &[
            (
                b"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
                d,
                "GET",
                Version::HTTP_11,
                b"/",
                &[("Host", "a")],
                27,
            ),
            // HTTP/1.0 needs no Host.
            (
                b"GET / HTTP/1.0\r\n\r\n",
                d,
                "GET",
                Version::HTTP_10,
                b"/",
                &[],
                18,
            ),
            // cheroot-reference leading-empty-line: one leading empty line is ignored and counted
            // as used.
            (
                b"\r\nGET / HTTP/1.0\r\n\r\nrest",
                d,
                "GET",
                Version::HTTP_10,
                b"/",
                &[],
                20,
            ),
            // Values lose their surrounding whitespace; names keep their case.
            (
                b"GET / HTTP/1.0\r\nX-A:  a b \t\r\nx-e:\r\nX-t:\tv\r\n\r\n",
                d,
                "GET",
                Version::HTTP_10,
                b"/",
                &[("X-A", "a b"), ("x-e", ""), ("X-t", "v")],
                45,
            ),
            // Obsolete text (bytes above 0x7F) and tabs are allowed in values (RFC 9110
            // section 5.5).
            (
                b"GET / HTTP/1.0\r\nX: \xe9t\xe9\tx\r\n\r\n",
                d,
                "GET",
                Version::HTTP_10,
                b"/",
                &[("X", "\u{e9}t\u{e9}\tx")],
                28,
            ),
            // test_core.py::test_malformed_http_method is strict only; lenient mode upper-cases.
            (
                b"get hello HTTP/1.0\r\n\r\n",
                lenient,
                "GET",
                Version::HTTP_10,
                b"/hello",
                &[],
                22,
            ),
            // DropUnderscoreHeaderReader.
            (
                b"GET / HTTP/1.0\r\nX_Forwarded_For: evil\r\nX-Real: ok\r\n\r\n",
                drop,
                "GET",
                Version::HTTP_10,
                b"/",
                &[("X-Real", "ok")],
                53,
            ),
            (
                b"GET / HTTP/1.0\r\nX_Forwarded_For: kept\r\n\r\n",
                d,
                "GET",
                Version::HTTP_10,
                b"/",
                &[("X_Forwarded_For", "kept")],
                41,
            ),
            // test_core.py::test_parse_uri_asterisk_uri
            (
                b"OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
                d,
                "OPTIONS",
                Version::HTTP_11,
                b"/*",
                &[("Host", "a")],
                31,
            ),
            (
                b"PURGE /a%2fb%20c%41 HTTP/1.0\r\n\r\n",
                d,
                "PURGE",
                Version::HTTP_10,
                b"/a%2Fb cA",
                &[],
                32,
            ),
        ];
        for (input, opts, method, version, path, pairs, used) in cases {
            let (head, got_used) = complete(input, opts);
            let name = String::from_utf8_lossy(input);
            assert_eq!(head.method.as_str(), *method, "{name:?}");
            assert_eq!(head.version, *version, "{name:?}");
            assert_eq!(head.target().path(), *path, "{name:?}");
            let expected: Vec<(Vec<u8>, Vec<u8>)> = pairs
                .iter()
                .map(|(n, v)| (n.as_bytes().to_vec(), v.chars().map(|c| c as u8).collect()))
                .collect();
            let got: Vec<(Vec<u8>, Vec<u8>)> = field_pairs(&head)
                .into_iter()
                .map(|(n, v)| (n.to_vec(), v.to_vec()))
                .collect();
            assert_eq!(got, expected, "{name:?}");
            assert_eq!(got_used, *used, "{name:?}");
        }
    }

    #[test]
    fn cheroot_rejections() {
        let d = ParseOptions::default();
        let proxy = ParseOptions {
            proxy_mode: true,
            ..d
        };
        let cases: &[(&[u8], ParseOptions, ParseError)] = &[
            // test_core.py::test_malformed_request_line
            (b"GET /\r\n\r\n", d, ParseError::MALFORMED_REQUEST_LINE),
            (b"GET / HTTPS/1.1\r\n\r\n", d, ParseError::BAD_PROTOCOL),
            (b"GET / HTTP/1\r\n\r\n", d, ParseError::BAD_VERSION),
            (
                b"GET / HTTP/2.15\r\n\r\n",
                d,
                ParseError::VERSION_NOT_SUPPORTED,
            ),
            // cheroot-reference version-505: versions compare as integers.
            (
                b"GET / HTTP/1.10\r\n\r\n",
                d,
                ParseError::VERSION_NOT_SUPPORTED,
            ),
            (
                b"GET / HTTP/0.9\r\n\r\n",
                d,
                ParseError::MAJOR_VERSION_NOT_SUPPORTED,
            ),
            // cheroot checks the target before it refuses the major version [code].
            (
                b"GET hello HTTP/0.9\r\n\r\n",
                d,
                ParseError::NO_LEADING_SLASH,
            ),
            // test_core.py::test_garbage_in
            (
                b"gjkgjklsgjklsgjkljklsg\r\n",
                d,
                ParseError::MALFORMED_REQUEST_LINE,
            ),
            // test_conn.py::test_No_CRLF
            (b"GET /hello HTTP/1.1\n\n", d, ParseError::CRLF_REQUIRED),
            (b"GET /hello HTTP/1.1\r\n\n", d, ParseError::CRLF_REQUIRED),
            (b"\n", d, ParseError::CRLF_REQUIRED),
            (
                b"GET / HTTP/1.1\r\nHost: a\n\r\n",
                d,
                ParseError::CRLF_REQUIRED,
            ),
            // cheroot-reference leading-empty-line: two leading empty lines.
            (
                b"\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
                d,
                ParseError::MALFORMED_REQUEST_LINE,
            ),
            // test_core.py::test_parse_uri_invalid_uri
            (
                b"GET /\xd0\xbf\xd1\x80\xd0\xb8 HTTP/1.1\r\nHost: a\r\n\r\n",
                d,
                ParseError::MALFORMED_URI,
            ),
            (
                b"GET /a%zz HTTP/1.1\r\nHost: a\r\n\r\n",
                d,
                ParseError::MALFORMED_URI,
            ),
            // test_core.py::test_parse_no_leading_slash_invalid
            (
                b"GET hello HTTP/1.1\r\nHost: a\r\n\r\n",
                d,
                ParseError::NO_LEADING_SLASH,
            ),
            // Item 19 [run]: `//foo/bar` is no absolute-form (test_core.py's
            // test_parse_uri_absolute_uri also refuses `http://google.com/`, which RFC 9112
            // section 3.2.2 makes every server accept: see `absolute_form_targets`).
            (
                b"GET //foo/bar HTTP/1.1\r\nHost: a\r\n\r\n",
                d,
                ParseError::ABSOLUTE_URI_NOT_ALLOWED,
            ),
            // test_core.py::test_parse_uri_fragment_uri
            (
                b"GET /hello?test=something#fake HTTP/1.1\r\nHost: a\r\n\r\n",
                d,
                ParseError::FRAGMENT,
            ),
            // test_core.py::test_http_connect_request
            (
                b"CONNECT example.com:443 HTTP/1.1\r\nHost: a\r\n\r\n",
                d,
                ParseError::CONNECT_NOT_ALLOWED,
            ),
            (
                b"CONNECT example.com HTTP/1.1\r\nHost: a\r\n\r\n",
                proxy,
                ParseError::CONNECT_NEEDS_AUTHORITY,
            ),
            // test_core.py::test_malformed_header
            (
                b"GET / HTTP/1.1\r\nHost: a\r\nRe, 1.2.3.4#015#012\r\n\r\n",
                d,
                ParseError::ILLEGAL_HEADER_LINE,
            ),
            (
                b"GET / HTTP/1.1\r\nHost: a\r\nX\0\r\n\r\n",
                d,
                ParseError::ILLEGAL_HEADER_LINE,
            ),
        ];
        for (input, opts, expected) in cases {
            assert_eq!(
                error_of(input, opts),
                Some(*expected),
                "{:?}",
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn rfc_9112_rejections_and_smuggling_cases() {
        // RFC 9112 sections 3.2, 5.1, 5.2 and 11: each would let two parsers disagree about
        // where a field ends or which host is meant.
        let d = ParseOptions::default();
        let cases: &[(&[u8], ParseError)] = &[
            // Obsolete line folding: hides a field inside the previous one.
            (
                b"GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n Transfer-Encoding: chunked\r\n\r\n",
                ParseError::OBS_FOLD,
            ),
            (
                b"GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n\tb\r\n\r\n",
                ParseError::OBS_FOLD,
            ),
            // A first header line that starts with whitespace is folding too.
            (b"GET / HTTP/1.1\r\n Host: a\r\n\r\n", ParseError::OBS_FOLD),
            // Whitespace before the colon: `Transfer-Encoding : chunked` (section 5.1).
            (
                b"GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding : chunked\r\n\r\n",
                ParseError::SPACE_BEFORE_COLON,
            ),
            (
                b"GET / HTTP/1.1\r\nHost\t: a\r\n\r\n",
                ParseError::SPACE_BEFORE_COLON,
            ),
            // Names must be tokens.
            (
                b"GET / HTTP/1.1\r\nHost: a\r\nX Y: 1\r\n\r\n",
                ParseError::INVALID_HEADER_NAME,
            ),
            (
                b"GET / HTTP/1.1\r\nHost: a\r\n: 1\r\n\r\n",
                ParseError::INVALID_HEADER_NAME,
            ),
            (
                b"GET / HTTP/1.1\r\nHost: a\r\nX(1): 1\r\n\r\n",
                ParseError::INVALID_HEADER_NAME,
            ),
            (
                b"GET / HTTP/1.1\r\nHost: a\r\nX\xe9: 1\r\n\r\n",
                ParseError::INVALID_HEADER_NAME,
            ),
            (
                b"GET / HTTP/1.1\r\nHost: a\r\nX\rY: 1\r\n\r\n",
                ParseError::INVALID_HEADER_NAME,
            ),
            (
                b"GET / HTTP/1.1\r\nHost: a\r\nX\0: 1\r\n\r\n",
                ParseError::INVALID_HEADER_NAME,
            ),
            // A bare CR inside a value: some parsers end the line there.
            (
                b"GET / HTTP/1.1\r\nHost: a\r\nX: 1\rTransfer-Encoding: chunked\r\n\r\n",
                ParseError::INVALID_HEADER_VALUE,
            ),
            (
                b"GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\r\n\r\n",
                ParseError::INVALID_HEADER_VALUE,
            ),
            // NUL inside a value: C-string parsers stop there.
            (
                b"GET / HTTP/1.1\r\nHost: a\0b\r\n\r\n",
                ParseError::INVALID_HEADER_VALUE,
            ),
            // Other control bytes and DEL are not field text either (RFC 9110 section 5.5).
            (
                b"GET / HTTP/1.1\r\nHost: a\r\nX-Test: abc\x01f\r\n\r\n",
                ParseError::INVALID_HEADER_VALUE,
            ),
            (
                b"GET / HTTP/1.1\r\nHost: a\r\nX-Test: \x07\r\n\r\n",
                ParseError::INVALID_HEADER_VALUE,
            ),
            (
                b"GET / HTTP/1.1\r\nHost: a\r\nX-Test: ab\x08\r\n\r\n",
                ParseError::INVALID_HEADER_VALUE,
            ),
            (
                b"GET / HTTP/1.1\r\nHost: a\r\nX-Test: a long value with DEL \x7f\r\n\r\n",
                ParseError::INVALID_HEADER_VALUE,
            ),
            // A bare LF inside the block: some parsers take it as a line end, cheroot refuses.
            (
                b"GET / HTTP/1.1\r\nHost: a\r\nX: 1\nTransfer-Encoding: chunked\r\n\r\n",
                ParseError::CRLF_REQUIRED,
            ),
            // A bare CR in the request line.
            (
                b"GET / HTTP/1.1\r\r\nHost: a\r\n\r\n",
                ParseError::MALFORMED_REQUEST_LINE,
            ),
            (
                b"GET /\rX HTTP/1.1\r\nHost: a\r\n\r\n",
                ParseError::MALFORMED_URI,
            ),
            // Host: missing on HTTP/1.1, or more than one, in any case or version.
            (b"GET / HTTP/1.1\r\n\r\n", ParseError::MISSING_HOST),
            (b"GET / HTTP/1.1\r\nX: 1\r\n\r\n", ParseError::MISSING_HOST),
            (
                b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
                ParseError::DUPLICATE_HOST,
            ),
            (
                b"GET / HTTP/1.1\r\nHost: a\r\nhOST: a\r\n\r\n",
                ParseError::DUPLICATE_HOST,
            ),
            (
                b"GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n",
                ParseError::DUPLICATE_HOST,
            ),
            // A Host value that is not host[:port].
            (
                b"GET / HTTP/1.1\r\nHost: a b\r\n\r\n",
                ParseError::INVALID_HOST,
            ),
            (
                b"GET / HTTP/1.1\r\nHost: a/b\r\n\r\n",
                ParseError::INVALID_HOST,
            ),
            (
                b"GET / HTTP/1.1\r\nHost: u@a\r\n\r\n",
                ParseError::INVALID_HOST,
            ),
            (
                b"GET / HTTP/1.1\r\nHost: a:b:1\r\n\r\n",
                ParseError::INVALID_HOST,
            ),
            (
                b"GET / HTTP/1.1\r\nHost: a:x\r\n\r\n",
                ParseError::INVALID_HOST,
            ),
            // Not an IPv6 address, or not one followed by digits only.
            (
                b"GET / HTTP/1.1\r\nHost: ::1:x\r\n\r\n",
                ParseError::INVALID_HOST,
            ),
            (
                b"GET / HTTP/1.1\r\nHost: ::g:1\r\n\r\n",
                ParseError::INVALID_HOST,
            ),
            (
                b"GET / HTTP/1.1\r\nHost: :::\r\n\r\n",
                ParseError::INVALID_HOST,
            ),
            (
                b"GET / HTTP/1.1\r\nHost: [::1\r\n\r\n",
                ParseError::INVALID_HOST,
            ),
            (
                b"GET / HTTP/1.1\r\nHost: [::1]x\r\n\r\n",
                ParseError::INVALID_HOST,
            ),
            (
                b"GET / HTTP/1.1\r\nHost: []\r\n\r\n",
                ParseError::INVALID_HOST,
            ),
            (
                b"GET / HTTP/1.1\r\nHost: [::1 x]\r\n\r\n",
                ParseError::INVALID_HOST,
            ),
            (
                b"GET / HTTP/1.1\r\nHost: \xe9\r\n\r\n",
                ParseError::INVALID_HOST,
            ),
            // The request line is exactly three parts separated by single spaces.
            (
                b"GET / HTTP/1.1 \r\nHost: a\r\n\r\n",
                ParseError::MALFORMED_REQUEST_LINE,
            ),
            // (cheroot strips the line first; we split it as is, so its parts shift.)
            (
                b" GET / HTTP/1.1\r\nHost: a\r\n\r\n",
                ParseError::BAD_PROTOCOL,
            ),
            (
                b"GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n",
                ParseError::MALFORMED_REQUEST_LINE,
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(
                error_of(input, &d),
                Some(*expected),
                "{:?}",
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn limits() {
        let small = |max_head_size, max_headers| ParseOptions {
            limits: Limits {
                max_head_size,
                max_headers,
            },
            ..ParseOptions::default()
        };
        let line = b"GET /abc HTTP/1.0\r\n"; // 19 bytes
        let head = b"GET /abc HTTP/1.0\r\nX: 1\r\n\r\n"; // 27 bytes
        let cases: &[(&[u8], ParseOptions, Result<usize, ParseError>)] = &[
            (head, small(27, 100), Ok(27)),
            // cheroot-reference request-line-too-long: a request line over the limit is 414.
            (head, small(18, 100), Err(ParseError::REQUEST_LINE_TOO_LONG)),
            // ... at once, without waiting for the line's end.
            (
                &line[..18],
                small(18, 100),
                Err(ParseError::REQUEST_LINE_TOO_LONG),
            ),
            (&line[..17], small(18, 100), Ok(0)),
            // A method that alone fills the limit is 400, not a 414 that
            // would blame the target; complete or not.
            (
                b"GETGETGETGETGETGETGET / HTTP/1.0\r\n\r\n",
                small(18, 100),
                Err(ParseError::METHOD_TOO_LONG),
            ),
            (
                b"GETGETGETGETGETGET",
                small(18, 100),
                Err(ParseError::METHOD_TOO_LONG),
            ),
            (b"GET", small(1, 100), Err(ParseError::METHOD_TOO_LONG)),
            // The leading empty line counts.
            (
                b"\r\nGET /abc HTTP/1.0\r\n\r\n",
                small(20, 100),
                Err(ParseError::REQUEST_LINE_TOO_LONG),
            ),
            // A head over the limit past its request line is 431 (cheroot: 413), also at once.
            (head, small(26, 100), Err(ParseError::HEADERS_TOO_LARGE)),
            (head, small(19, 100), Err(ParseError::HEADERS_TOO_LARGE)),
            (
                &head[..22],
                small(22, 100),
                Err(ParseError::HEADERS_TOO_LARGE),
            ),
            (&head[..22], small(23, 100), Ok(0)),
            // Field count.
            (head, small(1000, 1), Ok(27)),
            (head, small(1000, 0), Err(ParseError::TOO_MANY_HEADERS)),
            (
                b"GET / HTTP/1.0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n",
                small(1000, 2),
                Err(ParseError::TOO_MANY_HEADERS),
            ),
            (
                b"GET / HTTP/1.0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n",
                small(1000, 3),
                Ok(36),
            ),
        ];
        for (input, opts, expected) in cases {
            // Ok(0) stands for Partial.
            let got = parse_request_head(input, opts).map(|s| match s {
                Status::Complete((_, used)) => used,
                Status::Partial => 0,
            });
            assert_eq!(
                &got,
                expected,
                "{:?} {:?}",
                String::from_utf8_lossy(input),
                opts.limits
            );
        }
    }

    #[test]
    fn absolute_form_targets() {
        // RFC 9112 section 3.2.2: the path and query of an absolute-form
        // target are used; its host must be the Host field's.
        let d = ParseOptions::default();
        let (head, _) = complete(
            b"GET http://Example.com:8080/echo?x=1 HTTP/1.1\r\nHost: example.com:8080\r\n\r\n",
            &d,
        );
        assert_eq!(head.target().form(), TargetForm::Absolute);
        assert_eq!(head.target().path(), b"/echo");
        assert_eq!(head.target().query(), b"x=1");
        // HTTP/1.0 may leave Host out.
        let (head, _) = complete(b"GET http://h/ HTTP/1.0\r\n\r\n", &d);
        assert_eq!(head.target().path(), b"/");
        for input in [
            &b"GET http://a/ HTTP/1.1\r\nHost: b\r\n\r\n"[..],
            b"GET http://a:81/ HTTP/1.1\r\nHost: a\r\n\r\n",
            b"GET http://u@a/ HTTP/1.1\r\nHost: a\r\n\r\n",
            b"GET http://u@a/ HTTP/1.0\r\n\r\n",
        ] {
            assert_eq!(
                error_of(input, &d),
                Some(ParseError::HOST_MISMATCH),
                "{:?}",
                String::from_utf8_lossy(input)
            );
        }
        // A proxy takes the target as it is (cheroot's proxy_mode).
        let proxy = ParseOptions {
            proxy_mode: true,
            ..d
        };
        complete(b"GET http://a/ HTTP/1.1\r\nHost: b\r\n\r\n", &proxy);
    }

    #[test]
    fn default_limits_accept_big_heads_and_refuse_bigger() {
        // test_core.py::test_request_line_split_issue_1220: a 256-byte request line works.
        let mut line = b"GET /".to_vec();
        line.resize(256 - b" HTTP/1.0\r\n".len(), b'a');
        line.extend_from_slice(b" HTTP/1.0\r\n");
        assert_eq!(line.len(), 256);
        let mut input = line.clone();
        input.extend_from_slice(b"\r\n");
        assert_eq!(complete(&input, &ParseOptions::default()).1, 258);

        let max = Limits::DEFAULT_MAX_HEAD_SIZE;
        let mut long_line = b"GET /".to_vec();
        long_line.resize(max, b'a');
        assert_eq!(
            parse(&long_line).err(),
            Some(ParseError::REQUEST_LINE_TOO_LONG)
        );
        let long_method = vec![b'G'; 100 * 1024];
        assert_eq!(parse(&long_method).err(), Some(ParseError::METHOD_TOO_LONG));

        let mut long_head = b"GET / HTTP/1.1\r\nHost: a\r\nCookie: ".to_vec();
        long_head.resize(max - 4, b'c');
        long_head.extend_from_slice(b"\r\n\r\n");
        assert!(matches!(parse(&long_head), Ok(Status::Complete((_, n))) if n == max));
        long_head.insert(40, b'c');
        assert_eq!(parse(&long_head).err(), Some(ParseError::HEADERS_TOO_LARGE));
    }

    #[test]
    fn every_split_point_is_partial_then_the_same_answer() {
        let inputs: &[&[u8]] = &[
            BROWSER,
            b"\r\nGET / HTTP/1.0\r\n\r\n",
            b"GET /a%20b?x HTTP/1.1\r\nHost: a\r\nX:\r\nY: \t1 \r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: a\r\n Folded\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: a\r\nX : 1\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: a\r\nX: 1\rY\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: a\r\nX: \0\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n",
            b"GET / HTTP/1.1\r\nHost: a\n\r\n",
            b"GET / HTTP/1.1\r\n\r\n",
            b"GET / HTTP/2.0\r\n\r\n",
            b"GeT / HTTP/1.1\r\n\r\n",
            b"\r\n\r\n",
        ];
        for input in inputs {
            let whole = parse(input);
            assert!(
                !matches!(whole, Ok(Status::Partial)),
                "{:?}",
                String::from_utf8_lossy(input)
            );
            for cut in 0..input.len() {
                let part = parse(&input[..cut]);
                let same_error = whole.is_err() && part == whole;
                assert!(
                    matches!(part, Ok(Status::Partial)) || same_error,
                    "{:?} cut at {cut}: {part:?}, whole: {whole:?}",
                    String::from_utf8_lossy(input)
                );
            }
        }
        // A complete head followed by the body parses the same whatever follows.
        let mut with_body = BROWSER.to_vec();
        with_body.extend_from_slice(b"body bytes");
        assert_eq!(parse(&with_body), parse(BROWSER));
    }

    /// A small deterministic generator (xorshift), so the mutation test needs no dependency
    /// and always runs the same cases.
    struct XorShift(u64);

    impl XorShift {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    #[test]
    fn mutated_heads_never_panic_and_answer_the_same_at_every_split_point() {
        // Bytes that matter to the grammar, more often than chance would pick them.
        const INTERESTING: &[u8] = b"\r\n\0 \t:%#?/*_-aAzZ09\x7f\x80\xff";
        let base: &[u8] =
            b"GET /a%20b?x=1 HTTP/1.1\r\nHost: h\r\nAccept: a\r\nX-Y:  v \r\n\r\nbody";
        let opts = [
            ParseOptions::default(),
            ParseOptions {
                proxy_mode: true,
                strict_mode: false,
                ..ParseOptions::default()
            },
            ParseOptions {
                drop_underscore_headers: true,
                limits: Limits {
                    max_head_size: 58,
                    max_headers: 3,
                },
                ..ParseOptions::default()
            },
        ];
        let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
        for case in 0..300 {
            let mut input = base.to_vec();
            for _ in 0..1 + rng.below(3) {
                let at = rng.below(input.len());
                let byte = if rng.below(2) == 0 {
                    INTERESTING[rng.below(INTERESTING.len())]
                } else {
                    rng.next() as u8
                };
                match rng.below(3) {
                    0 => input[at] = byte,
                    1 => input.insert(at, byte),
                    _ => {
                        input.remove(at);
                    }
                }
            }
            let opts = &opts[case % opts.len()];
            let whole = parse_request_head(&input, opts);
            let mut settled = false;
            for cut in 0..=input.len() {
                let part = parse_request_head(&input[..cut], opts);
                if part == Ok(Status::Partial) {
                    assert!(
                        !settled,
                        "{input:?}: Partial again at {cut} after an answer"
                    );
                } else {
                    settled = true;
                    assert_eq!(part, whole, "{input:?} cut at {cut}");
                }
            }
        }
    }

    #[test]
    fn fast_and_slow_header_paths_agree() {
        // Every line the fast path takes, the full rules must take the same way.
        let lines: &[&[u8]] = &[
            b"Host: a\r\n",
            b"X:\r\n",
            b"X: \t \r\n",
            b"X:v\r\n",
            b"X-Long-Name: a value that is longer than eight bytes\r\n",
            b"X: a\tb\x80\xff \t\r\n",
            b"\r\n",
            b"!#$%&'*+-.^_`|~: 1\r\n",
            // These the fast path leaves to the slow one.
            b"X: a\n",
            b"X: a\rb\r\n",
            b"X: a\0\r\n",
            b"X: a\x01\r\n",
            b"X: a\x1f\r\n",
            b"X: a\x7f\r\n",
            b"X : a\r\n",
            b" X: a\r\n",
            b"X\r\n",
            b"X: a",
            b"X: a\r",
            b"",
        ];
        for line in lines {
            let mut buf = b"GET / HTTP/1.1\r\n".to_vec();
            let pos = buf.len();
            buf.extend_from_slice(line);
            let slow = slow_field_line(&buf, pos, usize::MAX);
            if let Some(fast) = fast_field_line(&buf, pos) {
                let slow = slow.map(|l| l.map(|l| (l.field, l.end)));
                assert_eq!(slow, Ok(Some((fast.field, fast.end))), "{line:?}");
            }
        }
    }

    #[test]
    fn word_scans_match_byte_scans() {
        let mut rng = XorShift(12345);
        for len in 0..40 {
            for _ in 0..50 {
                let input: Vec<u8> = (0..len)
                    .map(|_| match rng.below(4) {
                        0 => [b'\n', b'\r', 0, b'\t', 0x1f, 0x20, 0x7f, 0x80, 0xff][rng.below(9)],
                        _ => rng.next() as u8,
                    })
                    .collect();
                let lf = input.iter().position(|&b| b == b'\n');
                assert_eq!(find_lf(&input), lf, "{input:?}");
                for start in 0..=input.len() {
                    let plain = input[start..]
                        .iter()
                        .position(|&b| !is_plain_value_byte(b))
                        .map_or(len, |i| start + i);
                    assert_eq!(
                        skip_plain_value_bytes(&input, start),
                        plain,
                        "{input:?} from {start}"
                    );
                }
            }
        }
    }

    #[test]
    fn proxy_connect_and_lenient_heads() {
        let proxy = ParseOptions {
            proxy_mode: true,
            ..ParseOptions::default()
        };
        let (head, _) = complete(
            b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n",
            &proxy,
        );
        assert_eq!(head.method, Method::CONNECT);
        assert_eq!(head.target().form(), TargetForm::Authority);
        assert_eq!(head.target().authority(), Some(&b"example.com:443"[..]));

        let (head, _) = complete(
            b"GET http://example.com/a%20b?c HTTP/1.1\r\nHost: x\r\n\r\n",
            &proxy,
        );
        assert_eq!(head.target().form(), TargetForm::Absolute);
        assert_eq!(head.target().scheme(), Some(&b"http"[..]));
        assert_eq!(head.target().authority(), Some(&b"example.com"[..]));
        assert_eq!(head.target().path(), b"/a b");
        assert_eq!(head.target().query(), b"c");
        assert_eq!(head.target().raw(), b"http://example.com/a%20b?c");

        let lenient = ParseOptions {
            strict_mode: false,
            ..ParseOptions::default()
        };
        let (head, _) = complete(b"get http://example.com/x HTTP/1.0\r\n\r\n", &lenient);
        assert_eq!(head.method, Method::GET);
        assert_eq!(head.target().path(), b"/x");
        // Lenient mode does not relax the RFC 9112 rules on fields.
        assert_eq!(
            error_of(b"GET / HTTP/1.0\r\nX : 1\r\n\r\n", &lenient),
            Some(ParseError::SPACE_BEFORE_COLON)
        );
    }

    #[test]
    fn every_error_has_a_fitting_status_and_reason() {
        let all = [
            ParseError::MALFORMED_REQUEST_LINE,
            ParseError::BAD_PROTOCOL,
            ParseError::BAD_VERSION,
            ParseError::VERSION_NOT_SUPPORTED,
            ParseError::CRLF_REQUIRED,
            ParseError::MALFORMED_URI,
            ParseError::NO_LEADING_SLASH,
            ParseError::ABSOLUTE_URI_NOT_ALLOWED,
            ParseError::FRAGMENT,
            ParseError::CONNECT_NEEDS_AUTHORITY,
            ParseError::ILLEGAL_HEADER_LINE,
            ParseError::ILLEGAL_END_OF_HEADERS,
            ParseError::REQUEST_LINE_TOO_LONG,
            ParseError::METHOD_TOO_LONG,
            ParseError::HEADERS_TOO_LARGE,
            ParseError::TOO_MANY_HEADERS,
            ParseError::OBS_FOLD,
            ParseError::SPACE_BEFORE_COLON,
            ParseError::INVALID_HEADER_NAME,
            ParseError::INVALID_HEADER_VALUE,
            ParseError::MISSING_HOST,
            ParseError::DUPLICATE_HOST,
            ParseError::INVALID_HOST,
            ParseError::HOST_MISMATCH,
        ];
        for error in all {
            assert!(matches!(error.status(), 400 | 414 | 431 | 505), "{error}");
            assert!(
                !error.reason().is_empty() && error.reason().is_ascii(),
                "{error}"
            );
        }
        // cheroot sends these two with an empty body.
        assert_eq!(ParseError::CONNECT_NOT_ALLOWED, ParseError::new(405, ""));
        assert_eq!(
            ParseError::MAJOR_VERSION_NOT_SUPPORTED,
            ParseError::new(505, "")
        );
    }

    #[test]
    fn valid_host_values() {
        let hosts: &[&[u8]] = &[
            b"",
            b"example.com",
            b"example.com:8080",
            b"example.com:",
            b"127.0.0.1:54321",
            b"[::1]",
            b"[::1]:8080",
            b"[fe80::1%25eth0]:80",
            b"my_host.local",
            b"%2Ftmp%2Fsock",
            b"xn--bcher-kva.example",
            // An IPv6 address without brackets, alone or with a port (see `is_valid_host`).
            b"::1",
            b":::54321",
            b"::1:54321",
            b"fe80::1:8080",
        ];
        for host in hosts {
            let mut input = b"GET / HTTP/1.1\r\nHost: ".to_vec();
            input.extend_from_slice(host);
            input.extend_from_slice(b"\r\n\r\n");
            let (head, _) = complete(&input, &ParseOptions::default());
            assert_eq!(head.headers().get("host").as_deref(), Some(*host));
        }
    }

    #[test]
    fn body_framing_of_a_parsed_head() {
        let d = ParseOptions::default();
        let cases: &[(&[u8], Result<BodyFraming, u16>)] = &[
            (b"GET / HTTP/1.1\r\nHost: a\r\n\r\n", Ok(BodyFraming::Empty)),
            (
                b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n",
                Ok(BodyFraming::Length(5)),
            ),
            (
                b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n",
                Ok(BodyFraming::Chunked),
            ),
            (
                b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: x\r\n\r\n",
                Err(400),
            ),
        ];
        for (input, expected) in cases {
            let (head, _) = complete(input, &d);
            assert_eq!(
                request_body_framing(&head).map_err(|e| e.status()),
                *expected
            );
        }
    }

    #[test]
    fn end_of_input_answers() {
        // cheroot: EOF before anything is a quiet close; inside a line "HTTP requires CRLF
        // terminators"; between header lines "Illegal end of headers.".
        let cases: &[(&[u8], Option<ParseError>)] = &[
            (b"", None),
            (b"\r\n", None),
            (b"\r", Some(ParseError::CRLF_REQUIRED)),
            (b"GET / HT", Some(ParseError::CRLF_REQUIRED)),
            (
                b"GET / HTTP/1.1\r\n",
                Some(ParseError::ILLEGAL_END_OF_HEADERS),
            ),
            (
                b"GET / HTTP/1.1\r\nHost: a\r\n",
                Some(ParseError::ILLEGAL_END_OF_HEADERS),
            ),
            (
                b"GET / HTTP/1.1\r\nHost: a\r",
                Some(ParseError::CRLF_REQUIRED),
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(parse(input), Ok(Status::Partial), "{input:?}");
            assert_eq!(request_head_eof_error(input), *expected, "{input:?}");
        }
    }
}
