//! Pipelined requests: answered in order whatever path they take, and a response that ends
//! the connection ends the pipeline there. On the worker pool the requests without a body
//! buffered behind one ride in its job, so these cases are also the batch's rules: the
//! gateway is never called for a request behind one that closed the connection.

use std::sync::atomic::Ordering;

use super::apps::TestApp;
use super::support::{connect, start, test_config};

/// `GET target` as pipelined bytes, with `extra` header lines.
fn get(target: &str, extra: &str) -> String {
    format!("GET {target} HTTP/1.1\r\nHost: t\r\n{extra}\r\n")
}

/// Sends `requests` in one write to a fresh server (pooled or inline) and reads the
/// responses it gives before it closes: (status, body, Connection header) each, and how many
/// times the gateway was called.
fn pipeline(blocking: bool, requests: &[String]) -> (Vec<String>, usize) {
    let app = TestApp::new(blocking);
    let probe = app.probe.clone();
    let server = start(app, test_config());
    let mut client = connect(&server);
    client.send_raw(requests.concat().as_bytes()).expect("send");
    let mut seen = Vec::new();
    loop {
        let resp = match client.read_response_for("GET") {
            Ok(resp) => resp,
            Err(err) => panic!("after {seen:?}: {err}"),
        };
        let close = resp.header("Connection").unwrap_or("-").to_owned();
        seen.push(format!("{} {} {close}", resp.status, resp.body_text()));
        if close == "close" {
            break;
        }
    }
    client
        .wait_closed()
        .expect("the connection closes after the response that says so");
    (seen, probe.calls.load(Ordering::SeqCst))
}

/// Checks that a pooled and an inline server each answer `requests`, sent in one write, with
/// `expected` (as [`pipeline`] reads them) and call their gateway `calls` times: nothing
/// behind a response that closed the connection ran.
fn assert_pipeline<S: AsRef<str>>(requests: &[String], expected: &[S], calls: usize) {
    let expected: Vec<&str> = expected.iter().map(AsRef::as_ref).collect();
    for blocking in [true, false] {
        let (seen, called) = pipeline(blocking, requests);
        assert_eq!(seen, expected, "blocking: {blocking}");
        assert_eq!(called, calls, "blocking: {blocking}: gateway calls");
    }
}

#[test]
fn a_response_that_closes_ends_the_pipeline() {
    let requests = [
        get("/query?1", ""),
        get("/app_close", ""),
        get("/query?3", ""),
        get("/query?4", ""),
    ];
    assert_pipeline(&requests, &["200 1 -", "200 bye close"], 2);
}

#[test]
fn a_first_response_that_closes_ends_the_pipeline() {
    // The first request of a pooled batch is answered apart from the rest: its close must
    // stop them too.
    let requests = [
        get("/app_close", ""),
        get("/query?2", ""),
        get("/error", ""),
    ];
    assert_pipeline(&requests, &["200 bye close"], 1);
}

#[test]
fn a_failed_gateway_ends_the_pipeline() {
    let requests = [get("/query?1", ""), get("/error", ""), get("/query?3", "")];
    assert_pipeline(&requests, &["200 1 -", "500  close"], 2);
}

#[test]
fn a_request_asking_to_close_ends_the_pipeline() {
    let requests = [
        get("/query?1", ""),
        get("/query?2", "Connection: close\r\n"),
        get("/query?3", ""),
    ];
    assert_pipeline(&requests, &["200 1 -", "200 2 close"], 2);
}

#[test]
fn a_long_mixed_pipeline_is_answered_in_order() {
    // More requests than one pooled job takes (16), bodies and streamed responses among
    // them: every response in order, each request answered once.
    let mut requests = Vec::new();
    let mut expected = Vec::new();
    for i in 0..40 {
        match i % 10 {
            4 => {
                let body = format!("body {i}");
                requests.push(format!(
                    "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: {}\r\n\r\n{body}",
                    body.len()
                ));
                expected.push(format!("200 {body} -"));
            }
            7 => {
                requests.push(get("/stream", ""));
                expected.push("200 one two three -".to_owned());
            }
            _ => {
                requests.push(get(&format!("/query?{i}"), ""));
                expected.push(format!("200 {i} -"));
            }
        }
    }
    requests.push(get("/app_close", ""));
    expected.push("200 bye close".to_owned());
    assert_pipeline(&requests, &expected, 41);
}
