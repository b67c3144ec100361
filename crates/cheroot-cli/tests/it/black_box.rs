//! The built `cheroot` binary, black-box: serving `builtin:echo` and `builtin:hello` over TCP,
//! UNIX and abstract sockets, stopping on SIGTERM and SIGINT, and its exit statuses.

use std::net::TcpListener;

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use cheroot_testing::{ServerAddr, TestClient, assert_echo_contract};

use super::process::{Server, run_to_end, run_to_end_with};

/// A directory for UNIX sockets, removed on drop.
struct Dir(std::path::PathBuf);

impl Dir {
    fn new(tag: &str) -> Dir {
        let path = std::env::temp_dir().join(format!("cheroot-cli-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir(&path).expect("a temporary directory");
        Dir(path)
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

// ECHO_APP.md, every row, against the binary over TCP; then SIGTERM and a clean exit.
#[test]
fn echo_over_tcp_then_sigterm() {
    let server = Server::start(&["--bind", "127.0.0.1:0", "builtin:echo"]);
    let ServerAddr::Tcp(addr) = server.addr() else {
        panic!("not TCP: {}", server.printed());
    };
    assert!(addr.ip().is_loopback() && addr.port() != 0, "{addr}");
    assert_echo_contract(server.addr());
    let (status, stderr) = server.stop_with(Signal::SIGTERM);
    assert!(status.success(), "{status}; stderr: {stderr}");
    assert!(
        stderr.contains("SIGTERM received: stopping every worker gracefully"),
        "{stderr}"
    );
}

#[test]
fn echo_over_unix_socket_then_sigint() {
    let dir = Dir::new("unix");
    let path = dir.0.join("echo.sock");
    let bind = path.to_str().expect("a UTF-8 temp path");
    let server = Server::start(&["--bind", bind, "builtin:echo"]);
    assert_eq!(server.printed(), bind);
    assert_eq!(server.addr(), &ServerAddr::Unix(path.clone()));
    assert_echo_contract(server.addr());
    let (status, stderr) = server.stop_with(Signal::SIGINT);
    assert!(status.success(), "{status}; stderr: {stderr}");
}

#[test]
fn a_unix_socket_in_use_exits_1_and_the_first_server_keeps_it() {
    // A socket in use is refused, not taken over: the second server used to unlink the live socket
    // and bind its own.
    let dir = Dir::new("taken");
    let path = dir.0.join("taken.sock");
    let bind = path.to_str().expect("a UTF-8 temp path");
    let first = Server::start(&["--bind", bind, "builtin:echo"]);
    let run = run_to_end(&["--bind", bind, "builtin:echo"]);
    assert_eq!(run.status.code(), Some(1), "{run:?}");
    assert!(run.stderr.contains("address already in use"), "{run:?}");
    assert_echo_contract(first.addr());
    let (status, stderr) = first.stop_with(Signal::SIGTERM);
    assert!(status.success(), "{status}; stderr: {stderr}");
}

#[test]
fn echo_over_abstract_socket() {
    let name = format!("@cheroot-cli-test-{}", std::process::id());
    let server = Server::start(&["--bind", &name, "builtin:echo"]);
    assert_eq!(server.printed(), name);
    let mut client = TestClient::new(server.addr().clone());
    client.get("/hello").unwrap().assert_body("Hello world!");
    client
        .post("/echo", b"x")
        .unwrap()
        .assert_status(200)
        .assert_in_body("\"remote_addr\": \"\"");
    let (status, stderr) = server.stop_with(Signal::SIGTERM);
    assert!(status.success(), "{status}; stderr: {stderr}");
}

#[test]
fn hello_with_flags_and_access_log() {
    let server = Server::start(&[
        "--bind=127.0.0.1:0",
        "--threads",
        "2",
        "--max-threads",
        "4",
        "--server-name",
        "cli-test",
        "--timeout",
        "5",
        "--shutdown-timeout",
        "1",
        "--max-body-size",
        "100",
        "--access-log",
        "-",
        "--access-log-format",
        "combined",
        "--log-level",
        "warn",
        "builtin:hello",
    ]);
    let mut client = TestClient::new(server.addr().clone());
    client
        .post("/whatever", b"discarded")
        .unwrap()
        .assert_status(200)
        .assert_header("Server", "cli-test")
        .assert_header("Content-Type", "text/plain")
        .assert_header("Content-Length", "12")
        .assert_body("Hello world!");
    client.post("/", &[b'b'; 101]).unwrap().assert_status(413);
    let (status, stdout) = server.stop_for_stdout(Signal::SIGTERM);
    assert!(status.success(), "{status}");
    // On stdout although --log-level hides INFO messages: the request served, then the one
    // the server refused, each with the (absent) Referer and User-Agent and a duration.
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    for (line, want) in lines.iter().zip([
        "\"POST /whatever HTTP/1.1\" 200 12 \"-\" \"-\" ",
        "\"POST / HTTP/1.1\" 413 ",
    ]) {
        assert!(line.starts_with("127.0.0.1 - - ["), "{line}");
        assert!(line.contains(want), "{line}");
        let micros = line.rsplit(' ').next().unwrap();
        assert!(micros.parse::<u64>().is_ok(), "{line}");
    }
}

#[test]
fn the_access_log_file_is_reopened_on_sigusr1() {
    let dir = std::env::temp_dir().join(format!("cheroot-cli-access-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("access.log");
    let _ = std::fs::remove_file(&log);
    let log_arg = log.to_str().unwrap().to_owned();
    let server = Server::start(&[
        "--bind=127.0.0.1:0",
        "--workers",
        "2",
        "--access-log",
        &log_arg,
        "--access-log-format",
        "json",
        "builtin:hello",
    ]);
    let get = |target: &str| {
        let mut client = TestClient::new(server.addr().clone());
        client.get(target).unwrap().assert_status(200);
    };
    let lines_of = |path: &std::path::Path, want: usize| -> Vec<String> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            let lines: Vec<String> = text.lines().map(str::to_owned).collect();
            if lines.len() >= want || std::time::Instant::now() > deadline {
                return lines;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    };
    for n in 0..4 {
        get(&format!("/before-{n}"));
    }
    assert_eq!(lines_of(&log, 4).len(), 4);
    // logrotate: rename, then SIGUSR1 to the master, which passes it on to each worker.
    let rotated = dir.join("access.log.1");
    std::fs::rename(&log, &rotated).unwrap();
    kill(Pid::from_raw(server.pid()), Signal::SIGUSR1).unwrap();
    // Both workers reopen: wait until the new file exists, then serve enough requests that
    // both have answered some (a worker that had not reopened would write to the old file).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !log.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    for n in 0..20 {
        get(&format!("/after-{n}"));
    }
    let after = lines_of(&log, 20);
    let (status, stderr) = server.stop_with(Signal::SIGTERM);
    assert!(status.success(), "{status}; stderr: {stderr}");
    let before = lines_of(&rotated, 4);
    assert_eq!(before.len(), 4, "{before:?}");
    assert!(
        before.iter().all(|l| l.contains("\"target\":\"/before-")),
        "{before:?}"
    );
    assert_eq!(after.len(), 20, "{after:?}\n{stderr}");
    for line in &after {
        assert!(
            line.starts_with("{\"time\":\"") && line.ends_with('}'),
            "{line}"
        );
        assert!(line.contains("\"target\":\"/after-"), "{line}");
    }
    assert!(stderr.contains("SIGUSR1 received"), "{stderr}");
    assert_eq!(stderr.matches(" reopened ").count(), 2, "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn access_log_flags_are_checked() {
    let missing_dir = "/nonexistent/cheroot-cli-test/access.log";
    let cases: [(&[&str], &str); 3] = [
        (
            &["--access-log", missing_dir, "builtin:hello"],
            "invalid value \"/nonexistent/cheroot-cli-test/access.log\" for --access-log",
        ),
        (
            &[
                "--access-log",
                "-",
                "--access-log-format",
                "xml",
                "builtin:hello",
            ],
            "expected common, combined or json",
        ),
        (
            &["--access-log-format", "json", "builtin:hello"],
            "--access-log-format needs --access-log FILE (or - for stdout)",
        ),
    ];
    for (args, want) in cases {
        let run = run_to_end(args);
        assert_eq!(run.status.code(), Some(2), "{run:?}");
        assert!(run.stderr.contains(want), "{want}: {run:?}");
    }
}

#[test]
fn a_hosted_app_without_a_usable_python_exits_1_naming_it() {
    // The hand-over itself is tested from Python (tests/python/test_cli.py), where an
    // interpreter with cheroot_rs exists.
    let run = run_to_end(&[
        "--python",
        "/nonexistent/cheroot-cli-test/python",
        "some.module:app",
    ]);
    assert_eq!(run.status.code(), Some(1), "{run:?}");
    assert!(run.stdout.is_empty(), "{run:?}");
    for want in [
        "cannot serve some.module:app",
        "cannot run the Python interpreter /nonexistent/cheroot-cli-test/python",
        "--python",
    ] {
        assert!(run.stderr.contains(want), "{:?} lacks {want:?}", run.stderr);
    }
}

#[test]
fn usage_errors_exit_2_naming_flag_and_value() {
    let table: &[(&[&str], &[&str])] = &[
        (
            &["--threads", "zero", "builtin:echo"],
            &["--threads", "\"zero\""],
        ),
        (&["--bind", "foo", "builtin:echo"], &["--bind", "\"foo\""]),
        // An empty address is refused: "" would bind an auto-named abstract socket.
        (
            &["--bind", "", "builtin:echo"],
            &["--bind", "\"\" is empty"],
        ),
        (
            &["--log-level", "chatty", "builtin:echo"],
            &["--log-level", "\"chatty\""],
        ),
        (&["--nope", "builtin:echo"], &["unknown option \"--nope\""]),
        (&[], &["missing APP"]),
        (&["builtin:nope"], &["\"builtin:nope\""]),
        (
            &["--chdir", "/nonexistent/cheroot-cli-test", "builtin:echo"],
            &["--chdir", "/nonexistent/cheroot-cli-test"],
        ),
    ];
    for (args, wants) in table {
        let run = run_to_end(args);
        assert_eq!(run.status.code(), Some(2), "{args:?}: {run:?}");
        assert!(run.stdout.is_empty(), "{args:?}: {run:?}");
        for want in *wants {
            assert!(
                run.stderr.contains(want),
                "{args:?}: {:?} lacks {want:?}",
                run.stderr
            );
        }
        assert!(run.stderr.contains("--help"), "{args:?}: {run:?}");
    }
}

#[test]
fn bad_tls_settings_exit_2() {
    let dir = Dir::new("tls");
    let cert = dir.0.join("cert.pem");
    let key = dir.0.join("key.pem");
    std::fs::write(&cert, "not really a certificate").unwrap();
    std::fs::write(&key, "not really a key").unwrap();
    let (cert, key) = (cert.to_str().unwrap(), key.to_str().unwrap());

    let run = run_to_end(&[
        "--ssl-certificate",
        cert,
        "--ssl-private-key",
        key,
        "builtin:echo",
    ]);
    assert_eq!(run.status.code(), Some(2), "{run:?}");
    // The message names the flag whose file is bad, not a library setting.
    let want = if cfg!(any(feature = "rustls", feature = "openssl")) {
        format!("invalid value {cert:?} for --ssl-certificate")
    } else {
        "is not built into this binary".to_owned()
    };
    assert!(run.stderr.contains(&want), "{run:?}");
    assert!(run.stdout.is_empty(), "{run:?}");

    let missing = dir.0.join("missing.pem");
    let missing = missing.to_str().unwrap();
    let run = run_to_end(&[
        "--ssl-certificate",
        missing,
        "--ssl-private-key",
        key,
        "builtin:echo",
    ]);
    assert_eq!(run.status.code(), Some(2), "{run:?}");
    assert!(run.stderr.contains("--ssl-certificate") && run.stderr.contains("no such file"));

    let run = run_to_end(&["--ssl-certificate", cert, "builtin:echo"]);
    assert_eq!(run.status.code(), Some(2), "{run:?}");
    assert!(
        run.stderr
            .contains("--ssl-certificate needs --ssl-private-key"),
        "{run:?}"
    );
}

#[test]
fn a_port_in_use_exits_1() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let run = run_to_end(&["--bind", &addr, "builtin:echo"]);
    assert_eq!(run.status.code(), Some(1), "{run:?}");
    assert!(
        run.stderr.contains(&format!("cannot serve on {addr}")),
        "{run:?}"
    );
    assert!(run.stdout.is_empty(), "{run:?}");
}

#[test]
fn help_and_version() {
    let run = run_to_end(&["--help"]);
    assert!(run.status.success(), "{run:?}");
    for flag in [
        // clap's form of a value in the help: `--flag <VALUE>`.
        "--bind <ADDRESS>",
        "[default: [::1]:8000]",
        "--chdir",
        "--server-name",
        "--threads",
        "--max-threads",
        "--timeout",
        "--header-timeout",
        "--body-timeout",
        "--shutdown-timeout",
        "--request-queue-size",
        "--accepted-queue-size",
        "--accepted-queue-timeout",
        "--ssl-adapter",
        "--ssl-certificate",
        "--ssl-private-key",
        "--ssl-certificate-chain",
        "--ssl-ciphers",
        "--ssl-client-verify",
        "--max-header-size",
        "--max-header-fields",
        "--max-body-size",
        "--keep-alive-limit",
        "--reuse-port",
        "--peercreds",
        "--peercreds-resolve",
        "--access-log",
        "--access-log-format",
        "--log-level",
        "builtin:echo",
        "builtin:hello",
    ] {
        assert!(run.stdout.contains(flag), "--help lacks {flag}");
    }
    for flag in ["--version", "-V"] {
        let run = run_to_end(&[flag]);
        assert!(run.status.success(), "{run:?}");
        assert_eq!(
            run.stdout,
            format!("cheroot {}\n", env!("CARGO_PKG_VERSION"))
        );
    }
    // -h prints the same help as --help, even after a bad value.
    let short = run_to_end(&["--threads", "many", "-h"]);
    assert!(short.status.success(), "{short:?}");
    assert_eq!(short.stdout, run_to_end(&["--help"]).stdout);
}

/// The master's debug line when it forks a worker.
const WORKER_STARTED: &str = "DEBUG cheroot_supervisor::master: worker 1 started (pid ";

#[test]
fn rust_log_filters_unless_log_level_is_given() {
    let serve_and_stop = |args: &[&str], env: &[(&str, &str)]| {
        let mut all = args.to_vec();
        all.extend(["--bind", "127.0.0.1:0", "builtin:hello"]);
        let server = Server::start_with(&all, env);
        let (status, stderr) = server.stop_with(Signal::SIGTERM);
        assert!(
            status.success(),
            "{args:?} {env:?}: {status}; stderr: {stderr}"
        );
        stderr
    };
    // By default: info, so no debug line.
    let stderr = serve_and_stop(&[], &[]);
    assert!(!stderr.contains(WORKER_STARTED), "{stderr}");
    assert!(
        stderr.contains(" INFO cheroot_cli::serve: serving"),
        "{stderr}"
    );
    // RUST_LOG asks for the supervisor's debug lines, and only those.
    let stderr = serve_and_stop(&[], &[("RUST_LOG", "info,cheroot_supervisor=debug")]);
    assert!(stderr.contains(WORKER_STARTED), "{stderr}");
    assert!(!stderr.contains("DEBUG cheroot_cli"), "{stderr}");
    // An explicit --log-level wins over RUST_LOG.
    let stderr = serve_and_stop(&["--log-level", "info"], &[("RUST_LOG", "debug")]);
    assert!(!stderr.contains(WORKER_STARTED), "{stderr}");
    let stderr = serve_and_stop(
        &["--log-level", "warn,cheroot_supervisor=debug"],
        &[("RUST_LOG", "error")],
    );
    assert!(stderr.contains(WORKER_STARTED), "{stderr}");
    assert!(!stderr.contains(" INFO cheroot_cli"), "{stderr}");
}

#[test]
fn a_bad_rust_log_or_log_level_is_a_usage_error() {
    let bad = "info,cheroot=loud";
    for (args, env, source) in [
        (&["builtin:echo"][..], &[("RUST_LOG", bad)][..], "RUST_LOG"),
        (
            &["--log-level", bad, "builtin:echo"][..],
            &[][..],
            "--log-level",
        ),
    ] {
        let run = run_to_end_with(args, env);
        assert_eq!(run.status.code(), Some(2), "{run:?}");
        let want = format!("invalid value {bad:?} for {source}");
        assert!(run.stderr.contains(&want), "{run:?}");
    }
}

#[test]
fn json_log_format_writes_one_object_per_line() {
    let server = Server::start(&[
        "--log-format",
        "json",
        "--bind",
        "127.0.0.1:0",
        "builtin:hello",
    ]);
    let mut client = TestClient::new(server.addr().clone());
    client.get("/json").unwrap().assert_status(200);
    let (status, stderr) = server.stop_with(Signal::SIGTERM);
    assert!(status.success(), "{status}; stderr: {stderr}");
    assert!(stderr.lines().count() >= 3, "{stderr}");
    for line in stderr.lines() {
        assert!(
            line.starts_with("{\"timestamp\":\"") && line.ends_with('}'),
            "not a JSON object: {line:?}"
        );
    }
    assert!(
        stderr.contains("\"message\":\"SIGTERM received: stopping every worker gracefully\""),
        "{stderr}"
    );
}

#[test]
fn size_limit_flags_reach_the_server() {
    let server = Server::start(&[
        "--bind",
        "127.0.0.1:0",
        "--max-header-size",
        "256",
        "--max-body-size=8",
        "--log-level=error",
        "builtin:echo",
    ]);
    let mut client = TestClient::new(server.addr().clone());
    let big = "v".repeat(300);
    client
        .request("GET", "/hello", &[("X-Big", &big)], b"")
        .unwrap()
        .assert_status(431);
    drop(client);
    let mut client = TestClient::new(server.addr().clone());
    client
        .post("/echo", b"12345678")
        .unwrap()
        .assert_status(200);
    client
        .post("/echo", b"123456789")
        .unwrap()
        .assert_status(413);
    let (status, stderr) = server.stop_with(Signal::SIGTERM);
    assert!(status.success(), "{status}; stderr: {stderr}");
}

#[test]
fn chdir_applies_before_binding() {
    let dir = Dir::new("chdir");
    let dir_str = dir.0.to_str().expect("a UTF-8 temp path");
    let server = Server::start(&["--chdir", dir_str, "--bind", "./cli.sock", "builtin:echo"]);
    assert_eq!(server.printed(), "./cli.sock");
    // The socket is in the --chdir directory, whatever our own working directory is.
    let mut client = TestClient::new(ServerAddr::Unix(dir.0.join("cli.sock")));
    client.get("/hello").unwrap().assert_body("Hello world!");
    let (status, stderr) = server.stop_with(Signal::SIGTERM);
    assert!(status.success(), "{status}; stderr: {stderr}");
}

#[test]
fn reuse_port_lets_two_servers_share_a_port() {
    let port = {
        let probe = TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let bind = format!("127.0.0.1:{port}");
    let args = ["--bind", &bind, "--reuse-port", "builtin:hello"];
    let first = Server::start(&args);
    let second = Server::start(&args);
    assert_eq!(first.printed(), bind);
    assert_eq!(second.printed(), bind);
    let mut client = TestClient::new(first.addr().clone());
    client.get("/").unwrap().assert_body("Hello world!");
    for server in [first, second] {
        let (status, stderr) = server.stop_with(Signal::SIGTERM);
        assert!(status.success(), "{status}; stderr: {stderr}");
    }
}

// A request in flight when SIGTERM arrives still gets its whole answer; then a clean exit.
#[test]
fn sigterm_lets_an_in_flight_request_finish() {
    let server = Server::start(&[
        "--bind",
        "127.0.0.1:0",
        "--shutdown-timeout",
        "30",
        "builtin:echo",
    ]);
    let mut client = TestClient::new(server.addr().clone());
    // The connection is accepted and idle before the slow request goes out on it.
    client.get("/hello").unwrap().assert_status(200);
    client
        .send_raw(b"GET /slow?ms=2000 HTTP/1.1\r\nHost: h\r\n\r\n")
        .unwrap();
    // Let the server read the request and start the app before the signal (an ordering aid,
    // not a timing assertion: the test passes however long anything takes).
    std::thread::sleep(std::time::Duration::from_millis(500));
    let pid = nix::unistd::Pid::from_raw(server.pid());
    nix::sys::signal::kill(pid, Signal::SIGTERM).unwrap();
    client
        .read_response()
        .unwrap()
        .assert_status(200)
        .assert_body("done");
    let (status, stderr) = server.wait_exit();
    assert!(status.success(), "{status}; stderr: {stderr}");
}

// When --shutdown-timeout runs out the log said "stopped uncleanly" and
// then "stopped cleanly", and the exit status was 0. Now it says the requests were cut, once,
// and exits 1.
#[test]
fn a_stop_that_cuts_requests_says_so_and_exits_1() {
    let server = Server::start(&[
        "--bind",
        "127.0.0.1:0",
        "--shutdown-timeout",
        "0.2",
        "builtin:echo",
    ]);
    let mut client = TestClient::new(server.addr().clone());
    client.get("/hello").unwrap().assert_status(200);
    client
        .send_raw(b"GET /slow?ms=3000 HTTP/1.1\r\nHost: h\r\n\r\n")
        .unwrap();
    // An ordering aid: the app is running when the signal comes.
    std::thread::sleep(std::time::Duration::from_millis(500));
    let (status, stderr) = server.stop_with(Signal::SIGTERM);
    assert_eq!(status.code(), Some(1), "{status}; stderr: {stderr}");
    assert!(
        stderr.contains("cutting 1 request(s) in flight"),
        "{stderr}"
    );
    assert!(!stderr.contains("cleanly"), "{stderr}");
}

// A signal as soon as the address is printed (before or while serving starts) is still a
// clean stop.
#[test]
fn sigterm_right_after_start_exits_0() {
    for _ in 0..3 {
        let server = Server::start(&["--bind", "127.0.0.1:0", "builtin:hello"]);
        let (status, stderr) = server.stop_with(Signal::SIGTERM);
        assert!(status.success(), "{status}; stderr: {stderr}");
    }
}

#[test]
fn peer_credentials_reach_the_echo_app() {
    let dir = Dir::new("peercreds");
    let path = dir.0.join("peer.sock");
    let bind = path.to_str().expect("a UTF-8 temp path");
    let want = format!(
        "\"peer\": {{\"pid\": {}, \"uid\": {}, \"gid\": {}",
        std::process::id(),
        nix::unistd::getuid(),
        nix::unistd::getgid()
    );

    let server = Server::start(&["--bind", bind, "--peercreds", "builtin:echo"]);
    let mut client = TestClient::new(server.addr().clone());
    let resp = client.post("/echo", b"").unwrap();
    resp.assert_status(200)
        .assert_in_body(format!("{want}}}"))
        .assert_in_body("\"remote_addr\": \"\"");
    let (status, stderr) = server.stop_with(Signal::SIGTERM);
    assert!(status.success(), "{status}; stderr: {stderr}");

    // --peercreds-resolve implies --peercreds and adds the names.
    let server = Server::start(&["--bind", bind, "--peercreds-resolve", "builtin:echo"]);
    let mut client = TestClient::new(server.addr().clone());
    let resp = client.post("/echo", b"").unwrap();
    resp.assert_status(200)
        .assert_in_body(format!("{want}, \"user\": \""))
        .assert_in_body("\"group\": \"");
    let (status, stderr) = server.stop_with(Signal::SIGTERM);
    assert!(status.success(), "{status}; stderr: {stderr}");
}

#[test]
fn no_peer_member_without_the_flag() {
    let dir = Dir::new("nopeer");
    let path = dir.0.join("plain.sock");
    let bind = path.to_str().expect("a UTF-8 temp path");
    let server = Server::start(&["--bind", bind, "builtin:echo"]);
    let body = TestClient::new(server.addr().clone())
        .post("/echo", b"")
        .unwrap()
        .body_text();
    assert!(!body.contains("\"peer\""), "{body}");
    let (status, stderr) = server.stop_with(Signal::SIGTERM);
    assert!(status.success(), "{status}; stderr: {stderr}");
}
