//! Bad request heads get cheroot's status and message, then the connection closes.

use cheroot_server::ServerConfig;

use super::apps::TestApp;
use super::support::{TestServer, connect, start, test_config};

/// Sends `raw` on a fresh connection and returns the one response, checking the close.
fn answer(server: &TestServer, raw: &[u8]) -> cheroot_testing::Response {
    let mut client = connect(server);
    client.send_raw(raw).expect("send");
    let resp = client.read_response_for("GET").expect("a response");
    client
        .wait_closed()
        .expect("the connection closes after an error response");
    resp
}

#[test]
fn malformed_request_lines() {
    // test_core.py::test_malformed_request_line, test_core.py::test_garbage_in,
    // test_core.py::test_malformed_http_method, test_core.py::test_http_connect_request,
    // test_core.py::test_parse_uri_fragment_uri, test_core.py::test_parse_uri_absolute_uri
    let server = start(TestApp::new(true), test_config());
    let cases: [(&[u8], u16, &str); 8] = [
        (b"GET /\r\n\r\n", 400, "Malformed Request-Line"),
        (
            b"GET / HTTPS/1.1\r\n\r\n",
            400,
            "Malformed Request-Line: bad protocol",
        ),
        (
            b"GET / HTTP/1\r\n\r\n",
            400,
            "Malformed Request-Line: bad version",
        ),
        (b"GET / HTTP/2.15\r\n\r\n", 505, "Cannot fulfill request"),
        (b"gjkgjklsgjklsgjkljklsg\r\n", 400, "Malformed Request-Line"),
        (
            b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com\r\n\r\n",
            405,
            "",
        ),
        (
            b"GET /hello?test=something#fake HTTP/1.1\r\nHost: t\r\n\r\n",
            400,
            "Illegal #fragment in Request-URI.",
        ),
        (
            b"GET //google.com/ HTTP/1.1\r\nHost: t\r\n\r\n",
            400,
            "Absolute URI not allowed if server is not a proxy.",
        ),
    ];
    for (raw, status, body) in cases {
        let resp = answer(&server, raw);
        assert_eq!(
            (resp.status, resp.body_text().as_str()),
            (status, body),
            "{:?}",
            String::from_utf8_lossy(raw)
        );
    }
}

#[test]
fn absolute_form_targets_and_any_token_method_reach_the_app() {
    // RFC 9112 section 3.2.2 (a server MUST accept the absolute-form) and
    // RFC 9110 section 9.1 (a method is any token, case-sensitive); cheroot answers 400 to
    // both (test_core.py::test_parse_uri_absolute_uri, test_malformed_http_method).
    let server = start(TestApp::new(true), test_config());
    let mut client = connect(&server);
    for (raw, body) in [
        (
            &b"GET http://t/query?a=1 HTTP/1.1\r\nHost: t\r\n\r\n"[..],
            "a=1",
        ),
        (b"GeT /method HTTP/1.1\r\nHost: t\r\n\r\n", "GeT"),
        (b"-blargh /method HTTP/1.1\r\nHost: t\r\n\r\n", "-blargh"),
        (b"get http://T/method HTTP/1.1\r\nHost: t\r\n\r\n", "get"),
    ] {
        client.send_raw(raw).expect("send");
        let resp = client.read_response_for("GET").expect("a response");
        assert_eq!(
            (resp.status, resp.body_text().as_str()),
            (200, body),
            "{:?}",
            String::from_utf8_lossy(raw)
        );
    }
    // The target's host must be the Host field's.
    let resp = answer(
        &server,
        b"GET http://other/query HTTP/1.1\r\nHost: t\r\n\r\n",
    );
    assert_eq!(
        (resp.status, resp.body_text().as_str()),
        (400, "Host header does not match the request-target.")
    );
}

