//! Failing gateways, response splitting, and overload.

use std::sync::atomic::Ordering;
use std::time::Duration;

use cheroot_server::ServerConfig;

use super::apps::TestApp;
use super::support::{connect, start, test_config, wait_until};

#[test]
fn gateway_error_before_headers_is_500() {
    // cheroot-reference app-error-500: 500 with Content-Length: 0, then close.
    for blocking in [true, false] {
        let server = start(TestApp::new(blocking), test_config());
        let mut client = connect(&server);
        let resp = client
            .request("GET", "/error", &[("Host", "test")], b"")
            .expect("a response");
        assert_eq!(resp.status, 500);
        assert_eq!(resp.header("Content-Length"), Some("0"));
        // The server closes after it, so an HTTP/1.1 client is told (cheroot does not say).
        assert_eq!(resp.header("Connection"), Some("close"));
        client.wait_closed().expect("closed after the 500");
    }
}

#[test]
fn panicking_gateway_leaves_the_server_alive() {
    // test_conn.py::test_unhandled_exception_in_request_handler,
    // test_conn.py::test_remains_alive_post_unhandled_exception
    for blocking in [true, false] {
        let server = start(TestApp::new(blocking), test_config());
        for _ in 0..12 {
            let mut client = connect(&server);
            assert_eq!(
                client
                    .request("GET", "/panic", &[("Host", "test")], b"")
                    .expect("a response")
                    .status,
                500
            );
        }
        let mut client = connect(&server);
        assert_eq!(
            client
                .request("GET", "/hello", &[("Host", "test")], b"")
                .expect("a response")
                .body_text(),
            "Hello world!"
        );
    }
}

#[test]
fn gateway_error_after_headers_closes() {
    // cheroot-reference app-error-500: after headers, the connection just closes (no last chunk).
    for blocking in [true, false] {
        let server = start(TestApp::new(blocking), test_config());
        let mut client = connect(&server);
        client
            .send_raw(b"GET /error_after_headers HTTP/1.1\r\nHost: t\r\n\r\n")
            .expect("send");
        let raw =
            String::from_utf8_lossy(&client.read_to_end().expect("read to the end")).into_owned();
        assert!(raw.starts_with("HTTP/1.1 200 OK\r\n"), "{raw}");
        assert!(raw.contains("Transfer-Encoding: chunked"), "{raw}");
        assert!(
            raw.ends_with("8\r\npartial \r\n"),
            "no terminating chunk: {raw:?}"
        );
    }
}

#[test]
fn response_splitting_is_refused() {
    for blocking in [true, false] {
        let server = start(TestApp::new(blocking), test_config());
        let mut client = connect(&server);
        let resp = client
            .request("GET", "/split", &[("Host", "test")], b"")
            .expect("a response");
        assert_eq!(resp.status, 500);
        assert_eq!(resp.header("Set-Cookie"), None);
    }
}

#[test]
fn overload_results_in_503() {
    // test_server.py::test_overload_results_in_suitable_http_error
    let config = ServerConfig {
        minthreads: 1,
        maxthreads: Some(1),
        accepted_queue_size: 1,
        accepted_queue_timeout: Duration::from_millis(100),
        ..test_config()
    };
    let app = TestApp::new(true);
    let probe = app.probe.clone();
    probe.close_gate();
    let server = start(app, config);
    // The only worker is held...
    let mut busy = connect(&server);
    busy.send_raw(b"GET /hold HTTP/1.1\r\nHost: t\r\n\r\n")
        .expect("send");
    assert!(wait_until(Duration::from_secs(5), || probe
        .held
        .load(Ordering::SeqCst)
        == 1));
    // ... the one queue slot is taken...
    let mut queued = connect(&server);
    queued
        .send_raw(b"GET /hold HTTP/1.1\r\nHost: t\r\n\r\n")
        .expect("send");
    assert!(wait_until(Duration::from_secs(5), || server
        .server()
        .stats()
        .queue
        == 1));
    // ... so the next request waits 100 ms for room, then gets 503.
    let mut rejected = connect(&server);
    let resp = rejected
        .request("GET", "/hello", &[("Host", "test")], b"")
        .expect("a response");
    assert_eq!((resp.status, resp.body_text().as_str()), (503, ""));
    rejected.wait_closed().expect("closed after the 503");
    probe.open_gate();
    assert_eq!(
        busy.read_response_for("GET")
            .expect("a response")
            .body_text(),
        "released"
    );
    assert_eq!(
        queued
            .read_response_for("GET")
            .expect("a response")
            .body_text(),
        "released"
    );
}

#[test]
fn random_bytes_never_hang_or_break_the_server() {
    // Seeded pseudo-random requests: real request pieces mixed with noise. Every connection
    // ends (a response or a close) and the server keeps answering.
    let server = start(TestApp::new(false), test_config());
    let pieces: [&[u8]; 12] = [
        b"GET / HTTP/1.1\r\n",
        b"POST /echo HTTP/1.1\r\n",
        b"Host: t\r\n",
        b"Content-Length: 3\r\n",
        b"Transfer-Encoding: chunked\r\n",
        b"\r\n",
        b"3\r\nabc\r\n0\r\n\r\n",
        b"\n",
        b":",
        b"\x00\xff",
        b"Connection: close\r\n",
        b"Expect: 100-continue\r\n",
    ];
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..150 {
        let mut raw = Vec::new();
        for _ in 0..(next() % 8 + 1) {
            raw.extend_from_slice(pieces[(next() % pieces.len() as u64) as usize]);
        }
        let mut client = connect(&server);
        if client.send_raw(&raw).is_err() {
            // The server already ended the connection (a reset while sending).
            continue;
        }
        let _ = client.shutdown_write();
        // Whatever comes back, the connection ends: EOF or reset, never the read timeout.
        if let Err(err) = client.read_to_end() {
            panic!(
                "the server hung on {:?}: {err}",
                String::from_utf8_lossy(&raw)
            );
        }
    }
    let mut client = connect(&server);
    assert_eq!(
        client
            .request("GET", "/hello", &[("Host", "test")], b"")
            .expect("a response")
            .body_text(),
        "Hello world!"
    );
    assert!(wait_until(Duration::from_secs(10), || server
        .server()
        .connections()
        == 0));
}
