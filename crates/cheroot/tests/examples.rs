//! The gateways of `examples/`, served over a real loopback socket: the exact bytes a client of
//! `cargo run -p cheroot --example ...` gets.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::time::Duration;

use cheroot::{BindAddr, Gateway, HttpServer};

// The examples' own files, so the test serves the code the reader runs. Their `main`s bind a
// fixed port and are never called here.
#[allow(dead_code, reason = "the example's `main` is never called here")]
#[path = "../examples/hello.rs"]
mod hello;
#[allow(dead_code, reason = "the example's `main` is never called here")]
#[path = "../examples/json_api.rs"]
mod json_api;
#[allow(dead_code, reason = "the example's `main` is never called here")]
#[path = "../examples/own_runtime.rs"]
mod own_runtime;

/// Stops the server when dropped, so a failing assertion does not leave `serve()` running
/// (and the test hanging).
struct StopOnDrop<'a>(&'a HttpServer);

impl Drop for StopOnDrop<'_> {
    fn drop(&mut self) {
        self.0.stop();
    }
}

/// Serves `gateway` on an ephemeral port of 127.0.0.1 while `exchange` talks to it.
fn with_server<T>(gateway: impl Gateway, exchange: impl FnOnce(u16) -> T) -> T {
    let server = HttpServer::new("127.0.0.1:0".parse().expect("a bind address"), gateway);
    server.prepare().expect("the server binds");
    let BindAddr::Tcp { port, .. } = server.bind_addr() else {
        panic!("a TCP address")
    };
    std::thread::scope(|scope| {
        let serving = scope.spawn(|| server.serve());
        let stop = StopOnDrop(&server);
        let result = exchange(port);
        drop(stop);
        let served = serving.join().expect("serve() does not panic");
        served.expect("serve() ends cleanly after stop()");
        result
    })
}

/// Sends `request` on a fresh connection and reads the response until the server closes it.
fn exchange(port: u16, request: &str) -> String {
    let mut conn = TcpStream::connect(("127.0.0.1", port)).expect("connected");
    conn.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("a read timeout");
    conn.write_all(request.as_bytes()).expect("request sent");
    let mut response = Vec::new();
    conn.read_to_end(&mut response).expect("response read");
    String::from_utf8(response).expect("an ASCII response")
}

/// `GET path` on HTTP/1.1, asking the server to close after the response.
fn get(port: u16, path: &str) -> String {
    exchange(
        port,
        &format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
    )
}

/// `response` with the value of its `Date` header (the only part that changes from run to
/// run) replaced by `<date>`, after checking it has the IMF-fixdate shape.
fn without_date(response: &str) -> String {
    let start = response.find("\r\nDate: ").expect("a Date header") + "\r\nDate: ".len();
    let len = response[start..].find("\r\n").expect("the line ends");
    let date = &response[start..start + len];
    assert!(date.len() == 29 && date.ends_with(" GMT"), "{date:?}");
    format!("{}<date>{}", &response[..start], &response[start + len..])
}

#[test]
fn hello_answers_hello_world() {
    let response = with_server(hello::Hello, |port| get(port, "/any/path?x=1"));
    assert_eq!(
        without_date(&response),
        "HTTP/1.1 200 OK\r\n\
         Content-Type: text/plain\r\n\
         Content-Length: 12\r\n\
         Connection: close\r\n\
         Date: <date>\r\n\
         Server: Cheroot/0.1.0\r\n\
         \r\n\
         Hello world!"
    );
}

/// The status line, the `Content-Type` and the body of `response`, checking that its
/// `Content-Length` is the body's.
fn json_parts(response: &str) -> (&str, &str, &str) {
    let (head, body) = response.split_once("\r\n\r\n").expect("a head and a body");
    let mut lines = head.split("\r\n");
    let status = lines.next().expect("a status line");
    let header = |name: &str| {
        head.split("\r\n")
            .find_map(|line| line.strip_prefix(name)?.strip_prefix(": "))
    };
    assert_eq!(header("Content-Length"), Some(&*body.len().to_string()));
    let content_type = header("Content-Type").expect("a Content-Type");
    (status, content_type, body)
}

