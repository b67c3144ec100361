//! `TestServer`: a server on an ephemeral loopback port or a fresh UNIX socket, served on a
//! thread and stopped on drop, as cheroot's `cheroot_server` fixture.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use cheroot::wsgi::{Server as WsgiServer, WsgiApp, WsgiVersion};
use cheroot::{BindAddr, Gateway, HttpServer, ServerConfig, ServerError};

use crate::client::{ServerAddr, TestClient};

/// A running server for one test. Dropping it stops the server and joins its thread.
///
/// A WSGI-style app runs under [`cheroot::wsgi::Server`] (as cheroot's fixture runs
/// `wsgi.Server`), a native gateway under [`HttpServer`]; either way
/// [`server`](TestServer::server) reaches the `HttpServer`.
///
/// ```no_run
/// use cheroot_testing::{Echo, TestServer};
///
/// let server = TestServer::start(Echo);
/// server.client().get("/hello")?.assert_status(200).assert_body("Hello world!");
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct TestServer {
    server: Served,
    thread: Option<JoinHandle<Result<(), ServerError>>>,
    addr: ServerAddr,
    dir: Option<TempDir>,
}

/// The server being run: a WSGI `Server` (as cheroot's CLI and fixture run) or a plain
/// `HttpServer` around a native gateway.
#[derive(Debug, Clone)]
enum Served {
    Wsgi(Arc<WsgiServer>),
    Native(Arc<HttpServer>),
}

impl Served {
    fn http(&self) -> &HttpServer {
        match self {
            Served::Wsgi(server) => server.http_server(),
            Served::Native(server) => server,
        }
    }

    fn prepare(&self) -> Result<(), ServerError> {
        match self {
            Served::Wsgi(server) => server.prepare(),
            Served::Native(server) => server.prepare(),
        }
    }

    fn serve(&self) -> Result<(), ServerError> {
        match self {
            Served::Wsgi(server) => server.serve(),
            Served::Native(server) => server.serve(),
        }
    }
}

/// Settings for a [`TestServer`] before it starts: TCP or UNIX, and the server's knobs.
#[derive(Debug)]
pub struct TestServerBuilder {
    config: ServerConfig,
    unix: bool,
    host: IpAddr,
    wsgi_version: Option<WsgiVersion>,
}

impl Default for TestServerBuilder {
    fn default() -> Self {
        Self {
            config: test_config(),
            unix: false,
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            wsgi_version: None,
        }
    }
}

/// The fixture's defaults: the server's, with cheroot's fixture `shutdown_timeout=0` softened
/// to 1 s so in-flight test requests can finish.
fn test_config() -> ServerConfig {
    ServerConfig {
        shutdown_timeout: Duration::from_secs(1),
        ..ServerConfig::default()
    }
}

impl TestServerBuilder {
    /// Changes the server's settings before it starts.
    pub fn config(mut self, configure: impl FnOnce(&mut ServerConfig)) -> Self {
        configure(&mut self.config);
        self
    }

    /// Listens on `host` (an IP address, port 0) instead of 127.0.0.1: `::1` for IPv6.
    /// Tests bind loopback addresses only.
    pub fn host(mut self, host: IpAddr) -> Self {
        self.host = host;
        self
    }

    /// Serves a WSGI-style app with `version` of the environ (cheroot's `wsgi_version`)
    /// instead of the default (1, 0); no effect on a native gateway.
    pub fn wsgi_version(mut self, version: WsgiVersion) -> Self {
        self.wsgi_version = Some(version);
        self
    }

    /// Listens on a UNIX socket in a fresh temporary directory instead of TCP.
    pub fn unix(mut self) -> Self {
        self.unix = true;
        self
    }

    /// Starts a server for a WSGI-style `app`.
    ///
    /// # Panics
    ///
    /// If the server cannot start (see [`try_start`](Self::try_start)).
    #[track_caller]
    pub fn start(self, app: impl WsgiApp) -> TestServer {
        self.try_start(app)
            .unwrap_or_else(|err| panic!("the test server did not start: {err}"))
    }

    /// Starts a server for a WSGI-style `app`.
    ///
    /// # Errors
    ///
    /// As [`try_start_arc`](Self::try_start_arc).
    pub fn try_start(self, app: impl WsgiApp) -> Result<TestServer, ServerError> {
        let version = self.wsgi_version;
        self.launch(|bind, config| {
            let server = WsgiServer::with_config(bind, Arc::new(app), config);
            if let Some(version) = version {
                server.set_wsgi_version(version);
            }
            Served::Wsgi(Arc::new(server))
        })
    }

    /// Starts a server for a native `gateway`.
    ///
    /// # Panics
    ///
    /// If the server cannot start (see [`try_start_native`](Self::try_start_native)).
    #[track_caller]
    pub fn start_native(self, gateway: impl Gateway) -> TestServer {
        self.try_start_native(gateway)
            .unwrap_or_else(|err| panic!("the test server did not start: {err}"))
    }

    /// Starts a server for a native `gateway`.
    ///
    /// # Errors
    ///
    /// Invalid settings, or no socket could be bound.
    pub fn try_start_native(self, gateway: impl Gateway) -> Result<TestServer, ServerError> {
        self.try_start_arc(Arc::new(gateway))
    }

