//! Request body framing (RFC 9112 §6.3): whether a request carries no body, a body of known
//! length or a chunked body, decided from its `Content-Length` and `Transfer-Encoding` fields.
//!
//! cheroot is lax here in ways that allow request smuggling (docs/cheroot-reference.md:
//! #content-length-parsing, #transfer-encoding): it parses
//! `Content-Length` with Python's `int()` (so `+5`, ` 5 ` and `0_3` pass), lets the last of
//! several differing `Content-Length` fields win, and accepts `Content-Length` together with
//! `Transfer-Encoding`. This module follows RFC 9112 instead; `docs/differences.md` lists each
//! place.

use http::Version;

use crate::field_syntax::trim_ows;
use crate::{Headers, ParseError};

/// How the body of a request is delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFraming {
    /// Neither `Content-Length` nor `Transfer-Encoding`: the request has no body
    /// (`test_core.py::test_no_content_length`).
    Empty,
    /// `Content-Length: n`: exactly `n` bytes follow the head (`n` may be 0).
    Length(u64),
    /// `Transfer-Encoding: chunked`: decode with [`ChunkedDecoder`](crate::ChunkedDecoder).
    Chunked,
}

/// cheroot's message for a `Content-Length` that is not a number
/// (`test_conn.py::test_Content_Length_not_int`).
const MALFORMED_CONTENT_LENGTH: ParseError =
    ParseError::new(400, "Malformed Content-Length Header.");
/// Several `Content-Length` values that disagree: which one holds is exactly what a smuggler
/// wants two servers to decide differently (RFC 9110 §8.6).
const CONFLICTING_CONTENT_LENGTH: ParseError =
    ParseError::new(400, "Conflicting Content-Length Headers.");
/// A length that does not fit in 64 bits is no length a client could mean: cheroot answers
/// such a malicious `Content-Length` with 400 (its changelog, 6.3.2, #100), as nearly every
/// server does, rather than the 413 of a real body over the limit.
const CONTENT_LENGTH_TOO_LARGE: ParseError = ParseError::new(400, "Content-Length is too large.");
/// RFC 9112 §6.3 item 3: a request with both framings is how CL.TE and TE.CL smuggling works.
const LENGTH_AND_CHUNKED: ParseError =
    ParseError::new(400, "Content-Length and Transfer-Encoding together.");
/// RFC 9112 §6.1: HTTP/1.0 has no transfer codings, so an HTTP/1.0 message that names one has
/// faulty framing; cheroot silently reads such a body as empty and then parses it as the next
/// request, which is a smuggling vector of its own.
const TRANSFER_ENCODING_ON_HTTP10: ParseError = ParseError::new(
    400,
    "Transfer-Encoding is not allowed in HTTP/1.0 requests.",
);
/// RFC 9112 §6.3 item 4: unless `chunked` is the final coding (once), the end of the body
/// cannot be found.
const CHUNKED_NOT_LAST: ParseError = ParseError::new(
    400,
    "Transfer-Encoding: chunked must be the final coding, once.",
);
/// A `Transfer-Encoding` field that lists no coding at all.
const EMPTY_TRANSFER_ENCODING: ParseError =
    ParseError::new(400, "Malformed Transfer-Encoding Header.");
/// Any coding but `chunked` (gzip, deflate, compress, identity, ...): cheroot answers
/// `501 Unimplemented` with an empty body (docs/cheroot-reference.md#transfer-encoding).
const UNIMPLEMENTED_CODING: ParseError = ParseError::new(501, "");

/// Decides how the body of a request with this `version` and these `headers` is framed.
///
/// This is the core of `request_body_framing`; it needs only the version and the fields.
///
/// # Errors
///
/// - 400 "Malformed Content-Length Header." when a `Content-Length` value is not `1*DIGIT`
///   (signs, inner spaces, `0_3`, hex and empty values are all refused);
/// - 400 when several `Content-Length` values (fields or a comma list) differ;
/// - 400 when a `Content-Length` does not fit in 64 bits;
/// - 400 when `Content-Length` and `Transfer-Encoding` are both present;
/// - 400 when an HTTP/1.0 request carries `Transfer-Encoding`;
/// - 400 when `chunked` is present but not the final coding, or present twice;
/// - 501 with an empty reason when another coding (`gzip`, `identity`, `xchunked`, ...) is
///   named.
///
/// # Examples
///
/// ```
/// use cheroot_wire::{BodyFraming, Headers, body_framing};
/// use http::Version;
///
/// let mut headers = Headers::new();
/// headers.push("Content-Length", "5");
/// assert_eq!(body_framing(Version::HTTP_11, &headers), Ok(BodyFraming::Length(5)));
///
/// // CL.TE request smuggling is refused.
/// headers.push("Transfer-Encoding", "chunked");
/// assert_eq!(body_framing(Version::HTTP_11, &headers).unwrap_err().status(), 400);
/// ```
pub fn body_framing(version: Version, headers: &Headers) -> Result<BodyFraming, ParseError> {
    let has_transfer_encoding = headers.get_all("transfer-encoding").next().is_some();
    let has_content_length = headers.get_all("content-length").next().is_some();
    if has_transfer_encoding {
        if version != Version::HTTP_11 {
            return Err(TRANSFER_ENCODING_ON_HTTP10);
        }
        if has_content_length {
            return Err(LENGTH_AND_CHUNKED);
        }
        return transfer_codings(headers);
    }
    Ok(match content_length(headers)? {
        Some(len) => BodyFraming::Length(len),
        None => BodyFraming::Empty,
    })
}

