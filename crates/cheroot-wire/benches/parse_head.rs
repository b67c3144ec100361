//! How many typical browser request heads per second `parse_request_head` parses.
//!
//! Run with `cargo bench -p cheroot-wire --bench parse_head`. std only: it times a fixed
//! number of parses with `Instant` and prints the rate, next to `httparse` on the same bytes
//! (which checks less and copies nothing) as a yardstick.

use std::hint::black_box;
use std::time::{Duration, Instant};

use bytes::BytesMut;
use cheroot_wire::{ParseOptions, Status, parse_request_head, scan_request_head};

/// A Firefox navigation request: about 500 bytes, 10 fields.
const BROWSER: &[u8] = b"GET /search?q=cheroot&lang=en HTTP/1.1\r\n\
Host: www.example.com\r\n\
User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r\n\
Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8\r\n\
Accept-Language: en-US,en;q=0.5\r\n\
Accept-Encoding: gzip, deflate, br, zstd\r\n\
Connection: keep-alive\r\n\
Cookie: session=0123456789abcdef0123456789abcdef; theme=dark; consent=yes\r\n\
Upgrade-Insecure-Requests: 1\r\n\
Sec-Fetch-Dest: document\r\n\
Sec-Fetch-Mode: navigate\r\n\r\n";

/// What `cargo xtask bench` scenario P sends (wrk's `wrk.format("GET", "/hello")`).
const SMALL: &[u8] = b"GET /hello HTTP/1.1\r\nHost: 127.0.0.1:18181\r\n\r\n";

const ITERATIONS: u32 = 1_000_000;

fn main() {
    let opts = ParseOptions::default();
    match parse_request_head(BROWSER, &opts) {
        Ok(Status::Complete((head, used))) => {
            assert_eq!(used, BROWSER.len());
            assert_eq!(head.headers().len(), 10);
        }
        other => panic!("the benchmark request must parse: {other:?}"),
    }
    // `cargo bench` passes `--bench`; `cargo test --all-targets` runs this binary without it,
    // and then only the check above runs: timing is never part of a test run.
    if !std::env::args().any(|arg| arg == "--bench") {
        return;
    }
    println!(
        "request head: {} bytes, 10 fields, {ITERATIONS} iterations",
        BROWSER.len()
    );

    let ours = time(|| {
        let parsed = parse_request_head(black_box(BROWSER), black_box(&opts));
        black_box(parsed.is_ok());
    });
    report("cheroot-wire parse_request_head", ours);

    let small = time(|| {
        let parsed = parse_request_head(black_box(SMALL), black_box(&opts));
        black_box(parsed.is_ok());
    });
    report("  the same, scenario P's 45-byte head", small);

    let scan = time(|| {
        let scanned = scan_request_head(black_box(SMALL), black_box(&opts));
        black_box(scanned.is_ok());
    });
    report("  scan_request_head only (no copy), 45 bytes", scan);

    // The server's path: 16 pipelined heads in a read buffer, each split off it.
    let batch = SMALL.repeat(16);
    let mut read_buffer = BytesMut::with_capacity(8192);
    let server = time(|| {
        if read_buffer.is_empty() {
            read_buffer.extend_from_slice(&batch);
        }
        if let Ok(Status::Complete(scanned)) = scan_request_head(&read_buffer, &opts) {
            let bytes = read_buffer.split_to(scanned.used()).freeze();
            black_box(scanned.into_head(bytes));
        }
    });
    report("  scan, split off a read buffer, 45 bytes", server);

    let reference = time(|| {
        let mut fields = [httparse::EMPTY_HEADER; 16];
        let mut req = httparse::Request::new(&mut fields);
        let parsed = req.parse(black_box(BROWSER));
        black_box(parsed.is_ok());
    });
    report("httparse Request::parse (yardstick)", reference);
}

/// Runs `f` a tenth of the iterations to warm up, then times `ITERATIONS` runs.
fn time(mut f: impl FnMut()) -> Duration {
    for _ in 0..ITERATIONS / 10 {
        f();
    }
    let start = Instant::now();
    for _ in 0..ITERATIONS {
        f();
    }
    start.elapsed()
}

fn report(name: &str, elapsed: Duration) {
    let per = elapsed.as_secs_f64() / f64::from(ITERATIONS);
    println!(
        "{name:<40} {:>8.0} ns/request {:>12.0} requests/s",
        per * 1e9,
        1.0 / per
    );
}
