//! The test-server fixture: an `HttpServer` on an ephemeral loopback port, served on its own
//! thread, stopped when dropped.

use std::net::SocketAddr;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use cheroot_server::{BindAddr, Gateway, HttpServer, ServerConfig, ServerError};

use super::client::Client;

/// Settings for tests: short timeouts so timeouts are quick to see.
pub(crate) fn test_config() -> ServerConfig {
    ServerConfig {
        minthreads: 2,
        timeout: Duration::from_secs(1),
        shutdown_timeout: Duration::from_secs(2),
        ..ServerConfig::default()
    }
}

#[derive(Debug)]
pub(crate) struct TestServer {
    pub(crate) server: Arc<HttpServer>,
    pub(crate) addr: SocketAddr,
    serving: Option<JoinHandle<Result<(), ServerError>>>,
}

impl TestServer {
    pub(crate) fn start(gateway: impl Gateway, config: ServerConfig) -> TestServer {
        let bind = BindAddr::Tcp {
            host: "127.0.0.1".to_owned(),
            port: 0,
        };
        let server = Arc::new(HttpServer::with_config(bind, gateway, config));
        server.prepare().expect("prepare the test server");
        let addr = match server.bind_addr() {
            BindAddr::Tcp { host, port } => {
                assert_ne!(port, 0, "test_server.py::test_bind_addr_inet: a real port");
                format!("{host}:{port}").parse().expect("a socket address")
            }
            other => panic!("unexpected bind address {other:?}"),
        };
        let serving = {
            let server = Arc::clone(&server);
            std::thread::spawn(move || server.serve())
        };
        TestServer {
            server,
            addr,
            serving: Some(serving),
        }
    }

    pub(crate) fn client(&self) -> Client {
        Client::connect(self.addr)
    }

    /// Stops the server and returns what `serve()` returned.
    pub(crate) fn stop(&mut self) -> Result<(), ServerError> {
        self.server.stop();
        match self.serving.take() {
            Some(handle) => handle.join().expect("the serve thread"),
            None => Ok(()),
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.server.stop();
        if let Some(handle) = self.serving.take() {
            let _ = handle.join();
        }
    }
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
