//! A native, non-blocking gateway answering `Hello world!` to every request: the benchmark's
//! server. Usage: `hello [ADDR]` (default `127.0.0.1:8080`).

use cheroot_server::{BindAddr, Gateway, GatewayError, HttpServer, Request, Response};

/// Answers every request with a fixed 12-byte body, inline on the I/O task.
struct Hello;

impl Gateway for Hello {
    fn respond(&self, _req: &mut Request<'_>, resp: &mut Response<'_>) -> Result<(), GatewayError> {
        resp.set_status(200, "OK");
        resp.add_header("Content-Type", "text/plain")?;
        resp.add_header("Content-Length", "12")?;
        resp.write(b"Hello world!")?;
        Ok(())
    }

    fn blocking(&self) -> bool {
        false
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8080".to_owned());
    let bind: BindAddr = addr.parse()?;
    let server = HttpServer::new(bind, Hello);
    server.set_keep_alive_conn_limit(None);
    server.prepare()?;
    eprintln!("serving on {}", server.bind_addr());
    server.safe_start()?;
    Ok(())
}
