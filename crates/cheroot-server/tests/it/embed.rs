//! Embedding on the caller's tokio runtime: `ConnectionServer`, `serve_connection` and
//! `HttpServer::start_on_current_runtime` (issue 15).

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use cheroot_server::{
    BindAddr, ConnectionServer, Gateway, HttpServer, ServerConfig, gateway_fn, serve_connection,
};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::apps::{Probe, TestApp};
use super::support::test_config;

/// A bound on every wait, so a hang fails the test instead of stalling it.
const LIMIT: Duration = Duration::from_secs(10);

const GET_HELLO: &[u8] = b"GET /hello HTTP/1.1\r\nHost: t\r\n\r\n";

fn loopback() -> BindAddr {
    BindAddr::tcp("127.0.0.1", 0).expect("an address")
}

/// `future`'s output, or a panic naming `what` after [`LIMIT`].
async fn within<T>(what: &str, future: impl Future<Output = T>) -> T {
    tokio::time::timeout(LIMIT, future)
        .await
        .unwrap_or_else(|_| panic!("{what}: still waiting after {LIMIT:?}"))
}

/// Waits (bounded, without blocking the runtime) until `cond` holds.
async fn wait_for(what: &str, mut cond: impl FnMut() -> bool) {
    within(what, async {
        while !cond() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await;
}

/// Sends `GET /hold` on `io` and waits until the test app holds it (its gate closed).
async fn send_hold(io: &mut (impl AsyncWrite + Unpin), probe: &Probe) {
    io.write_all(b"GET /hold HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .expect("send");
    wait_for("the held request", || {
        probe.held.load(Ordering::SeqCst) == 1
    })
    .await;
}

/// Reads one response with a `Content-Length`: its head as text and its body.
async fn read_response(io: &mut (impl AsyncRead + Unpin)) -> (String, Vec<u8>) {
    let mut buf = Vec::new();
    let head_end = loop {
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let mut piece = [0u8; 4096];
        let n = within("a response head", io.read(&mut piece))
            .await
            .expect("read");
        assert!(n > 0, "closed before a whole head: {buf:?}");
        buf.extend_from_slice(&piece[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let len: usize = head
        .lines()
        .find_map(|line| line.strip_prefix("Content-Length: "))
        .expect("a Content-Length")
        .parse()
        .expect("a length");
    let mut body = buf.split_off(head_end);
    let missing = len.saturating_sub(body.len());
    let mut rest = vec![0u8; missing];
    within("a response body", io.read_exact(&mut rest))
        .await
        .expect("the body");
    body.extend_from_slice(&rest);
    (head, body)
}

/// Sends `request` and reads its response.
async fn exchange(
    io: &mut (impl AsyncRead + AsyncWrite + Unpin),
    request: &[u8],
) -> (String, Vec<u8>) {
    io.write_all(request).await.expect("send");
    read_response(io).await
}

/// Two requests answered on one keep-alive connection; then the client's EOF ends `serving`.
async fn two_requests_then_eof(
    mut client: tokio::io::DuplexStream,
    serving: impl Future<Output = ()> + Send + 'static,
) {
    let serving = tokio::spawn(serving);
    for _ in 0..2 {
        let (head, body) = exchange(&mut client, GET_HELLO).await;
        assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
        assert!(!head.contains("Connection: close"), "kept alive: {head}");
        assert_eq!(body, b"Hello world!");
    }
    drop(client);
    within("the connection's end at EOF", serving)
        .await
        .expect("the connection task");
}

#[tokio::test]
async fn connection_server_over_duplex_inline_gateway() {
    let server =
        ConnectionServer::new(loopback(), TestApp::new(false), test_config()).expect("server");
    let (client, server_end) = tokio::io::duplex(64 * 1024);
    let serving = server.serve_connection(server_end, None);
    assert_eq!(server.connections(), 1);
    two_requests_then_eof(client, serving).await;
    assert_eq!(server.connections(), 0);
}

#[tokio::test]
async fn serve_connection_over_duplex_blocking_gateway() {
    let hello = gateway_fn(|_req, resp| {
        resp.add_header("Content-Length", "12")?;
        resp.write(b"Hello world!")?;
        Ok(())
    });
    assert!(hello.blocking(), "served by the worker pool");
    let (client, server_end) = tokio::io::duplex(64 * 1024);
    let serving = async move {
        serve_connection(server_end, hello, test_config())
            .await
            .expect("valid settings");
    };
    two_requests_then_eof(client, serving).await;
}

#[tokio::test]
async fn serve_connection_reports_invalid_settings() {
    let (_client, server_end) = tokio::io::duplex(1024);
    let config = ServerConfig {
        minthreads: 0,
        ..test_config()
    };
    let err = serve_connection(server_end, TestApp::new(true), config)
        .await
        .expect_err("minthreads 0");
    assert!(err.is_config(), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_server_over_loopback_tcp() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let local = listener.local_addr().expect("local address");
    let whoami = gateway_fn(|req, resp| {
        // What a gateway sees of the two ends: the client's address, the server's port.
        let conn = req.conn();
        let text = format!("{} {}", conn.remote_addr(), conn.bind_addr());
        resp.add_header("Content-Length", text.len().to_string())?;
        resp.write(text.as_bytes())?;
        Ok(())
    });
    let bind_addr = BindAddr::tcp(local.ip().to_string(), local.port()).expect("an address");
    let server = ConnectionServer::new(bind_addr, whoami, test_config()).expect("server");
    let accepting = tokio::spawn(async move {
        let (stream, peer) = listener.accept().await.expect("accept");
        server.serve_connection(stream, Some(peer)).await;
    });
    let mut client = TcpStream::connect(local).await.expect("connect");
    for _ in 0..2 {
        let (head, body) = exchange(&mut client, b"GET / HTTP/1.1\r\nHost: t\r\n\r\n").await;
        assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
        assert_eq!(String::from_utf8_lossy(&body), format!("127.0.0.1 {local}"));
    }
    client.shutdown().await.expect("half-close");
    within("the connection's end at EOF", accepting)
        .await
        .expect("the connection task");
}

#[tokio::test]
async fn malformed_request_gets_400_and_the_connection_ends() {
    let server =
        ConnectionServer::new(loopback(), TestApp::new(false), test_config()).expect("server");
    let (mut client, server_end) = tokio::io::duplex(64 * 1024);
    let serving = tokio::spawn(server.serve_connection(server_end, None));
    client.write_all(b"GARBAGE\r\n\r\n").await.expect("send");
    let mut answer = Vec::new();
    within("the server's close", client.read_to_end(&mut answer))
        .await
        .expect("read");
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.starts_with("HTTP/1.1 400 Bad Request\r\n"),
        "{answer}"
    );
    // The client keeps its end open: the server stops lingering on its own.
    within("the connection's end", serving)
        .await
        .expect("the connection task");
    assert_eq!(server.connections(), 0);
}

#[tokio::test]
async fn connection_server_stops_gracefully() {
    let app = TestApp::new(true);
    let probe = Arc::clone(&app.probe);
    probe.close_gate();
    let server = ConnectionServer::new(loopback(), app, test_config()).expect("server");
    let (mut parked, parked_end) = tokio::io::duplex(64 * 1024);
    let parked_serving = tokio::spawn(server.serve_connection(parked_end, None));
    let (head, _) = exchange(&mut parked, GET_HELLO).await;
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    let (mut held, held_end) = tokio::io::duplex(64 * 1024);
    let held_serving = tokio::spawn(server.serve_connection(held_end, None));
    send_hold(&mut held, &probe).await;

    server.stop();
    within("the parked connection's end", parked_serving)
        .await
        .expect("the connection task");
    probe.open_gate();
    let (head, body) = read_response(&mut held).await;
    assert!(head.contains("Connection: close\r\n"), "{head}");
    assert_eq!(body, b"released");
    within("the held connection's end", held_serving)
        .await
        .expect("the connection task");
    // Handed over after the stop with a request waiting: answered, then closed.
    let (mut late, late_end) = tokio::io::duplex(1024);
    late.write_all(GET_HELLO).await.expect("send");
    within(
        "the late connection's end",
        server.serve_connection(late_end, None),
    )
    .await;
    let (head, _) = read_response(&mut late).await;
    assert!(head.contains("Connection: close\r\n"), "{head}");
    assert_eq!(late.read(&mut [0u8; 16]).await.expect("read"), 0, "closed");
}

/// `HttpServer::start_on_current_runtime` for `app`, with its address once it is ready.
async fn start_embedded(
    app: TestApp,
    config: ServerConfig,
) -> (
    Arc<HttpServer>,
    SocketAddr,
    tokio::task::JoinHandle<Result<(), cheroot_server::ServerError>>,
) {
    let server = Arc::new(HttpServer::with_config(loopback(), app, config));
    let serving = tokio::spawn({
        let server = Arc::clone(&server);
        async move { server.start_on_current_runtime().await }
    });
    wait_for("the server's start", || server.ready()).await;
    let BindAddr::Tcp { port, .. } = server.bind_addr() else {
        panic!("a TCP address");
    };
    (server, SocketAddr::from(([127, 0, 0, 1], port)), serving)
}

/// A parked connection closes at `stop()`, an in-flight request finishes with `Connection:
/// close`, and the future resolves once the server has stopped.
async fn embedded_server_stops_gracefully() {
    let app = TestApp::new(true);
    let probe = Arc::clone(&app.probe);
    probe.close_gate();
    let (server, addr, serving) = start_embedded(app, test_config()).await;
    let mut parked = TcpStream::connect(addr).await.expect("connect");
    let (head, _) = exchange(&mut parked, GET_HELLO).await;
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    let mut held = TcpStream::connect(addr).await.expect("connect");
    send_hold(&mut held, &probe).await;

    // From a task of the runtime the server runs on: must not block it.
    server.stop();
    assert!(!server.ready());
    let mut rest = Vec::new();
    within(
        "the parked connection's close",
        parked.read_to_end(&mut rest),
    )
    .await
    .expect("read");
    assert!(rest.is_empty(), "closed without a word: {rest:?}");
    probe.open_gate();
    let (head, body) = read_response(&mut held).await;
    assert!(head.contains("Connection: close\r\n"), "{head}");
    assert_eq!(body, b"released");
    within("the server's stop", serving)
        .await
        .expect("the server task")
        .expect("a clean stop");
    assert_eq!(server.requests_cut_at_stop(), 0);
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "no longer listening"
    );
}

#[tokio::test]
async fn embedded_server_stops_gracefully_current_thread() {
    embedded_server_stops_gracefully().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embedded_server_stops_gracefully_multi_thread() {
    embedded_server_stops_gracefully().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embedded_server_cuts_what_outlives_shutdown_timeout() {
    let app = TestApp::new(true);
    let probe = Arc::clone(&app.probe);
    probe.close_gate();
    let config = ServerConfig {
        shutdown_timeout: Duration::from_millis(300),
        ..test_config()
    };
    let (server, addr, serving) = start_embedded(app, config).await;
    let mut stuck = TcpStream::connect(addr).await.expect("connect");
    send_hold(&mut stuck, &probe).await;
    server.stop();
    within("the server's stop", serving)
        .await
        .expect("the server task")
        .expect("stops although a request is stuck");
    // The runtime is not the server's to shut down, yet the stuck connection was closed,
    // without a response, while its request still waits at the gate.
    let mut rest = Vec::new();
    let _ = within("the stuck connection's close", stuck.read_to_end(&mut rest)).await;
    assert!(rest.is_empty(), "no response: {rest:?}");
    assert_eq!(server.requests_cut_at_stop(), 1);
    probe.open_gate();
}

#[tokio::test]
async fn dropping_the_future_stops_the_server() {
    let (server, addr, serving) = start_embedded(TestApp::new(false), test_config()).await;
    serving.abort();
    let _ = serving.await;
    wait_for("the stop", || !server.ready()).await;
    wait_for("the listener's close", || {
        std::net::TcpStream::connect(addr).is_err()
    })
    .await;
}

#[tokio::test]
async fn a_dropped_connection_server_leaves_no_task_behind() {
    let metrics = tokio::runtime::Handle::current().metrics();
    let before = metrics.num_alive_tasks();
    let server =
        ConnectionServer::new(loopback(), TestApp::new(true), test_config()).expect("server");
    assert!(
        metrics.num_alive_tasks() > before,
        "the clock ticks on this runtime"
    );
    drop(server);
    wait_for("the server's tasks to end", || {
        metrics.num_alive_tasks() == before
    })
    .await;
}
