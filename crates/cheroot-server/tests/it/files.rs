//! File regions as response bodies (`Response::send_file`): sendfile(2) from the worker pool on
//! a plain connection, read and written by an inline gateway; every framing; a file shorter
//! than the region asked for.

use std::io::Read;
use std::time::Duration;

use super::apps::{BIG_FILE_LEN, FILE_OFFSET, FILE_PART_LEN, TestApp, file_pattern};
use super::support::{connect, start, test_config};

fn expected_body() -> Vec<u8> {
    file_pattern()[FILE_OFFSET..].to_vec()
}

#[test]
fn a_file_region_is_the_body_in_every_framing() {
    for blocking in [true, false] {
        let server = start(TestApp::new(blocking), test_config());
        let mut client = connect(&server);
        // Chunked (no Content-Length), then a declared length, on one connection.
        let chunked = client.get("/file").expect("a response");
        assert_eq!(chunked.status, 200);
        assert_eq!(chunked.header("Transfer-Encoding"), Some("chunked"));
        assert!(
            chunked.body == expected_body(),
            "blocking={blocking}: chunked body differs"
        );
        let sized = client.get("/file?cl").expect("a response");
        assert_eq!(
            sized.header("Content-Length").map(str::to_owned),
            Some(expected_body().len().to_string())
        );
        assert!(
            sized.body == expected_body(),
            "blocking={blocking}: sized body differs"
        );
        // HEAD: the head only, and the connection still in step.
        let head = client
            .request("HEAD", "/file?cl", &[("Host", "t")], b"")
            .expect("a response");
        assert!(head.body.is_empty());
        assert_eq!(
            client.get("/hello").expect("a response").body_text(),
            "Hello world!"
        );
        // HTTP/1.0: close-delimited.
        let mut old = connect(&server).http10(true);
        let close_delimited = old.get("/file").expect("a response");
        assert!(
            close_delimited.body == expected_body(),
            "blocking={blocking}: HTTP/1.0 body differs"
        );
    }
}

#[test]
fn a_file_shorter_than_its_region_closes_the_connection() {
    let server = start(TestApp::new(true), test_config());
    let mut client = connect(&server);
    client
        .send_raw(b"GET /file?short HTTP/1.1\r\nHost: t\r\n\r\n")
        .expect("send");
    let (partial, complete) = client.read_partial_response().expect("a response head");
    assert_eq!(partial.status, 200);
    assert!(!complete, "a body cut short must not look complete");
    assert!(partial.body.len() <= expected_body().len());
    assert!(partial.body[..] == expected_body()[..partial.body.len()]);
}

#[test]
fn a_region_ending_before_the_file_sends_only_the_region() {
    let part = file_pattern()[FILE_OFFSET..FILE_OFFSET + FILE_PART_LEN as usize].to_vec();
    for blocking in [true, false] {
        let server = start(TestApp::new(blocking), test_config());
        let mut client = connect(&server);
        for _ in 0..2 {
            let resp = client.get("/file?part").expect("a response");
            assert!(
                resp.body == part,
                "blocking={blocking}: {} bytes",
                resp.body.len()
            );
        }
    }
}

#[test]
fn a_file_region_over_the_declared_length_is_refused_or_cut() {
    for blocking in [true, false] {
        let server = start(TestApp::new(blocking), test_config());
        // Nothing sent yet: cheroot's 500.
        let over = connect(&server).get("/file?over").expect("a response");
        assert_eq!(over.status, 500, "blocking={blocking}");
        // After 5 bytes of 15: 10 bytes of the file, then the connection closes.
        let mut client = connect(&server);
        client
            .send_raw(b"GET /file?after HTTP/1.1\r\nHost: t\r\n\r\n")
            .expect("send");
        let (resp, _) = client.read_partial_response().expect("a response");
        let mut want = b"first".to_vec();
        want.extend_from_slice(&file_pattern()[FILE_OFFSET..FILE_OFFSET + 10]);
        assert_eq!(resp.body, want, "blocking={blocking}");
        client.wait_closed().expect("the connection closes");
    }
}

#[test]
fn a_slow_reader_gets_a_large_region_whole() {
    // The socket buffers fill while the client waits: sendfile(2) hits EAGAIN and the
    // connection waits for room instead of failing.
    let server = start(TestApp::new(true), test_config());
    let addr = match server.addr() {
        cheroot_testing::ServerAddr::Tcp(addr) => *addr,
        other => panic!("a TCP server, not {other:?}"),
    };
    let mut sock = std::net::TcpStream::connect(addr).expect("connect");
    sock.set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    std::io::Write::write_all(
        &mut sock,
        b"GET /big_file HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
    )
    .expect("send");
    std::thread::sleep(Duration::from_millis(300));
    let mut raw = Vec::new();
    sock.read_to_end(&mut raw).expect("the whole response");
    let at = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a head")
        + 4;
    assert_eq!(raw.len() - at, BIG_FILE_LEN);
    assert!(raw[at..].iter().all(|b| *b == b'x'));
}
