//! The response side of HTTP/1.x: how a response body is framed, the status line and header
//! block written into one buffer, the chunked encoder and cheroot's `simple_response`.
//!
//! cheroot writes whatever the application returns for HEAD, 204 and 304, desynchronising the
//! connection, and never checks response header names or values for CR/LF, which allows response
//! splitting (docs/cheroot-reference.md#response-headers-unchecked). Here those responses never
//! carry a body, and a bad header is an error.

use bytes::{BufMut, BytesMut};
use http::{Method, Version};

use crate::HttpDate;

mod head;

pub use head::{HeaderLine, HeaderLines, KnownHeader, ResponseHead, check_header_line};

/// How the body of a response is delimited on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseFraming {
    /// No body bytes are sent whatever the application returns: HEAD, 1xx, 204 and 304
    /// (RFC 9110 §6.4.1). A `Content-Length` the application set for HEAD or 304 stays in the
    /// head (it describes the representation); for 1xx and 204 the server drops it
    /// (RFC 9110 §8.6), as cheroot does (`test_conn.py::test_No_Message_Body`). The connection
    /// can stay open.
    NoBody,
    /// Exactly this many body bytes follow, as `Content-Length` says. For 205 Reset Content this
    /// is always 0 (RFC 9110 §15.3.6): the server sends `Content-Length: 0` and no body.
    Length(u64),
    /// `Transfer-Encoding: chunked`: each write goes out through [`encode_chunk`], the end
    /// through [`encode_last_chunk`] (`test_conn.py::test_streaming_11`).
    Chunked,
    /// No length and no chunking (an HTTP/1.0 response): the body ends when the server closes
    /// the connection (`test_conn.py::test_streaming_10`).
    CloseDelimited,
}

/// Decides how a response is framed (docs/cheroot-reference.md#chunked-response-format,
/// #head-response-closes and #bodies-not-stripped, without cheroot's bugs).
///
/// `version` is the response protocol, the lower of the request's version and the server's
/// (cheroot's `response_protocol`); `content_length` is the value of the application's
/// `Content-Length` header, if it set one.
pub fn response_framing(
    method: &Method,
    version: Version,
    status: u16,
    content_length: Option<u64>,
) -> ResponseFraming {
    if method == Method::HEAD || (100..200).contains(&status) || status == 204 || status == 304 {
        ResponseFraming::NoBody
    } else if status == 205 {
        ResponseFraming::Length(0)
    } else if let Some(len) = content_length {
        ResponseFraming::Length(len)
    } else if version == Version::HTTP_11 {
        ResponseFraming::Chunked
    } else {
        ResponseFraming::CloseDelimited
    }
}

/// Writes `{protocol} {status} {reason}\r\n`; the usual `200 OK` in one piece.
// Inlined: it runs for every response, and out of line it showed in callgrind's instruction
// counts of the hello benchmark.
#[inline]
fn write_status_line(out: &mut BytesMut, protocol: &str, status: u16, reason: &[u8]) {
    out.reserve(protocol.len() + reason.len() + 7);
    out.put_slice(protocol.as_bytes());
    if status == 200 && reason == b"OK" {
        out.put_slice(b" 200 OK\r\n");
        return;
    }
    out.put_u8(b' ');
    put_decimal(out, u64::from(status));
    out.put_u8(b' ');
    out.put_slice(reason);
    out.put_slice(b"\r\n");
}

/// Writes one chunk of a chunked body: the size in lower-case hex, CRLF, the data, CRLF
/// (docs/cheroot-reference.md#chunked-response-format).
///
/// An empty `data` writes nothing, because an empty chunk is the end of the body.
pub fn encode_chunk(out: &mut BytesMut, data: &[u8]) {
    if data.is_empty() {
        return;
    }
    out.reserve(data.len() + 20);
    encode_chunk_size(out, data.len() as u64);
    out.put_slice(data);
    encode_chunk_end(out);
}

