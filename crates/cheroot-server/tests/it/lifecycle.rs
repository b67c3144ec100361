//! The server's lifecycle: prepare, serve, stop, interrupt, bind addresses, validation.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use cheroot_server::{BindAddr, HttpServer, ServerConfig};

use super::apps::TestApp;
use super::support::{connect, send_holds, start, test_config, wait_until};

fn loopback() -> BindAddr {
    BindAddr::Tcp {
        host: "127.0.0.1".to_owned(),
        port: 0,
    }
}

#[test]
fn prepare_makes_server_ready() {
    // test_server.py::test_prepare_makes_server_ready
    let server = HttpServer::with_config(loopback(), TestApp::new(true), test_config());
    assert!(!server.ready());
    server.prepare().expect("prepare");
    assert!(server.ready());
    assert_eq!(server.stats().threads, 2, "minthreads workers started");
    server.stop();
    assert!(!server.ready());
    server.stop(); // idempotent
}

#[test]
fn stop_interrupts_serve() {
    // test_server.py::test_stop_interrupts_serve
    let server = start(TestApp::new(true), test_config());
    assert_eq!(
        connect(&server)
            .request("GET", "/hello", &[("Host", "test")], b"")
            .expect("a response")
            .status,
        200
    );
    let http = server.shared_server().expect("a native server");
    let addr = server.socket_addr();
    server.stop().expect("serve() returns Ok after stop()");
    assert!(!http.ready());
    assert!(
        std::net::TcpStream::connect(addr).is_err(),
        "the listener is closed"
    );
}

#[test]
fn server_interrupt() {
    // test_server.py::test_server_interrupt
    let server = start(TestApp::new(true), test_config());
    server
        .server()
        .interrupt(std::io::Error::other("stop right there"));
    let err = server.stop().expect_err("serve() returns the interrupt");
    assert!(err.is_interrupted());
    assert_eq!(err.to_string(), "stop right there");
}

#[test]
fn serve_needs_prepare_and_prepare_runs_once() {
    let server = HttpServer::with_config(loopback(), TestApp::new(true), test_config());
    assert!(
        server
            .serve()
            .expect_err("serve before prepare")
            .is_lifecycle()
    );
    server.prepare().expect("prepare");
    assert!(server.prepare().expect_err("prepare twice").is_lifecycle());
    server.stop();
    // A stop between prepare and serve makes serve return at once (a signal may land there).
    server.serve().expect("serve after an early stop");
    // Once: the next serve without prepare is an error again.
    assert!(server.serve().expect_err("serve twice").is_lifecycle());
    // A stopped server can be prepared again.
    server.prepare().expect("prepare after stop");
    server.stop();
}

#[test]
fn invalid_settings_are_errors() {
    // test_server.py::test_threadpool_invalid_threadrange, test_server.py::test_bind_addr_inet
    let cases = [
        (
            ServerConfig {
                minthreads: 0,
                ..test_config()
            },
            loopback(),
            "min=0 must be > 0",
        ),
        (
            ServerConfig {
                minthreads: 4,
                maxthreads: Some(2),
                ..test_config()
            },
            loopback(),
            "max=2 must be > min=4 (or infinity for no max)",
        ),
        (
            ServerConfig {
                reuse_port: true,
                ..test_config()
            },
            loopback(),
            "Cannot reuse an ephemeral port (0)",
        ),
    ];
    for (config, addr, want) in cases {
        let server = HttpServer::with_config(addr, TestApp::new(true), config);
        let err = server.prepare().expect_err(want);
        assert!(err.is_config());
        assert_eq!(err.to_string(), want);
        assert!(!server.ready());
    }
}

