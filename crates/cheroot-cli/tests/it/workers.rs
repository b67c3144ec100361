//! Worker processes, black-box: N workers serve, a killed worker is replaced, SIGHUP reloads
//! (new certificate included) without losing a request, `--max-requests` recycles under load,
//! `--worker-timeout` kills a stuck worker, and the statistics page adds up. Every load loop
//! is bounded in count and time.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use cheroot_testing::{ServerAddr, TestClient};

use super::process::Server;

/// How long a test waits for the workers to reach a state.
const SETTLE: Duration = Duration::from_secs(20);

/// One worker's row of the statistics page.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Row {
    number: u64,
    pid: i32,
    ready: bool,
    handled: u64,
}

/// The statistics page, as far as these tests read it.
#[derive(Debug)]
struct Page {
    requests: u64,
    rows: Vec<Row>,
}

/// The integer after `"key": ` in `text`.
fn number_after(text: &str, key: &str) -> u64 {
    let pattern = format!("\"{key}\": ");
    let start = text
        .find(&pattern)
        .unwrap_or_else(|| panic!("no {key} in {text}"))
        + pattern.len();
    let digits: String = text[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("{key} is not a number in {text}"))
}

fn stats(addr: &ServerAddr) -> Page {
    let mut client = TestClient::new(addr.clone());
    let response = client.get("/stats").expect("the statistics page answers");
    response
        .assert_status(200)
        .assert_header("Content-Type", "application/json");
    let text = response.body_text();
    let (totals, workers) = text
        .split_once("\"Worker Processes\"")
        .expect("a worker list");
    let rows = workers
        .lines()
        .filter(|line| line.trim_start().starts_with("{\"Worker\""))
        .map(|line| Row {
            number: number_after(line, "Worker"),
            pid: i32::try_from(number_after(line, "PID")).expect("a pid"),
            ready: line.contains("\"Ready\": true"),
            handled: number_after(line, "Handled"),
        })
        .collect();
    Page {
        requests: number_after(totals, "Requests"),
        rows,
    }
}

/// Polls the statistics page until `done` holds (at most [`SETTLE`]).
fn wait_for(addr: &ServerAddr, what: &str, done: impl Fn(&Page) -> bool) -> Page {
    let deadline = Instant::now() + SETTLE;
    loop {
        let page = stats(addr);
        if done(&page) {
            return page;
        }
        assert!(
            Instant::now() < deadline,
            "waited {SETTLE:?} for {what}: {page:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn ready_pids(page: &Page) -> Vec<i32> {
    page.rows
        .iter()
        .filter(|r| r.ready)
        .map(|r| r.pid)
        .collect()
}

fn tcp(addr: &ServerAddr) -> SocketAddr {
    match addr {
        ServerAddr::Tcp(addr) => *addr,
        other => panic!("not TCP: {other:?}"),
    }
}

/// `GET /hello` on `stream` (a new connection when `None`), read to the end of its
/// 12-byte body. A reused connection the server closed before answering is retried once on
/// a new one, as RFC 9112 section 9.3.1 lets a client do; any other failure is lost.
fn hello(addr: SocketAddr, stream: &mut Option<TcpStream>, keep_alive: bool) -> Result<(), String> {
    let reused = stream.is_some();
    match exchange(addr, stream, keep_alive) {
        Ok(()) => Ok(()),
        Err(Failure::ClosedBeforeAnswer) if reused => {
            *stream = None;
            exchange(addr, stream, keep_alive).map_err(|f| format!("{f} on retry"))
        }
        Err(failure) => Err(failure.to_string()),
    }
}

#[derive(Debug)]
enum Failure {
    ClosedBeforeAnswer,
    Other(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::ClosedBeforeAnswer => f.write_str("closed before any answer"),
            Failure::Other(what) => f.write_str(what),
        }
    }
}

fn exchange(
    addr: SocketAddr,
    slot: &mut Option<TcpStream>,
    keep_alive: bool,
) -> Result<(), Failure> {
    let other = |e: std::io::Error| Failure::Other(e.to_string());
    if slot.is_none() {
        let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).map_err(other)?;
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .map_err(other)?;
        *slot = Some(stream);
    }
    let stream = slot.as_mut().expect("connected");
    let connection = if keep_alive { "keep-alive" } else { "close" };
    let request = format!("GET /hello HTTP/1.1\r\nHost: t\r\nConnection: {connection}\r\n\r\n");
    if let Err(err) = stream.write_all(request.as_bytes()) {
        *slot = None;
        return Err(
            if err.kind() == std::io::ErrorKind::BrokenPipe
                || err.kind() == std::io::ErrorKind::ConnectionReset
            {
                Failure::ClosedBeforeAnswer
            } else {
                Failure::Other(err.to_string())
            },
        );
    }
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) if got.is_empty() => {
                *slot = None;
                return Err(Failure::ClosedBeforeAnswer);
            }
            Ok(0) => {
                *slot = None;
                return Err(Failure::Other(format!(
                    "cut after {:?}",
                    String::from_utf8_lossy(&got)
                )));
            }
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(err) => {
                *slot = None;
                return Err(Failure::Other(err.to_string()));
            }
        }
        if got.ends_with(b"Hello world!") {
            break;
        }
    }
    if !got.starts_with(b"HTTP/1.1 200 OK\r\n") {
        *slot = None;
        return Err(Failure::Other(String::from_utf8_lossy(&got).into_owned()));
    }
    let closes = String::from_utf8_lossy(&got)
        .to_ascii_lowercase()
        .contains("connection: close");
    if !keep_alive || closes {
        *slot = None;
    }
    Ok(())
}

