//! File regions as response bodies (`Response::send_file`): sendfile(2) from the worker pool on
//! a plain connection, read and written by an inline gateway; every framing; a file shorter
//! than the region asked for.

use super::apps::{FILE_OFFSET, TestApp, file_pattern};
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
