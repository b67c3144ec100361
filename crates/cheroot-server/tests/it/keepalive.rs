//! Persistence: keep-alive rules, the keep-alive limit, idle expiry, 408s and pipelining.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use cheroot_server::{Protocol, ServerConfig};

use super::apps::TestApp;
use super::support::{connect, start, test_config, wait_until};

#[test]
fn http11_persistent_connections() {
    // test_conn.py::test_HTTP11_persistent_connections
    for blocking in [true, false] {
        let server = start(TestApp::new(blocking), test_config());
        let mut client = connect(&server);
        for _ in 0..3 {
            let resp = client
                .request("GET", "/hello", &[("Host", "test")], b"")
                .expect("a response");
            assert_eq!(
                (resp.status, resp.body_text().as_str()),
                (200, "Hello world!")
            );
            assert_eq!(
                resp.header("Connection"),
                None,
                "keep-alive responses carry no Connection"
            );
            assert!(resp.header("Date").is_some());
            assert_eq!(
                resp.header("Server"),
                Some(cheroot_server::DEFAULT_SERVER_NAME)
            );
        }
        // A token list, any case, is understood (cheroot compares exactly).
        let resp = client
            .request(
                "GET",
                "/hello",
                &[("Host", "test"), ("Connection", "TE, Close")],
                b"",
            )
            .expect("a response");
        assert_eq!(resp.header("Connection"), Some("close"));
        client
            .wait_closed()
            .expect("closed after Connection: close");
    }
}

#[test]
fn http10_keep_alive() {
    // test_conn.py::test_keepalive, both server protocols.
    for protocol in [Protocol::Http11, Protocol::Http10] {
        let server = start(
            TestApp::new(true),
            ServerConfig {
                protocol,
                ..test_config()
            },
        );
        // A plain HTTP/1.0 request: no Connection header, then close.
        let mut client = connect(&server);
        client
            .send_raw(b"GET /hello HTTP/1.0\r\n\r\n")
            .expect("send");
        let resp = client.read_response_for("GET").expect("a response");
        assert_eq!(resp.status, 200);
        assert!(
            resp.status_line().starts_with(protocol.as_str()),
            "{}",
            resp.status_line()
        );
        assert_eq!(resp.header("Connection"), None);
        client.wait_closed().expect("HTTP/1.0 closes by default");

        // With Connection: Keep-Alive the connection stays, advertised with its timeout.
        let mut client = connect(&server);
        for _ in 0..2 {
            client
                .send_raw(b"GET /hello HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")
                .expect("send");
            let resp = client.read_response_for("GET").expect("a response");
            assert_eq!(resp.header("Connection"), Some("Keep-Alive"));
            assert_eq!(resp.header("Keep-Alive"), Some("timeout=1"));
        }
    }
}

#[test]
fn keep_alive_conn_limit_and_idle_expiry() {
    // test_conn.py::test_keepalive_conn_management
    let config = ServerConfig {
        keep_alive_conn_limit: Some(2),
        ..test_config()
    };
    let server = start(TestApp::new(true), config);
    let mut first = connect(&server);
    let mut second = connect(&server);
    let mut third = connect(&server);
    assert_eq!(
        first
            .request("GET", "/hello", &[("Host", "test")], b"")
            .expect("a response")
            .header("Connection"),
        None
    );
    assert!(wait_until(Duration::from_secs(5), || server
        .server()
        .idle_connections()
        == 1));
    assert_eq!(
        second
            .request("GET", "/hello", &[("Host", "test")], b"")
            .expect("a response")
            .header("Connection"),
        None
    );
    assert!(wait_until(Duration::from_secs(5), || server
        .server()
        .idle_connections()
        == 2));
    // Two parked: the third is told to close.
    let resp = third
        .request("GET", "/hello", &[("Host", "test")], b"")
        .expect("a response");
    assert_eq!(resp.header("Connection"), Some("close"));
    third.wait_closed().expect("third connection closed");
    // Using a parked connection works and refreshes it.
    assert_eq!(
        first
            .request("GET", "/hello", &[("Host", "test")], b"")
            .expect("a response")
            .status,
        200
    );
    // Idle connections expire after `timeout` (1 s), silently.
    first
        .wait_closed()
        .expect("idle connection expired without a 408");
    second
        .wait_closed()
        .expect("idle connection expired without a 408");
    assert!(wait_until(Duration::from_secs(5), || server
        .server()
        .connections()
        == 0));
}

