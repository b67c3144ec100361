//! Keep-alive under concurrent load (test_wsgi.py::test_connection_keepalive, bounded).

use std::sync::Arc;

use cheroot_wsgi::{Body, app_fn};

use cheroot_testing::{TestClient, TestServer};

const CLIENTS: usize = 10;
const REQUESTS_PER_CLIENT: usize = 100;

#[test]
fn connection_keepalive() {
    // test_wsgi.py::test_connection_keepalive: 50 threads x 1000 requests upstream; bounded
    // here to 10 x 100, each client on one keep-alive connection, no connection errors.
    let server = Arc::new(
        TestServer::builder()
            .config(|c| c.minthreads = 10)
            .start(app_fn(|_env, sr| {
                sr.start("200 OK", [("Content-type", "text/plain")])?;
                Ok(Body::from("Hello world!"))
            })),
    );
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let addr = server.addr().clone();
            std::thread::spawn(move || {
                let mut client = TestClient::new(addr);
                let mut ok = 0;
                for _ in 0..REQUESTS_PER_CLIENT {
                    client
                        .send_raw(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
                        .expect("send on the same connection");
                    let resp = client
                        .read_response()
                        .expect("a response on the same connection");
                    assert_eq!(resp.status, 200);
                    assert_eq!(resp.body, b"Hello world!");
                    assert_eq!(resp.header("Connection"), None);
                    ok += 1;
                }
                assert_eq!(client.connections_made(), 1);
                ok
            })
        })
        .collect();
    let total: usize = clients.into_iter().map(|c| c.join().unwrap()).sum();
    assert_eq!(total, CLIENTS * REQUESTS_PER_CLIENT);
}
