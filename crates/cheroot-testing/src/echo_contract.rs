//! A check of every row of ECHO_APP.md against a running echo app, over raw sockets: shared by
//! the fixture's tests and the `cheroot` command's black-box test.

use std::io;

use crate::client::{ServerAddr, TestClient};
use crate::response::{Framing, Response};

/// Checks every row of ECHO_APP.md against the echo app served at `addr`, over raw sockets:
/// `/hello`; `/echo` with exact JSON for a length-delimited, a chunked and an empty body,
/// other methods, percent-decoding and ISO-8859-1 header values; `/stream` chunked on
/// HTTP/1.1 and close-delimited on HTTP/1.0; `/big`; `/slow`; `/status/NNN`; `OPTIONS *`;
/// `/raise` answered 500 with the server still serving; 404; 400 for bad parameters; and
/// keep-alive reuse.
///
/// # Panics
///
/// On the first difference, with the request and the response in the message.
#[track_caller]
pub fn assert_echo_contract(addr: &ServerAddr) {
    assert_echo_contract_with(|| TestClient::new(addr.clone()));
}

/// [`assert_echo_contract`] through the clients `new_client` makes, one per connection the
/// check opens: a client set up with `TestClient::with_tls` checks every row over TLS, where
/// `/echo` must also say `"url_scheme": "https"` and carry a `tls` member with a TLS protocol,
/// a cipher and `"client_verify": "NONE"`.
///
/// # Panics
///
/// On the first difference, with the request and the response in the message.
#[track_caller]
pub fn assert_echo_contract_with(new_client: impl Fn() -> TestClient) {
    let probe = new_client();
    let remote_addr = match probe.addr() {
        ServerAddr::Tcp(sock) => sock.ip().to_string(),
        ServerAddr::Unix(_) | ServerAddr::Abstract(_) => String::new(),
    };
    let target = Target {
        new_client: &new_client,
        tls: probe.is_tls(),
        remote_addr,
    };
    hello(&target);
    echo(&target);
    stream(&target);
    big_slow_status(&target);
    options_asterisk(&target);
    raise(&target);
    not_found_and_bad_parameters(&target);
    keep_alive(&target);
}

/// Where the check connects, and what `/echo` must report about the connection.
struct Target<'a> {
    new_client: &'a dyn Fn() -> TestClient,
    /// Whether the clients speak TLS: `url_scheme` is then `https` and a `tls` member follows
    /// `remote_addr`.
    tls: bool,
    remote_addr: String,
}

impl Target<'_> {
    fn client(&self) -> TestClient {
        (self.new_client)()
    }

    /// The lines of `/echo`'s JSON that describe the connection: `url_scheme`, `remote_addr`
    /// and, over TLS, the `tls` member. The negotiated protocol and cipher are the backend's
    /// choice, so they are taken from `resp` after checking their shape.
    fn connection(&self, resp: &Response) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        let mut lines = format!(
            "  \"url_scheme\": \"{scheme}\",\n  \"remote_addr\": \"{}\"",
            self.remote_addr
        );
        if self.tls {
            let text = resp.body_text();
            let member = text
                .find("\"tls\": {")
                .unwrap_or_else(|| panic!("no tls member in /echo over TLS: {resp}"));
            let body = &text[member..];
            let field = |name: &str| {
                let key = format!("\"{name}\": \"");
                let start = body
                    .find(&key)
                    .unwrap_or_else(|| panic!("no tls {name} in /echo over TLS: {resp}"))
                    + key.len();
                body[start..].split('"').next().unwrap_or("").to_owned()
            };
            let protocol = field("protocol");
            let cipher = field("cipher");
            assert!(protocol.starts_with("TLSv1."), "tls protocol: {resp}");
            assert!(!cipher.is_empty(), "tls cipher: {resp}");
            lines.push_str(&format!(
                ",\n  \"tls\": {{\"protocol\": \"{protocol}\", \"cipher\": \"{cipher}\", \
                 \"client_verify\": \"NONE\"}}"
            ));
        }
        lines
    }
}

fn ok<T>(what: &str, result: io::Result<T>) -> T {
    result.unwrap_or_else(|err| panic!("{what}: {err}"))
}