#[test]
fn http11_timeout_on_a_fresh_or_partial_request() {
    // test_conn.py::test_HTTP11_Timeout[True/False]
    let server = start(TestApp::new(true), test_config());
    let mut silent = connect(&server);
    let resp = silent.read_response_for("GET").expect("a response");
    assert_eq!((resp.status, resp.body_text().as_str()), (408, ""));
    silent.wait_closed().expect("closed after the 408");

    let mut partial = connect(&server);
    partial
        .send_raw(b"GET /hello HTTP/1.1\r\nHost: t\r\n")
        .expect("send");
    let resp = partial.read_response_for("GET").expect("a response");
    assert_eq!(resp.status, 408);
    partial.wait_closed().expect("closed after the 408");
}

#[test]
fn http11_timeout_after_request() {
    // test_conn.py::test_HTTP11_Timeout_after_request
    let server = start(TestApp::new(true), test_config());
    let mut client = connect(&server);
    assert_eq!(
        client
            .request("GET", "/hello", &[("Host", "test")], b"")
            .expect("a response")
            .status,
        200
    );
    client
        .wait_closed()
        .expect("an idle connection closes silently");
    let mut fresh = connect(&server);
    assert_eq!(
        fresh
            .request("GET", "/hello", &[("Host", "test")], b"")
            .expect("a response")
            .status,
        200
    );
}

#[test]
fn http11_pipelining() {
    // test_conn.py::test_HTTP11_pipelining
    for blocking in [true, false] {
        let server = start(TestApp::new(blocking), test_config());
        let mut client = connect(&server);
        let mut batch = Vec::new();
        for i in 0..6 {
            batch.extend_from_slice(
                format!("GET /query?{i} HTTP/1.1\r\nHost: t\r\n\r\n").as_bytes(),
            );
        }
        client.send_raw(&batch).expect("send");
        for i in 0..6 {
            let resp = client.read_response_for("GET").expect("a response");
            assert_eq!(
                (resp.status, resp.body_text().as_str()),
                (200, i.to_string().as_str())
            );
        }
    }
}

#[test]
fn no_message_body() {
    // test_conn.py::test_No_Message_Body: 204 and 304 carry no body, no Content-Length, no
    // Connection, and the connection stays in sync (cheroot sends the app's bytes; we do not).
    for blocking in [true, false] {
        let server = start(TestApp::new(blocking), test_config());
        let mut client = connect(&server);
        for path in ["/no_body", "/not_modified", "/no_body_cl", "/no_body"] {
            let resp = client
                .request("GET", path, &[("Host", "test")], b"")
                .expect("a response");
            assert!(matches!(resp.status, 204 | 304));
            assert_eq!(resp.header("Content-Length"), None);
            assert_eq!(resp.header("Connection"), None);
            if path == "/no_body_cl" {
                // The gateway's Content-Length is left out; its other headers stay in order.
                let names: Vec<&str> = resp.headers.iter().map(|(n, _)| n.as_str()).collect();
                assert_eq!(&names[..2], ["X-Before", "X-After"]);
            }
        }
        let resp = client
            .request("GET", "/hello", &[("Host", "test")], b"")
            .expect("a response");
        assert_eq!(
            (resp.status, resp.body_text().as_str()),
            (200, "Hello world!")
        );
    }
}

#[test]
fn head_has_no_body_and_keeps_the_connection() {
    let server = start(TestApp::new(true), test_config());
    let mut client = connect(&server);
    client
        .send_raw(b"HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n")
        .expect("send");
    let resp = client.read_response_for("HEAD").expect("a response");
    assert_eq!(resp.header("Content-Length"), Some("12"));
    let resp = client
        .request("GET", "/hello", &[("Host", "test")], b"")
        .expect("a response");
    assert_eq!(resp.body_text(), "Hello world!");
}

#[test]
fn app_connection_close_closes() {
    let server = start(TestApp::new(true), test_config());
    let mut client = connect(&server);
    let resp = client
        .request("GET", "/app_close", &[("Host", "test")], b"")
        .expect("a response");
    assert_eq!(resp.header("Connection"), Some("close"));
    assert_eq!(resp.body_text(), "bye");
    client
        .wait_closed()
        .expect("the app's Connection: close is honoured");
}