#[test]
fn json_api_routes() {
    let cases: &[(&str, &str, &str)] = &[
        ("/health", "HTTP/1.1 200 OK", r#"{"status": "ok"}"#),
        (
            "/books/3",
            "HTTP/1.1 200 OK",
            r#"{"id": 3, "title": "Rust for Rustaceans", "author": "Jon Gjengset"}"#,
        ),
        (
            "/books/4",
            "HTTP/1.1 404 Not Found",
            r#"{"error": "not found"}"#,
        ),
        (
            "/books/x",
            "HTTP/1.1 404 Not Found",
            r#"{"error": "not found"}"#,
        ),
        (
            "/nowhere",
            "HTTP/1.1 404 Not Found",
            r#"{"error": "not found"}"#,
        ),
    ];
    with_server(json_api::JsonApi, |port| {
        for &(path, want_status, want_body) in cases {
            let response = get(port, path);
            let (status, content_type, body) = json_parts(&response);
            assert_eq!(
                (status, content_type, body),
                (want_status, "application/json", want_body),
                "GET {path}"
            );
        }
        let books = get(port, "/books");
        let (status, _, body) = json_parts(&books);
        assert_eq!(status, "HTTP/1.1 200 OK");
        assert!(body.starts_with(r#"[{"id": 1, "title": "The Rust Programming Language""#));
        assert_eq!(body.matches(r#"{"id": "#).count(), 3, "{body}");
        assert!(body.ends_with("}]"), "{body}");
    });
}

#[test]
fn json_api_refuses_other_methods_with_allow() {
    let response = with_server(json_api::JsonApi, |port| {
        exchange(
            port,
            "DELETE /books/1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
        )
    });
    let (status, _, body) = json_parts(&response);
    assert_eq!(status, "HTTP/1.1 405 Method Not Allowed");
    assert!(response.contains("\r\nAllow: GET, HEAD\r\n"), "{response}");
    assert_eq!(body, r#"{"error": "method not allowed"}"#);
}

#[test]
fn json_api_head_has_the_length_and_no_body() {
    let response = with_server(json_api::JsonApi, |port| {
        exchange(
            port,
            "HEAD /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
        )
    });
    let (head, body) = response.split_once("\r\n\r\n").expect("a head");
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    let want_len = r#"{"status": "ok"}"#.len();
    assert!(
        head.contains(&format!("\r\nContent-Length: {want_len}\r\n")),
        "{head}"
    );
    assert_eq!(body, "");
}

#[tokio::test]
async fn own_runtime_serves_on_the_callers_runtime() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("the listener binds");
    let port = listener.local_addr().expect("its address").port();
    let serving = tokio::spawn(own_runtime::serve(listener));
    // The blocking client on a thread of its own: the server's tasks need this runtime.
    let response = tokio::task::spawn_blocking(move || get(port, "/"))
        .await
        .expect("the client does not panic");
    assert!(!serving.is_finished(), "still accepting");
    serving.abort();
    let body = "Hello 127.0.0.1!\n";
    assert_eq!(
        without_date(&response),
        format!(
            "HTTP/1.1 200 OK\r\n\
             Content-Type: text/plain\r\n\
             Content-Length: {}\r\n\
             Connection: close\r\n\
             Date: <date>\r\n\
             Server: Cheroot/0.1.0\r\n\
             \r\n\
             {body}",
            body.len()
        )
    );
}

/// The README shows `examples/hello.rs` below its `//!` header: the two must not drift apart.
#[test]
fn readme_shows_the_hello_example() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let Ok(readme) = std::fs::read_to_string(root.join("README.md")) else {
        // A packaged crate has no workspace README around it: nothing to compare.
        return;
    };
    let example = include_str!("../examples/hello.rs");
    let (_header, code) = example.split_once("\n\n").expect("a header, then the code");
    assert!(
        readme.contains(&format!("```rust\n{code}```\n")),
        "README.md's Rust block is not examples/hello.rs:\n{code}"
    );
}
