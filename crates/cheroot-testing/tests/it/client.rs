//! The raw-socket client against hand-written servers: framing it must read, keep-alive
//! reuse, and errors it must report.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread::JoinHandle;
use std::time::Duration;

use cheroot_testing::{Framing, ServerAddr, TestClient};

/// A one-connection server: reads one request head, writes `reply`, then closes.
fn serve_once(reply: &'static [u8]) -> (ServerAddr, JoinHandle<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = ServerAddr::Tcp(listener.local_addr().unwrap());
    let thread = std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        conn.set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let request = read_head(&mut conn);
        conn.write_all(reply).unwrap();
        request
    });
    (addr, thread)
}

fn read_head(conn: &mut TcpStream) -> Vec<u8> {
    let mut got = Vec::new();
    let mut byte = [0u8; 1];
    while !got.ends_with(b"\r\n\r\n") && got.len() < 64 * 1024 {
        if conn.read(&mut byte).unwrap() == 0 {
            break;
        }
        got.push(byte[0]);
    }
    got
}

#[test]
fn reads_each_framing() {
    let cases: &[(&'static [u8], &str, &[u8], Framing)] = &[
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloEXTRA",
            "GET",
            b"hello",
            Framing::Length(5),
        ),
        (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-Trailer: t\r\n\r\n",
            "GET",
            b"abcde",
            Framing::Chunked,
        ),
        (
            b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end",
            "GET",
            b"until the end",
            Framing::CloseDelimited,
        ),
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n",
            "HEAD",
            b"",
            Framing::NoBody,
        ),
        (
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
            "GET",
            b"",
            Framing::NoBody,
        ),
    ];
    for (reply, method, body, framing) in cases {
        let (addr, server) = serve_once(reply);
        let mut client = TestClient::new(addr);
        let resp = client.request(method, "/x", &[], b"").unwrap();
        assert_eq!(resp.body, *body, "{resp}");
        assert_eq!(resp.framing, *framing, "{resp}");
        if *framing == Framing::Chunked {
            assert_eq!(resp.trailers, [("X-Trailer".to_owned(), "t".to_owned())]);
        }
        let request = server.join().unwrap();
        assert!(request.starts_with(format!("{method} /x HTTP/1.1\r\nHost: ").as_bytes()));
    }
}

#[test]
fn sends_host_content_length_and_http10() {
    let (addr, server) = serve_once(b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n");
    let mut client = TestClient::new(addr.clone()).http10(true);
    client
        .request("POST", "/p?q", &[("X-A", "1")], b"abc")
        .unwrap()
        .assert_status(200);
    let request = String::from_utf8(server.join().unwrap()).unwrap();
    let ServerAddr::Tcp(sock) = addr else {
        unreachable!()
    };
    assert_eq!(
        request,
        format!("POST /p?q HTTP/1.0\r\nHost: {sock}\r\nX-A: 1\r\nContent-Length: 3\r\n\r\n")
    );
    // An HTTP/1.0 response without keep-alive closes the connection.
    assert!(!client.is_connected());
}

#[test]
fn reports_broken_responses() {
    let cases: &[(&'static [u8], std::io::ErrorKind)] = &[
        (b"", std::io::ErrorKind::UnexpectedEof),
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
            std::io::ErrorKind::UnexpectedEof,
        ),
        (b"NOT HTTP\r\n\r\n", std::io::ErrorKind::InvalidData),
        (
            b"HTTP/1.1 2000 Huge\r\n\r\n",
            std::io::ErrorKind::InvalidData,
        ),
        (
            b"HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
            std::io::ErrorKind::InvalidData,
        ),
        (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            std::io::ErrorKind::InvalidData,
        ),
    ];
    for (reply, kind) in cases {
        let (addr, server) = serve_once(reply);
        let mut client = TestClient::new(addr);
        let err = client.get("/").unwrap_err();
        assert_eq!(
            err.kind(),
            *kind,
            "{:?}: {err}",
            String::from_utf8_lossy(reply)
        );
        assert!(!client.is_connected());
        server.join().unwrap();
    }
}

#[test]
fn read_to_end_returns_what_came_before_the_close() {
    let (addr, server) = serve_once(b"HTTP/1.1 400 Bad Request\r\n\r\nbye");
    let mut client = TestClient::new(addr);
    client.send_raw(b"GARBAGE\r\n\r\n").unwrap();
    let got = client.read_to_end().unwrap();
    assert_eq!(got, b"HTTP/1.1 400 Bad Request\r\n\r\nbye");
    assert_eq!(server.join().unwrap(), b"GARBAGE\r\n\r\n");
}

#[test]
fn parses_printed_addresses() {
    let table = [
        (
            "127.0.0.1:8080",
            ServerAddr::Tcp("127.0.0.1:8080".parse().unwrap()),
        ),
        ("[::1]:8000", ServerAddr::Tcp("[::1]:8000".parse().unwrap())),
        ("/tmp/x.sock", ServerAddr::Unix("/tmp/x.sock".into())),
        ("@name", ServerAddr::Abstract(b"name".to_vec())),
    ];
    for (text, want) in table {
        assert_eq!(text.parse::<ServerAddr>().unwrap(), want);
        assert_eq!(want.to_string(), text);
    }
    assert!("localhost:80".parse::<ServerAddr>().is_err());
}

#[test]
fn read_partial_response_keeps_a_body_cut_short() {
    let cases: &[(&'static [u8], &[u8], bool)] = &[
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
            b"short",
            false,
        ),
        (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nfirst\r\n3\r\nse",
            b"first",
            false,
        ),
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nwhole",
            b"whole",
            true,
        ),
    ];
    for (reply, body, complete) in cases {
        let (addr, server) = serve_once(reply);
        let mut client = TestClient::new(addr);
        client
            .send_raw(b"GET / HTTP/1.1\r\nHost: h\r\n\r\n")
            .unwrap();
        let (resp, whole) = client.read_partial_response().unwrap();
        assert_eq!(
            (resp.status, resp.body.as_slice(), whole),
            (200, *body, *complete)
        );
        server.join().unwrap();
    }
    // read_response reports the same cut as an error.
    let (addr, server) = serve_once(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort");
    let mut client = TestClient::new(addr);
    let err = client.get("/").unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::UnexpectedEof);
    server.join().unwrap();
}

#[test]
fn raw_reads_and_watching_the_close() {
    let (addr, server) =
        serve_once(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
    let mut client = TestClient::new(addr);
    client.connect().unwrap();
    assert!(client.is_connected());
    assert_eq!(client.connections_made(), 1);
    client
        .send_raw(b"GET / HTTP/1.1\r\nHost: h\r\n\r\n")
        .unwrap();
    assert_eq!(client.read_raw(12).unwrap(), b"HTTP/1.1 200");
    let mut rest = Vec::new();
    while !rest.ends_with(b"ok") && rest.len() < 1000 {
        rest.extend(client.read_some().unwrap());
    }
    assert_eq!(
        rest,
        b" OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
    );
    server.join().unwrap();
    client.wait_closed().unwrap();
    assert!(!client.is_connected());

    // After a `Connection: close` response the connection stays readable until it ends,
    // and bytes before the end fail wait_closed.
    let (addr, server) =
        serve_once(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nokEXTRA");
    let mut client = TestClient::new(addr);
    client.get("/").unwrap().assert_body("ok");
    assert!(!client.is_connected());
    server.join().unwrap();
    let err = client.wait_closed().unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
}
