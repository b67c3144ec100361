//! Response framing: chunked streaming, HTTP/1.0 close-delimited bodies, Content-Length
//! accounting, explicit header sending, large bodies.

use cheroot_server::{Protocol, ServerConfig};

use super::apps::TestApp;
use super::support::{TestServer, test_config};

#[test]
fn streaming_11() {
    // test_conn.py::test_streaming_11
    for blocking in [true, false] {
        let server = TestServer::start(TestApp::new(blocking), test_config());
        let mut client = server.client();
        let resp = client.get("/stream", "");
        assert_eq!(resp.header("Transfer-Encoding"), Some("chunked"));
        assert_eq!(resp.body_str(), "one two three");
        let resp = client.get("/hello", "");
        assert_eq!(resp.header("Transfer-Encoding"), None);
        client.send(b"HEAD /stream HTTP/1.1\r\nHost: t\r\n\r\n");
        let resp = client.read_response("HEAD");
        assert_eq!(resp.header("Transfer-Encoding"), None);
        assert_eq!(client.get("/hello", "").body_str(), "Hello world!");
    }
}

#[test]
fn streaming_10() {
    // test_conn.py::test_streaming_10
    let config = ServerConfig {
        protocol: Protocol::Http10,
        ..test_config()
    };
    let server = TestServer::start(TestApp::new(true), config);
    let mut client = server.client();
    client.send(b"GET /hello HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
    let resp = client.read_response("GET");
    assert_eq!(resp.header("Connection"), Some("Keep-Alive"));
    client.send(b"GET /stream HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
    let resp = client.read_response("GET");
    assert_eq!(resp.header("Connection"), None);
    assert_eq!(resp.header("Keep-Alive"), None);
    assert_eq!(resp.header("Transfer-Encoding"), None);
    assert_eq!(resp.body_str(), "one two three", "close-delimited body");
}

#[test]
fn content_length_out() {
    // test_conn.py::test_Content_Length_out
    for blocking in [true, false] {
        let server = TestServer::start(TestApp::new(blocking), test_config());
        let mut client = server.client();
        let resp = client.get("/cl_over_one", "");
        assert_eq!(resp.status, 500);
        assert_eq!(
            resp.body_str(),
            "The requested resource returned more bytes than the declared Content-Length."
        );
        client.wait_closed().expect("closed after the 500");

        let mut client = server.client();
        let resp = client.get("/cl_over_two", "");
        assert_eq!((resp.status, resp.body_str()), (200, "I too"));
        client
            .wait_closed()
            .expect("closed after the truncated body");
    }
}

#[test]
fn content_length_underrun_closes() {
    for blocking in [true, false] {
        let server = TestServer::start(TestApp::new(blocking), test_config());
        let mut client = server.client();
        client.send(b"GET /cl_under HTTP/1.1\r\nHost: t\r\n\r\n");
        let raw = client.read_to_end();
        let text = String::from_utf8_lossy(&raw);
        assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
        assert!(text.ends_with("\r\n\r\nshort"), "{text}");
    }
}

#[test]
fn send_header_before_closing() {
    // test_core.py::test_send_header_before_closing
    for blocking in [true, false] {
        let server = TestServer::start(TestApp::new(blocking), test_config());
        let mut client = server.client();
        let resp = client.get("/explicit_headers", "");
        assert_eq!(resp.status, 200);
        assert_eq!(resp.body.len(), 5 + 5000);
        assert!(resp.body_str().starts_with("hello!!"));
    }
}

#[test]
fn large_response_bodies() {
    for blocking in [true, false] {
        let server = TestServer::start(TestApp::new(blocking), test_config());
        let mut client = server.client();
        for _ in 0..2 {
            let resp = client.get("/big", "");
            assert_eq!(resp.body.len(), 1 << 20);
            assert!(resp.body.iter().all(|&b| b == b'x'));
        }
    }
}

#[test]
fn empty_response_gets_content_length_zero() {
    let server = TestServer::start(TestApp::new(true), test_config());
    let mut client = server.client();
    let resp = client.get("/length_required", "");
    assert_eq!(resp.header("Content-Length"), Some("0"));
    assert_eq!(client.get("/hello", "").status, 200);
}

#[test]
fn each_write_reaches_the_client_at_once() {
    // Worker-pool gateways stream (inline ones are sent when they return).
    {
        let app = TestApp::new(true);
        let probe = app.probe.clone();
        probe.close_gate();
        let server = TestServer::start(app, test_config());
        let mut client = server.client();
        client.send(b"GET /stream_wait HTTP/1.1\r\nHost: t\r\n\r\n");
        // The first chunk arrives while the gateway still waits at the gate.
        let mut seen = Vec::new();
        while !String::from_utf8_lossy(&seen).contains("5\r\nfirst\r\n") {
            seen.extend(client.read_chunk_raw());
        }
        assert_eq!(
            probe.held.load(std::sync::atomic::Ordering::SeqCst),
            1,
            "still at the gate"
        );
        probe.open_gate();
        let rest = client.read_to_end_or_timeout(std::time::Duration::from_millis(500));
        seen.extend(rest);
        let text = String::from_utf8_lossy(&seen);
        assert!(
            text.ends_with("5\r\nfirst\r\n6\r\nsecond\r\n0\r\n\r\n"),
            "{text}"
        );
    }
}

#[test]
fn buffered_responses_arrive_whole() {
    let server = TestServer::start(TestApp::new(true), test_config());
    let mut client = server.client();
    for _ in 0..3 {
        let resp = client.get("/buffered", "");
        assert_eq!(resp.header("Transfer-Encoding"), Some("chunked"));
        assert_eq!(resp.body_str(), "abc");
    }
}
