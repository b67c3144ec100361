//! Many idle connections, slow clients, and clients that vanish mid-request.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use cheroot_server::ServerConfig;

use super::apps::TestApp;
use super::support::{connect, send_holds, start, test_config, wait_until};

#[test]
fn five_thousand_idle_keep_alive_connections() {
    const IDLE: usize = 5_000;
    let config = ServerConfig {
        timeout: Duration::from_secs(60),
        request_queue_size: 4096,
        ..test_config()
    };
    let server = start(TestApp::new(false), config);
    let mut clients: Vec<cheroot_testing::TestClient> = Vec::with_capacity(IDLE);
    for _ in 0..IDLE {
        let mut client = connect(&server);
        client
            .send_raw(b"GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            .expect("send");
        clients.push(client);
    }
    for client in &mut clients {
        assert_eq!(
            client.read_response_for("GET").expect("a response").status,
            200
        );
    }
    assert!(
        wait_until(Duration::from_secs(20), || server
            .server()
            .idle_connections()
            == IDLE),
        "parked: {}",
        server.server().idle_connections()
    );
    // A new client is still served while they are all held open.
    let mut fresh = connect(&server);
    assert_eq!(
        fresh
            .request("GET", "/hello", &[("Host", "test")], b"")
            .expect("a response")
            .body_text(),
        "Hello world!"
    );
    // And a parked one still works.
    assert_eq!(
        clients[IDLE / 2]
            .request("GET", "/hello", &[("Host", "test")], b"")
            .expect("a response")
            .body_text(),
        "Hello world!"
    );
    drop(clients);
    drop(fresh);
    assert!(wait_until(Duration::from_secs(20), || server
        .server()
        .connections()
        == 0));
}

#[test]
fn slow_client_does_not_delay_others() {
    for blocking in [true, false] {
        let server = start(TestApp::new(blocking), test_config());
        let request = b"GET /hello HTTP/1.1\r\nHost: t\r\n\r\n";
        let sent = Arc::new(AtomicUsize::new(0));
        let other_done = Arc::new(AtomicBool::new(false));
        let (started_tx, started_rx) = mpsc::channel();
        let slow = {
            let mut client = connect(&server);
            let sent = Arc::clone(&sent);
            let other_done = Arc::clone(&other_done);
            std::thread::spawn(move || {
                let mut sent_when_other_done = None;
                for (i, byte) in request.iter().enumerate() {
                    client.send_raw(std::slice::from_ref(byte)).expect("send");
                    sent.store(i + 1, Ordering::SeqCst);
                    if i == 2 {
                        let _ = started_tx.send(());
                    }
                    if sent_when_other_done.is_none() && other_done.load(Ordering::SeqCst) {
                        sent_when_other_done = Some(i + 1);
                    }
                    std::thread::sleep(Duration::from_millis(100));
                }
                (
                    sent_when_other_done,
                    client.read_response_for("GET").expect("a response").status,
                )
            })
        };
        started_rx
            .recv_timeout(Duration::from_secs(10))
            .expect("the slow client started");
        let mut other = connect(&server);
        assert_eq!(
            other
                .request("GET", "/hello", &[("Host", "test")], b"")
                .expect("a response")
                .status,
            200
        );
        other_done.store(true, Ordering::SeqCst);
        let (sent_when_other_done, slow_status) = slow.join().expect("slow client thread");
        // The other client finished while the slow one was still sending its head.
        let at = sent_when_other_done
            .expect("the other client finished before the slow one sent everything");
        assert!(
            at < request.len(),
            "slow client had sent {at} of {} bytes",
            request.len()
        );
        assert_eq!(slow_status, 200, "the slow client is served too");
    }
}

#[test]
fn client_gone_mid_body_leaves_nothing_behind() {
    for blocking in [true, false] {
        let server = start(TestApp::new(blocking), test_config());
        {
            let mut client = connect(&server);
            client
                .send_raw(b"POST /echo_len HTTP/1.1\r\nHost: t\r\nContent-Length: 1000000\r\n\r\n")
                .expect("send");
            client.send_raw(&[b'x'; 10_000]).expect("send");
            assert!(wait_until(Duration::from_secs(5), || server
                .server()
                .connections()
                == 1));
        }
        {
            let mut client = connect(&server);
            client
                .send_raw(
                    b"POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
                )
                .expect("send");
        }
        {
            let mut client = connect(&server);
            client
                .send_raw(b"GET /hello HTTP/1.1\r\nHost: t\r\nX-Half: ")
                .expect("send");
        }
        assert!(
            wait_until(Duration::from_secs(10), || server.server().connections()
                == 0),
            "connections left: {}",
            server.server().connections()
        );
        let stats = server.server().stats();
        assert!(
            wait_until(Duration::from_secs(10), || {
                let stats = server.server().stats();
                stats.threads_idle == stats.threads
            }),
            "workers still busy: {stats:?}"
        );
        assert_eq!(
            connect(&server)
                .request("GET", "/hello", &[("Host", "test")], b"")
                .expect("a response")
                .status,
            200
        );
    }
}

#[test]
fn client_gone_mid_response_leaves_nothing_behind() {
    for blocking in [true, false] {
        let server = start(TestApp::new(blocking), test_config());
        {
            let mut client = connect(&server);
            client
                .send_raw(b"GET /endless HTTP/1.1\r\nHost: t\r\n\r\n")
                .expect("send");
            let mut seen = client.read_some().expect("read").len();
            while seen < 100_000 {
                seen += client.read_some().expect("read").len();
            }
        }
        assert!(
            wait_until(Duration::from_secs(10), || server.server().connections()
                == 0),
            "connections left: {}",
            server.server().connections()
        );
        assert!(wait_until(Duration::from_secs(10), || {
            let stats = server.server().stats();
            stats.threads_idle == stats.threads
        }));
        assert_eq!(
            connect(&server)
                .request("GET", "/hello", &[("Host", "test")], b"")
                .expect("a response")
                .status,
            200
        );
    }
}

#[test]
fn blocked_workers_get_more_threads_up_to_maxthreads() {
    // The pool starts at minthreads; requests that block every thread make it grow (cheroot's
    // pool never does), and never past maxthreads.
    let app = TestApp::new(true);
    let probe = app.probe.clone();
    probe.close_gate();
    let config = ServerConfig {
        minthreads: 1,
        maxthreads: Some(4),
        ..test_config()
    };
    let server = start(app, config);
    let mut clients = send_holds(&server, 6);
    assert!(
        wait_until(Duration::from_secs(10), || probe
            .held
            .load(Ordering::SeqCst)
            == 4),
        "four requests held at once: {}",
        probe.held.load(Ordering::SeqCst)
    );
    // Give the pool a chance to go past its limit before checking it did not.
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(
        probe.held.load(Ordering::SeqCst),
        4,
        "never past maxthreads"
    );
    probe.open_gate();
    for client in &mut clients {
        let resp = client.read_response_for("GET").expect("a response");
        assert_eq!((resp.status, resp.body_text().as_str()), (200, "released"));
    }
    assert_eq!(probe.finished.load(Ordering::SeqCst), 6);
}

#[test]
fn slow_bodies_hold_no_worker_thread_and_run_out_of_time() {
    // Slow bodies hold no worker thread: 300 clients sending `Content-Length: 1000` one byte every
    // 2 s took the process from 15 to 306 threads, all still open 16 s later. The body is now read
    // on the I/O side before a worker runs the app, and must come at 1 KiB/s once `body_timeout` of
    // waiting is spent.
    const CLIENTS: usize = 40;
    let config = ServerConfig {
        minthreads: 2,
        maxthreads: Some(64),
        timeout: Duration::from_secs(5),
        body_timeout: Duration::from_secs(1),
        ..test_config()
    };
    let server = start(TestApp::new(true), config);
    let started = std::time::Instant::now();
    let mut clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let mut client = connect(&server);
            client
                .send_raw(b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\nx")
                .expect("send");
            client
        })
        .collect();
    // A byte now and then, well inside the read timeout.
    for _ in 0..3 {
        std::thread::sleep(Duration::from_millis(200));
        for client in &mut clients {
            let _ = client.send_raw(b"x");
        }
        let stats = server.server().stats();
        assert_eq!(
            (stats.threads, stats.threads_idle),
            (2, 2),
            "no worker waits on a slow body"
        );
    }
    // Past the budget: 408 for every one of them, long before the 5 s read timeout would.
    for client in &mut clients {
        let resp = client.read_response_for("POST").expect("a response");
        assert_eq!(resp.status, 408);
    }
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    let stats = server.server().stats();
    assert_eq!(stats.threads, 2, "{stats:?}");
}

