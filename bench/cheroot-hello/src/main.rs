//! The cheroot-rs hello-world server that `cargo xtask bench` measures against hyper-hello.
//!
//! `cheroot-hello ADDR [--pool | --wsgi] [--threads N] [--tls CERT KEY]`
//!
//! Same routes as hyper-hello: every path answers 200 `text/plain` `Hello world!`, `/big`
//! answers 1 MiB of `x`, both with `Content-Length`. By default the native gateway runs inline
//! on the I/O task (`blocking() == false`); `--pool` runs the same gateway on the worker pool
//! (`blocking() == true`); `--wsgi` serves the routes as a WSGI-style app (cheroot-wsgi), which
//! always runs on the worker pool. `--tls CERT KEY` serves HTTPS through cheroot-tls's
//! `RustlsAdapter` (ring provider) with that certificate and key, PEM.

mod wsgi_app;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use cheroot_server::{BindAddr, Gateway, GatewayError, HttpServer, Request, Response};
use cheroot_tls::{RustlsAdapter, TlsSettings};
use cheroot_wsgi::{WsgiApp, WsgiGateway, app_fn};

/// The small answer.
const HELLO: &[u8] = b"Hello world!";
/// Size of the `/big` answer: 1 MiB.
const BIG_LEN: usize = 1 << 20;
/// `BIG_LEN` in decimal.
const BIG_LEN_STR: &str = "1048576";

/// The two routes, inline or on the pool.
struct Hello {
    /// Shared like hyper-hello's: `Response::write_bytes` queues it for the socket's `writev`
    /// without copying it (a reference count per request).
    big: Bytes,
    pool: bool,
}

impl Gateway for Hello {
    fn respond(&self, req: &mut Request<'_>, resp: &mut Response<'_>) -> Result<(), GatewayError> {
        // Content-Length as a constant string: no formatting per request.
        let big = req.target().path() == b"/big";
        let length = if big { BIG_LEN_STR } else { "12" };
        resp.set_status(200, "OK");
        resp.add_header("Content-Type", "text/plain")?;
        resp.add_header("Content-Length", length)?;
        if big {
            resp.write_bytes(self.big.clone())?;
        } else {
            resp.write(HELLO)?;
        }
        Ok(())
    }

    fn blocking(&self) -> bool {
        self.pool
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(addr) = args.next() else {
        eprintln!("usage: cheroot-hello ADDR [--pool | --wsgi] [--threads N] [--tls CERT KEY]");
        std::process::exit(2);
    };
    let mut pool = false;
    let mut wsgi = false;
    let mut threads = None;
    let mut tls = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--pool" => pool = true,
            "--wsgi" => wsgi = true,
            "--threads" => threads = args.next().and_then(|n| n.parse::<usize>().ok()),
            "--tls" => match (args.next(), args.next()) {
                (Some(cert), Some(key)) => tls = Some(TlsSettings::new(cert, key)),
                _ => {
                    eprintln!("cheroot-hello: --tls wants CERT KEY");
                    std::process::exit(2);
                }
            },
            other => {
                eprintln!("cheroot-hello: unknown argument {other}");
                std::process::exit(2);
            }
        }
    }
    let bind: BindAddr = match addr.parse() {
        Ok(b) => b,
        Err(e) => {
            eprintln!("cheroot-hello: bad address {addr}: {e}");
            std::process::exit(2);
        }
    };
    let server = if wsgi {
        let big = Bytes::from(vec![b'x'; BIG_LEN]);
        let app: Arc<dyn WsgiApp> = Arc::new(app_fn(move |env, start_response| {
            wsgi_app::hello(env, start_response, &big)
        }));
        HttpServer::new(bind, WsgiGateway::from_arc(app))
    } else {
        let gateway = Hello {
            big: Bytes::from(vec![b'x'; BIG_LEN]),
            pool,
        };
        HttpServer::new(bind, gateway)
    };
    // As hyper-hello: no idle timeout of its own (300 s outlasts any run), the listen backlog
    // tokio's listener uses (cheroot's default is 5), no keep-alive cap. The I/O runtime
    // sizes itself from the CPU affinity mask, so under `taskset -c 0` it has one worker.
    server
        .set_timeout(Duration::from_secs(300))
        .set_request_queue_size(1024)
        .set_keep_alive_conn_limit(None);
    if let Some(n) = threads {
        server.set_minthreads(n).set_maxthreads(Some(n));
    }
    if let Some(settings) = tls {
        match RustlsAdapter::new(settings) {
            Ok(adapter) => {
                server.set_ssl_adapter(Some(Arc::new(adapter)));
            }
            Err(e) => {
                eprintln!("cheroot-hello: {e}");
                std::process::exit(1);
            }
        }
    }
    if let Err(e) = server.safe_start() {
        eprintln!("cheroot-hello: {e}");
        std::process::exit(1);
    }
}
