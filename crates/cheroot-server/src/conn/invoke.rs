//! Calling the gateway: errors and panics become a failed outcome, logged once.

use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::gateway::Gateway;
use crate::request::Request;
use crate::response::{Outcome, Response};

/// Runs `gateway` on one request and ends the response; never unwinds.
pub(super) fn run_gateway(
    gateway: &dyn Gateway,
    req: &mut Request<'_>,
    resp: &mut Response<'_>,
) -> Outcome {
    match catch_unwind(AssertUnwindSafe(|| gateway.respond(req, resp))) {
        Ok(Ok(())) => resp.finish(),
        Ok(Err(err)) => {
            // cheroot logs the failure at ERROR with its repr.
            tracing::error!("{err:?}");
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