/// Sends `raw` on a fresh connection and reads one response to `method`.
fn raw(target: &Target<'_>, method: &str, raw: &[u8]) -> Response {
    let mut client = target.client();
    let what = format!("{:?}", String::from_utf8_lossy(raw));
    ok(&what, client.send_raw(raw));
    ok(&what, client.read_response_for(method))
}

fn hello(target: &Target<'_>) {
    let mut client = target.client();
    ok("GET /hello", client.get("/hello"))
        .assert_status(200)
        .assert_header("Content-Type", "text/plain")
        .assert_header("Content-Length", "12")
        .assert_body("Hello world!");
    let head = ok("HEAD /hello", client.request("HEAD", "/hello", &[], b""));
    head.assert_status(200).assert_body("");
}

/// The exact JSON the echo app must answer.
fn echo_json(
    method: &str,
    path: &str,
    query: &str,
    protocol: &str,
    headers: &str,
    body: &[u8],
    connection: &str,
) -> String {
    format!(
        "{{\n  \"method\": \"{method}\",\n  \"path\": \"{path}\",\n  \"query\": \"{query}\",\n  \
         \"protocol\": \"{protocol}\",\n  \"headers\": {headers},\n  \"body_len\": {},\n  \
         \"body_sha256\": \"{}\",\n{connection}\n}}",
        body.len(),
        crate::sha256::sha256(body)
    )
}

fn echo(target: &Target<'_>) {
    // ECHO_APP.md's example, with a Content-Length body.
    let resp = raw(
        target,
        "POST",
        b"POST /echo?a=1&b=2 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Length: 5\r\n\r\nhello",
    );
    let want = echo_json(
        "POST",
        "/echo",
        "a=1&b=2",
        "HTTP/1.1",
        r#"[["host", "127.0.0.1:8080"], ["content-length", "5"]]"#,
        b"hello",
        &target.connection(&resp),
    );
    resp.assert_status(200)
        .assert_header("Content-Type", "application/json")
        .assert_header("Content-Length", &want.len().to_string())
        .assert_body(&want);
    assert!(want.contains("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"));

    // A chunked body is hashed de-chunked; names are lower-cased, order kept.
    let resp = raw(
        target,
        "PUT",
        b"PUT /echo HTTP/1.1\r\nHOST: h\r\nX-Order: 1\r\nTransfer-Encoding: chunked\r\n\
          X-Order: 2\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
    );
    let want = echo_json(
        "PUT",
        "/echo",
        "",
        "HTTP/1.1",
        r#"[["host", "h"], ["x-order", "1"], ["transfer-encoding", "chunked"], ["x-order", "2"]]"#,
        b"hello world",
        &target.connection(&resp),
    );
    resp.assert_status(200).assert_body(&want);

    // HTTP/1.0, no body, percent-decoded path, raw query, ISO-8859-1 value, JSON escapes.
    let resp = raw(
        target,
        "DELETE",
        b"DELETE /ech%6F?q=%20x&r=\"1\" HTTP/1.0\r\nX-Latin: caf\xe9 \"q\" \\\r\n\r\n",
    );
    let want = echo_json(
        "DELETE",
        "/echo",
        "q=%20x&r=\\\"1\\\"",
        "HTTP/1.0",
        "[[\"x-latin\", \"caf\u{e9} \\\"q\\\" \\\\\"]]",
        b"",
        &target.connection(&resp),
    );
    resp.assert_status(200).assert_body(&want);

    // Any method: HEAD gets the head only.
    let resp = raw(target, "HEAD", b"HEAD /echo HTTP/1.1\r\nHost: h\r\n\r\n");
    resp.assert_status(200)
        .assert_header("Content-Type", "application/json")
        .assert_body("");
}

