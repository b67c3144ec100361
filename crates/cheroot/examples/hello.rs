//! The smallest cheroot-rs server: a native gateway answering `Hello world!` to every request.
//! `cargo run -p cheroot --example hello`, then `curl http://127.0.0.1:8080/`.

use cheroot::{Gateway, GatewayError, HttpServer, Request, Response};

// `pub(crate)` only so that tests/examples.rs can serve it on an ephemeral port.
pub(crate) struct Hello;

impl Gateway for Hello {
    fn respond(&self, _: &mut Request<'_>, resp: &mut Response<'_>) -> Result<(), GatewayError> {
        resp.add_header("Content-Type", "text/plain")?;
        resp.add_header("Content-Length", "12")?;
        resp.write(b"Hello world!")?;
        Ok(())
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = HttpServer::new("127.0.0.1:8080".parse()?, Hello);
    // Serves until Ctrl-C or SIGTERM, then stops gracefully and returns Ok.
    server.safe_start()?;
    Ok(())
}
