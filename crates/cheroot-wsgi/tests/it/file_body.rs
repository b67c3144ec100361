//! A body that starts with a file region (`ResponseBody::take_file`, WSGI's `file_wrapper`):
//! recorded by `invoke`, and served over a socket, where the server sends it with sendfile(2).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use bytes::Bytes;
use cheroot_server::FileRegion;
use cheroot_testing::TestServer;
use cheroot_wsgi::{AppError, Body, Environ, ResponseBody, app_fn, invoke};

/// The file's bytes; the region starts at `OFFSET`.
fn contents() -> Vec<u8> {
    (0..70_000u32).map(|i| (i % 253) as u8).collect()
}

const OFFSET: u64 = 7;

/// A fresh file with `contents()`, unlinked (it lives while open).
fn file() -> std::fs::File {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let path = std::env::temp_dir().join(format!(
        "cheroot-wsgi-file-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::write(&path, contents()).expect("write the file");
    let file = std::fs::File::open(&path).expect("open the file");
    std::fs::remove_file(&path).expect("unlink the file");
    file
}

/// The region, then one chunk.
struct FileThenTail {
    region: Option<FileRegion>,
    tail: Option<Bytes>,
}

impl ResponseBody for FileThenTail {
    fn take_file(&mut self) -> Option<FileRegion> {
        self.region.take()
    }

    fn next_chunk(&mut self) -> Option<Result<Bytes, AppError>> {
        self.tail.take().map(Ok)
    }
}

fn expected() -> Vec<u8> {
    let mut body = contents()[OFFSET as usize..].to_vec();
    body.extend_from_slice(b"tail");
    body
}

fn app(closed: Arc<AtomicBool>) -> impl cheroot_wsgi::WsgiApp {
    app_fn(move |_env, sr| {
        sr.start("200 OK", [("Content-Type", "application/octet-stream")])?;
        let region = FileRegion::to_end(file(), OFFSET)?;
        let closed = Arc::clone(&closed);
        Ok(Body::new(FileThenTail {
            region: Some(region),
            tail: Some(Bytes::from_static(b"tail")),
        })
        .on_close(move || {
            closed.store(true, Ordering::SeqCst);
            Ok(())
        }))
    })
}

#[test]
fn invoke_records_the_file_region_then_the_chunks() {
    let closed = Arc::new(AtomicBool::new(false));
    let invoked = invoke(&app(Arc::clone(&closed)), Environ::new()).expect("the app answers");
    assert_eq!(invoked.status, "200 OK");
    assert!(invoked.body == expected(), "the recorded body differs");
    assert!(closed.load(Ordering::SeqCst), "close() ran");
}

#[test]
fn a_file_region_is_served_over_the_socket() {
    let closed = Arc::new(AtomicBool::new(false));
    let server = TestServer::start(app(Arc::clone(&closed)));
    let mut client = server.client();
    for _ in 0..2 {
        let resp = client.get("/").expect("a response");
        assert_eq!(resp.status, 200);
        assert!(resp.body == expected(), "the served body differs");
    }
    assert!(closed.load(Ordering::SeqCst), "close() ran");
}

#[test]
fn a_file_region_before_start_response_is_a_500() {
    let server = TestServer::start(app_fn(|_env, _sr| {
        Ok(Body::new(FileThenTail {
            region: Some(FileRegion::to_end(file(), 0)?),
            tail: None,
        }))
    }));
    let resp = server.client().get("/").expect("a response");
    assert_eq!(resp.status, 500);
}
