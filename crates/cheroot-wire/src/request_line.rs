//! The request line: split into method, request-target and version, checked in cheroot's order.

use http::Method;

use crate::ParseError;
use crate::field_syntax::is_tchar;

/// The HTTP version a request line names, as far as the line alone can judge it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LineVersion {
    /// `HTTP/1.0`.
    Http10,
    /// `HTTP/1.1`.
    Http11,
    /// A version below 1.0 (`HTTP/0.9`): cheroot answers 505 with an empty body, but only after
    /// it has checked the method and the target, so the caller rejects it last.
    OtherMajor,
}

/// A request line cut into its three parts; nothing decoded yet.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RequestLine<'a> {
    pub(crate) method: &'a [u8],
    pub(crate) target: &'a [u8],
    pub(crate) version: LineVersion,
}

/// Splits `line` (without its CRLF) and checks the protocol and version, giving cheroot's
/// messages (`HTTPRequest.read_request_line`): fewer than three parts is "Malformed
/// Request-Line", a protocol other than `HTTP/` is "bad protocol", a version without a dot is
/// "bad version", non-digits are "Malformed Request-Line", and a version above 1.1 is 505.
///
/// cheroot splits `line.strip()` on single spaces at most twice; we split the same way but do
/// not strip, so leading or trailing whitespace (never valid per RFC 9112) makes the line fail.
#[inline]
pub(crate) fn split(line: &[u8]) -> Result<RequestLine<'_>, ParseError> {
    if let Some(usual) = split_usual(line) {
        return Ok(usual);
    }
    let mut parts = line.splitn(3, |&b| b == b' ');
    let (Some(method), Some(target), Some(protocol)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(ParseError::MALFORMED_REQUEST_LINE);
    };
    let Some(version) = protocol.strip_prefix(b"HTTP/") else {
        return Err(ParseError::BAD_PROTOCOL);
    };
    let Some(dot) = version.iter().position(|&b| b == b'.') else {
        return Err(ParseError::BAD_VERSION);
    };
    let (major, minor) = (&version[..dot], &version[dot + 1..]);
    let (Some(major_n), Some(minor_n)) = (number(major), number(minor)) else {
        return Err(ParseError::MALFORMED_REQUEST_LINE);
    };
    // cheroot compares (major, minor) as integers, so 1.10 and 2.15 are both above 1.1.
    if (major_n, minor_n) > (1, 1) {
        return Err(ParseError::VERSION_NOT_SUPPORTED);
    }
    let version = match (major, minor) {
        (b"1", b"0") => LineVersion::Http10,
        (b"1", b"1") => LineVersion::Http11,
        // RFC 9112 allows one digit each; cheroot's `int()` also takes `01.1`, we do not.
        _ if major_n == 1 => return Err(ParseError::BAD_VERSION),
        _ => LineVersion::OtherMajor,
    };
    Ok(RequestLine {
        method,
        target,
        version,
    })
}

/// The usual line, `method SP target SP HTTP/1.x` with no other space, cut without the
/// general checks; it gives the parts [`split`] would. `None` for any other line.
#[inline]
fn split_usual(line: &[u8]) -> Option<RequestLine<'_>> {
    let (rest, version) = if let Some(rest) = line.strip_suffix(b" HTTP/1.1") {
        (rest, LineVersion::Http11)
    } else {
        (line.strip_suffix(b" HTTP/1.0")?, LineVersion::Http10)
    };
    let space = rest.iter().position(|&b| b == b' ')?;
    let (method, target) = (&rest[..space], &rest[space + 1..]);
    if target.contains(&b' ') {
        return None;
    }
    Some(RequestLine {
        method,
        target,
        version,
    })
}

/// A run of ASCII digits as a number, saturating (only comparisons with 1 matter); `None` if
/// empty or not all digits.
fn number(digits: &[u8]) -> Option<u32> {
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(digits.iter().fold(0u32, |n, &d| {
        n.saturating_mul(10).saturating_add(u32::from(d - b'0'))
    }))
}

