//! Content-Length accounting (test_conn.py::test_Content_Length_out,
//! docs/cheroot-reference.md#content-length-mismatch).

use cheroot_wsgi::{Body, PathInfoDispatcher, app_fn};

use cheroot_testing::TestServer;

fn server() -> TestServer {
    let d = PathInfoDispatcher::new()
        .mount(
            "/wrong_cl_buffered",
            app_fn(|_env, sr| {
                sr.start("200 OK", [("Content-Length", "5")])?;
                Ok(Body::from("I have too many bytes"))
            }),
        )
        .mount(
            "/wrong_cl_unbuffered",
            app_fn(|_env, sr| {
                sr.start("200 OK", [("Content-Length", "5")])?;
                Ok(Body::chunks(["I too", " have too many bytes"]))
            }),
        )
        .mount(
            "/short",
            app_fn(|_env, sr| {
                sr.start("200 OK", [("Content-Length", "10")])?;
                Ok(Body::from("short"))
            }),
        )
        .mount(
            "/exact",
            app_fn(|_env, sr| {
                sr.start("200 OK", [("Content-Length", "5")])?;
                Ok(Body::chunks(["ab", "", "cde"]))
            }),
        );
    TestServer::start(d)
}

#[test]
fn content_length_out_before_headers_is_500() {
    // test_conn.py::test_Content_Length_out (wrong_cl_buffered)
    let server = server();
    let resp = server.client().get("/wrong_cl_buffered").unwrap();
    assert_eq!(resp.status, 500);
    assert_eq!(
        resp.body_text(),
        "The requested resource returned more bytes than the declared Content-Length."
    );
}

#[test]
fn content_length_out_after_headers_truncates_and_closes() {
    // test_conn.py::test_Content_Length_out (wrong_cl_unbuffered)
    let server = server();
    let mut client = server.client();
    client
        .send_raw(b"GET /wrong_cl_unbuffered HTTP/1.1\r\nHost: h\r\n\r\n")
        .unwrap();
    let resp = client.read_response().unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(resp.body, b"I too");
    // The server closes without sending more (a timeout would fail here).
    assert_eq!(client.read_to_end().unwrap(), b"");
}

#[test]
fn fewer_bytes_than_declared_closes_the_connection() {
    // cheroot-reference content-length-mismatch: cheroot leaves the client hanging; we close.
    let server = server();
    let mut client = server.client();
    client
        .send_raw(b"GET /short HTTP/1.1\r\nHost: h\r\n\r\n")
        .unwrap();
    let (resp, complete) = client.read_partial_response().unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(resp.body, b"short");
    assert!(!complete);
}

#[test]
fn exact_length_keeps_the_connection() {
    let server = server();
    let mut client = server.client();
    for _ in 0..3 {
        client
            .send_raw(b"GET /exact HTTP/1.1\r\nHost: h\r\n\r\n")
            .unwrap();
        let resp = client.read_response().unwrap();
        assert_eq!(resp.status, 200);
        assert_eq!(resp.body, b"abcde");
        assert_eq!(resp.header("Connection"), None);
    }
    assert_eq!(client.connections_made(), 1);
}
