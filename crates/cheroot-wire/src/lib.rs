//! Sans-IO HTTP/1.x for cheroot-rs: a push parser for request heads and bodies and an encoder
//! for responses, over byte buffers, with no sockets and no async.
//!
//! ```
//! use cheroot_wire::{BodyFraming, ParseOptions, Status, parse_request_head, request_body_framing};
//!
//! let bytes = b"POST /notes?draft=1 HTTP/1.1\r\n\
//!     Host: example.com\r\nContent-Length: 5\r\n\r\nhello";
//! let opts = ParseOptions::default();
//!
//! // Bytes as they arrive: until the empty line, the head is `Partial`.
//! assert_eq!(parse_request_head(&bytes[..20], &opts)?, Status::Partial);
//!
//! let Status::Complete((head, used)) = parse_request_head(bytes, &opts)? else {
//!     unreachable!("the whole head is there");
//! };
//! assert_eq!(head.method.as_str(), "POST");
//! assert_eq!(head.target().path(), b"/notes");
//! assert_eq!(head.target().query(), b"draft=1");
//! assert_eq!(head.headers().get("host").as_deref(), Some(&b"example.com"[..]));
//!
//! // The body follows the head; its headers say how it is framed.
//! assert_eq!(request_body_framing(&head)?, BodyFraming::Length(5));
//! assert_eq!(&bytes[used..], b"hello");
//!
//! // A bad head is refused with cheroot's status and message.
//! let err = parse_request_head(b"GET / HTTP/1.1\r\n\r\n", &opts).unwrap_err();
//! assert_eq!((err.status(), err.reason()), (400, "Missing Host header."));
//! # Ok::<(), cheroot_wire::ParseError>(())
//! ```
//!
//! Features: none. It needs no runtime, only `bytes`, `http` and `httparse` (and
//! `cheroot-errors` and `cheroot-compat` below it in this workspace).
//!
//! The rules are cheroot's (status codes and messages of `cheroot.server.HTTPRequest`), made
//! stricter where RFC 9112 requires it; `docs/differences.md` lists every such place.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

// Request head (request line, target, headers, limits).
mod head;
mod headers;
mod limits;
mod request_line;
mod target;

// Request body framing and decoding.
mod chunk_ext;
mod chunked;
mod framing;
mod length;
mod size_check;

// Response side.
mod date;
mod response;

mod error;
mod field_syntax;

pub use error::ParseError;
pub use field_syntax::{is_field_value, is_token, trim_ows};
pub use head::{
    ParseOptions, RequestHead, ScannedHead, parse_request_head, request_body_framing,
    request_head_eof_error, scan_request_head,
};
pub use headers::{HeaderField, HeaderIter, Headers, cheroot_title_case};
pub use limits::Limits;
pub use target::{RequestTarget, TargetForm};

// Body framing and decoding.
pub use chunked::{ChunkedDecoder, DEFAULT_MAX_TRAILER_SIZE, DecodedChunk};
pub use framing::{BodyFraming, body_framing, parse_content_length};
pub use length::LengthDecoder;
pub use size_check::SizeCheck;

// Response side.
pub use date::{CivilTime, HttpDate};
pub use response::{
    HeaderLine, HeaderLines, KnownHeader, ResponseFraming, ResponseHead, canonical_reason,
    check_header_line, continue_response, encode_chunk, encode_chunk_end, encode_chunk_size,
    encode_last_chunk, response_framing, simple_response,
};

/// The outcome of feeding a buffer to a push parser, as `httparse::Status` has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status<T> {
    /// Parsing finished with this value.
    Complete(T),
    /// The buffer ends before the item does: read more bytes and call again.
    Partial,
}
