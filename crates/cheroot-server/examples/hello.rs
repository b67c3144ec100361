//! A native, non-blocking gateway answering `Hello world!` to every request: the benchmark's
//! server.
//!
//! Usage: `hello [ADDR] [--pool] [--body-size N]` (default `127.0.0.1:8080`). `--pool` runs the
//! same gateway on the worker pool instead of inline, to measure that path; `--body-size N`
//! answers N bytes of `x` instead of the 12-byte greeting (the large-body scenario).

use bytes::Bytes;
use cheroot_server::{BindAddr, Gateway, GatewayError, HttpServer, Request, Response};

/// Answers every request with the same body, inline on the I/O task unless `pool`.
struct Hello {
    pool: bool,
    body: Bytes,
    length: String,
}

impl Gateway for Hello {
    fn respond(&self, _req: &mut Request<'_>, resp: &mut Response<'_>) -> Result<(), GatewayError> {
        // The whole body is ready at once: on the pool, send it with the end of the response.
        resp.set_buffered(true);
        resp.set_status(200, "OK");
        resp.add_header("Content-Type", "text/plain")?;
        resp.add_header("Content-Length", &self.length)?;
        // A clone of `Bytes` shares the buffer: a large body is never copied.
        resp.write_bytes(self.body.clone())?;
        Ok(())
    }

    fn blocking(&self) -> bool {
        self.pool
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut addr = "127.0.0.1:8080".to_owned();
    let mut pool = false;
    let mut body = Bytes::from_static(b"Hello world!");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--pool" => pool = true,
            "--body-size" => {
                let size: usize = args.next().ok_or("--body-size needs a number")?.parse()?;
                body = Bytes::from(vec![b'x'; size]);
            }
            _ => addr = arg,
        }
    }
    let bind: BindAddr = addr.parse()?;
    let length = body.len().to_string();
    let server = HttpServer::new(bind, Hello { pool, body, length });
    server.set_keep_alive_conn_limit(None);
    server.prepare()?;
    eprintln!("serving on {}", server.bind_addr());
    server.safe_start()?;
    Ok(())
}