#[test]
fn pipelined_large_responses_all_arrive() {
    for blocking in [true, false] {
        let server = start(TestApp::new(blocking), test_config());
        let mut client = connect(&server);
        let one = b"GET /big HTTP/1.1\r\nHost: t\r\n\r\n";
        client.send_raw(&one.repeat(8)).expect("send");
        for _ in 0..8 {
            assert_eq!(
                client
                    .read_response_for("GET")
                    .expect("a response")
                    .body
                    .len(),
                1 << 20
            );
        }
    }
}

#[test]
fn connection_keepalive_under_concurrency() {
    // test_wsgi.py::test_connection_keepalive, scaled down: 10 clients x 100 keep-alive
    // requests, no connection errors.
    for blocking in [true, false] {
        let server = start(TestApp::new(blocking), test_config());
        let addr = server.socket_addr();
        let clients: Vec<_> = (0..10)
            .map(|_| {
                std::thread::spawn(move || {
                    let mut client =
                        cheroot_testing::TestClient::new(cheroot_testing::ServerAddr::Tcp(addr));
                    (0..100)
                        .filter(|_| {
                            client
                                .request("GET", "/hello", &[("Host", "test")], b"")
                                .expect("a response")
                                .body_text()
                                == "Hello world!"
                        })
                        .count()
                })
            })
            .collect();
        for client in clients {
            assert_eq!(client.join().expect("client thread"), 100);
        }
    }
}

#[test]
fn a_head_sent_too_slowly_gets_408_at_the_header_timeout() {
    // Slowloris: every byte comes within `timeout`, but the head never ends. cheroot waits
    // forever; `header_timeout` bounds the whole head.
    let config = ServerConfig {
        header_timeout: Duration::from_millis(1500),
        ..test_config()
    };
    let server = start(TestApp::new(false), config);
    let mut stream = std::net::TcpStream::connect(server.socket_addr()).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_millis(200)))
        .expect("read timeout");
    stream
        .write_all(b"GET /hello HTTP/1.1\r\nHost: t\r\nX-Slow: ")
        .expect("send");
    let started = Instant::now();
    let mut answer = Vec::new();
    // A byte every 200 ms (well within the 1 s `timeout`), for at most 10 s.
    for _ in 0..50 {
        let _ = stream.write_all(b"a");
        let mut buf = [0u8; 256];
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
            Err(_) => {}
        }
        if answer.ends_with(b"\r\n\r\n") {
            break;
        }
    }
    // Without the whole-head bound the client runs out of bytes to send and hears nothing.
    let text = String::from_utf8_lossy(&answer);
    assert!(
        text.starts_with("HTTP/1.1 408 "),
        "answered {text:?} after {:?} of trickling",
        started.elapsed()
    );
}

#[test]
fn a_zero_header_timeout_is_refused() {
    let config = ServerConfig {
        header_timeout: Duration::ZERO,
        ..test_config()
    };
    let err = cheroot_testing::TestServer::builder()
        .config(|c| *c = config)
        .try_start_native(TestApp::new(false))
        .expect_err("a zero header_timeout is refused");
    assert!(
        err.to_string().contains("header_timeout must be > 0"),
        "{err}"
    );
}

#[test]
fn settings_changed_while_serving_apply_to_the_next_request() {
    // cheroot reads these off its server object each time; its fixtures (test_conn.py's
    // `raw_testing_server`) and CherryPy change them on a running server.
    let server = start(TestApp::new(true), test_config());
    let keep_alive = b"GET /hello HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n";
    let mut client = connect(&server);
    client.send_raw(keep_alive).expect("send");
    let resp = client.read_response_for("GET").expect("a response");
    assert_eq!(resp.header("Keep-Alive"), Some("timeout=1"));

    server.server().set_timeout(Duration::from_secs(7));
    client.send_raw(keep_alive).expect("send");
    let resp = client.read_response_for("GET").expect("a response");
    assert_eq!(resp.header("Keep-Alive"), Some("timeout=7"));

    server.server().set_max_request_body_size(10);
    let resp = connect(&server)
        .request("POST", "/echo", &[("Host", "test")], b"eleven byte")
        .expect("a response");
    assert_eq!(resp.status, 413);

    assert!(server.server().can_add_keepalive_connection());
    server.server().set_keep_alive_conn_limit(Some(0));
    assert!(!server.server().can_add_keepalive_connection());
    let resp = connect(&server)
        .request("GET", "/hello", &[("Host", "test")], b"")
        .expect("a response");
    assert_eq!(resp.header("Connection"), Some("close"));
}
