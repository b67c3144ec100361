//! Sans-IO HTTP/1.x for cheroot-rs: a push parser for request heads and bodies and an encoder
//! for responses, over byte buffers, with no sockets and no async.
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
pub use framing::{BodyFraming, body_framing};
pub use length::LengthDecoder;
pub use size_check::SizeCheck;

// Response side.
pub use date::{CivilTime, HttpDate};
pub use response::{
    ResponseFraming, ResponseHead, canonical_reason, continue_response, encode_chunk,
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
