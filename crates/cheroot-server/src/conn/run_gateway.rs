//! Calling the gateway: errors and panics become a failed outcome, logged once.

use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::exchange::client_side::{is_client_caused, readable_chain};
use crate::exchange::gateway::{Gateway, GatewayError};
use crate::exchange::outcome::Outcome;
use crate::exchange::request::Request;
use crate::exchange::response::Response;

/// Logs why the gateway failed, once. A failure the client caused (it reset or closed the
/// connection mid-body, sent a malformed or oversized body) is no fault of the app: debug
/// level, as cheroot drops these errnos quietly. Anything else is the app's failure, at ERROR,
/// on one readable line (not the `Debug` form of nested error structs).
fn log_failure(err: &GatewayError, req: &Request<'_>) {
    let peer = req.conn().remote_addr();
    if is_client_caused(err) {
        tracing::debug!(
            "the client {peer} ended its request early: {}",
            readable_chain(err)
        );
    } else {
        tracing::error!(
            "the application failed on a request from {peer}: {}",
            readable_chain(err)
        );
    }
}

/// Runs `gateway` on one request and ends the response; never unwinds.
pub(super) fn run_gateway(
    gateway: &dyn Gateway,
    req: &mut Request<'_>,
    resp: &mut Response<'_>,
) -> Outcome {
    match catch_unwind(AssertUnwindSafe(|| gateway.respond(req, resp))) {
        Ok(Ok(())) => resp.finish(),
        Ok(Err(err)) => {
            log_failure(&err, req);
            resp.fail()
        }
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "non-string panic payload".to_owned());
            tracing::error!(
                "Unhandled error while processing an incoming connection from {}: panic: {what}",
                req.conn().remote_addr()
            );
            resp.fail()
        }
    }
}