/// Writes the size line of a chunk whose `len` bytes of data go out on their own (a buffer
/// queued without a copy, a file sent with sendfile(2)): the size in lower-case hex and CRLF.
/// [`encode_chunk_end`] follows the data. `len` must not be 0: an empty chunk ends the body,
/// which is [`encode_last_chunk`]'s job.
pub fn encode_chunk_size(out: &mut BytesMut, len: u64) {
    debug_assert!(len > 0, "an empty chunk would end the body");
    put_hex(out, len);
    out.put_slice(b"\r\n");
}

/// Writes the CRLF that ends a chunk's data, after [`encode_chunk_size`] and the data.
pub fn encode_chunk_end(out: &mut BytesMut) {
    out.put_slice(b"\r\n");
}

/// Writes the end of a chunked body, `0\r\n\r\n`: the last chunk and an empty trailer section
/// (cheroot never sends trailers).
pub fn encode_last_chunk(out: &mut BytesMut) {
    out.put_slice(b"0\r\n\r\n");
}

/// Writes a whole server-generated response in cheroot's `simple_response` format
/// (docs/cheroot-reference.md#simple-response): the status line, `Content-Length`, `Content-Type:
/// text/plain`, `Date`, then `Connection: close` when `close` is set, the empty line and `msg` as
/// the body. There is no `Server` header.
///
/// cheroot sends no `Date` here; RFC 9110 §6.6.1 requires one from a server with a clock, on
/// error answers too, so the caller passes the current time. cheroot adds `Connection: close`
/// only to 413 and 414 on HTTP/1.1; the caller decides with `close`. The reason phrase is
/// [`canonical_reason`] except for 501, where cheroot sends `501 Unimplemented`.
///
/// ```
/// use bytes::BytesMut;
/// use cheroot_wire::HttpDate;
///
/// let mut out = BytesMut::new();
/// let date = HttpDate::from_unix_seconds(784_111_777);
/// cheroot_wire::simple_response(&mut out, "HTTP/1.1", 400, "Illegal header line.", false, &date);
/// assert_eq!(
///     &out[..],
///     &b"HTTP/1.1 400 Bad Request\r\nContent-Length: 20\r\n\
///        Content-Type: text/plain\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n\
///        Illegal header line."[..]
/// );
/// ```
pub fn simple_response(
    out: &mut BytesMut,
    protocol: &str,
    status: u16,
    msg: &str,
    close: bool,
    date: &HttpDate,
) {
    let reason = if status == 501 {
        "Unimplemented"
    } else {
        canonical_reason(status)
    };
    write_status_line(out, protocol, status, reason.as_bytes());
    out.reserve(msg.len() + 112);
    out.put_slice(b"Content-Length: ");
    put_decimal(out, msg.len() as u64);
    out.put_slice(b"\r\nContent-Type: text/plain\r\nDate: ");
    out.put_slice(date.as_bytes());
    out.put_slice(b"\r\n");
    if close {
        out.put_slice(b"Connection: close\r\n");
    }
    out.put_slice(b"\r\n");
    out.put_slice(msg.as_bytes());
}

/// Writes the interim `100 Continue` response cheroot sends for `Expect: 100-continue`: the
/// status line and the empty line, no headers (docs/cheroot-reference.md#expect-100-continue,
/// `test_conn.py::test_100_Continue`).
pub fn continue_response(out: &mut BytesMut, protocol: &str) {
    write_status_line(out, protocol, 100, b"Continue");
    out.put_slice(b"\r\n");
}

/// Appends `n` in decimal without allocating.
pub(crate) fn put_decimal(out: &mut BytesMut, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.put_slice(&digits[start..]);
}

/// Appends `n` in lower-case hexadecimal (a chunk size) without allocating.
fn put_hex(out: &mut BytesMut, mut n: u64) {
    let mut digits = [0u8; 16];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b"0123456789abcdef"[(n & 0xf) as usize];
        n >>= 4;
        if n == 0 {
            break;
        }
    }
    out.put_slice(&digits[start..]);
}