#[test]
fn an_unread_body_cannot_trickle_the_connection_open() {
    // The app answers without reading; the server then drains the body to keep the
    // connection, within the same body budget: a trickle gets the connection closed.
    let config = ServerConfig {
        timeout: Duration::from_secs(5),
        body_timeout: Duration::from_secs(1),
        ..test_config()
    };
    let server = start(TestApp::new(true), config);
    let mut client = connect(&server);
    client
        .send_raw(b"POST /no_read HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n")
        .expect("send");
    // Past the part read before the app runs.
    client.send_raw(&[b'x'; 17 * 1024]).expect("send");
    let resp = client.read_response_for("POST").expect("a response");
    assert_eq!(resp.body_text(), "not read");
    // Closed after the 1 s budget and up to 2 s of lingering (about 3.2 s on a quiet
    // machine); a trickle of 5 bytes a second would otherwise hold it for hours. The bound
    // leaves room for a loaded machine.
    let limit = Duration::from_secs(8);
    let started = std::time::Instant::now();
    let mut closed = false;
    while started.elapsed() < limit {
        std::thread::sleep(Duration::from_millis(200));
        if client.send_raw(b"x").is_err() {
            closed = true;
            break;
        }
    }
    assert!(
        closed || client.wait_closed().is_ok(),
        "still open after {limit:?}"
    );
    assert!(started.elapsed() < limit, "{:?}", started.elapsed());
}