#[test]
fn proxy_mode_takes_any_absolute_target_and_connect() {
    // ServerConfig::proxy_mode, which CherryPy's request class turns on
    // (cherrypy test_request_obj.py: testAbsoluteURIPathInfo, test_CONNECT_method).
    let config = ServerConfig {
        proxy_mode: true,
        ..test_config()
    };
    let server = start(TestApp::new(true), config);
    let resp = answer(
        &server,
        b"GET http://other/query?a=1 HTTP/1.1\r\nHost: t\r\n\r\n",
    );
    assert_eq!((resp.status, resp.body_text().as_str()), (200, "a=1"));
    let resp = answer(
        &server,
        b"CONNECT example.com:443 HTTP/1.1\r\nHost: t\r\n\r\n",
    );
    // The app is reached (it has no route for an authority, hence its 404).
    assert_eq!(
        (resp.status, resp.body_text().as_str()),
        (404, "no such path")
    );
    // Off (the default), CONNECT is 405.
    let server = start(TestApp::new(true), test_config());
    let resp = answer(
        &server,
        b"CONNECT example.com:443 HTTP/1.1\r\nHost: t\r\n\r\n",
    );
    assert_eq!(resp.status, 405);
}

#[test]
fn malformed_headers() {
    // test_core.py::test_malformed_header, test_conn.py::test_No_CRLF,
    // test_conn.py::test_Content_Length_not_int
    let server = start(TestApp::new(false), test_config());
    let cases: [(&[u8], u16, &str); 4] = [
        (
            b"GET / HTTP/1.1\r\nHost: t\r\nX-Header-Without-Colon\r\n\r\n",
            400,
            "Illegal header line.",
        ),
        (
            b"GET /hello HTTP/1.1\n\n",
            400,
            "HTTP requires CRLF terminators",
        ),
        (
            b"GET /hello HTTP/1.1\r\n\n",
            400,
            "HTTP requires CRLF terminators",
        ),
        (
            b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: seven\r\n\r\n",
            400,
            "Malformed Content-Length Header.",
        ),
    ];
    for (raw, status, body) in cases {
        let resp = answer(&server, raw);
        assert_eq!(
            (resp.status, resp.body_text().as_str()),
            (status, body),
            "{:?}",
            String::from_utf8_lossy(raw)
        );
    }
}

#[test]
fn control_characters_in_header_values_are_refused() {
    // RFC 9110 section 5.5: a value is VCHAR, obs-text, SP and HTAB only.
    let server = start(TestApp::new(false), test_config());
    for value in [&b"abc\x01f"[..], b"\x07", b"\x08", b"\x7f", b"a\x1b[0m"] {
        let raw = [
            &b"GET /hello HTTP/1.1\r\nHost: t\r\nX-Test: "[..],
            value,
            b"\r\n\r\n",
        ]
        .concat();
        let resp = answer(&server, &raw);
        assert_eq!(
            (resp.status, resp.body_text().as_str()),
            (400, "Invalid character in header value."),
            "{value:?}"
        );
    }
    // Tabs and obs-text stay allowed.
    let mut client = connect(&server);
    client
        .send_raw(b"GET /hello HTTP/1.1\r\nHost: t\r\nX-Test: a\tb \xe9\r\n\r\n")
        .expect("send");
    assert_eq!(
        client.read_response_for("GET").expect("a response").status,
        200
    );
}

/// A `GET /hello` head with `Host` and `extra` more fields.
fn head_with_fields(extra: usize) -> Vec<u8> {
    let mut head = b"GET /hello HTTP/1.1\r\nHost: t\r\n".to_vec();
    for i in 0..extra {
        head.extend_from_slice(format!("X-Field-{i}: {i}\r\n").as_bytes());
    }
    head.extend_from_slice(b"\r\n");
    head
}

#[test]
fn header_field_count_is_a_setting() {
    // 102 fields passes by default; the limit is `max_request_header_fields`
    // (0: none), not a hard cap.
    let server = start(TestApp::new(false), test_config());
    let mut client = connect(&server);
    client.send_raw(&head_with_fields(101)).expect("send");
    assert_eq!(
        client.read_response_for("GET").expect("a response").status,
        200
    );

    let config = ServerConfig {
        max_request_header_fields: 5,
        ..test_config()
    };
    let server = start(TestApp::new(false), config);
    let mut client = connect(&server);
    client.send_raw(&head_with_fields(4)).expect("send");
    assert_eq!(
        client.read_response_for("GET").expect("a response").status,
        200
    );
    let resp = answer(&server, &head_with_fields(5));
    assert_eq!(
        (resp.status, resp.body_text().as_str()),
        (431, "The request has more header fields than allowed.")
    );

    let config = ServerConfig {
        max_request_header_fields: 0,
        ..test_config()
    };
    let server = start(TestApp::new(false), config);
    let mut client = connect(&server);
    client.send_raw(&head_with_fields(1000)).expect("send");
    assert_eq!(
        client.read_response_for("GET").expect("a response").status,
        200
    );
}