fn stream(target: &Target<'_>) {
    let mut client = target.client();
    let resp = ok("GET /stream", client.get("/stream?n=3&size=4"));
    resp.assert_status(200)
        .assert_header("Content-Type", "text/plain")
        .assert_header("Transfer-Encoding", "chunked")
        .assert_no_header("Content-Length")
        .assert_body("x".repeat(12));
    assert_eq!(resp.framing, Framing::Chunked, "{resp}");

    let mut client = target.client().http10(true);
    let resp = ok("GET /stream HTTP/1.0", client.get("/stream?n=5&size=3"));
    resp.assert_status(200)
        .assert_no_header("Transfer-Encoding")
        .assert_no_header("Content-Length")
        .assert_body("x".repeat(15));
    assert_eq!(resp.framing, Framing::CloseDelimited, "{resp}");
    assert!(
        !client.is_connected(),
        "a close-delimited body ends the connection"
    );

    // Zero chunks still make a well-framed (empty) response.
    let mut client = target.client();
    ok("GET /stream?n=0", client.get("/stream?n=0&size=4"))
        .assert_status(200)
        .assert_body("");
}

fn big_slow_status(target: &Target<'_>) {
    let mut client = target.client();
    let resp = ok("GET /big", client.get("/big?bytes=3000000"));
    resp.assert_status(200)
        .assert_header("Content-Length", "3000000");
    assert_eq!(resp.framing, Framing::Length(3_000_000));
    assert!(resp.body.len() == 3_000_000 && resp.body.iter().all(|&b| b == b'x'));
    ok("GET /big?bytes=0", client.get("/big?bytes=0"))
        .assert_status(200)
        .assert_header("Content-Length", "0")
        .assert_body("");

    ok("GET /slow", client.get("/slow?ms=20"))
        .assert_status(200)
        .assert_body("done");

    for (code, reason) in [
        (200, "OK"),
        (201, "Created"),
        (204, "No Content"),
        (304, "Not Modified"),
        (404, "Not Found"),
        (418, "I'm a Teapot"),
        (503, "Service Unavailable"),
        (599, "Unknown"),
    ] {
        let resp = ok("GET /status", client.get(&format!("/status/{code}")));
        resp.assert_status(code).assert_body("");
        assert_eq!(resp.reason, reason, "{resp}");
    }
}

fn options_asterisk(target: &Target<'_>) {
    let resp = raw(target, "OPTIONS", b"OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n");
    resp.assert_status(200)
        .assert_header("Allow", "GET, HEAD, POST, PUT, DELETE, OPTIONS")
        .assert_body("");
}

fn raise(target: &Target<'_>) {
    let mut client = target.client();
    ok("GET /raise", client.get("/raise")).assert_status(500);
    // The server keeps serving. (Whether the connection that saw the 500 stays open is the
    // server's choice; cheroot closes it, and so does cheroot-rs today.)
    let mut other = target.client();
    ok("GET /hello after /raise", other.get("/hello"))
        .assert_status(200)
        .assert_body("Hello world!");
}

fn not_found_and_bad_parameters(target: &Target<'_>) {
    let mut client = target.client();
    for (method, target) in [
        ("GET", "/"),
        ("GET", "/nope"),
        ("GET", "/echo/more"),
        ("POST", "/hello"),
        ("DELETE", "/stream"),
        ("OPTIONS", "/hello"),
        ("POST", "/status/200"),
    ] {
        let what = format!("{method} {target}");
        ok(&what, client.request(method, target, &[], b"")).assert_status(404);
    }
    for target in [
        "/stream?n=x",
        "/stream?n=1000001",
        "/stream?size=1048577",
        "/stream?n=2000&size=1048576",
        "/big?bytes=-1",
        "/big?bytes=1073741825",
        "/slow?ms=60001",
        "/slow?ms=1.5",
        "/status/",
        "/status/99",
        "/status/600",
        "/status/2000",
    ] {
        ok(target, client.get(target)).assert_status(400);
    }
}

fn keep_alive(target: &Target<'_>) {
    let mut client = target.client();
    for target in [
        "/hello",
        "/echo",
        "/big?bytes=10",
        "/stream?n=2&size=2",
        "/status/204",
    ] {
        ok(target, client.get(target)).assert_status(if target == "/status/204" {
            204
        } else {
            200
        });
    }
    assert_eq!(
        client.connections_made(),
        1,
        "HTTP/1.1 requests share one connection"
    );
}
