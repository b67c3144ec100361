//! The test gateway: one behaviour per path, as cheroot's test apps have them.

use std::io::Read;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cheroot_server::{FileRegion, Gateway, GatewayError, Request, Response};

/// The bytes of the file `/file` sends (from `FILE_OFFSET`): a pattern that shows any byte
/// out of place.
pub(crate) fn file_pattern() -> Vec<u8> {
    (0..FILE_PATTERN_LEN).map(|i| (i * 7 % 251) as u8).collect()
}

pub(crate) const FILE_PATTERN_LEN: usize = 300_000;
pub(crate) const FILE_OFFSET: usize = 10;
/// `/file?part` sends this much, ending well before the end of the file.
pub(crate) const FILE_PART_LEN: u64 = 100_000;

/// `/big_file`'s size: more than loopback's socket buffers hold, so sendfile(2) must wait.
pub(crate) const BIG_FILE_LEN: usize = 16 << 20;

/// A fresh file holding `file_pattern()`, already unlinked (it lives while open).
fn pattern_file() -> std::io::Result<std::fs::File> {
    file_holding(&file_pattern())
}

/// A fresh file holding `bytes`, already unlinked.
fn file_holding(bytes: &[u8]) -> std::io::Result<std::fs::File> {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let path = std::env::temp_dir().join(format!(
        "cheroot-it-file-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::write(&path, bytes)?;
    let file = std::fs::File::open(&path)?;
    std::fs::remove_file(&path)?;
    Ok(file)
}

/// Shared with the test that built the app: counters and a gate for held requests.
#[derive(Debug, Default)]
pub(crate) struct Probe {
    /// Requests that entered `/hold`.
    pub(crate) held: AtomicUsize,
    /// Requests that finished `/hold` or `/sleep`.
    pub(crate) finished: AtomicUsize,
    /// Requests the gateway was called for, any path.
    pub(crate) calls: AtomicUsize,
    /// While true, `/hold` requests wait.
    pub(crate) gate: Mutex<bool>,
    pub(crate) gate_cv: std::sync::Condvar,
    /// The server, for `/interrupt`.
    pub(crate) server: std::sync::OnceLock<std::sync::Weak<cheroot_server::HttpServer>>,
}

impl Probe {
    pub(crate) fn close_gate(&self) {
        *self.gate.lock().unwrap() = true;
    }

    pub(crate) fn open_gate(&self) {
        *self.gate.lock().unwrap() = false;
        self.gate_cv.notify_all();
    }

    fn wait_gate(&self) {
        let mut closed = self.gate.lock().unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while *closed && std::time::Instant::now() < deadline {
            closed = self
                .gate_cv
                .wait_timeout(closed, Duration::from_millis(50))
                .unwrap()
                .0;
        }
    }
}

/// The test application; `blocking` picks the worker pool (true) or inline (false).
#[derive(Debug, Clone)]
pub(crate) struct TestApp {
    pub(crate) blocking: bool,
    pub(crate) probe: Arc<Probe>,
}

impl TestApp {
    pub(crate) fn new(blocking: bool) -> Self {
        TestApp {
            blocking,
            probe: Arc::new(Probe::default()),
        }
    }
}

fn text(
    resp: &mut Response<'_>,
    status: u16,
    reason: &str,
    body: &[u8],
) -> Result<(), GatewayError> {
    resp.set_status(status, reason);
    resp.add_header("Content-Type", "text/plain")?;
    resp.add_header("Content-Length", body.len().to_string())?;
    resp.write(body)?;
    Ok(())
}

impl Gateway for TestApp {
    fn blocking(&self) -> bool {
        self.blocking
    }

    fn respond(&self, req: &mut Request<'_>, resp: &mut Response<'_>) -> Result<(), GatewayError> {
        self.probe.calls.fetch_add(1, Ordering::SeqCst);
        let path = String::from_utf8_lossy(req.target().path()).into_owned();
        match path.as_str() {
            "/hello" | "/" => text(resp, 200, "OK", b"Hello world!"),
            "/file" => {
                // FILE_PATTERN from FILE_OFFSET, sent as a file region; `?cl` declares its
                // length, `?short` asks for more than the file holds, `?part` for
                // FILE_PART_LEN bytes only, `?over` declares a length below the region's,
                // `?after` writes 5 bytes first and declares 10 more than them.
                let query = String::from_utf8_lossy(req.target().query()).into_owned();
                let file = pattern_file()?;
                let len = (FILE_PATTERN_LEN - FILE_OFFSET) as u64;
                match query.as_str() {
                    "cl" => resp.add_header("Content-Length", len.to_string())?,
                    "over" => resp.add_header("Content-Length", "100")?,
                    "after" => {
                        resp.add_header("Content-Length", "15")?;
                        resp.write(b"first")?;
                    }
                    _ => {}
                }
                let asked = match query.as_str() {
                    "short" => len + 1000,
                    "part" => FILE_PART_LEN,
                    _ => len,
                };
                resp.send_file(FileRegion::new(file, FILE_OFFSET as u64, asked))?;
                Ok(())
            }
            "/big_file" => {
                // BIG_FILE_LEN bytes of `x`, with their length declared.
                let file = file_holding(&vec![b'x'; BIG_FILE_LEN])?;
                resp.add_header("Content-Length", BIG_FILE_LEN.to_string())?;
                resp.send_file(FileRegion::to_end(file, 0)?)?;
                Ok(())
            }
            "/echo" => {
                let mut body = Vec::new();
                req.read_to_end(&mut body)?;
                text(resp, 200, "OK", &body)
            }
            "/echo_len" => {
                // The body length, read piece by piece.
                let mut n = 0usize;
                while let Some(piece) = req.read_chunk()? {
                    n += piece.len();
                }
                text(resp, 200, "OK", n.to_string().as_bytes())
            }
            "/query" => {
                let query = req.target().query().to_vec();
                text(resp, 200, "OK", &query)
            }
            "/method" => {
                let method = req.method().as_str().to_owned();
                text(resp, 200, "OK", method.as_bytes())
            }
            "/no_read" => text(resp, 200, "OK", b"not read"),
            "/stream" => {
                // No Content-Length: chunked on HTTP/1.1, close-delimited on HTTP/1.0.
                resp.add_header("Content-Type", "text/plain")?;
                for piece in ["one ", "two ", "three"] {
                    resp.write(piece.as_bytes())?;
                }
                Ok(())
            }
            "/explicit_headers" => {
                // test_core.py::test_send_header_before_closing
                resp.add_header("Content-Type", "text/plain")?;
                resp.send_headers()?;
                assert!(resp.headers_sent());
                resp.write(b"hello")?;
                resp.write_bytes(bytes::Bytes::from(vec![b'!'; 5000]))?;
                Ok(())
            }
            "/stream_wait" => {
                // Each write reaches the client before the gateway goes on. Counted as held
                // before the write: a client that sees "first" must also see the count.
                self.probe.held.fetch_add(1, Ordering::SeqCst);
                resp.write(b"first")?;
                self.probe.wait_gate();
                resp.write(b"second")?;
                Ok(())
            }
            "/buffered_one" => {
                // The whole body in one buffered piece: the server knows its length.
                resp.set_buffered(true);
                resp.write(b"whole")?;
                Ok(())
            }
            "/buffered_large" => {
                // More than the connection's write buffer takes at once, all of it riding on
                // the response's end: the connection waits for the client to take it.
                resp.set_buffered(true);
                for piece in b'a'..=b'j' {
                    resp.write(&[piece; 3000])?;
                }
                Ok(())
            }
            "/buffered" => {
                resp.set_buffered(true);
                for piece in ["a", "b", "c"] {
                    resp.write(piece.as_bytes())?;
                }
                Ok(())
            }
            "/no_body" => {
                resp.set_status(204, "No Content");
                resp.write(b"this must not be sent")?;
                Ok(())
            }
            "/no_body_cl" => {
                resp.set_status(204, "No Content");
                resp.add_header("X-Before", "1")?;
                resp.add_header("Content-Length", "21")?;
                resp.add_header("X-After", "2")?;
                resp.write(b"this must not be sent")?;
                Ok(())
            }
            "/not_modified" => {
                resp.set_status(304, "Not Modified");
                resp.write(b"this must not be sent")?;
                Ok(())
            }
            "/length_required" => text(resp, 411, "Length Required", b""),
            "/cl_over_one" => {
                // test_conn.py::test_Content_Length_out, one oversized write.
                resp.add_header("Content-Length", "5")?;
                resp.write(b"I have too many bytes")?;
                Ok(())
            }
            "/cl_over_two" => {
                // test_conn.py::test_Content_Length_out, the second write goes over.
                resp.add_header("Content-Length", "5")?;
                resp.write(b"I too")?;
                resp.write(b" many bytes")?;
                Ok(())
            }
            "/cl_under" => {
                resp.add_header("Content-Length", "10")?;
                resp.write(b"short")?;
                Ok(())
            }
            "/error" => Err(GatewayError::msg("the gateway failed")),
            "/error_after_headers" => {
                resp.add_header("Content-Type", "text/plain")?;
                resp.write(b"partial ")?;
                Err(GatewayError::msg("failed mid-response"))
            }
            "/panic" => panic!("the gateway panicked"),
            "/split" => {
                resp.add_header("X-Split", "a\r\nSet-Cookie: evil=1")?;
                text(resp, 200, "OK", b"unreachable")
            }
            "/app_close" => {
                resp.add_header("Connection", "close")?;
                text(resp, 200, "OK", b"bye")
            }
            "/big" => {
                let body = bytes::Bytes::from(vec![b'x'; 1 << 20]);
                resp.add_header("Content-Length", body.len().to_string())?;
                resp.write_bytes(body)?;
                Ok(())
            }
            "/endless" => {
                // Streams until the client goes away (bounded: 64 MiB).
                resp.add_header("Content-Type", "application/octet-stream")?;
                let piece = bytes::Bytes::from(vec![b'z'; 64 * 1024]);
                for _ in 0..1024 {
                    resp.write_bytes(piece.clone())?;
                }
                Ok(())
            }
            "/hold" => {
                self.probe.held.fetch_add(1, Ordering::SeqCst);
                self.probe.wait_gate();
                self.probe.finished.fetch_add(1, Ordering::SeqCst);
                text(resp, 200, "OK", b"released")
            }
            "/sleep" => {
                std::thread::sleep(Duration::from_millis(300));
                self.probe.finished.fetch_add(1, Ordering::SeqCst);
                text(resp, 200, "OK", b"slept")
            }
            "/interrupt" => {
                // test_conn.py::test_kb_int_from_http_handler: a handler stops the server.
                if let Some(server) = self.probe.server.get().and_then(std::sync::Weak::upgrade) {
                    server.interrupt(std::io::Error::other("interrupted by a handler"));
                }
                text(resp, 200, "OK", b"interrupting")
            }
            "/environ" => {
                // The connection's extra environ pairs and scheme, one `key=value` per line.
                let conn = req.conn();
                let mut out = format!(
                    "url_scheme={}\nserver_protocol={}\n",
                    conn.url_scheme(),
                    conn.server_protocol().as_str()
                );
                for (key, value) in conn.extra_env() {
                    out.push_str(&format!("{key}={value}\n"));
                }
                text(resp, 200, "OK", out.as_bytes())
            }
            "/header" => {
                let value = req
                    .headers()
                    .get("X-Probe")
                    .map(|v| v.into_owned())
                    .unwrap_or_default();
                text(resp, 200, "OK", &value)
            }
            _ => text(resp, 404, "Not Found", b"no such path"),
        }
    }
}