/// The one `Content-Length` of the request, if it has any.
///
/// Values are compared as digit strings without their leading zeros, so `5` and `005` agree and
/// two lengths too large for `u64` are still told apart.
fn content_length(headers: &Headers) -> Result<Option<u64>, ParseError> {
    let mut agreed: Option<&[u8]> = None;
    for value in headers.get_all("content-length") {
        for element in value.split(|&b| b == b',') {
            let digits = trim_ows(element);
            if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
                return Err(MALFORMED_CONTENT_LENGTH);
            }
            let significant = strip_leading_zeros(digits);
            match agreed {
                None => agreed = Some(significant),
                Some(previous) if previous == significant => {}
                Some(_) => return Err(CONFLICTING_CONTENT_LENGTH),
            }
        }
    }
    let Some(digits) = agreed else {
        return Ok(None);
    };
    // All digits (checked above): only a value beyond `u64` fails, and zeros alone are 0.
    if digits.is_empty() {
        return Ok(Some(0));
    }
    parse_content_length(digits)
        .map(Some)
        .ok_or(CONTENT_LENGTH_TOO_LARGE)
}

/// One `Content-Length` value: one or more ASCII digits (no sign, no spaces), at most
/// `u64::MAX`; `None` otherwise. A request's field may hold a list of equal values, which
/// [`body_framing`] checks element by element; a response's is one number.
///
/// ```
/// use cheroot_wire::parse_content_length;
///
/// assert_eq!(parse_content_length(b"007"), Some(7));
/// assert_eq!(parse_content_length(b"18446744073709551616"), None);
/// assert_eq!(parse_content_length(b"+1"), None);
/// ```
pub fn parse_content_length(value: &[u8]) -> Option<u64> {
    if value.is_empty() {
        return None;
    }
    value.iter().try_fold(0u64, |n, &b| {
        if !b.is_ascii_digit() {
            return None;
        }
        n.checked_mul(10)?.checked_add(u64::from(b - b'0'))
    })
}

fn strip_leading_zeros(mut digits: &[u8]) -> &[u8] {
    while let [b'0', rest @ ..] = digits {
        digits = rest;
    }
    digits
}