    /// Starts a server for a gateway already shared.
    ///
    /// # Errors
    ///
    /// Invalid settings, no socket could be bound, or the temporary directory or the
    /// serving thread could not be created.
    pub fn try_start_arc(self, gateway: Arc<dyn Gateway>) -> Result<TestServer, ServerError> {
        self.launch(|bind, config| {
            Served::Native(Arc::new(HttpServer::from_arc(bind, gateway, config)))
        })
    }

    /// Binds, prepares and serves on a thread the server `make` builds.
    fn launch(
        self,
        make: impl FnOnce(BindAddr, ServerConfig) -> Served,
    ) -> Result<TestServer, ServerError> {
        let (bind, dir) = if self.unix {
            let dir = TempDir::new()?;
            (BindAddr::Unix(dir.path().join("server.sock")), Some(dir))
        } else {
            (
                BindAddr::Tcp {
                    host: self.host.to_string(),
                    port: 0,
                },
                None,
            )
        };
        let server = make(bind, self.config);
        server.prepare()?;
        let addr = match server.http().bind_addr() {
            BindAddr::Tcp { port, .. } => ServerAddr::Tcp(SocketAddr::new(self.host, port)),
            BindAddr::Unix(path) => ServerAddr::Unix(path),
            BindAddr::Abstract(name) => ServerAddr::Abstract(name),
        };
        // The listener is bound and ready once prepare() returns; connections made before
        // serve() starts accepting wait in the backlog.
        let serving = server.clone();
        let thread = std::thread::Builder::new()
            .name("cheroot-test-server".to_owned())
            .spawn(move || serving.serve());
        let thread = match thread {
            Ok(thread) => thread,
            Err(err) => {
                server.http().stop();
                return Err(err.into());
            }
        };
        Ok(TestServer {
            server,
            thread: Some(thread),
            addr,
            dir,
        })
    }
}

impl TestServer {
    /// A builder, to change settings or listen on a UNIX socket.
    pub fn builder() -> TestServerBuilder {
        TestServerBuilder::default()
    }

    /// Starts a server for a WSGI-style `app` on an ephemeral port of 127.0.0.1.
    ///
    /// # Panics
    ///
    /// If the server cannot start.
    #[track_caller]
    pub fn start(app: impl WsgiApp) -> TestServer {
        Self::builder().start(app)
    }

    /// Starts a server for a WSGI-style `app` on a UNIX socket in a fresh temporary
    /// directory (removed on drop).
    ///
    /// # Panics
    ///
    /// If the server cannot start.
    #[track_caller]
    pub fn start_unix(app: impl WsgiApp) -> TestServer {
        Self::builder().unix().start(app)
    }

    /// Starts a server for a native `gateway` on an ephemeral port of 127.0.0.1.
    ///
    /// # Panics
    ///
    /// If the server cannot start.
    #[track_caller]
    pub fn start_native(gateway: impl Gateway) -> TestServer {
        Self::builder().start_native(gateway)
    }

    /// Where the server listens.
    pub fn addr(&self) -> &ServerAddr {
        &self.addr
    }

    /// The TCP address.
    ///
    /// # Panics
    ///
    /// On a UNIX-socket server.
    #[track_caller]
    pub fn socket_addr(&self) -> SocketAddr {
        match &self.addr {
            ServerAddr::Tcp(addr) => *addr,
            other => panic!("the server listens on {other}, not TCP"),
        }
    }

    /// A new client for this server (HTTP/1.1, keep-alive).
    pub fn client(&self) -> TestClient {
        TestClient::new(self.addr.clone())
    }

    /// The native server, shared: for a gateway that needs a handle on its own server, or a
    /// thread that stops it. `None` under a WSGI-style app.
    pub fn shared_server(&self) -> Option<Arc<HttpServer>> {
        match &self.server {
            Served::Native(server) => Some(Arc::clone(server)),
            Served::Wsgi(_) => None,
        }
    }

    /// The server itself (stats, settings, `stop`).
    pub fn server(&self) -> &HttpServer {
        self.server.http()
    }

    /// Stops the server and joins its thread, returning what `serve()` returned.
    ///
    /// # Errors
    ///
    /// What `serve()` returned: an interrupt set on the server, for example.
    ///
    /// # Panics
    ///
    /// If the serving thread panicked.
    pub fn stop(mut self) -> Result<(), ServerError> {
        self.shutdown()
    }

    fn shutdown(&mut self) -> Result<(), ServerError> {
        self.server.http().stop();
        let result = match self.thread.take() {
            Some(thread) => thread.join().expect("the test server thread panicked"),
            None => Ok(()),
        };
        self.dir.take();
        result
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.server.http().stop();
        if let Some(thread) = self.thread.take() {
            // A panic here would abort a test that is already unwinding; the result was
            // available through `stop()`.
            let _ = thread.join();
        }
    }
}

/// A directory under the system temporary directory, removed with its contents on drop.
#[derive(Debug)]
struct TempDir {
    path: PathBuf,
}

impl TempDir {
    fn new() -> std::io::Result<TempDir> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let base = std::env::temp_dir();
        let mut attempts = 0;
        loop {
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let path = base.join(format!("cheroot-test-{}-{n}", std::process::id()));
            match std::fs::create_dir(&path) {
                Ok(()) => return Ok(TempDir { path }),
                // A leftover from an earlier process with the same pid: take the next name.
                Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists && attempts < 100 => {
                    attempts += 1;
                }
                Err(err) => return Err(err),
            }
        }
    }

    fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}