/// Clients sending `GET /hello` until `stop` (each at most `limit` requests): half on
/// keep-alive connections, half on a new connection per request. Returns the requests that
/// succeeded and the failures.
struct Load {
    stop: Arc<AtomicBool>,
    done: Arc<AtomicU64>,
    threads: Vec<std::thread::JoinHandle<Vec<String>>>,
}

impl Load {
    fn start(addr: SocketAddr, clients: usize, limit: u64) -> Load {
        let stop = Arc::new(AtomicBool::new(false));
        let done = Arc::new(AtomicU64::new(0));
        let threads = (0..clients)
            .map(|i| {
                let stop = Arc::clone(&stop);
                let done = Arc::clone(&done);
                std::thread::spawn(move || {
                    let keep_alive = i % 2 == 0;
                    let mut stream = None;
                    let mut failures = Vec::new();
                    for _ in 0..limit {
                        if stop.load(Ordering::Relaxed) {
                            break;
                        }
                        match hello(addr, &mut stream, keep_alive) {
                            Ok(()) => {
                                done.fetch_add(1, Ordering::Relaxed);
                            }
                            Err(failure) => failures.push(failure),
                        }
                    }
                    failures
                })
            })
            .collect();
        Load {
            stop,
            done,
            threads,
        }
    }

    fn done(&self) -> u64 {
        self.done.load(Ordering::Relaxed)
    }

    /// Stops the clients; returns (successes, failures).
    fn finish(self) -> (u64, Vec<String>) {
        self.stop.store(true, Ordering::Relaxed);
        let failures = self
            .threads
            .into_iter()
            .flat_map(|t| t.join().expect("a client thread"))
            .collect();
        (self.done.load(Ordering::Relaxed), failures)
    }
}

fn start(extra: &[&str]) -> Server {
    let mut args = vec!["--bind", "127.0.0.1:0", "--stats-path", "/stats"];
    args.extend_from_slice(extra);
    args.push("builtin:echo");
    Server::start(&args)
}

