//! The body's `close` runs on every path: success, app error, client gone
//! (cheroot's `Gateway.respond` `finally` block; test_core.py::test_send_header_before_closing).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use cheroot_wsgi::{AppError, Body, PathInfoDispatcher, app_fn};

use crate::apps::Counter;
use cheroot_testing::TestServer;

/// Chunks the `/endless` body yields at most (64 KiB each): far more than a client that
/// hangs up reads, few enough to end the test if the hang-up were not noticed.
const ENDLESS_CHUNKS: usize = 4096;

struct Hooks {
    closed: Counter,
    yielded: Arc<AtomicUsize>,
}

fn server() -> (TestServer, Hooks) {
    let closed = Counter::default();
    let yielded = Arc::new(AtomicUsize::new(0));
    let (c1, c2, c3, c4) = (
        closed.clone(),
        closed.clone(),
        closed.clone(),
        closed.clone(),
    );
    let c5 = closed.clone();
    let y = Arc::clone(&yielded);
    let d =
        PathInfoDispatcher::new()
            .mount(
                "/ok",
                app_fn(move |_env, sr| {
                    let c = c1.clone();
                    sr.start("200 OK", [("Content-Type", "text/plain")])?;
                    Ok(Body::chunks(["fine"]).on_close(move || {
                        c.bump();
                        Ok(())
                    }))
                }),
            )
            .mount(
                "/fail_before_head",
                app_fn(move |_env, sr| {
                    let c = c2.clone();
                    sr.start("200 OK", [("Content-Type", "text/plain")])?;
                    Ok(
                        Body::try_chunks([Err(AppError::msg("boom"))]).on_close(move || {
                            c.bump();
                            Ok(())
                        }),
                    )
                }),
            )
            .mount(
                "/fail_after_head",
                app_fn(move |_env, sr| {
                    let c = c3.clone();
                    sr.start("200 OK", [("Content-Type", "text/plain")])?;
                    Ok(Body::try_chunks([
                        Ok(Bytes::from_static(b"first")),
                        Err(AppError::msg("boom")),
                    ])
                    .on_close(move || {
                        c.bump();
                        Ok(())
                    }))
                }),
            )
            .mount(
                "/endless",
                app_fn(move |_env, sr| {
                    let c = c4.clone();
                    let y = Arc::clone(&y);
                    sr.start("200 OK", [("Content-Type", "application/octet-stream")])?;
                    let chunk = Bytes::from(vec![b'x'; 64 * 1024]);
                    let chunks = (0..ENDLESS_CHUNKS).map(move |_| {
                        y.fetch_add(1, Ordering::SeqCst);
                        chunk.clone()
                    });
                    Ok(Body::chunks(chunks).on_close(move || {
                        c.bump();
                        Ok(())
                    }))
                }),
            )
            .mount(
                "/panics",
                app_fn(move |_env, sr| {
                    let c = c5.clone();
                    sr.start("200 OK", [("Content-Type", "text/plain")])?;
                    let chunks = (0..2).map(|i| -> Bytes {
                        assert!(i == 0, "the body panics on its second chunk");
                        Bytes::new()
                    });
                    Ok(Body::chunks(chunks).on_close(move || {
                        c.bump();
                        Ok(())
                    }))
                }),
            )
            .mount(
                "/close_writes",
                app_fn(|_env, sr| {
                    let write = sr.start("200 OK", [("Content-Type", "text/plain")])?;
                    Ok(Body::empty().on_close(move || write.write(b"hello")))
                }),
            );
    (TestServer::start(d), Hooks { closed, yielded })
}

#[test]
fn close_runs_after_success() {
    let (server, hooks) = server();
    let resp = server.client().get("/ok").unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(resp.body, b"fine");
    assert_eq!(hooks.closed.wait_for(1), 1);
}

#[test]
fn close_runs_after_an_app_error() {
    let (server, hooks) = server();
    let resp = server.client().get("/fail_before_head").unwrap();
    assert_eq!(resp.status, 500);
    assert_eq!(hooks.closed.wait_for(1), 1);

    let mut client = server.client();
    client
        .send_raw(b"GET /fail_after_head HTTP/1.1\r\nHost: h\r\n\r\n")
        .unwrap();
    let (resp, complete) = client.read_partial_response().unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(resp.body, b"first");
    assert!(!complete);
    assert_eq!(hooks.closed.wait_for(2), 2);
}

#[test]
fn close_runs_when_the_body_panics() {
    let (server, hooks) = server();
    let resp = server.client().get("/panics").unwrap();
    assert_eq!(resp.status, 500);
    assert_eq!(hooks.closed.wait_for(1), 1);
    // The worker survived.
    assert_eq!(server.client().get("/ok").unwrap().status, 200);
}

#[test]
fn close_runs_when_the_client_is_gone() {
    let (server, hooks) = server();
    {
        let mut client = server.client();
        client
            .send_raw(b"GET /endless HTTP/1.1\r\nHost: h\r\n\r\n")
            .unwrap();
        // Read the status line, then hang up mid-body.
        let first = client.read_raw(12).unwrap();
        assert_eq!(first, b"HTTP/1.1 200");
    }
    assert_eq!(hooks.closed.wait_for(1), 1);
    assert!(hooks.yielded.load(Ordering::SeqCst) < ENDLESS_CHUNKS);
}

#[test]
fn send_header_before_closing() {
    // test_core.py::test_send_header_before_closing: the head goes out before close(), and
    // what close() writes reaches the client.
    let (server, _hooks) = server();
    let resp = server.client().get("/close_writes").unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(resp.header("Content-Type"), Some("text/plain"));
    assert_eq!(resp.body, b"hello");
}
