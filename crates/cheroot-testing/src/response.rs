//! A response as the test client read it off the wire, with webtest-style assertions.

use std::fmt;

/// How the body of a response was delimited on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// No body by the rules (a response to HEAD, 1xx, 204, 304).
    NoBody,
    /// `Content-Length: n`.
    Length(u64),
    /// `Transfer-Encoding: chunked`.
    Chunked,
    /// Neither: the body ran until the server closed the connection.
    CloseDelimited,
}

/// One response: status line, headers in the order received, and the body (de-chunked).
///
/// Header names and values are the bytes received, decoded as ISO-8859-1 (one char per byte),
/// so nothing is lost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The version on the status line, e.g. `HTTP/1.1`.
    pub protocol: String,
    /// The status code.
    pub status: u16,
    /// The reason phrase (may be empty).
    pub reason: String,
    /// Every header field, in order, names as sent.
    pub headers: Vec<(String, String)>,
    /// The body, de-chunked.
    pub body: Vec<u8>,
    /// Trailer fields after a chunked body.
    pub trailers: Vec<(String, String)>,
    /// How the body was delimited.
    pub framing: Framing,
}

impl Response {
    /// The status line without CRLF, e.g. `HTTP/1.1 200 OK`.
    pub fn status_line(&self) -> String {
        format!("{} {} {}", self.protocol, self.status, self.reason)
            .trim_end()
            .to_owned()
    }

    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of header `name` (case-insensitive), in order.
    pub fn header_all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The body as text (ISO-8859-1, lossless).
    pub fn body_text(&self) -> String {
        self.body.iter().map(|&b| char::from(b)).collect()
    }

    /// Whether the server said it closes the connection after this response
    /// (`Connection: close`, or an HTTP/1.0 response without `Connection: keep-alive`).
    pub fn closes_connection(&self) -> bool {
        self.has_connection_token("close")
            || (self.protocol == "HTTP/1.0" && !self.has_connection_token("keep-alive"))
    }

    /// Whether a `Connection` header lists `token` (case-insensitive).
    pub fn has_connection_token(&self, token: &str) -> bool {
        self.header_all("connection")
            .iter()
            .flat_map(|v| v.split(','))
            .any(|t| t.trim().eq_ignore_ascii_case(token))
    }

    /// Panics unless the status is `status` (webtest's `assertStatus`).
    #[track_caller]
    pub fn assert_status(&self, status: u16) -> &Self {
        assert_eq!(self.status, status, "unexpected status; response: {self}");
        self
    }

    /// Panics unless header `name` is present with exactly `value` (webtest's
    /// `assertHeader`; any of several fields with that name may match).
    #[track_caller]
    pub fn assert_header(&self, name: &str, value: &str) -> &Self {
        let values = self.header_all(name);
        assert!(
            values.contains(&value),
            "header {name}: {value:?} not found (values: {values:?}); response: {self}"
        );
        self
    }

    /// Panics if header `name` is present (webtest's `assertNoHeader`).
    #[track_caller]
    pub fn assert_no_header(&self, name: &str) -> &Self {
        let values = self.header_all(name);
        assert!(
            values.is_empty(),
            "header {name} should be absent, has {values:?}; response: {self}"
        );
        self
    }

    /// Panics unless the body is exactly `body` (webtest's `assertBody`).
    #[track_caller]
    pub fn assert_body(&self, body: impl AsRef<[u8]>) -> &Self {
        let body = body.as_ref();
        assert!(
            self.body == body,
            "body mismatch: want {:?}; response: {self}",
            body.escape_ascii().to_string()
        );
        self
    }

    /// Panics unless the body contains `part` (webtest's `assertInBody`).
    #[track_caller]
    pub fn assert_in_body(&self, part: impl AsRef<[u8]>) -> &Self {
        let part = part.as_ref();
        let found = part.is_empty() || self.body.windows(part.len()).any(|w| w == part);
        assert!(
            found,
            "body lacks {:?}; response: {self}",
            part.escape_ascii().to_string()
        );
        self
    }
}

/// The status line, the headers and the start of the body, for assertion messages.
impl fmt::Display for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SHOWN: usize = 512;
        writeln!(f, "{}", self.status_line())?;
        for (name, value) in &self.headers {
            writeln!(f, "{name}: {value}")?;
        }
        let shown = &self.body[..self.body.len().min(SHOWN)];
        write!(f, "\n{}", shown.escape_ascii())?;
        if self.body.len() > SHOWN {
            write!(f, "... ({} bytes)", self.body.len())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Response {
        Response {
            protocol: "HTTP/1.1".to_owned(),
            status: 200,
            reason: "OK".to_owned(),
            headers: vec![
                ("Content-Type".to_owned(), "text/plain".to_owned()),
                ("Connection".to_owned(), "Keep-Alive, Close".to_owned()),
            ],
            body: b"Hello world!".to_vec(),
            trailers: Vec::new(),
            framing: Framing::Length(12),
        }
    }

    #[test]
    fn accessors() {
        let resp = sample();
        assert_eq!(resp.status_line(), "HTTP/1.1 200 OK");
        assert_eq!(resp.header("content-type"), Some("text/plain"));
        assert_eq!(resp.header("x-missing"), None);
        assert!(resp.closes_connection());
        assert_eq!(resp.body_text(), "Hello world!");
        resp.assert_status(200)
            .assert_header("CONTENT-TYPE", "text/plain")
            .assert_no_header("Content-Length")
            .assert_body("Hello world!")
            .assert_in_body("world");
    }

    #[test]
    fn http10_closes_unless_keep_alive() {
        let mut resp = sample();
        resp.protocol = "HTTP/1.0".to_owned();
        resp.headers.clear();
        assert!(resp.closes_connection());
        resp.headers
            .push(("Connection".to_owned(), "keep-alive".to_owned()));
        assert!(!resp.closes_connection());
    }

    #[test]
    fn failed_assertions_panic() {
        let resp = sample();
        let checks: [&dyn Fn(); 4] = [
            &|| {
                resp.assert_status(404);
            },
            &|| {
                resp.assert_header("Content-Type", "text/html");
            },
            &|| {
                resp.assert_body("Hello");
            },
            &|| {
                resp.assert_in_body("planet");
            },
        ];
        for check in checks {
            let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(check));
            assert!(caught.is_err());
        }
    }
}
