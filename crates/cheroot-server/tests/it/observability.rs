//! The access log, the error log and the statistics.

use std::sync::{Mutex, Once};
use std::time::Duration;

use cheroot_server::{AccessLogFormat, ServerConfig, StatsSnapshot};

use super::apps::TestApp;
use super::support::{TestServer, connect, start, test_config, wait_until};

/// Access-log lines seen by the capturing subscriber.
static LINES: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Every other event of the server seen by the capturing subscriber: level and message.
static EVENTS: Mutex<Vec<(tracing::Level, String)>> = Mutex::new(Vec::new());

/// Records the message of every event: access-log lines in [`LINES`], the rest in [`EVENTS`].
/// One subscriber for the whole test binary, installed by the first test that needs it.
struct Capture;

fn install_capture() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| tracing::subscriber::set_global_default(Capture).expect("one subscriber"));
}

struct Message(String);

impl tracing::field::Visit for Message {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}");
        }
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, metadata: &tracing::Metadata<'_>) -> bool {
        metadata.target().starts_with("cheroot")
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut message = Message(String::new());
        event.record(&mut message);
        if event.metadata().target() == cheroot_server::ACCESS_LOG_TARGET {
            LINES.lock().unwrap().push(message.0);
        } else {
            EVENTS
                .lock()
                .unwrap()
                .push((*event.metadata().level(), message.0));
        }
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

/// The access lines that contain `needle`, waiting (bounded) until there are `count`.
fn access_lines(needle: &str, count: usize) -> Vec<String> {
    let matching = || -> Vec<String> {
        let lines = LINES.lock().unwrap();
        lines
            .iter()
            .filter(|l| l.contains(needle))
            .cloned()
            .collect()
    };
    wait_until(Duration::from_secs(5), || matching().len() >= count);
    matching()
}

#[test]
fn access_log_in_each_format() {
    install_capture();
    for (format, name) in [
        (AccessLogFormat::Common, "common"),
        (AccessLogFormat::Combined, "combined"),
        (AccessLogFormat::Json, "json"),
    ] {
        let config = ServerConfig {
            access_log: Some(format),
            ..test_config()
        };
        let server = start(TestApp::new(false), config);
        let mut client = connect(&server);
        let target = format!("/query?format={name}");
        let headers = [
            ("Host", "test"),
            ("Referer", "http://example.test/from"),
            ("User-Agent", "probe/1.0 (\"quoted\")"),
        ];
        let response = client
            .request("GET", &target, &headers, b"")
            .expect("a response");
        assert_eq!(response.status, 200);
        let lines = access_lines(&target, 1);
        assert_eq!(lines.len(), 1, "{lines:?}");
        let line = &lines[0];
        // The test app answers with the query string.
        let bytes = response.body.len();
        let clf = format!(" +0000] \"GET {target} HTTP/1.1\" 200 {bytes}");
        match format {
            AccessLogFormat::Common => {
                // host - - [dd/Mon/yyyy:hh:mm:ss +0000] "GET /query?format=common HTTP/1.1" 200 10
                assert!(line.starts_with("127.0.0.1 - - ["), "{line}");
                assert!(line.ends_with(&clf), "{line}");
            }
            AccessLogFormat::Combined => {
                let (head, micros) = line.rsplit_once(' ').expect("a duration");
                let tail = "\"http://example.test/from\" \"probe/1.0 (\\\"quoted\\\")\"";
                assert!(head.ends_with(&format!("{clf} {tail}")), "{line}");
                let micros: u64 = micros.parse().expect("microseconds");
                assert!(micros < 5_000_000, "{line}");
            }
            AccessLogFormat::Json => {
                assert!(line.starts_with("{\"time\":\"20"), "{line}");
                let fields = format!(
                    "\"remote_addr\":\"127.0.0.1\",\"method\":\"GET\",\"target\":\"{target}\",\
                     \"protocol\":\"HTTP/1.1\",\"status\":200,\"bytes\":{bytes},\"duration_us\":"
                );
                assert!(line.contains(&fields), "{line}");
                assert!(
                    line.ends_with(
                        ",\"referer\":\"http://example.test/from\",\
                         \"user_agent\":\"probe/1.0 (\\\"quoted\\\")\"}"
                    ),
                    "{line}"
                );
            }
        }
    }
}

