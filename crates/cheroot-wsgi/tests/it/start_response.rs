//! `start_response` and `write` rules (docs/cheroot-reference.md#start-response-rules
//! and #app-error-500).

use bytes::Bytes;
use cheroot_wsgi::{AppError, Body, PathInfoDispatcher, ResponseBody, StartResponse, app_fn};

use cheroot_testing::TestServer;

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect()
}

/// A generator-style body: starts the response on its first chunk.
struct Lazy<'r> {
    sr: StartResponse<'r>,
    step: u8,
}

impl ResponseBody for Lazy<'_> {
    fn next_chunk(&mut self) -> Option<Result<Bytes, AppError>> {
        self.step += 1;
        match self.step {
            1 => Some(
                self.sr
                    .start("201 Created", [("X-Lazy", "yes")])
                    .map(|_| Bytes::new()),
            ),
            2 => Some(Ok(Bytes::from_static(b"lazy body"))),
            _ => None,
        }
    }
}

fn server() -> TestServer {
    let d = PathInfoDispatcher::new()
        .mount(
            "/twice",
            app_fn(|_env, sr| {
                sr.call("200 OK", pairs(&[("Content-Type", "text/plain")]), None)?;
                sr.call("200 OK", pairs(&[("Content-Type", "text/plain")]), None)?;
                Ok(Body::chunks(["Hello", "", " ", "", "world"]))
            }),
        )
        .mount(
            "/empty_chunks",
            app_fn(|_env, sr| {
                sr.call("200 OK", pairs(&[("Content-Type", "text/plain")]), None)?;
                Ok(Body::chunks(["", "Hello", "", " ", "", "world", ""]))
            }),
        )
        .mount(
            "/exc_replace",
            app_fn(|_env, sr| {
                sr.call("200 OK", pairs(&[("X-Old", "1")]), None)?;
                sr.call(
                    "503 Service Unavailable",
                    pairs(&[("X-New", "2")]),
                    Some(AppError::msg("something broke")),
                )?;
                Ok(Body::from("replaced"))
            }),
        )
        .mount(
            "/exc_after",
            app_fn(|_env, sr| {
                let write = sr.call("200 OK", vec![], None)?;
                write.write(b"partial")?;
                sr.call("500 Oops", vec![], Some(AppError::msg("late failure")))?;
                Ok(Body::from("never sent"))
            }),
        )
        .mount(
            "/split",
            app_fn(|_env, sr| {
                sr.call(
                    "200 OK",
                    pairs(&[("X-Split", "a\r\nSet-Cookie: evil=1")]),
                    None,
                )?;
                Ok(Body::from("should not be sent"))
            }),
        )
        .mount(
            "/bad_status",
            app_fn(|_env, sr| {
                sr.call("200 OK\r\nX-Evil: 1", vec![], None)?;
                Ok(Body::empty())
            }),
        )
        .mount(
            "/write",
            app_fn(|_env, sr| {
                let write = sr.call("200 OK", pairs(&[("Content-Length", "11")]), None)?;
                write.write(b"Hello ")?;
                Ok(Body::from("world"))
            }),
        )
        .mount(
            "/lazy",
            app_fn(|_env, sr| Ok(Body::new(Lazy { sr, step: 0 }))),
        )
        .mount("/no_start", app_fn(|_env, _sr| Ok(Body::empty())))
        .mount(
            "/chunk_before_start",
            app_fn(|_env, _sr| Ok(Body::from("too early"))),
        )
        .mount(
            "/raise",
            app_fn(|_env, _sr| Err(AppError::msg("the app failed"))),
        )
        .mount(
            "/body_error",
            app_fn(|_env, sr| {
                sr.call("200 OK", vec![], None)?;
                Ok(Body::try_chunks([Err(AppError::msg("generator raised"))]))
            }),
        );
    TestServer::start(d)
}

#[test]
fn second_call_without_exc_info_is_500() {
    // cheroot: RuntimeError('WSGI start_response called a second time with no exc_info.')
    let server = server();
    let resp = server.client().get("/twice").unwrap();
    assert_eq!(resp.status, 500);
    assert_eq!(resp.header("Content-Length"), Some("0"));
}

#[test]
fn empty_chunks_are_skipped() {
    // cheroot Gateway.respond: filter(None, response)
    let server = server();
    // read_response fails on a body cut short: this one is whole.
    let resp = server.client().get("/empty_chunks").unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(resp.body, b"Hello world");
}

#[test]
fn exc_info_before_headers_replaces_the_response() {
    let server = server();
    let resp = server.client().get("/exc_replace").unwrap();
    assert_eq!(resp.status, 503);
    assert_eq!(resp.header("X-New"), Some("2"));
    assert_eq!(resp.header("X-Old"), None);
    assert_eq!(resp.body, b"replaced");
}

#[test]
fn exc_info_after_headers_propagates_and_closes() {
    let server = server();
    let mut client = server.client();
    client
        .send_raw(b"GET /exc_after HTTP/1.1\r\nHost: h\r\n\r\n")
        .unwrap();
    let (resp, complete) = client.read_partial_response().unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(resp.body, b"partial");
    // A chunked response that failed gets no terminator and the server closes: the
    // client saw the end of the stream before the last chunk.
    assert!(!complete);
}

#[test]
fn response_splitting_is_a_500() {
    let server = server();
    for path in ["/split", "/bad_status"] {
        let resp = server.client().get(path).unwrap();
        assert_eq!(resp.status, 500, "{path}");
        assert_eq!(resp.header("Set-Cookie"), None, "{path}");
        assert_eq!(resp.header("X-Evil"), None, "{path}");
        assert!(resp.body.is_empty(), "{path}");
    }
}

#[test]
fn write_callable_sends_at_once() {
    let server = server();
    let resp = server.client().get("/write").unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(resp.body, b"Hello world");
}

#[test]
fn start_response_from_the_body() {
    let server = server();
    let resp = server.client().get("/lazy").unwrap();
    assert_eq!(resp.status, 201);
    assert_eq!(resp.header("X-Lazy"), Some("yes"));
    assert_eq!(resp.body, b"lazy body");
}

#[test]
fn app_failures_before_the_head_are_500_and_the_server_carries_on() {
    // cheroot-reference app-error-500: 500 with Content-Length: 0, then the connection closes.
    let server = server();
    // "/chunk_before_start": cheroot's RuntimeError('WSGI write called before start_response.')
    for path in ["/raise", "/no_start", "/chunk_before_start", "/body_error"] {
        let mut client = server.client();
        client
            .send_raw(format!("GET {path} HTTP/1.1\r\nHost: h\r\n\r\n").as_bytes())
            .unwrap();
        // Read raw to the end of the stream: it ends (no timeout) only if the server closes,
        // which read_response would not show after a `Connection: close`.
        let raw = client.read_to_end().unwrap();
        let text = String::from_utf8_lossy(&raw);
        let (head, body) = text.split_once("\r\n\r\n").expect("a response head");
        assert!(head.starts_with("HTTP/1.1 500 "), "{path}: {head}");
        assert!(
            head.lines()
                .any(|l| l.eq_ignore_ascii_case("Content-Length: 0")),
            "{path}: {head}"
        );
        assert_eq!(body, "", "{path}");
    }
    assert_eq!(server.client().get("/write").unwrap().status, 200);
}
