//! Test settings and helpers over cheroot-testing's fixture: a native gateway on an ephemeral
//! loopback port, clients connected up front, bounded waits.

use std::time::{Duration, Instant};

use cheroot_server::{Gateway, ServerConfig};
use cheroot_testing::TestClient;
pub(crate) use cheroot_testing::TestServer;

/// Settings for tests: short timeouts so timeouts are quick to see.
pub(crate) fn test_config() -> ServerConfig {
    ServerConfig {
        minthreads: 2,
        timeout: Duration::from_secs(1),
        shutdown_timeout: Duration::from_secs(2),
        ..ServerConfig::default()
    }
}

/// Starts `gateway` with exactly `config` (cheroot-testing's defaults replaced).
#[track_caller]
pub(crate) fn start(gateway: impl Gateway, config: ServerConfig) -> TestServer {
    let server = TestServer::builder()
        .config(|c| *c = config)
        .start_native(gateway);
    assert_ne!(
        server.socket_addr().port(),
        0,
        "test_server.py::test_bind_addr_inet: a real port"
    );
    server
}

/// A client with its connection already open (the server sees it before any request).
#[track_caller]
pub(crate) fn connect(server: &TestServer) -> TestClient {
    let mut client = server.client();
    client.connect().expect("connect to the test server");
    client
}

/// Opens `n` connections that each send `GET /hold`, which the test app holds while its gate
/// is closed.
pub(crate) fn send_holds(server: &TestServer, n: usize) -> Vec<TestClient> {
    (0..n)
        .map(|_| {
            let mut client = connect(server);
            client
                .send_raw(b"GET /hold HTTP/1.1\r\nHost: t\r\n\r\n")
                .expect("send");
            client
        })
        .collect()
}

/// Waits (bounded) until `cond` holds; returns whether it did.
pub(crate) fn wait_until(limit: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    cond()
}