#[test]
fn requests_the_server_refuses_are_logged() {
    install_capture();
    // The one test whose server logs refusals as JSON: lines without a request carry no
    // target to tell them apart by, and no other test writes JSON lines with a null method.
    let config = ServerConfig {
        access_log: Some(AccessLogFormat::Json),
        max_request_body_size: 100,
        max_request_header_size: 2048,
        ..test_config()
    };
    let server = start(TestApp::new(false), config);
    let refused = |raw: &[u8]| {
        let mut client = connect(&server);
        client.send_raw(raw).expect("send");
        client.read_response().expect("a response").status
    };
    // Refused before any request line was read: logged with nulls.
    assert_eq!(refused(b"NOT A REQUEST\r\n\r\n"), 400);
    let long_target = format!("GET /{} HTTP/1.1\r\nHost: t\r\n\r\n", "a".repeat(70_000));
    assert_eq!(refused(long_target.as_bytes()), 414);
    let big_head = format!(
        "GET /big HTTP/1.1\r\nHost: t\r\nX-Big: {}\r\n\r\n",
        "b".repeat(4096)
    );
    assert_eq!(refused(big_head.as_bytes()), 431);
    // A connection that sends nothing: 408 once `timeout` (1 s) passes.
    assert_eq!(refused(b""), 408);
    // Refused after the head was read: logged with the request.
    let too_large = b"POST /refuse-413 HTTP/1.1\r\nHost: t\r\nContent-Length: 101\r\n\r\n";
    assert_eq!(refused(too_large), 413);
    let bad_length = b"POST /refuse-400 HTTP/1.1\r\nHost: t\r\nContent-Length: x\r\n\r\n";
    assert_eq!(refused(bad_length), 400);

    for status in [400, 414, 431, 408] {
        let needle =
            format!("\"method\":null,\"target\":null,\"protocol\":null,\"status\":{status},");
        let lines = access_lines(&needle, 1);
        assert_eq!(lines.len(), 1, "{status}: {lines:?}");
        assert!(lines[0].contains("\"duration_us\":null"), "{}", lines[0]);
    }
    for (target, status) in [("/refuse-413", 413), ("/refuse-400", 400)] {
        let lines = access_lines(&format!("\"target\":\"{target}\""), 1);
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(
            lines[0].contains(&format!("\"method\":\"POST\",\"target\":\"{target}\",\"protocol\":\"HTTP/1.1\",\"status\":{status},")),
            "{}",
            lines[0]
        );
    }
}

/// `server`'s statistics once they count `requests` requests. A request is counted once its
/// response is written, which may be just after the client has read it: the wait (bounded)
/// is for the count rather than a race with it.
fn stats_once_counted(server: &TestServer, requests: i64) -> StatsSnapshot {
    assert!(
        wait_until(Duration::from_secs(5), || server.server().stats().requests
            == requests),
        "{:?}",
        server.server().stats()
    );
    server.server().stats()
}