/// The reason phrase of a status code, as Python 3.11's `http.HTTPStatus` (and so
/// `http.client.responses`) spells it; an empty string for a code it does not know.
///
/// This matches the status lines cheroot writes itself: `413 Request Entity Too Large`,
/// `414 Request-URI Too Long`, `408 Request Timeout`, `500 Internal Server Error`,
/// `503 Service Unavailable`, `505 HTTP Version Not Supported`. (Python 3.13 renamed 413, 414,
/// 416 and 422 after RFC 9110; cheroot's own strings keep the old names.) Its one literal that
/// differs is `501 Unimplemented`, which [`simple_response`] uses.
pub const fn canonical_reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        101 => "Switching Protocols",
        102 => "Processing",
        103 => "Early Hints",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        203 => "Non-Authoritative Information",
        204 => "No Content",
        205 => "Reset Content",
        206 => "Partial Content",
        207 => "Multi-Status",
        208 => "Already Reported",
        226 => "IM Used",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        305 => "Use Proxy",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Request Entity Too Large",
        414 => "Request-URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Requested Range Not Satisfiable",
        417 => "Expectation Failed",
        418 => "I'm a Teapot",
        421 => "Misdirected Request",
        422 => "Unprocessable Entity",
        423 => "Locked",
        424 => "Failed Dependency",
        425 => "Too Early",
        426 => "Upgrade Required",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        451 => "Unavailable For Legal Reasons",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        506 => "Variant Also Negotiates",
        507 => "Insufficient Storage",
        508 => "Loop Detected",
        510 => "Not Extended",
        511 => "Network Authentication Required",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use ResponseFraming::{Chunked, CloseDelimited, Length, NoBody};

    #[test]
    fn framing_rules() {
        let get = Method::GET;
        let head = Method::HEAD;
        let post = Method::POST;
        let (h11, h10) = (Version::HTTP_11, Version::HTTP_10);
        let cases = [
            // test_conn.py::test_streaming_11: no length on 1.1 is chunked, a length is kept.
            (&get, h11, 200, None, Chunked),
            (&get, h11, 200, Some(10), Length(10)),
            (&post, h11, 201, Some(0), Length(0)),
            (&get, h11, 500, None, Chunked),
            // test_conn.py::test_streaming_10: no length on 1.0 is delimited by closing.
            (&get, h10, 200, None, CloseDelimited),
            (&get, h10, 200, Some(10), Length(10)),
            (&get, Version::HTTP_09, 200, None, CloseDelimited),
            // HEAD never has a body (cheroot writes the app's bytes anyway: cheroot-reference
            // bodies-not-stripped) and needs no close (cheroot closes: head-response-closes).
            (&head, h11, 200, None, NoBody),
            (&head, h11, 200, Some(10), NoBody),
            (&head, h10, 200, None, NoBody),
            // test_conn.py::test_No_Message_Body: 204 and 304 carry no body.
            (&get, h11, 204, None, NoBody),
            (&get, h11, 204, Some(5), NoBody),
            (&get, h11, 304, None, NoBody),
            (&get, h11, 304, Some(5), NoBody),
            (&get, h10, 304, None, NoBody),
            // 1xx: no body.
            (&get, h11, 100, None, NoBody),
            (&get, h11, 101, None, NoBody),
            (&get, h11, 199, Some(3), NoBody),
            // 205: an explicit empty body.
            (&get, h11, 205, None, Length(0)),
            (&get, h11, 205, Some(4), Length(0)),
            (&get, h10, 205, None, Length(0)),
            (&head, h11, 205, None, NoBody),
        ];
        for (method, version, status, content_length, expected) in cases {
            assert_eq!(
                response_framing(method, version, status, content_length),
                expected,
                "{method} {version:?} {status} {content_length:?}"
            );
        }
    }

    #[test]
    fn chunks() {
        // cheroot-reference chunked-response-format: lower-case hex size, CRLF, data, CRLF; end
        // `0\r\n\r\n`.
        let mut out = BytesMut::new();
        encode_chunk(&mut out, b"hello");
        encode_chunk(&mut out, b"");
        encode_chunk(&mut out, &[b'x'; 0x1af]);
        encode_last_chunk(&mut out);
        let expected = [
            b"5\r\nhello\r\n".as_slice(),
            b"1af\r\n",
            &[b'x'; 0x1af],
            b"\r\n0\r\n\r\n",
        ]
        .concat();
        assert_eq!(&out[..], &expected[..]);
    }

    #[test]
    fn encoded_chunks_decode_back() {
        let mut out = BytesMut::new();
        for piece in [&b"a"[..], &[b'b'; 16], &[b'c'; 255], &[b'd'; 4096]] {
            encode_chunk(&mut out, piece);
        }
        encode_last_chunk(&mut out);
        let mut decoder = crate::ChunkedDecoder::new();
        let mut input = &out[..];
        let mut body = Vec::new();
        for _ in 0..16 {
            let (chunk, used) = decoder.decode(input).unwrap();
            input = &input[used..];
            match chunk {
                crate::DecodedChunk::Data(data) => body.extend_from_slice(data),
                crate::DecodedChunk::Partial | crate::DecodedChunk::Done => break,
            }
        }
        assert!(decoder.is_done());
        assert_eq!(body.len(), 1 + 16 + 255 + 4096);
    }

    #[test]
    fn simple_responses_in_cheroots_format() {
        let cases: &[(&str, u16, &str, bool, &[u8])] = &[
            // test_core.py::test_malformed_request_line
            (
                "HTTP/1.1",
                400,
                "Malformed Request-Line",
                false,
                b"HTTP/1.1 400 Bad Request\r\nContent-Length: 22\r\nContent-Type: text/plain\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\nMalformed Request-Line",
            ),
            // test_conn.py::test_Content_Length_in: 413 with Connection: close on HTTP/1.1.
            (
                "HTTP/1.1",
                413,
                "The entity sent with the request exceeds the maximum allowed bytes.",
                true,
                b"HTTP/1.1 413 Request Entity Too Large\r\nContent-Length: 67\r\nContent-Type: text/plain\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nConnection: close\r\n\r\nThe entity sent with the request exceeds the maximum allowed bytes.",
            ),
            // cheroot-reference request-line-too-long: 414 with no Connection header.
            (
                "HTTP/1.1",
                414,
                "The Request-URI sent with the request exceeds the maximum allowed bytes.",
                false,
                b"HTTP/1.1 414 Request-URI Too Long\r\nContent-Length: 72\r\nContent-Type: text/plain\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\nThe Request-URI sent with the request exceeds the maximum allowed bytes.",
            ),
            // cheroot-reference transfer-encoding: 501 Unimplemented, empty body.
            (
                "HTTP/1.1",
                501,
                "",
                false,
                b"HTTP/1.1 501 Unimplemented\r\nContent-Length: 0\r\nContent-Type: text/plain\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n",
            ),
            // test_conn.py::test_HTTP11_Timeout: 408 with an empty body.
            (
                "HTTP/1.1",
                408,
                "",
                false,
                b"HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\nContent-Type: text/plain\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n",
            ),
            // test_server.py::test_overload_results_in_suitable_http_error
            (
                "HTTP/1.0",
                503,
                "",
                false,
                b"HTTP/1.0 503 Service Unavailable\r\nContent-Length: 0\r\nContent-Type: text/plain\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n",
            ),
            // test_core.py::test_malformed_request_line: 505.
            (
                "HTTP/1.1",
                505,
                "Cannot fulfill request",
                false,
                b"HTTP/1.1 505 HTTP Version Not Supported\r\nContent-Length: 22\r\nContent-Type: text/plain\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\nCannot fulfill request",
            ),
        ];
        // RFC 9110 section 6.6.1: the server's own answers carry a Date too (cheroot's do not).
        let date = HttpDate::from_unix_seconds(784_111_777);
        for (protocol, status, msg, close, expected) in cases {
            let mut out = BytesMut::new();
            simple_response(&mut out, protocol, *status, msg, *close, &date);
            assert_eq!(
                String::from_utf8_lossy(&out),
                String::from_utf8_lossy(expected),
                "{status}"
            );
        }
    }

    #[test]
    fn continue_line() {
        // test_conn.py::test_100_Continue
        let mut out = BytesMut::new();
        continue_response(&mut out, "HTTP/1.1");
        assert_eq!(&out[..], b"HTTP/1.1 100 Continue\r\n\r\n");
    }

    #[test]
    fn reason_phrases_match_python_3_11() {
        // Generated from `{s.value: s.phrase for s in http.HTTPStatus}` on CPython 3.11.7,
        // the interpreter cheroot's observed behaviour was recorded on (docs/cheroot-reference.md).
        let python: &[(u16, &str)] = &[
            (100, "Continue"),
            (101, "Switching Protocols"),
            (102, "Processing"),
            (103, "Early Hints"),
            (200, "OK"),
            (201, "Created"),
            (202, "Accepted"),
            (203, "Non-Authoritative Information"),
            (204, "No Content"),
            (205, "Reset Content"),
            (206, "Partial Content"),
            (207, "Multi-Status"),
            (208, "Already Reported"),
            (226, "IM Used"),
            (300, "Multiple Choices"),
            (301, "Moved Permanently"),
            (302, "Found"),
            (303, "See Other"),
            (304, "Not Modified"),
            (305, "Use Proxy"),
            (307, "Temporary Redirect"),
            (308, "Permanent Redirect"),
            (400, "Bad Request"),
            (401, "Unauthorized"),
            (402, "Payment Required"),
            (403, "Forbidden"),
            (404, "Not Found"),
            (405, "Method Not Allowed"),
            (406, "Not Acceptable"),
            (407, "Proxy Authentication Required"),
            (408, "Request Timeout"),
            (409, "Conflict"),
            (410, "Gone"),
            (411, "Length Required"),
            (412, "Precondition Failed"),
            (413, "Request Entity Too Large"),
            (414, "Request-URI Too Long"),
            (415, "Unsupported Media Type"),
            (416, "Requested Range Not Satisfiable"),
            (417, "Expectation Failed"),
            (418, "I'm a Teapot"),
            (421, "Misdirected Request"),
            (422, "Unprocessable Entity"),
            (423, "Locked"),
            (424, "Failed Dependency"),
            (425, "Too Early"),
            (426, "Upgrade Required"),
            (428, "Precondition Required"),
            (429, "Too Many Requests"),
            (431, "Request Header Fields Too Large"),
            (451, "Unavailable For Legal Reasons"),
            (500, "Internal Server Error"),
            (501, "Not Implemented"),
            (502, "Bad Gateway"),
            (503, "Service Unavailable"),
            (504, "Gateway Timeout"),
            (505, "HTTP Version Not Supported"),
            (506, "Variant Also Negotiates"),
            (507, "Insufficient Storage"),
            (508, "Loop Detected"),
            (510, "Not Extended"),
            (511, "Network Authentication Required"),
        ];
        let mut known = 0;
        for status in 0..=1000u16 {
            let expected = python
                .iter()
                .find(|(code, _)| *code == status)
                .map_or("", |p| p.1);
            assert_eq!(canonical_reason(status), expected, "{status}");
            known += usize::from(!expected.is_empty());
        }
        assert_eq!(known, python.len());
    }
}
