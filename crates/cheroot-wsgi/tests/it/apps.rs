//! Small apps and helpers shared by the integration tests.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use cheroot_testing::{Response, TestServer};
use cheroot_wsgi::{Body, Environ, WsgiApp, app_fn};

/// Answers `KEY=VALUE` lines for every string key of the environ, then the typed ones.
pub(crate) fn environ_dump() -> impl WsgiApp {
    app_fn(|env: Environ, sr| {
        let mut out = String::new();
        for (key, value) in env.iter() {
            out.push_str(&format!("{key}={value}\n"));
        }
        out.push_str(&format!("wsgi.version={}\n", env.wsgi_version()));
        out.push_str(&format!("wsgi.multithread={}\n", env.multithread()));
        out.push_str(&format!("wsgi.multiprocess={}\n", env.multiprocess()));
        out.push_str(&format!("wsgi.run_once={}\n", env.run_once()));
        out.push_str(&format!(
            "wsgi.input_terminated={}\n",
            env.input_terminated()
        ));
        let mut input = env.input;
        let body = input.read_all()?;
        out.push_str(&format!("body={}\n", String::from_utf8_lossy(&body)));
        sr.start(
            "200 OK",
            [
                ("Content-Type", "text/plain; charset=utf-8".to_owned()),
                ("Content-Length", out.len().to_string()),
            ],
        )?;
        Ok(Body::from(out))
    })
}

/// Parses an `environ_dump` body into pairs.
pub(crate) fn parse_dump(body: &[u8]) -> Vec<(String, String)> {
    String::from_utf8(body.to_vec())
        .expect("utf-8 dump")
        .lines()
        .filter_map(|line| line.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// The value of `key` in a parsed dump.
pub(crate) fn dump_get<'a>(dump: &'a [(String, String)], key: &str) -> Option<&'a str> {
    dump.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

/// A shared counter.
#[derive(Debug, Clone, Default)]
pub(crate) struct Counter(Arc<AtomicUsize>);

impl Counter {
    pub(crate) fn bump(&self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }

    pub(crate) fn get(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }

    /// Waits (at most 10 s, polling) until the counter reaches `n`; returns the last value.
    pub(crate) fn wait_for(&self, n: usize) -> usize {
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.get() < n && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        self.get()
    }
}

/// Sends `raw` as it is on a new connection to `server` and reads one response.
#[track_caller]
pub(crate) fn raw_request(server: &TestServer, raw: &str) -> Response {
    let mut client = server.client();
    client.send_raw(raw.as_bytes()).expect("send");
    client.read_response().expect("a response")
}
