//! The echo and hello apps served by the fixture, over TCP and UNIX sockets.

use cheroot_testing::{Echo, Hello, ServerAddr, TestServer, assert_echo_contract};

#[test]
fn echo_contract_over_tcp() {
    let server = TestServer::start(Echo);
    assert!(matches!(server.addr(), ServerAddr::Tcp(addr) if addr.ip().is_loopback()));
    assert_echo_contract(server.addr());
}

#[test]
fn echo_contract_over_unix_socket() {
    let server = TestServer::start_unix(Echo);
    let ServerAddr::Unix(path) = server.addr().clone() else {
        panic!("not a UNIX socket: {}", server.addr());
    };
    assert!(path.exists());
    assert_echo_contract(server.addr());
    drop(server);
    assert!(
        !path.exists(),
        "the fixture removes its temporary directory"
    );
}

#[test]
fn hello_answers_everything() {
    let server = TestServer::start(Hello);
    let mut client = server.client();
    for (method, target, body) in [
        ("GET", "/", &b""[..]),
        ("POST", "/anything?x=1", b"a body to discard"),
        ("PUT", "/echo", &[b'z'; 100_000]),
        ("DELETE", "/status/500", b""),
    ] {
        client
            .request(method, target, &[], body)
            .unwrap()
            .assert_status(200)
            .assert_header("Content-Type", "text/plain")
            .assert_header("Content-Length", "12")
            .assert_body("Hello world!");
    }
    // A chunked body is read and discarded too, and the connection stays usable.
    client
        .request(
            "POST",
            "/",
            &[("Transfer-Encoding", "chunked")],
            b"3\r\nabc\r\n0\r\n\r\n",
        )
        .unwrap()
        .assert_status(200);
    client.get("/").unwrap().assert_status(200);
    assert_eq!(client.connections_made(), 1);
}

#[test]
fn builder_config_reaches_the_server() {
    let server = TestServer::builder()
        .config(|config| config.server_name = "fixture-test".to_owned())
        .start(Echo);
    server
        .client()
        .get("/hello")
        .unwrap()
        .assert_header("Server", "fixture-test");
    assert_eq!(server.server().config().server_name, "fixture-test");
    server.stop().unwrap();
}

#[test]
fn max_body_size_is_enforced_through_the_echo_app() {
    let server = TestServer::builder()
        .config(|config| config.max_request_body_size = 10)
        .start(Echo);
    let mut client = server.client();
    client
        .post("/echo", b"0123456789")
        .unwrap()
        .assert_status(200)
        .assert_in_body("\"body_len\": 10");
    client
        .post("/echo", b"0123456789A")
        .unwrap()
        .assert_status(413);
}

#[test]
fn ipv6_loopback() {
    let server = TestServer::builder()
        .host(std::net::Ipv6Addr::LOCALHOST.into())
        .start(Echo);
    assert!(server.socket_addr().is_ipv6());
    server
        .client()
        .post("/echo", b"v6")
        .unwrap()
        .assert_status(200)
        .assert_in_body("\"remote_addr\": \"::1\"");
}

/// A native gateway that answers with the request's method and target.
struct Reflect;

impl cheroot::Gateway for Reflect {
    fn respond(
        &self,
        req: &mut cheroot::Request<'_>,
        resp: &mut cheroot::Response<'_>,
    ) -> Result<(), cheroot::GatewayError> {
        let text = format!(
            "{} {}",
            req.method(),
            String::from_utf8_lossy(req.target().raw())
        );
        resp.set_status(202, "Accepted");
        resp.add_header("Content-Length", text.len().to_string())?;
        resp.write(text.as_bytes())?;
        Ok(())
    }
}

#[test]
fn native_gateways_and_raw_requests() {
    let server = TestServer::start_native(Reflect);
    let mut client = server.client();
    client
        .get("/a?b")
        .unwrap()
        .assert_status(202)
        .assert_body("GET /a?b");
    assert_eq!(client.get("/x").unwrap().reason, "Accepted");
    // Two pipelined requests in one write, two responses in order.
    client
        .send_raw(b"GET /1 HTTP/1.1\r\nHost: h\r\n\r\nPUT /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n")
        .unwrap();
    client.read_response().unwrap().assert_body("GET /1");
    client.read_response().unwrap().assert_body("PUT /2");
    assert_eq!(client.connections_made(), 1);
    // A malformed request line gets a 400 and the connection ends.
    let mut bad = server.client();
    bad.send_raw(b"NOT A REQUEST\r\n\r\n").unwrap();
    bad.read_response().unwrap().assert_status(400);
    server.stop().unwrap();
}

#[test]
fn http10_connections_persist_only_with_keep_alive() {
    let server = TestServer::start(Echo);
    let mut client = server.client().http10(true);
    for _ in 0..2 {
        client.get("/hello").unwrap().assert_status(200);
    }
    assert_eq!(client.connections_made(), 2);

    let mut client = server.client().http10(true);
    for _ in 0..2 {
        client
            .request("GET", "/hello", &[("Connection", "keep-alive")], b"")
            .unwrap()
            .assert_status(200)
            .assert_header("Connection", "Keep-Alive");
    }
    assert_eq!(client.connections_made(), 1);
}

#[test]
fn builder_wsgi_version_reaches_the_environ() {
    use cheroot::wsgi::{Body, Environ, WsgiVersion, app_fn};

    let app = || {
        app_fn(|env: Environ, sr| {
            let path = env.path_info().to_owned();
            sr.start("200 OK", [("Content-Type", "text/plain; charset=utf-8")])?;
            Ok(Body::from(path))
        })
    };
    // (1, 0): the decoded bytes read as ISO-8859-1; ('u', 0): UTF-8.
    for (version, want) in [
        (None, "/caf\u{c3}\u{a9}"),
        (Some(WsgiVersion::U0), "/caf\u{e9}"),
    ] {
        let mut builder = TestServer::builder();
        if let Some(version) = version {
            builder = builder.wsgi_version(version);
        }
        let server = builder.start(app());
        assert!(server.shared_server().is_none(), "a WSGI server");
        server
            .client()
            .get("/caf%C3%A9")
            .unwrap()
            .assert_status(200)
            .assert_body(want.as_bytes());
    }
}

#[test]
fn shared_server_is_the_native_server() {
    let server = TestServer::start_native(cheroot::wsgi::WsgiGateway::new(Hello));
    let shared = server.shared_server().expect("a native server");
    assert!(shared.ready());
    server.client().get("/").unwrap().assert_status(200);
    server.stop().unwrap();
    assert!(!shared.ready());
}
