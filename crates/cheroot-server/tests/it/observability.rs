//! The access log, the error log and the statistics.

use std::sync::{Mutex, Once};
use std::time::Duration;

use cheroot_server::ServerConfig;

use super::apps::TestApp;
use super::support::{connect, start, test_config, wait_until};

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

#[test]
fn access_log_in_common_log_format() {
    install_capture();
    let config = ServerConfig {
        access_log: true,
        ..test_config()
    };
    let server = start(TestApp::new(false), config);
    let mut client = connect(&server);
    assert_eq!(
        client
            .request("GET", "/query?logged=yes", &[("Host", "test")], b"")
            .expect("a response")
            .status,
        200
    );
    assert!(wait_until(Duration::from_secs(5), || {
        LINES
            .lock()
            .unwrap()
            .iter()
            .any(|l| l.contains("/query?logged=yes"))
    }));
    let lines = LINES.lock().unwrap();
    let line = lines
        .iter()
        .find(|l| l.contains("/query?logged=yes"))
        .expect("the line");
    // host - - [dd/Mon/yyyy:hh:mm:ss +0000] "GET /query?logged=yes HTTP/1.1" 200 10
    assert!(line.starts_with("127.0.0.1 - - ["), "{line}");
    assert!(
        line.contains(" +0000] \"GET /query?logged=yes HTTP/1.1\" 200 10"),
        "{line}"
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
    // A request is counted once its response is written, which may be just after the client
    // has read it: wait (bounded) for the third count rather than race it.
    assert!(
        wait_until(Duration::from_secs(5), || server.server().stats().requests
            == 3),
        "{:?}",
        server.server().stats()
    );
    let stats = server.server().stats();
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
