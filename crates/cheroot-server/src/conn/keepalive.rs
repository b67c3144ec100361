//! Whether a request asks to keep its connection open, by version and `Connection` tokens.

use cheroot_wire::RequestHead;
use http::Version;

/// The response protocol: the lower of the request's version and the server's.
pub(super) fn response_version(request: Version, server: Version) -> Version {
    if request == Version::HTTP_10 || server == Version::HTTP_10 {
        Version::HTTP_10
    } else {
        Version::HTTP_11
    }
}

/// Whether the client wants the connection kept after this request
/// (docs/cheroot-reference.md#keep-alive-connection-header, with `Connection` read as a
/// case-insensitive token list as RFC 9110 requires): on HTTP/1.1 unless it says `close`; on
/// HTTP/1.0 only if it says `keep-alive`.
pub(super) fn wants_keep_alive(head: &RequestHead, version: Version) -> bool {
    if version == Version::HTTP_11 {
        !head.headers().has_token("Connection", "close")
    } else {
        head.headers().has_token("Connection", "keep-alive")
    }
}

/// Whether the client asked for `100 Continue` before sending its body (`Expect` read as a
/// case-insensitive token list).
pub(super) fn expects_continue(head: &RequestHead, version: Version) -> bool {
    version == Version::HTTP_11 && head.headers().has_token("Expect", "100-continue")
}

#[cfg(test)]
mod tests {
    use super::*;
    use cheroot_wire::{ParseOptions, Status, parse_request_head};

    fn head(raw: &str) -> RequestHead {
        match parse_request_head(raw.as_bytes(), &ParseOptions::default()) {
            Ok(Status::Complete((head, _))) => head,
            other => panic!("test request did not parse: {other:?}"),
        }
    }

    #[test]
    fn keep_alive_decisions() {
        let cases = [
            ("GET / HTTP/1.1\r\nHost: t\r\n\r\n", Version::HTTP_11, true),
            (
                "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
                Version::HTTP_11,
                false,
            ),
            (
                "GET / HTTP/1.1\r\nHost: t\r\nConnection: Close\r\n\r\n",
                Version::HTTP_11,
                false,
            ),
            (
                "GET / HTTP/1.1\r\nHost: t\r\nConnection: TE, close\r\n\r\n",
                Version::HTTP_11,
                false,
            ),
            ("GET / HTTP/1.0\r\n\r\n", Version::HTTP_10, false),
            (
                "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n",
                Version::HTTP_10,
                true,
            ),
            (
                "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
                Version::HTTP_10,
                true,
            ),
            // An HTTP/1.1 request to an HTTP/1.0 server follows the 1.0 rule.
            ("GET / HTTP/1.1\r\nHost: t\r\n\r\n", Version::HTTP_10, false),
        ];
        for (raw, version, want) in cases {
            assert_eq!(wants_keep_alive(&head(raw), version), want, "{raw:?}");
        }
    }

    #[test]
    fn continue_is_a_token_on_http_11_only() {
        let cases = [
            (
                "POST / HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n\r\n",
                Version::HTTP_11,
                true,
            ),
            (
                "POST / HTTP/1.1\r\nHost: t\r\nExpect: 100-Continue\r\n\r\n",
                Version::HTTP_11,
                true,
            ),
            (
                "POST / HTTP/1.1\r\nHost: t\r\n\r\n",
                Version::HTTP_11,
                false,
            ),
            (
                "POST / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n",
                Version::HTTP_10,
                false,
            ),
        ];
        for (raw, version, want) in cases {
            assert_eq!(expects_continue(&head(raw), version), want, "{raw:?}");
        }
    }

    #[test]
    fn response_version_is_the_lower() {
        assert_eq!(
            response_version(Version::HTTP_11, Version::HTTP_11),
            Version::HTTP_11
        );
        assert_eq!(
            response_version(Version::HTTP_10, Version::HTTP_11),
            Version::HTTP_10
        );
        assert_eq!(
            response_version(Version::HTTP_11, Version::HTTP_10),
            Version::HTTP_10
        );
    }
}
