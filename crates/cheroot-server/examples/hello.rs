//! A native, non-blocking gateway answering `Hello world!` to every request: the benchmark's
//! server. Usage: `hello [ADDR] [--pool]` (default `127.0.0.1:8080`); `--pool` runs the same
//! gateway on the worker pool instead of inline, to measure that path.

use cheroot_server::{BindAddr, Gateway, GatewayError, HttpServer, Request, Response};

/// Answers every request with a fixed 12-byte body, inline on the I/O task unless `pool`.
struct Hello {
    pool: bool,
}

impl Gateway for Hello {
    fn respond(&self, _req: &mut Request<'_>, resp: &mut Response<'_>) -> Result<(), GatewayError> {
        resp.set_status(200, "OK");
        resp.add_header("Content-Type", "text/plain")?;
        resp.add_header("Content-Length", "12")?;
        resp.write(b"Hello world!")?;
        Ok(())
    }

    fn blocking(&self) -> bool {
        self.pool
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8080".to_owned());
    let pool = std::env::args().nth(2).is_some_and(|arg| arg == "--pool");
    let bind: BindAddr = addr.parse()?;
    let server = HttpServer::new(bind, Hello { pool });
    server.set_keep_alive_conn_limit(None);
    server.prepare()?;
    eprintln!("serving on {}", server.bind_addr());
    server.safe_start()?;
    Ok(())
}
