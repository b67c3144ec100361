//! The environ cheroot's `Gateway_10` and `Gateway_u0` build
//! (docs/cheroot-reference.md#wsgi-environ).

use cheroot_wsgi::WsgiVersion;

use cheroot_testing::TestServer;

use crate::apps::{dump_get, environ_dump, parse_dump, raw_request};

#[test]
fn gateway_10_keys_and_values() {
    let server = TestServer::start(environ_dump());
    let resp = raw_request(
        &server,
        "POST /p%20ath/x?a=1&b=%20 HTTP/1.1\r\n\
         Host: 127.0.0.1\r\n\
         Content-Type: text/plain\r\n\
         Content-Length: 5\r\n\
         Accept: a\r\n\
         Accept: b\r\n\
         X-Forwarded-For: 10.0.0.1\r\n\
         Connection: close\r\n\
         \r\n\
         hello",
    );
    assert_eq!(resp.status, 200, "{resp:?}");
    let dump = parse_dump(&resp.body);
    let get = |key: &str| dump_get(&dump, key);
    let port = server.socket_addr().port().to_string();
    let software = format!("{} Server", cheroot_server::DEFAULT_SERVER_NAME);
    let expected: &[(&str, &str)] = &[
        ("REQUEST_METHOD", "POST"),
        ("SCRIPT_NAME", ""),
        ("PATH_INFO", "/p ath/x"),
        ("QUERY_STRING", "a=1&b=%20"),
        ("REQUEST_URI", "/p%20ath/x?a=1&b=%20"),
        ("SERVER_NAME", cheroot_server::DEFAULT_SERVER_NAME),
        ("SERVER_PORT", &port),
        ("SERVER_PROTOCOL", "HTTP/1.1"),
        ("ACTUAL_SERVER_PROTOCOL", "HTTP/1.1"),
        ("SERVER_SOFTWARE", &software),
        ("REMOTE_ADDR", "127.0.0.1"),
        ("CONTENT_TYPE", "text/plain"),
        ("CONTENT_LENGTH", "5"),
        ("HTTP_HOST", "127.0.0.1"),
        ("HTTP_ACCEPT", "a, b"),
        ("HTTP_X_FORWARDED_FOR", "10.0.0.1"),
        ("HTTP_CONNECTION", "close"),
        ("wsgi.url_scheme", "http"),
        ("wsgi.version", "(1, 0)"),
        ("wsgi.multithread", "true"),
        ("wsgi.multiprocess", "false"),
        ("wsgi.run_once", "false"),
        ("wsgi.input_terminated", "false"),
        ("body", "hello"),
    ];
    for (key, value) in expected {
        assert_eq!(get(key), Some(*value), "{key}");
    }
    let remote_port: u16 = get("REMOTE_PORT").unwrap().parse().unwrap();
    assert_ne!(remote_port, 0);
    // Moved, not copied; and no url_encoding outside Gateway_u0.
    for absent in [
        "HTTP_CONTENT_TYPE",
        "HTTP_CONTENT_LENGTH",
        "wsgi.url_encoding",
    ] {
        assert_eq!(get(absent), None, "{absent}");
    }
}

#[test]
fn header_names_collide_as_in_cheroot() {
    // cheroot-reference environ-header-collision: `X_Foo` and `X-Foo` share HTTP_X_FOO, the later
    // dict key winning.
    let server = TestServer::start(environ_dump());
    let resp = raw_request(
        &server,
        "GET / HTTP/1.1\r\nHost: h\r\nX-Foo: dash\r\nX_Foo: underscore\r\nConnection: close\r\n\r\n",
    );
    let dump = parse_dump(&resp.body);
    assert_eq!(dump_get(&dump, "HTTP_X_FOO"), Some("underscore"));
}

#[test]
fn chunked_body_sets_input_terminated() {
    let server = TestServer::start(environ_dump());
    let resp = raw_request(
        &server,
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n\
         3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
    );
    let dump = parse_dump(&resp.body);
    assert_eq!(dump_get(&dump, "wsgi.input_terminated"), Some("true"));
    assert_eq!(dump_get(&dump, "body"), Some("abcde"));
    assert_eq!(dump_get(&dump, "CONTENT_LENGTH"), None);
}

#[test]
fn http10_request_protocol() {
    let server = TestServer::start(environ_dump());
    let resp = raw_request(&server, "GET /x HTTP/1.0\r\n\r\n");
    let dump = parse_dump(&resp.body);
    assert_eq!(dump_get(&dump, "SERVER_PROTOCOL"), Some("HTTP/1.0"));
    assert_eq!(dump_get(&dump, "ACTUAL_SERVER_PROTOCOL"), Some("HTTP/1.1"));
}

#[test]
fn gateway_10_paths_are_latin1() {
    // test_core.py's _munge: WSGI 1.0 PATH_INFO is the decoded bytes read as ISO-8859-1.
    let server = TestServer::start(environ_dump());
    let resp = server.client().get("/caf%C3%A9?q=%C3%A9").unwrap();
    let dump = parse_dump(&resp.body);
    assert_eq!(dump_get(&dump, "PATH_INFO"), Some("/caf\u{c3}\u{a9}"));
    assert_eq!(dump_get(&dump, "QUERY_STRING"), Some("q=%C3%A9"));
}

#[test]
fn gateway_u0_decodes_utf8() {
    let server = TestServer::builder()
        .wsgi_version(WsgiVersion::U0)
        .start(environ_dump());
    let resp = server.client().get("/caf%C3%A9?q=%C3%A9").unwrap();
    let dump = parse_dump(&resp.body);
    assert_eq!(dump_get(&dump, "PATH_INFO"), Some("/caf\u{e9}"));
    assert_eq!(dump_get(&dump, "QUERY_STRING"), Some("q=%C3%A9"));
    assert_eq!(dump_get(&dump, "wsgi.url_encoding"), Some("utf-8"));
    assert_eq!(dump_get(&dump, "wsgi.version"), Some("('u', 0)"));
}

#[test]
fn gateway_u0_falls_back_to_latin1() {
    let server = TestServer::builder()
        .wsgi_version(WsgiVersion::U0)
        .start(environ_dump());
    // %FF is not UTF-8: both values stay ISO-8859-1.
    let resp = server.client().get("/x%FF?q=1").unwrap();
    let dump = parse_dump(&resp.body);
    assert_eq!(dump_get(&dump, "PATH_INFO"), Some("/x\u{ff}"));
    assert_eq!(dump_get(&dump, "wsgi.url_encoding"), Some("ISO-8859-1"));
}

#[test]
fn unix_socket_environ() {
    // cheroot-reference environ-unix-socket: REMOTE_ADDR, REMOTE_PORT and SERVER_PORT are '' on a
    // UNIX socket.
    let server = TestServer::start_unix(environ_dump());
    let resp = server
        .client()
        .request("GET", "/u", &[("Host", "h"), ("Connection", "close")], b"")
        .unwrap();
    assert_eq!(resp.protocol, "HTTP/1.1");
    assert_eq!(resp.status, 200);
    let dump = parse_dump(&resp.body);
    for key in ["REMOTE_ADDR", "REMOTE_PORT", "SERVER_PORT"] {
        assert_eq!(dump_get(&dump, key), Some(""), "{key}");
    }
    assert_eq!(dump_get(&dump, "PATH_INFO"), Some("/u"));
}
