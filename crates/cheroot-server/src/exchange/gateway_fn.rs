//! A closure as a [`Gateway`] (hyper's `service_fn`): `gateway_fn(|req, resp| ...)`.

use std::fmt;

use crate::exchange::gateway::{Gateway, GatewayError};
use crate::exchange::request::Request;
use crate::exchange::response::Response;

/// A [`Gateway`] that calls a closure for each request, on the worker pool (it may block).
/// Made by [`gateway_fn`].
pub struct GatewayFn<F> {
    respond: F,
}

/// Serves each request with `respond`, which may block (it runs on the worker pool).
///
/// Going through this function, rather than implementing [`Gateway`] for closures directly,
/// lets Rust infer the closure's argument types (`&mut Request<'_>`, `&mut Response<'_>`).
///
/// ```
/// use cheroot_server::{HttpServer, gateway_fn};
///
/// let hello = gateway_fn(|_req, resp| {
///     resp.add_header("Content-Length", "12")?;
///     resp.write(b"Hello world!")?;
///     Ok(())
/// });
/// let server = HttpServer::new("127.0.0.1:0".parse().unwrap(), hello);
/// # drop(server);
/// ```
pub fn gateway_fn<F>(respond: F) -> GatewayFn<F>
where
    F: Fn(&mut Request<'_>, &mut Response<'_>) -> Result<(), GatewayError> + Send + Sync + 'static,
{
    GatewayFn { respond }
}

impl<F> Gateway for GatewayFn<F>
where
    F: Fn(&mut Request<'_>, &mut Response<'_>) -> Result<(), GatewayError> + Send + Sync + 'static,
{
    fn respond(&self, req: &mut Request<'_>, resp: &mut Response<'_>) -> Result<(), GatewayError> {
        (self.respond)(req, resp)
    }
}

impl<F> fmt::Debug for GatewayFn<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GatewayFn").finish_non_exhaustive()
    }
}
