//! Keep-alive under concurrent load (test_wsgi.py::test_connection_keepalive, bounded).

use std::sync::Arc;

use cheroot_wsgi::{Body, app_fn};

use crate::client::{Conn, TestServer};

const CLIENTS: usize = 10;
const REQUESTS_PER_CLIENT: usize = 100;

#[test]
fn connection_keepalive() {
    // test_wsgi.py::test_connection_keepalive: 50 threads x 1000 requests upstream; bounded
    // here to 10 x 100, each client on one keep-alive connection, no connection errors.
    let server = Arc::new(TestServer::start_with(
        app_fn(|_env, sr| {
            sr.start("200 OK", [("Content-type", "text/plain")])?;
            Ok(Body::from("Hello world!"))
        }),
        |s| {
            s.set_numthreads(10);
        },
    ));
    let port = server.port;
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            std::thread::spawn(move || {
                let mut conn = Conn::connect(port);
                let mut ok = 0;
                for _ in 0..REQUESTS_PER_CLIENT {
                    conn.send(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
                    let resp = conn
                        .read_response()
                        .expect("a response on the same connection");
                    assert_eq!(resp.status, 200);
                    assert_eq!(resp.body, b"Hello world!");
                    assert_eq!(resp.header("Connection"), None);
                    ok += 1;
                }
                ok
            })
        })
        .collect();
    let total: usize = clients.into_iter().map(|c| c.join().unwrap()).sum();
    assert_eq!(total, CLIENTS * REQUESTS_PER_CLIENT);
}
