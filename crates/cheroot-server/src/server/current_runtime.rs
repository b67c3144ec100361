//! `HttpServer::start_on_current_runtime`: the whole server, accept loop included, on the
//! tokio runtime of its caller instead of one of its own.

use std::io;
use std::pin::pin;

use super::{HttpServer, lock};
use crate::error::ServerError;
use crate::workers::io_runtime::IoRuntime;

impl HttpServer {
    /// [`start`](HttpServer::start) on the tokio runtime this future runs on: binds the
    /// socket, starts the worker pool (on tokio's blocking threads, so the runtime's own
    /// threads never wait for it), and accepts and serves connections as tasks of that
    /// runtime until [`stop`](HttpServer::stop), which keeps its meaning: in-flight requests
    /// finish within `shutdown_timeout`, then the connections still open are closed. The
    /// future resolves once the stop has finished.
    ///
    /// Call `stop()` from anywhere (a task of the same runtime included: it finishes on a
    /// thread of its own); dropping the future stops the server too. The runtime needs its
    /// I/O and time drivers (`enable_all`). A server stopped this way can be prepared again
    /// with either entry.
    ///
    /// ```no_run
    /// use std::sync::Arc;
    /// use cheroot_server::{HttpServer, gateway_fn};
    ///
    /// # async fn run() -> Result<(), cheroot_server::ServerError> {
    /// let hello = gateway_fn(|_req, resp| Ok(resp.write(b"Hello world!")?));
    /// let server = Arc::new(HttpServer::new("127.0.0.1:8080".parse().unwrap(), hello));
    /// let serving = tokio::spawn({
    ///     let server = Arc::clone(&server);
    ///     async move { server.start_on_current_runtime().await }
    /// });
    /// // ... later, from any task or thread:
    /// server.stop();
    /// serving.await.expect("the server task")?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`start`](HttpServer::start); an `io` error when not awaited inside a tokio
    /// runtime.
    pub async fn start_on_current_runtime(&self) -> Result<(), ServerError> {
        let shared = self.prepare_on(IoRuntime::current, |_| Ok(()))?;
        let _stop_on_drop = StopOnDrop(self);
        let pool = shared.pool.clone();
        drop(shared);
        match tokio::task::spawn_blocking(move || pool.start()).await {
            Ok(Ok(())) => {}
            // A stop() that came meanwhile refuses the start; serving then returns at once.
            Ok(Err(_)) if !self.ready() => {}
            Ok(Err(err)) => return Err(err.into()),
            Err(join) => return Err(io::Error::other(join).into()),
        }
        if let Some(result) = self.start_accepting() {
            return result;
        }
        // Wait until stop() has torn everything down.
        loop {
            let mut stopped = pin!(self.inner.stopped.notified());
            stopped.as_mut().enable();
            if lock(&self.inner.state).is_stopped() {
                break;
            }
            stopped.await;
        }
        self.served()
    }
}

/// Stops the server when `start_on_current_runtime` is dropped before it finished (no-op
/// after a stop).
struct StopOnDrop<'a>(&'a HttpServer);

impl Drop for StopOnDrop<'_> {
    fn drop(&mut self) {
        self.0.stop();
    }
}
