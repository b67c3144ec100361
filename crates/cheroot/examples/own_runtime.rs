//! cheroot-rs on your own tokio runtime, hyper-style: your code accepts the connections and
//! spawns a task serving each. `cargo run -p cheroot --example own_runtime`, then
//! `curl http://127.0.0.1:8080/`.

use std::error::Error;

use cheroot::{BindAddr, ConnectionServer, Gateway, ServerConfig, gateway_fn};
use tokio::net::TcpListener;

/// Greets each client by its address. A closure gateway may block: it runs on cheroot's
/// worker pool, never on the runtime's own threads.
pub(crate) fn greeter() -> impl Gateway {
    gateway_fn(|req, resp| {
        let body = format!("Hello {}!\n", req.conn().remote_addr());
        resp.add_header("Content-Type", "text/plain")?;
        resp.add_header("Content-Length", body.len().to_string())?;
        resp.write(body.as_bytes())?;
        Ok(())
    })
}

/// Serves the connections of `listener` until an accept fails.
pub(crate) async fn serve(listener: TcpListener) -> Result<(), Box<dyn Error + Send + Sync>> {
    let local = listener.local_addr()?;
    let bind_addr = BindAddr::tcp(local.ip().to_string(), local.port())?;
    // One server for all the connections: settings, worker pool, statistics.
    let server = ConnectionServer::new(bind_addr, greeter(), ServerConfig::default())?;
    loop {
        let (stream, peer) = listener.accept().await?;
        stream.set_nodelay(true)?;
        tokio::spawn(server.serve_connection(stream, Some(peer)));
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error + Send + Sync>> {
    let listener = TcpListener::bind("127.0.0.1:8080").await?;
    serve(listener).await
}