#[test]
fn every_worker_serves_and_the_statistics_add_up() {
    let server = start(&["--workers", "2"]);
    let addr = server.addr().clone();
    let page = wait_for(&addr, "two ready workers", |p| ready_pids(p).len() == 2);
    let pids = ready_pids(&page);
    assert!(pids.iter().all(|&pid| pid != server.pid()), "{pids:?}");
    // New connections until both workers answered some (the kernel picks who accepts).
    let target = tcp(&addr);
    let mut sent = 0u64;
    let deadline = Instant::now() + SETTLE;
    loop {
        for _ in 0..20 {
            hello(target, &mut None, false).expect("a request succeeds");
            sent += 1;
        }
        let page = stats(&addr);
        if page.rows.iter().all(|r| r.handled > 0) {
            break;
        }
        assert!(
            Instant::now() < deadline && sent < 5000,
            "one worker got nothing: {page:?}"
        );
    }
    // Handled counts are live; the server's figures are published every 250 ms. The page's
    // own requests count as served requests but never reach the app.
    let page = wait_for(&addr, "every request counted", |p| {
        p.rows.iter().map(|r| r.handled).sum::<u64>() == sent && p.requests >= sent
    });
    assert!(page.requests < sent + 1000, "{page:?}");
    let mut client = TestClient::new(addr.clone());
    let prometheus = client
        .request("GET", "/stats", &[("Accept", "text/plain")], b"")
        .expect("the page answers");
    prometheus.assert_status(200);
    let text = prometheus.body_text();
    assert!(text.contains("cheroot_workers 2\n"), "{text}");
    let handled: u64 = text
        .lines()
        .filter(|l| l.starts_with("cheroot_handled_total{"))
        .map(|l| l.rsplit(' ').next().unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(handled, sent, "{text}");
    let (status, stderr) = server.stop_with(Signal::SIGTERM);
    assert!(status.success(), "{status}; {stderr}");
    assert_eq!(stderr.matches(" stopped\n").count(), 2, "{stderr}");
}

#[test]
fn a_killed_worker_is_replaced_and_no_request_fails() {
    let server = start(&["--workers", "2"]);
    let addr = server.addr().clone();
    let page = wait_for(&addr, "two ready workers", |p| ready_pids(p).len() == 2);
    let victim = page.rows[0].pid;
    kill(Pid::from_raw(victim), Signal::SIGKILL).expect("kill the worker");
    // The other worker takes every new connection while the master replaces the dead one.
    let target = tcp(&addr);
    for _ in 0..50 {
        hello(target, &mut None, false).expect("no request fails");
    }
    let page = wait_for(&addr, "a replacement", |p| {
        ready_pids(p).len() == 2 && !ready_pids(p).contains(&victim)
    });
    assert!(page.rows.iter().any(|r| r.number == 3), "{page:?}");
    let (status, stderr) = server.stop_with(Signal::SIGTERM);
    assert!(status.success(), "{status}; {stderr}");
    assert!(
        stderr.contains(&format!(
            "(pid {victim}) was killed by SIGKILL unexpectedly; starting another"
        )),
        "{stderr}"
    );
}

#[test]
fn sighup_reloads_without_losing_a_request() {
    let server = start(&["--workers", "2"]);
    let addr = server.addr().clone();
    let before = ready_pids(&wait_for(&addr, "two ready workers", |p| {
        ready_pids(p).len() == 2
    }));
    let load = Load::start(tcp(&addr), 4, 20_000);
    let deadline = Instant::now() + SETTLE;
    while load.done() < 200 {
        assert!(Instant::now() < deadline, "the load does not run");
        std::thread::sleep(Duration::from_millis(10));
    }
    kill(Pid::from_raw(server.pid()), Signal::SIGHUP).expect("SIGHUP");
    let page = wait_for(&addr, "the new generation alone", |p| {
        p.rows.len() == 2 && p.rows.iter().all(|r| r.ready && !before.contains(&r.pid))
    });
    let reloaded_at = load.done();
    let deadline = Instant::now() + SETTLE;
    while load.done() < reloaded_at + 200 {
        assert!(
            Instant::now() < deadline,
            "the load stopped after the reload"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let (succeeded, failures) = load.finish();
    assert!(failures.is_empty(), "{} lost: {failures:?}", failures.len());
    assert!(succeeded >= 400, "{succeeded}");
    assert!(page.rows.iter().all(|r| r.number >= 3), "{page:?}");
    let (status, stderr) = server.stop_with(Signal::SIGTERM);
    assert!(status.success(), "{status}; {stderr}");
    assert!(
        stderr.contains("SIGHUP received: starting 2 new worker(s)"),
        "{stderr}"
    );
}

#[test]
fn max_requests_recycles_workers_under_load_without_a_failure() {
    let server = start(&[
        "--workers",
        "2",
        "--max-requests",
        "50",
        "--max-requests-jitter",
        "10",
    ]);
    let addr = server.addr().clone();
    wait_for(&addr, "two ready workers", |p| ready_pids(p).len() == 2);
    let load = Load::start(tcp(&addr), 4, 150);
    let (succeeded, failures) = load.finish_when_done();
    assert!(failures.is_empty(), "{} lost: {failures:?}", failures.len());
    assert_eq!(succeeded, 600);
    // Both first workers passed their maximum and were replaced (a worker serves on until
    // its replacement is ready, so the count it reaches is not exact).
    wait_for(&addr, "replacements", |p| {
        ready_pids(p).len() == 2 && p.rows.iter().all(|r| r.number >= 3)
    });
    let (status, stderr) = server.stop_with(Signal::SIGTERM);
    assert!(status.success(), "{status}; {stderr}");
    assert!(
        stderr.contains("(its maximum): asking to be replaced"),
        "{stderr}"
    );
}

impl Load {
    /// Waits until every client sent its `limit` (at most [`SETTLE`] more), then finishes.
    fn finish_when_done(self) -> (u64, Vec<String>) {
        let deadline = Instant::now() + SETTLE;
        while !self
            .threads
            .iter()
            .all(std::thread::JoinHandle::is_finished)
        {
            assert!(Instant::now() < deadline, "the clients did not finish");
            std::thread::sleep(Duration::from_millis(20));
        }
        self.finish()
    }
}

#[test]
fn a_request_stuck_past_the_worker_timeout_kills_its_worker() {
    let server = start(&["--workers", "1", "--worker-timeout", "1"]);
    let addr = server.addr().clone();
    let first = ready_pids(&wait_for(&addr, "a ready worker", |p| {
        ready_pids(p).len() == 1
    }));
    let started = Instant::now();
    let mut stuck = TestClient::new(addr.clone());
    stuck.set_timeout(Duration::from_secs(10));
    let answer = stuck.get("/slow?ms=8000");
    // The worker is killed after about a second: the connection closes with no answer.
    assert!(answer.is_err(), "{answer:?}");
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "{:?}",
        started.elapsed()
    );
    let page = wait_for(&addr, "a replacement", |p| {
        ready_pids(p).len() == 1 && !ready_pids(p).contains(&first[0])
    });
    assert_eq!(page.rows[0].number, 2, "{page:?}");
    TestClient::new(addr.clone())
        .get("/hello")
        .expect("served")
        .assert_status(200);
    let (status, stderr) = server.stop_with(Signal::SIGTERM);
    assert!(status.success(), "{status}; {stderr}");
    assert!(
        stderr.contains("request \"GET /slow?ms=8000 from 127.0.0.1:")
            && stderr.contains("longer than the worker timeout (1.0 s): killing the worker"),
        "{stderr}"
    );
}

#[test]
fn sigterm_lets_every_worker_finish_its_requests() {
    let server = start(&["--workers", "2", "--shutdown-timeout", "5"]);
    let addr = server.addr().clone();
    wait_for(&addr, "two ready workers", |p| ready_pids(p).len() == 2);
    let slow: Vec<_> = (0..4)
        .map(|_| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                let mut client = TestClient::new(addr);
                client.set_timeout(Duration::from_secs(10));
                client.get("/slow?ms=1000")
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let (status, stderr) = server.stop_with(Signal::SIGTERM);
    for answer in slow {
        answer
            .join()
            .expect("a client")
            .expect("answered")
            .assert_status(200);
    }
    assert!(status.success(), "{status}; {stderr}");
}

#[test]
fn the_statistics_can_have_an_address_of_their_own() {
    let stats_port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        probe.local_addr().expect("an address").port()
    };
    let stats_bind = format!("127.0.0.1:{stats_port}");
    let server = start(&["--workers", "2", "--stats-bind", &stats_bind]);
    let stats_addr = ServerAddr::Tcp(stats_bind.parse().expect("an address"));
    wait_for(&stats_addr, "two ready workers", |p| {
        ready_pids(p).len() == 2
    });
    // On the app's address the path is the app's (the echo app has no /stats).
    let mut app = TestClient::new(server.addr().clone());
    let answer = app.get("/stats").expect("answered");
    assert!(
        !answer.body_text().contains("Worker Processes"),
        "{answer:?}"
    );
    let mut other = TestClient::new(stats_addr.clone());
    other.get("/other").expect("answered").assert_status(404);
    let (status, stderr) = server.stop_with(Signal::SIGTERM);
    assert!(status.success(), "{status}; {stderr}");
}

#[test]
fn sigttin_adds_a_worker_and_sigttou_removes_one() {
    let server = start(&["--workers", "1"]);
    let addr = server.addr().clone();
    wait_for(&addr, "one ready worker", |p| ready_pids(p).len() == 1);
    let master = Pid::from_raw(server.pid());
    // One at a time: two of the same signal sent together may arrive as one.
    kill(master, Signal::SIGTTIN).expect("SIGTTIN");
    wait_for(&addr, "two ready workers", |p| ready_pids(p).len() == 2);
    kill(master, Signal::SIGTTIN).expect("SIGTTIN");
    wait_for(&addr, "three ready workers", |p| ready_pids(p).len() == 3);
    kill(master, Signal::SIGTTOU).expect("SIGTTOU");
    let page = wait_for(&addr, "two workers", |p| {
        p.rows.len() == 2 && ready_pids(p).len() == 2
    });
    // The oldest goes first.
    assert!(page.rows.iter().all(|r| r.number >= 2), "{page:?}");
    let (status, stderr) = server.stop_with(Signal::SIGTERM);
    assert!(status.success(), "{status}; {stderr}");
    assert!(
        stderr.contains("SIGTTOU received: 2 worker(s) wanted"),
        "{stderr}"
    );
}