#[test]
fn pipelined_requests_are_logged_and_counted_one_by_one() {
    // On the worker pool the pipelined requests are answered in one job; each still gets
    // its own access line, and the stats count the same requests and bytes as when the
    // requests come one at a time.
    install_capture();
    let figures = |pipelined: bool| {
        let config = ServerConfig {
            access_log: Some(AccessLogFormat::Common),
            stats_enabled: true,
            ..test_config()
        };
        let server = start(TestApp::new(true), config);
        let mut client = connect(&server);
        let targets: Vec<String> = (0..5)
            .map(|i| format!("/query?pipelined={pipelined}-{}", "x".repeat(i)))
            .collect();
        let raw: Vec<String> = targets
            .iter()
            .map(|t| format!("GET {t} HTTP/1.1\r\nHost: t\r\n\r\n"))
            .collect();
        if pipelined {
            client.send_raw(raw.concat().as_bytes()).expect("send");
        }
        for (target, raw) in targets.iter().zip(&raw) {
            if !pipelined {
                client.send_raw(raw.as_bytes()).expect("send");
            }
            let resp = client.read_response_for("GET").expect("a response");
            let body = target.trim_start_matches("/query?");
            assert_eq!((resp.status, resp.body_text().as_str()), (200, body));
        }
        for target in &targets {
            let lines = access_lines(&format!("\"GET {target} HTTP/1.1\""), 1);
            assert_eq!(lines.len(), 1, "{lines:?}");
            let bytes = target.len() - "/query?".len();
            assert!(lines[0].ends_with(&format!(" 200 {bytes}")), "{}", lines[0]);
        }
        let stats = stats_once_counted(&server, 5);
        (stats.requests, stats.bytes_read, stats.bytes_written)
    };
    let one_by_one = figures(false);
    let pipelined = figures(true);
    assert_eq!(one_by_one.0, 5);
    // The one-by-one run's targets, and so the bodies that echo them, are longer by a byte
    // each ("false" against "true").
    assert_eq!(
        pipelined.1,
        one_by_one.1 - 5,
        "{pipelined:?} {one_by_one:?}"
    );
    assert_eq!(
        pipelined.2,
        one_by_one.2 - 5,
        "{pipelined:?} {one_by_one:?}"
    );
}

#[test]
fn stats_count_requests_when_enabled() {
    let config = ServerConfig {
        stats_enabled: true,
        ..test_config()
    };
    let server = start(TestApp::new(true), config);
    let mut client = connect(&server);
    for _ in 0..3 {
        assert_eq!(
            client
                .request("GET", "/hello", &[("Host", "test")], b"")
                .expect("a response")
                .status,
            200
        );
    }
    let stats = stats_once_counted(&server, 3);
    assert!(stats.enabled);
    assert_eq!(stats.accepts, 1);
    assert_eq!(stats.requests, 3);
    assert!(stats.bytes_read > 0 && stats.bytes_written > 0, "{stats:?}");
    assert_eq!(stats.threads, 2);

    let server = start(TestApp::new(true), test_config());
    assert_eq!(
        connect(&server)
            .request("GET", "/hello", &[("Host", "test")], b"")
            .expect("a response")
            .status,
        200
    );
    let stats = server.server().stats();
    assert!(!stats.enabled);
    assert_eq!(stats.requests, -1, "cheroot reports -1 while disabled");
}

#[test]
fn clients_that_leave_mid_body_are_not_application_errors() {
    // A client closing the connection mid-body used to be logged at ERROR as
    // `AppError { kind: Io, source: ... }`; it is the client's doing (debug), while an app's
    // own failure is one readable ERROR line.
    install_capture();
    let server = start(TestApp::new(true), test_config());
    let mut client = connect(&server);
    client
        .send_raw(b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n")
        .expect("send");
    // More than the part read before the gateway runs, so the gateway is reading when the
    // client goes.
    client.send_raw(&[b'x'; 20_000]).expect("send");
    std::thread::sleep(Duration::from_millis(100));
    drop(client);
    let mut client = connect(&server);
    assert_eq!(
        client
            .request("GET", "/error", &[("Host", "t")], b"")
            .expect("a response")
            .status,
        500
    );
    let seen = |level: tracing::Level, text: &str| {
        EVENTS
            .lock()
            .unwrap()
            .iter()
            .any(|(l, m)| *l == level && m.contains(text))
    };
    assert!(wait_until(Duration::from_secs(5), || {
        seen(tracing::Level::DEBUG, "ended its request early")
            && seen(tracing::Level::ERROR, "the application failed")
    }));
    let events = EVENTS.lock().unwrap();
    let errors: Vec<_> = events
        .iter()
        .filter(|(level, _)| *level == tracing::Level::ERROR)
        .map(|(_, m)| m)
        .collect();
    assert!(
        errors
            .iter()
            .all(|m| !m.contains("mid-body") && !m.contains("request body ended")),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|m| m.contains("the application failed") && m.ends_with(": the gateway failed")),
        "{errors:?}"
    );
    assert!(errors.iter().all(|m| !m.contains("Custom {")), "{errors:?}");
}