#[test]
fn bind_addr_unix() {
    // test_server.py::test_bind_addr_unix
    let dir = std::env::temp_dir().join(format!("cheroot-it-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let path = dir.join("server.sock");
    let server = Arc::new(HttpServer::with_config(
        BindAddr::Unix(path.clone()),
        TestApp::new(true),
        test_config(),
    ));
    server.prepare().expect("prepare on a UNIX socket");
    assert_eq!(server.bind_addr(), BindAddr::Unix(path.clone()));
    let serving = {
        let server = Arc::clone(&server);
        std::thread::spawn(move || server.serve())
    };
    // The server is built by hand to bind the path this test chose; the client is the
    // shared one.
    let mut client = cheroot_testing::TestClient::new(cheroot_testing::ServerAddr::Unix(path));
    let resp = client
        .request(
            "GET",
            "/hello",
            &[("Host", "t"), ("Connection", "close")],
            b"",
        )
        .expect("a response");
    assert_eq!(resp.status_line(), "HTTP/1.1 200 OK", "{resp}");
    assert_eq!(resp.body_text(), "Hello world!", "{resp}");
    server.stop();
    serving
        .join()
        .expect("serve thread")
        .expect("serve returns Ok");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn stop_with_requests_in_flight_loses_none() {
    let app = TestApp::new(true);
    let probe = app.probe.clone();
    probe.close_gate();
    let config = ServerConfig {
        minthreads: 8,
        ..test_config()
    };
    let server = start(app, config);
    let mut clients = send_holds(&server, 6);
    // All six are inside the gateway when stop() begins.
    assert!(wait_until(Duration::from_secs(5), || probe
        .held
        .load(Ordering::SeqCst)
        == 6));
    let stopper = {
        let server = server.shared_server().expect("a native server");
        std::thread::spawn(move || server.stop())
    };
    assert!(wait_until(Duration::from_secs(5), || !server
        .server()
        .ready()));
    probe.open_gate();
    for client in &mut clients {
        let resp = client.read_response_for("GET").expect("a response");
        assert_eq!((resp.status, resp.body_text().as_str()), (200, "released"));
        assert_eq!(
            resp.header("Connection"),
            Some("close"),
            "in-flight responses close"
        );
    }
    stopper.join().expect("stop thread");
    let http = server.shared_server().expect("a native server");
    server.stop().expect("serve returns Ok");
    assert_eq!(probe.finished.load(Ordering::SeqCst), 6);
    assert_eq!(http.requests_cut_at_stop(), 0, "a clean stop cuts nothing");
}

#[test]
fn stop_closes_idle_keep_alive_connections_at_once() {
    // One connection answered a moment before the stop (still in its short wait with buffers
    // kept), one parked after 300 ms without a request. Neither the read timeout (30 s) nor
    // the shutdown timeout (10 s) may be what ends them: the stop itself must, within
    // moments, inline and on the pool.
    for blocking in [true, false] {
        let config = ServerConfig {
            timeout: Duration::from_secs(30),
            shutdown_timeout: Duration::from_secs(10),
            ..test_config()
        };
        let server = start(TestApp::new(blocking), config);
        let mut parked = connect(&server);
        let mut quick = connect(&server);
        for client in [&mut parked, &mut quick] {
            let resp = client
                .request("GET", "/", &[("Host", "t")], b"")
                .expect("a response");
            assert_eq!(resp.status, 200, "blocking={blocking}");
        }
        std::thread::sleep(Duration::from_millis(300));
        let resp = quick
            .request("GET", "/", &[("Host", "t")], b"")
            .expect("a response");
        assert_eq!(resp.status, 200, "blocking={blocking}");
        let began = std::time::Instant::now();
        server.stop().expect("serve returns Ok");
        let took = began.elapsed();
        assert!(
            took < Duration::from_secs(3),
            "blocking={blocking}: stop took {took:?}, waiting on idle connections"
        );
        for client in [&mut parked, &mut quick] {
            client.wait_closed().expect("closed by the stop");
        }
    }
}

#[test]
fn interrupt_from_a_handler() {
    // test_conn.py::test_kb_int_from_http_handler
    for blocking in [true, false] {
        let app = TestApp::new(blocking);
        let probe = app.probe.clone();
        let server = start(app, test_config());
        probe
            .server
            .set(Arc::downgrade(
                &server.shared_server().expect("a native server"),
            ))
            .expect("set once");
        let mut client = connect(&server);
        let resp = client
            .request("GET", "/interrupt", &[("Host", "test")], b"")
            .expect("a response");
        assert_eq!(resp.body_text(), "interrupting");
        assert_eq!(
            resp.header("Connection"),
            Some("close"),
            "the server is stopping"
        );
        let http = server.shared_server().expect("a native server");
        let err = server
            .stop()
            .expect_err("serve() returns the handler's interrupt");
        assert_eq!(err.to_string(), "interrupted by a handler");
        assert!(!http.ready());
    }
}

#[test]
fn stop_aborts_what_outlives_shutdown_timeout() {
    let app = TestApp::new(true);
    let probe = app.probe.clone();
    probe.close_gate();
    let config = ServerConfig {
        shutdown_timeout: Duration::from_millis(300),
        ..test_config()
    };
    let server = start(app, config);
    let mut stuck = connect(&server);
    stuck
        .send_raw(b"GET /hold HTTP/1.1\r\nHost: t\r\n\r\n")
        .expect("send");
    assert!(wait_until(Duration::from_secs(5), || probe
        .held
        .load(Ordering::SeqCst)
        == 1));
    let http = server.shared_server().expect("a native server");
    server
        .stop()
        .expect("stop returns although a request is stuck");
    // The stuck request's connection was dropped without a response, and the server says so
    // (the command exits 1 on it).
    stuck.wait_closed().expect("closed without a response");
    assert_eq!(http.requests_cut_at_stop(), 1);
    probe.open_gate();
}

#[test]
fn server_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<HttpServer>();
    assert_send_sync::<cheroot_server::ServerError>();
}

/// Set in the child process of `safe_start_returns_ok_when_a_signal_stops_it`.
const SAFE_START_CHILD: &str = "CHEROOT_SAFE_START_CHILD";
/// What that child prints once it serves with its signal handlers installed.
const SERVING: &str = "child: serving";

#[test]
fn safe_start_returns_ok_when_a_signal_stops_it() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    if std::env::var_os(SAFE_START_CHILD).is_some() {
        // The child: serve until the parent's SIGTERM, then say what safe_start returned.
        let server = Arc::new(HttpServer::with_config(
            loopback(),
            TestApp::new(true),
            test_config(),
        ));
        let watching = Arc::clone(&server);
        std::thread::spawn(move || {
            while !watching.ready() {
                std::thread::sleep(Duration::from_millis(10));
            }
            // The handlers are installed right after `ready`, before serving: leave them time.
            std::thread::sleep(Duration::from_millis(300));
            // On a line of its own: libtest's "test ... " line has no newline yet.
            println!("\n{SERVING}");
            // Bounded: a child the signal did not stop ends anyway, and the parent fails.
            std::thread::sleep(Duration::from_secs(30));
            std::process::exit(2);
        });
        let result = server.safe_start();
        println!("\nsafe_start returned {result:?}");
        std::process::exit(i32::from(result.is_err()));
    }
    let mut child = Command::new(std::env::current_exe().expect("the test binary"))
        .args([
            "--exact",
            "it::lifecycle::safe_start_returns_ok_when_a_signal_stops_it",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(SAFE_START_CHILD, "1")
        .stdout(Stdio::piped())
        .spawn()
        .expect("the child test process");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let serving = lines
        .by_ref()
        .map_while(Result::ok)
        .any(|line| line == SERVING);
    assert!(serving, "the child never served");
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let status = child.wait().expect("the child's exit");
    assert!(
        rest.iter()
            .any(|line| line.ends_with("safe_start returned Ok(())")),
        "{rest:?}"
    );
    assert!(status.success(), "{status:?}");
}

// A connection accepted before the stop whose request arrives just after it is served (with
// `Connection: close`), not dropped: at a reload, the stopping worker holds such
// connections while the new workers are ready to serve.
#[test]
fn a_request_arriving_just_after_stop_on_a_fresh_connection_is_served() {
    let server = start(TestApp::new(true), test_config());
    let mut fresh = connect(&server);
    // The server has accepted it (it counts among the live connections) before the stop.
    let http = server.shared_server().expect("a native server");
    assert!(wait_until(Duration::from_secs(5), || http.connections() == 1));
    let stopper = std::thread::spawn(move || http.stop());
    assert!(wait_until(Duration::from_secs(5), || !server
        .server()
        .ready()));
    std::thread::sleep(Duration::from_millis(100));
    let resp = fresh
        .request("GET", "/hello", &[("Host", "test")], b"")
        .expect("a response, not a closed connection");
    assert_eq!(resp.status, 200);
    assert_eq!(resp.header("Connection"), Some("close"));
    stopper.join().expect("stop thread");
    server.stop().expect("serve returns Ok");
}