/// Checks the codings of every `Transfer-Encoding` field, read as one list.
fn transfer_codings(headers: &Headers) -> Result<BodyFraming, ParseError> {
    let mut codings = 0usize;
    let mut chunked = 0usize;
    let mut last_is_chunked = false;
    let mut other = false;
    let elements = headers
        .get_all("transfer-encoding")
        .flat_map(|value| value.split(|&b| b == b','))
        .map(trim_ows)
        // RFC 9110 §5.6.1: empty list elements are ignored.
        .filter(|element| !element.is_empty());
    for element in elements {
        codings += 1;
        last_is_chunked = element.eq_ignore_ascii_case(b"chunked");
        if last_is_chunked {
            chunked += 1;
        } else {
            other = true;
        }
    }
    if codings == 0 {
        Err(EMPTY_TRANSFER_ENCODING)
    } else if chunked > 1 || (chunked == 1 && !last_is_chunked) {
        Err(CHUNKED_NOT_LAST)
    } else if other {
        Err(UNIMPLEMENTED_CODING)
    } else {
        Ok(BodyFraming::Chunked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use BodyFraming::{Chunked, Empty, Length};

    fn headers(fields: &[(&'static str, &'static str)]) -> Headers {
        let mut headers = Headers::new();
        for &(name, value) in fields {
            headers.push(name, value);
        }
        headers
    }

    const H11: Version = Version::HTTP_11;
    const H10: Version = Version::HTTP_10;

    /// `Ok(framing)` or `Err(status)`.
    type Expected = Result<BodyFraming, u16>;
    /// The header fields of one case, in order.
    type Fields = &'static [(&'static str, &'static str)];

    fn check(cases: &[(Version, Fields, Expected)]) {
        for (version, fields, expected) in cases {
            let got = body_framing(*version, &headers(fields)).map_err(|e| e.status());
            assert_eq!(&got, expected, "{version:?} {fields:?}");
        }
    }

    #[test]
    fn no_framing_fields_is_empty() {
        // test_core.py::test_no_content_length
        check(&[
            (H11, &[], Ok(Empty)),
            (H10, &[], Ok(Empty)),
            (
                H11,
                &[("Host", "x"), ("Content-Type", "text/plain")],
                Ok(Empty),
            ),
        ]);
    }

    #[test]
    fn one_content_length_value() {
        let cases: &[(&[u8], Option<u64>)] = &[
            (b"0", Some(0)),
            (b"12", Some(12)),
            (b"007", Some(7)),
            (b"18446744073709551615", Some(u64::MAX)),
            (b"18446744073709551616", None),
            (b"99999999999999999999", None),
            (b"", None),
            (b"1 2", None),
            (b"+1", None),
            (b"-1", None),
            (b"0x10", None),
            (b"\xd9\xa1", None),
        ];
        for (value, expected) in cases {
            assert_eq!(parse_content_length(value), *expected, "{value:?}");
        }
    }

    #[test]
    fn content_length_values() {
        // test_conn.py::test_Content_Length_not_int and the int() leniencies of cheroot-reference
        // content-length-parsing, which we refuse.
        check(&[
            (H11, &[("Content-Length", "0")], Ok(Length(0))),
            (H11, &[("Content-Length", "5")], Ok(Length(5))),
            (H10, &[("Content-Length", "5")], Ok(Length(5))),
            (H11, &[("content-length", "0005")], Ok(Length(5))),
            (H11, &[("CONTENT-LENGTH", "1001")], Ok(Length(1001))),
            (
                H11,
                &[("Content-Length", "18446744073709551615")],
                Ok(Length(u64::MAX)),
            ),
            (H11, &[("Content-Length", "not-an-integer")], Err(400)),
            (H11, &[("Content-Length", "")], Err(400)),
            (H11, &[("Content-Length", "+5")], Err(400)),
            (H11, &[("Content-Length", "-5")], Err(400)),
            (H11, &[("Content-Length", "-0")], Err(400)),
            (H11, &[("Content-Length", "0_3")], Err(400)),
            (H11, &[("Content-Length", "1 2")], Err(400)),
            (H11, &[("Content-Length", "0x10")], Err(400)),
            (H11, &[("Content-Length", "5.0")], Err(400)),
            (H11, &[("Content-Length", "1e3")], Err(400)),
            (H11, &[("Content-Length", "\u{661}")], Err(400)),
        ]);
    }

    #[test]
    fn content_length_not_int_message_is_cherroots() {
        // test_conn.py::test_Content_Length_not_int
        let err = body_framing(H11, &headers(&[("Content-Length", "not-an-integer")]));
        assert_eq!(
            err,
            Err(ParseError::new(400, "Malformed Content-Length Header."))
        );
    }

    #[test]
    fn unrepresentable_content_length_is_400() {
        // cheroot 6.3.2 (#100) answers a malicious Content-Length with 400; 2**64 - 1 is
        // still a length (413 or not is the size limit's business).
        for value in ["18446744073709551616", "99999999999999999999"] {
            let err = body_framing(H11, &headers(&[("Content-Length", value)])).unwrap_err();
            assert_eq!(
                (err.status(), err.reason()),
                (400, "Content-Length is too large."),
                "{value}"
            );
        }
        assert_eq!(
            body_framing(H11, &headers(&[("Content-Length", "18446744073709551615")])),
            Ok(BodyFraming::Length(u64::MAX))
        );
    }

    #[test]
    fn duplicate_content_length() {
        // RFC 9110 §8.6: identical values are one value, differing ones are an error
        // (cheroot lets the last win, issue #737).
        check(&[
            (
                H11,
                &[("Content-Length", "5"), ("Content-Length", "5")],
                Ok(Length(5)),
            ),
            (H11, &[("Content-Length", "5, 5")], Ok(Length(5))),
            (H11, &[("Content-Length", "5,5,  005")], Ok(Length(5))),
            (
                H11,
                &[("Content-Length", "5"), ("Content-Length", "6")],
                Err(400),
            ),
            (H11, &[("Content-Length", "5, 6")], Err(400)),
            (
                H11,
                &[("Content-Length", "0"), ("Content-Length", "10")],
                Err(400),
            ),
            (H11, &[("Content-Length", "5,")], Err(400)),
            (H11, &[("Content-Length", ",5")], Err(400)),
            (
                H11,
                &[("Content-Length", "5"), ("Content-Length", "x")],
                Err(400),
            ),
            (
                H11,
                &[
                    ("Content-Length", "18446744073709551616"),
                    ("Content-Length", "18446744073709551617"),
                ],
                Err(400),
            ),
        ]);
        let err = body_framing(H11, &headers(&[("Content-Length", "5, 6")])).unwrap_err();
        assert_eq!(err.reason(), "Conflicting Content-Length Headers.");
    }

    #[test]
    fn transfer_encoding() {
        check(&[
            (H11, &[("Transfer-Encoding", "chunked")], Ok(Chunked)),
            (H11, &[("Transfer-Encoding", "Chunked")], Ok(Chunked)),
            (H11, &[("transfer-encoding", "CHUNKED")], Ok(Chunked)),
            (H11, &[("Transfer-Encoding", " chunked ")], Ok(Chunked)),
            (H11, &[("Transfer-Encoding", ", chunked,")], Ok(Chunked)),
            // Unknown codings: cheroot's 501 Unimplemented (cheroot-reference transfer-encoding).
            (H11, &[("Transfer-Encoding", "gzip")], Err(501)),
            (H11, &[("Transfer-Encoding", "gzip, chunked")], Err(501)),
            (
                H11,
                &[
                    ("Transfer-Encoding", "gzip"),
                    ("Transfer-Encoding", "chunked"),
                ],
                Err(501),
            ),
            (H11, &[("Transfer-Encoding", "identity")], Err(501)),
            (H11, &[("Transfer-Encoding", "chunked;ext=1")], Err(501)),
            // chunked not last, or twice: the end of the body cannot be found.
            (H11, &[("Transfer-Encoding", "chunked, gzip")], Err(400)),
            (H11, &[("Transfer-Encoding", "chunked, chunked")], Err(400)),
            (
                H11,
                &[
                    ("Transfer-Encoding", "chunked"),
                    ("Transfer-Encoding", "chunked"),
                ],
                Err(400),
            ),
            (
                H11,
                &[
                    ("Transfer-Encoding", "chunked"),
                    ("Transfer-Encoding", "gzip"),
                ],
                Err(400),
            ),
            (H11, &[("Transfer-Encoding", "")], Err(400)),
            (H11, &[("Transfer-Encoding", " , ")], Err(400)),
        ]);
        let err = body_framing(H11, &headers(&[("Transfer-Encoding", "gzip")])).unwrap_err();
        assert_eq!(err, ParseError::new(501, ""));
    }

    #[test]
    fn transfer_encoding_on_http10_is_rejected() {
        // cheroot ignores the field on HTTP/1.0 and reads no body, so the chunked body becomes
        // the "next request"; RFC 9112 §6.1 calls such framing faulty.
        check(&[
            (H10, &[("Transfer-Encoding", "chunked")], Err(400)),
            (H10, &[("Transfer-Encoding", "gzip")], Err(400)),
            (
                H10,
                &[("Transfer-Encoding", "chunked"), ("Content-Length", "3")],
                Err(400),
            ),
        ]);
    }

    #[test]
    fn request_smuggling_cases() {
        // RFC 9112 §11.2 and the classic CL.TE / TE.CL / TE.TE desync payloads.
        check(&[
            // CL.TE and TE.CL: both framings present, in either order.
            (
                H11,
                &[("Content-Length", "6"), ("Transfer-Encoding", "chunked")],
                Err(400),
            ),
            (
                H11,
                &[("Transfer-Encoding", "chunked"), ("Content-Length", "3")],
                Err(400),
            ),
            (
                H11,
                &[("Content-Length", "0"), ("Transfer-Encoding", "chunked")],
                Err(400),
            ),
            (
                H11,
                &[("Content-Length", "x"), ("Transfer-Encoding", "chunked")],
                Err(400),
            ),
            // TE.TE obfuscations.
            (H11, &[("Transfer-Encoding", "xchunked")], Err(501)),
            (H11, &[("Transfer-Encoding", "chunkedx")], Err(501)),
            (H11, &[("Transfer-Encoding", "chunked, identity")], Err(400)),
            (H11, &[("Transfer-Encoding", "identity, chunked")], Err(501)),
            (H11, &[("Transfer-Encoding", "\"chunked\"")], Err(501)),
            (
                H11,
                &[("Transfer-Encoding", "chunked"), ("Transfer-Encoding", "x")],
                Err(400),
            ),
            // Duplicate and signed lengths.
            (
                H11,
                &[("Content-Length", "0"), ("Content-Length", "44")],
                Err(400),
            ),
            (H11, &[("Content-Length", "+44")], Err(400)),
            (H11, &[("Content-Length", "-1")], Err(400)),
            (H11, &[("Content-Length", "18446744073709551616")], Err(400)),
        ]);
    }
}
