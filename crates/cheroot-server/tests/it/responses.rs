//! Response framing: chunked streaming, HTTP/1.0 close-delimited bodies, Content-Length
//! accounting, explicit header sending, large bodies.

use std::io::{Read, Write};
use std::time::Duration;

use cheroot_server::{Protocol, ServerConfig};

use super::apps::TestApp;
use super::support::{connect, start, test_config};

#[test]
fn streaming_11() {
    // test_conn.py::test_streaming_11
    for blocking in [true, false] {
        let server = start(TestApp::new(blocking), test_config());
        let mut client = connect(&server);
        let resp = client
            .request("GET", "/stream", &[("Host", "test")], b"")
            .expect("a response");
        assert_eq!(resp.header("Transfer-Encoding"), Some("chunked"));
        assert_eq!(resp.body_text(), "one two three");
        let resp = client
            .request("GET", "/hello", &[("Host", "test")], b"")
            .expect("a response");
        assert_eq!(resp.header("Transfer-Encoding"), None);
        client
            .send_raw(b"HEAD /stream HTTP/1.1\r\nHost: t\r\n\r\n")
            .expect("send");
        let resp = client.read_response_for("HEAD").expect("a response");
        assert_eq!(resp.header("Transfer-Encoding"), None);
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
fn streaming_10() {
    // test_conn.py::test_streaming_10
    let config = ServerConfig {
        protocol: Protocol::Http10,
        ..test_config()
    };
    let server = start(TestApp::new(true), config);
    let mut client = connect(&server);
    client
        .send_raw(b"GET /hello HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")
        .expect("send");
    let resp = client.read_response_for("GET").expect("a response");
    assert_eq!(resp.header("Connection"), Some("Keep-Alive"));
    client
        .send_raw(b"GET /stream HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")
        .expect("send");
    let resp = client.read_response_for("GET").expect("a response");
    assert_eq!(resp.header("Connection"), None);
    assert_eq!(resp.header("Keep-Alive"), None);
    assert_eq!(resp.header("Transfer-Encoding"), None);
    assert_eq!(resp.body_text(), "one two three", "close-delimited body");
}

#[test]
fn content_length_out() {
    // test_conn.py::test_Content_Length_out
    for blocking in [true, false] {
        let server = start(TestApp::new(blocking), test_config());
        let mut client = connect(&server);
        let resp = client
            .request("GET", "/cl_over_one", &[("Host", "test")], b"")
            .expect("a response");
        assert_eq!(resp.status, 500);
        assert_eq!(
            resp.body_text(),
            "The requested resource returned more bytes than the declared Content-Length."
        );
        client.wait_closed().expect("closed after the 500");

        let mut client = connect(&server);
        let resp = client
            .request("GET", "/cl_over_two", &[("Host", "test")], b"")
            .expect("a response");
        assert_eq!((resp.status, resp.body_text().as_str()), (200, "I too"));
        client
            .wait_closed()
            .expect("closed after the truncated body");
    }
}

#[test]
fn content_length_underrun_closes() {
    for blocking in [true, false] {
        let server = start(TestApp::new(blocking), test_config());
        let mut client = connect(&server);
        client
            .send_raw(b"GET /cl_under HTTP/1.1\r\nHost: t\r\n\r\n")
            .expect("send");
        let raw = client.read_to_end().expect("read to the end");
        let text = String::from_utf8_lossy(&raw);
        assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
        assert!(text.ends_with("\r\n\r\nshort"), "{text}");
    }
}

#[test]
fn send_header_before_closing() {
    // test_core.py::test_send_header_before_closing
    for blocking in [true, false] {
        let server = start(TestApp::new(blocking), test_config());
        let mut client = connect(&server);
        let resp = client
            .request("GET", "/explicit_headers", &[("Host", "test")], b"")
            .expect("a response");
        assert_eq!(resp.status, 200);
        assert_eq!(resp.body.len(), 5 + 5000);
        assert!(resp.body_text().starts_with("hello!!"));
    }
}

#[test]
fn large_response_bodies() {
    for blocking in [true, false] {
        let server = start(TestApp::new(blocking), test_config());
        let mut client = connect(&server);
        for _ in 0..2 {
            let resp = client
                .request("GET", "/big", &[("Host", "test")], b"")
                .expect("a response");
            assert_eq!(resp.body.len(), 1 << 20);
            assert!(resp.body.iter().all(|&b| b == b'x'));
        }
    }
}

#[test]
fn a_client_that_stops_reading_is_dropped_at_the_timeout() {
    // `/endless` streams 64 MiB; the client reads nothing for three times the server's 1 s
    // timeout. The server must give up on the write and close, inline and on the pool:
    // whatever arrives afterwards is what the socket buffers held, far short of the body,
    // with no last chunk.
    for blocking in [true, false] {
        let server = start(TestApp::new(blocking), test_config());
        let mut sock = std::net::TcpStream::connect(server.socket_addr()).expect("connect");
        sock.write_all(b"GET /endless HTTP/1.1\r\nHost: t\r\n\r\n")
            .expect("send");
        std::thread::sleep(Duration::from_secs(3));
        sock.set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        let mut got = Vec::new();
        let ended = sock.read_to_end(&mut got);
        let closed = match &ended {
            Ok(_) => true,
            Err(err) => err.kind() == std::io::ErrorKind::ConnectionReset,
        };
        assert!(
            closed,
            "blocking={blocking}: the server closes, no read timeout: {ended:?}"
        );
        assert!(
            got.starts_with(b"HTTP/1.1 200 "),
            "blocking={blocking}: a response began"
        );
        assert!(
            got.len() < 32 << 20,
            "blocking={blocking}: {} bytes: the server kept writing past its timeout",
            got.len()
        );
        assert!(
            !got.ends_with(b"\r\n0\r\n\r\n"),
            "blocking={blocking}: a cut body has no last chunk"
        );
    }
}

#[test]
fn empty_response_gets_content_length_zero() {
    let server = start(TestApp::new(true), test_config());
    let mut client = connect(&server);
    let resp = client
        .request("GET", "/length_required", &[("Host", "test")], b"")
        .expect("a response");
    assert_eq!(resp.header("Content-Length"), Some("0"));
    assert_eq!(
        client
            .request("GET", "/hello", &[("Host", "test")], b"")
            .expect("a response")
            .status,
        200
    );
}

#[test]
fn each_write_reaches_the_client_at_once() {
    // Worker-pool gateways stream (inline ones are sent when they return).
    {
        let app = TestApp::new(true);
        let probe = app.probe.clone();
        probe.close_gate();
        let server = start(app, test_config());
        let mut client = connect(&server);
        client
            .send_raw(b"GET /stream_wait HTTP/1.1\r\nHost: t\r\n\r\n")
            .expect("send");
        // The first chunk arrives while the gateway still waits at the gate.
        let mut seen = Vec::new();
        while !String::from_utf8_lossy(&seen).contains("5\r\nfirst\r\n") {
            seen.extend(client.read_some().expect("read"));
        }
        assert_eq!(
            probe.held.load(std::sync::atomic::Ordering::SeqCst),
            1,
            "still at the gate"
        );
        probe.open_gate();
        // The rest, up to the last chunk (the connection stays open), in a bounded number
        // of reads.
        for _ in 0..100 {
            if String::from_utf8_lossy(&seen).ends_with("0\r\n\r\n") {
                break;
            }
            seen.extend(client.read_some().expect("read"));
        }
        let text = String::from_utf8_lossy(&seen);
        assert!(
            text.ends_with("5\r\nfirst\r\n6\r\nsecond\r\n0\r\n\r\n"),
            "{text}"
        );
    }
}

#[test]
fn buffered_responses_arrive_whole() {
    let server = start(TestApp::new(true), test_config());
    let mut client = connect(&server);
    for _ in 0..3 {
        let resp = client
            .request("GET", "/buffered", &[("Host", "test")], b"")
            .expect("a response");
        assert_eq!(resp.header("Transfer-Encoding"), Some("chunked"));
        assert_eq!(resp.body_text(), "abc");
    }
}

#[test]
fn a_large_buffered_response_arrives_whole_and_the_connection_stays() {
    // The response's last bytes (30,000 of them) do not fit the write buffer: the connection
    // writes them waiting for the client, then serves the next request.
    let want: Vec<u8> = (b'a'..=b'j').flat_map(|piece| [piece; 3000]).collect();
    let server = start(TestApp::new(true), test_config());
    let mut client = connect(&server);
    for _ in 0..3 {
        let resp = client
            .request("GET", "/buffered_large", &[("Host", "test")], b"")
            .expect("a response");
        assert_eq!(resp.status, 200);
        assert_eq!(resp.body, want);
    }
}

#[test]
fn a_buffered_body_of_one_piece_gets_a_content_length() {
    for blocking in [true, false] {
        let server = start(TestApp::new(blocking), test_config());
        let mut client = connect(&server);
        let resp = client.get("/buffered_one").expect("a response");
        assert_eq!(
            resp.header("Content-Length"),
            Some("5"),
            "blocking={blocking}"
        );
        assert_eq!(resp.header("Transfer-Encoding"), None);
        assert_eq!(resp.body_text(), "whole");
        // HTTP/1.0 too: a length instead of a close-delimited body, so the connection can
        // stay open when asked.
        let mut old = connect(&server).http10(true);
        let resp = old
            .request("GET", "/buffered_one", &[("Connection", "keep-alive")], b"")
            .expect("a response");
        assert_eq!(resp.header("Content-Length"), Some("5"));
        assert!(resp.has_connection_token("keep-alive"), "{resp}");
    }
}

#[test]
fn a_closure_serves_as_the_gateway() {
    // gateway_fn: the closure sees the request and answers it, on the worker pool.
    let gateway = cheroot_server::gateway_fn(|req, resp| {
        let path = String::from_utf8_lossy(req.target().path()).into_owned();
        let body = format!("{} {path}", req.method());
        resp.add_header("Content-Length", body.len().to_string())?;
        resp.write(body.as_bytes())?;
        Ok(())
    });
    let server = start(gateway, test_config());
    let resp = connect(&server)
        .request("PUT", "/a/b?c=1", &[("Host", "t")], b"")
        .expect("a response");
    assert_eq!((resp.status, resp.body_text().as_str()), (200, "PUT /a/b"));
}

// The typed setters beside the string ones: `http`'s status and header types, same rules.
#[test]
fn typed_status_and_headers() {
    use http::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};

    let gateway = cheroot_server::gateway_fn(|_req, resp| {
        resp.set_status_code(http::StatusCode::CREATED);
        resp.add_typed_header(&CONTENT_TYPE, &HeaderValue::from_static("application/json"))?;
        resp.add_typed_header(&CONTENT_LENGTH, &HeaderValue::from_static("2"))?;
        // A typed value is still held to the server's rules: a second, different length.
        let refused = resp.add_typed_header(&CONTENT_LENGTH, &HeaderValue::from_static("3"));
        assert!(refused.is_err());
        resp.write(b"{}")?;
        Ok(())
    });
    let server = start(gateway, test_config());
    let resp = connect(&server)
        .request("GET", "/", &[("Host", "test")], b"")
        .expect("a response");
    assert_eq!(resp.status_line(), "HTTP/1.1 201 Created");
    assert_eq!(resp.header("Content-Type"), Some("application/json"));
    assert_eq!(resp.header_all("Content-Length"), ["2"]);
    assert_eq!(resp.body_text(), "{}");
}

// `clear_head` forgets the status and every header with its effect (a declared length, an
// app's `Connection: close`), as a WSGI `start_response` with `exc_info` needs.
#[test]
fn a_cleared_head_leaves_nothing_behind() {
    let gateway = cheroot_server::gateway_fn(|_req, resp| {
        resp.set_status(404, "Gone Fishing");
        resp.add_header("X-Old", "1")?;
        resp.add_header("Content-Length", "100")?;
        resp.add_header("Connection", "close")?;
        resp.clear_head();
        assert_eq!(resp.status(), 200);
        resp.add_header("Content-Length", "2")?;
        resp.write(b"ok")?;
        Ok(())
    });
    let server = start(gateway, test_config());
    let mut conn = connect(&server);
    for _ in 0..2 {
        let resp = conn
            .request("GET", "/", &[("Host", "test")], b"")
            .expect("a response on the kept connection");
        assert_eq!(resp.status_line(), "HTTP/1.1 200 OK");
        assert_eq!(resp.header("X-Old"), None);
        assert_eq!(resp.header_all("Content-Length"), ["2"]);
        assert_eq!(resp.header("Connection"), None);
        assert_eq!(resp.body_text(), "ok");
    }
}