/// The method: any token, case-sensitive (RFC 9110 section 9.1), so `get` and `-blargh` are
/// methods of their own, handed to the app like any other. cheroot's strict mode refuses
/// lower-case letters ("Malformed method name"), which RFC 9110 does not; outside strict mode
/// cheroot upper-cases the method, and so do we. A method that is not a token is "Malformed
/// Request-Line" (cheroot takes any bytes; RFC 9112 does not).
#[inline]
pub(crate) fn method(raw: &[u8], strict_mode: bool) -> Result<Method, ParseError> {
    // The usual methods, spelled as they must be, pass every check below.
    let usual = match raw {
        b"GET" => Some(Method::GET),
        b"POST" => Some(Method::POST),
        b"HEAD" => Some(Method::HEAD),
        b"PUT" => Some(Method::PUT),
        b"DELETE" => Some(Method::DELETE),
        b"OPTIONS" => Some(Method::OPTIONS),
        b"PATCH" => Some(Method::PATCH),
        _ => None,
    };
    if let Some(method) = usual {
        return Ok(method);
    }
    if raw.is_empty() || !raw.iter().all(|&b| is_tchar(b)) {
        return Err(ParseError::MALFORMED_REQUEST_LINE);
    }
    let parsed = if !strict_mode && raw.iter().any(u8::is_ascii_lowercase) {
        Method::from_bytes(&raw.to_ascii_uppercase())
    } else {
        Method::from_bytes(raw)
    };
    parsed.map_err(|_| ParseError::MALFORMED_REQUEST_LINE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usual_lines_split_as_the_general_way_does() {
        let lines = [
            "GET / HTTP/1.1",
            "POST /a?b HTTP/1.0",
            "GET  HTTP/1.1",
            " / HTTP/1.1",
            "GET /a b HTTP/1.1",
            "GET / HTTP/1.1 ",
            "GET HTTP/1.1",
            "GET / x HTTP/1.0",
            "GET / HTTP/1.2",
            "get /x HTTP/1.0",
        ];
        for line in lines {
            let line = line.as_bytes();
            let Some(usual) = split_usual(line) else {
                continue;
            };
            let mut parts = line.splitn(3, |&b| b == b' ');
            assert_eq!(parts.next(), Some(usual.method), "{line:?}");
            assert_eq!(parts.next(), Some(usual.target), "{line:?}");
            let protocol = parts.next().unwrap();
            let expected = if usual.version == LineVersion::Http11 {
                &b"HTTP/1.1"[..]
            } else {
                b"HTTP/1.0"
            };
            assert_eq!(protocol, expected, "{line:?}");
        }
        // The lines the shortcut must leave to the general split.
        for line in [
            "GET /a b HTTP/1.1",
            "GET / HTTP/1.1 ",
            "GET HTTP/1.1",
            "GET / HTTP/1.2",
        ] {
            assert!(split_usual(line.as_bytes()).is_none(), "{line}");
        }
    }

    #[test]
    fn usual_methods_are_what_the_general_check_gives() {
        for name in ["GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH"] {
            for strict in [true, false] {
                let general = Method::from_bytes(name.as_bytes()).unwrap();
                assert_eq!(method(name.as_bytes(), strict), Ok(general));
            }
        }
    }

    #[test]
    fn split_gives_cheroot_statuses_and_messages() {
        // test_core.py::test_malformed_request_line;
        // docs/cheroot-reference.md#malformed-request-line and #version-505.
        type Split<'a> = Result<(&'a str, &'a str, LineVersion), ParseError>;
        let cases: &[(&str, Split<'_>)] = &[
            ("GET / HTTP/1.1", Ok(("GET", "/", LineVersion::Http11))),
            ("GET / HTTP/1.0", Ok(("GET", "/", LineVersion::Http10))),
            ("GET / HTTP/0.9", Ok(("GET", "/", LineVersion::OtherMajor))),
            ("GET /", Err(ParseError::MALFORMED_REQUEST_LINE)),
            ("GET", Err(ParseError::MALFORMED_REQUEST_LINE)),
            ("", Err(ParseError::MALFORMED_REQUEST_LINE)),
            ("GET / HTTPS/1.1", Err(ParseError::BAD_PROTOCOL)),
            ("GET / http/1.1", Err(ParseError::BAD_PROTOCOL)),
            ("GET  / HTTP/1.1", Err(ParseError::BAD_PROTOCOL)),
            ("GET / HTTP/1", Err(ParseError::BAD_VERSION)),
            ("GET / HTTP/", Err(ParseError::BAD_VERSION)),
            ("GET / HTTP/2.15", Err(ParseError::VERSION_NOT_SUPPORTED)),
            ("GET / HTTP/1.10", Err(ParseError::VERSION_NOT_SUPPORTED)),
            ("GET / HTTP/2.0", Err(ParseError::VERSION_NOT_SUPPORTED)),
            (
                "GET / HTTP/99999999999999999999.0",
                Err(ParseError::VERSION_NOT_SUPPORTED),
            ),
            ("GET / HTTP/1.x", Err(ParseError::MALFORMED_REQUEST_LINE)),
            ("GET / HTTP/1.", Err(ParseError::MALFORMED_REQUEST_LINE)),
            ("GET / HTTP/.1", Err(ParseError::MALFORMED_REQUEST_LINE)),
            ("GET / HTTP/1.1.1", Err(ParseError::MALFORMED_REQUEST_LINE)),
            ("GET / HTTP/1.1 ", Err(ParseError::MALFORMED_REQUEST_LINE)),
            ("GET / HTTP/+1.1", Err(ParseError::MALFORMED_REQUEST_LINE)),
            ("GET / HTTP/01.1", Err(ParseError::BAD_VERSION)),
            ("GET / HTTP/1.01", Err(ParseError::BAD_VERSION)),
        ];
        for (line, expected) in cases {
            let got = split(line.as_bytes()).map(|l| {
                (
                    std::str::from_utf8(l.method).unwrap(),
                    std::str::from_utf8(l.target).unwrap(),
                    l.version,
                )
            });
            assert_eq!(&got, expected, "{line:?}");
        }
    }

    #[test]
    fn method_case_and_token_rules() {
        // Any token is a method, case-sensitive (RFC 9110 section 9.1), in the default mode too;
        // cheroot's strict mode answers `GeT` with 400 (test_core.py::test_malformed_http_method).
        let token = |name: &str| Ok(Method::from_bytes(name.as_bytes()).unwrap());
        let cases: &[(&str, bool, Result<Method, ParseError>)] = &[
            ("GET", true, Ok(Method::GET)),
            (
                "PROPFIND",
                true,
                Ok(Method::from_bytes(b"PROPFIND").unwrap()),
            ),
            ("GeT", true, token("GeT")),
            ("get", true, token("get")),
            ("-blargh", true, token("-blargh")),
            ("M-SEARCH", true, token("M-SEARCH")),
            ("GeT", false, Ok(Method::GET)),
            ("connect", false, Ok(Method::CONNECT)),
            ("", true, Err(ParseError::MALFORMED_REQUEST_LINE)),
            ("G(T", true, Err(ParseError::MALFORMED_REQUEST_LINE)),
            ("GE\0T", true, Err(ParseError::MALFORMED_REQUEST_LINE)),
            ("GÉT", false, Err(ParseError::MALFORMED_REQUEST_LINE)),
        ];
        for (raw, strict, expected) in cases {
            assert_eq!(
                &method(raw.as_bytes(), *strict),
                expected,
                "{raw:?} strict={strict}"
            );
        }
    }
}
