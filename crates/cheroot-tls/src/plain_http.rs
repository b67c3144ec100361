//! Telling plain HTTP from a TLS ClientHello by the first bytes, and cheroot's answer to it.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::time::Instant;

use crate::adapter::BoxedIo;

/// The request-line starts cheroot looks for (`Adapter._ensure_peer_speaks_https`).
const METHODS: [&[u8]; 9] = [
    b"GET ",
    b"POST ",
    b"PUT ",
    b"DELETE ",
    b"HEAD ",
    b"OPTIONS ",
    b"PATCH ",
    b"CONNECT ",
    b"TRACE ",
];

/// The longest of [`METHODS`]: no more bytes are needed to decide.
const SNIFF_LEN: usize = 8;

/// cheroot's message for plain HTTP on a TLS port (`test_ssl.py::test_http_over_https_error`).
const PLAIN_HTTP_MESSAGE: &str =
    "The client sent a plain HTTP request, but this server only speaks HTTPS on this port.";

/// cheroot's whole answer to plain HTTP on a TLS port, in the server's `simple_response` form
/// with `Connection: close`, and the `Date` that RFC 9110 §6.6.1 asks of every answer.
pub(crate) fn plain_http_response() -> bytes::BytesMut {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut out = bytes::BytesMut::new();
    let date = cheroot_wire::HttpDate::from_unix_seconds(now);
    cheroot_wire::simple_response(&mut out, "HTTP/1.1", 400, PLAIN_HTTP_MESSAGE, true, &date);
    out
}

/// What the first bytes say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sniff {
    /// Not an HTTP request line: hand the bytes to the TLS library.
    Tls,
    /// An HTTP request line.
    PlainHttp,
    /// Could still become a request line: read more.
    NeedMore,
}

/// Classifies the first bytes of a connection.
pub(crate) fn classify(first: &[u8]) -> Sniff {
    if METHODS.iter().any(|m| first.starts_with(m)) {
        Sniff::PlainHttp
    } else if first.len() < SNIFF_LEN && METHODS.iter().any(|m| m.starts_with(first)) {
        Sniff::NeedMore
    } else {
        Sniff::Tls
    }
}

/// Reads the first bytes of `io` until [`classify`] decides. Returns the bytes read (to be
/// replayed) and the verdict; an empty vector means the peer closed before sending anything.
pub(crate) async fn sniff(io: &mut BoxedIo) -> std::io::Result<(Vec<u8>, Sniff)> {
    // A ClientHello is decided by its first byte (0x16), a request line within 8.
    let mut buf = vec![0u8; SNIFF_LEN];
    let mut len = 0;
    loop {
        let n = io.read(&mut buf[len..]).await?;
        if n == 0 {
            buf.truncate(len);
            return Ok((buf, Sniff::Tls));
        }
        len += n;
        match classify(&buf[..len]) {
            Sniff::NeedMore => {}
            verdict => {
                buf.truncate(len);
                return Ok((buf, verdict));
            }
        }
    }
}

/// Sends cheroot's 400, closes the write side, then reads what the client still sends (the
/// rest of its request) for a short while, so that closing does not reset the connection
/// before the client has read the answer. Errors are ignored: the client may be gone.
pub(crate) async fn answer(io: &mut BoxedIo, deadline: Instant) {
    /// Bounds on the lingering read after the answer.
    const LINGER: Duration = Duration::from_secs(2);
    const LINGER_BYTES: usize = 64 * 1024;

    let deadline = deadline.min(Instant::now() + LINGER);
    let work = async {
        if io.write_all(&plain_http_response()).await.is_err() || io.shutdown().await.is_err() {
            return;
        }
        let mut sink = [0u8; 4096];
        let mut seen = 0;
        while seen < LINGER_BYTES {
            match io.read(&mut sink).await {
                Ok(0) | Err(_) => return,
                Ok(n) => seen += n,
            }
        }
    };
    // Running out of time here only ends the lingering read.
    let _ = tokio::time::timeout_at(deadline, work).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify_first_bytes() {
        let cases: &[(&[u8], Sniff)] = &[
            (b"GET / HTTP/1.1\r\n", Sniff::PlainHttp),
            (b"OPTIONS ", Sniff::PlainHttp),
            (b"CONNECT x:443", Sniff::PlainHttp),
            (b"TRACE ", Sniff::PlainHttp),
            (b"PATCH /", Sniff::PlainHttp),
            (b"G", Sniff::NeedMore),
            (b"DELET", Sniff::NeedMore),
            (b"", Sniff::NeedMore),
            (b"\x16\x03\x01\x02\x00", Sniff::Tls),
            (b"get / HTTP/1.1", Sniff::Tls),
            (b"GETX", Sniff::Tls),
            (b"BREW /pot", Sniff::Tls),
        ];
        for &(input, want) in cases {
            assert_eq!(classify(input), want, "{input:?}");
        }
    }

    #[test]
    fn response_is_cheroots() {
        let response = plain_http_response();
        let text = std::str::from_utf8(&response).expect("ASCII");
        let (head, body) = text.split_once("\r\n\r\n").expect("head and body");
        assert_eq!(
            body,
            "The client sent a plain HTTP request, but this server only speaks HTTPS on this port."
        );
        assert!(head.contains(&format!("Content-Length: {}", body.len())));
        assert!(head.starts_with("HTTP/1.1 400 Bad Request\r\n"));
        assert!(head.ends_with("Connection: close"));
        // A Date, as on every answer of the server's own (RFC 9110 section 6.6.1).
        assert!(
            head.contains("\r\nDate: ") && head.contains(" GMT\r\n"),
            "{head}"
        );
    }

    #[tokio::test]
    async fn sniff_waits_for_a_split_method() {
        use tokio::io::AsyncWriteExt;
        let (mut client, server) = tokio::io::duplex(64);
        let task = tokio::spawn(async move {
            let mut io: BoxedIo = Box::new(server);
            sniff(&mut io).await
        });
        client.write_all(b"PO").await.expect("write");
        client.flush().await.expect("flush");
        tokio::task::yield_now().await;
        client.write_all(b"ST /x").await.expect("write");
        let (bytes, verdict) = task.await.expect("join").expect("sniff");
        assert_eq!(verdict, Sniff::PlainHttp);
        assert!(bytes.starts_with(b"POST "));
    }
}