#[test]
fn request_line_of_256_bytes_works() {
    // test_core.py::test_request_line_split_issue_1220
    let server = start(TestApp::new(true), test_config());
    let prefix = "GET /query?";
    let suffix = " HTTP/1.1\r\n";
    let filler = "a".repeat(256 - prefix.len() - suffix.len());
    let line = format!("{prefix}{filler}{suffix}");
    assert_eq!(line.len(), 256);
    let mut client = connect(&server);
    client
        .send_raw(format!("{line}Host: t\r\n\r\n").as_bytes())
        .expect("send");
    let resp = client.read_response_for("GET").expect("a response");
    assert_eq!(
        (resp.status, resp.body_text().as_str()),
        (200, filler.as_str())
    );
}

#[test]
fn heads_over_the_limit() {
    // cheroot-reference request-line-too-long and header-section-too-large (cheroot answers 413
    // for headers; we answer 431).
    let config = cheroot_server::ServerConfig {
        max_request_header_size: 1024,
        ..test_config()
    };
    let server = start(TestApp::new(true), config);
    let long_uri = format!("GET /{} HTTP/1.1\r\nHost: t\r\n\r\n", "u".repeat(2000));
    let resp = answer(&server, long_uri.as_bytes());
    assert_eq!(resp.status, 414);
    assert_eq!(
        resp.header("Connection"),
        None,
        "cheroot sends no Connection header on a 414"
    );
    let long_header = format!(
        "GET / HTTP/1.1\r\nHost: t\r\nX-Big: {}\r\n\r\n",
        "h".repeat(2000)
    );
    let resp = answer(&server, long_header.as_bytes());
    assert_eq!(resp.status, 431);
    assert_eq!(resp.header("Connection"), Some("close"));
}

#[test]
fn the_servers_own_answers_carry_a_date() {
    // RFC 9110 section 6.6.1, every answer of the server's own has a Date: 400, 408, 413, 414 and
    // 431 too.
    let config = ServerConfig {
        max_request_header_size: 1024,
        max_request_body_size: 10,
        ..test_config()
    };
    let server = start(TestApp::new(true), config);
    let long_uri = format!("GET /{} HTTP/1.1\r\nHost: t\r\n\r\n", "u".repeat(2000));
    let long_header = format!(
        "GET / HTTP/1.1\r\nHost: t\r\nX: {}\r\n\r\n",
        "h".repeat(2000)
    );
    let cases: [(&[u8], u16); 4] = [
        (b"GET /\r\n\r\n", 400),
        (long_uri.as_bytes(), 414),
        (long_header.as_bytes(), 431),
        (
            b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\n",
            413,
        ),
    ];
    for (raw, status) in cases {
        let resp = answer(&server, raw);
        assert_eq!(resp.status, status);
        let date = resp.header("Date").unwrap_or_default();
        assert!(
            date.ends_with(" GMT") && date.len() == 29,
            "{status}: {date:?}"
        );
    }
    // A head that never completes: 408 after the read timeout.
    let resp = answer(&server, b"GET / HTTP/1.1\r\n");
    assert_eq!(resp.status, 408);
    assert!(resp.header("Date").is_some());
}

#[test]
fn a_method_over_the_limit_is_400_not_414() {
    // A 100 KB method is not a long URI.
    let server = start(TestApp::new(true), test_config());
    let long_method = format!("{} / HTTP/1.1\r\nHost: t\r\n\r\n", "G".repeat(100 * 1024));
    let resp = answer(&server, long_method.as_bytes());
    assert_eq!(
        (resp.status, resp.body_text().as_str()),
        (400, "Malformed Request-Line: method too long")
    );
}

#[test]
fn query_string_and_options_star() {
    // test_core.py::test_query_string_request, test_core.py::test_parse_uri_asterisk_uri
    let server = start(TestApp::new(true), test_config());
    let mut client = connect(&server);
    let resp = client
        .request("GET", "/query?test=True", &[("Host", "test")], b"")
        .expect("a response");
    assert_eq!((resp.status, resp.body_text().as_str()), (200, "test=True"));
    client
        .send_raw(b"OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n")
        .expect("send");
    let resp = client.read_response_for("OPTIONS").expect("a response");
    // PATH_INFO is "/*": not one of the app's paths.
    assert_eq!(resp.status, 404);
}
