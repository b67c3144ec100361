//! The application as a worker runs it: the statistics page answered before the app sees the
//! request, `wsgi.multiprocess` set when several workers serve, and every request counted
//! (for `--max-requests`) and timed in the worker's heartbeat (for `--worker-timeout`) until
//! its body is closed.

use std::sync::Arc;

use cheroot::wsgi::{AppError, Body, Environ, StartResponse, WsgiApp};
use cheroot_supervisor::WorkerContext;

use super::stats_page::StatsPage;

/// Wraps the loaded application.
pub(crate) struct SupervisedApp {
    app: Arc<dyn WsgiApp>,
    context: WorkerContext,
    stats: Option<Arc<StatsPage>>,
}

impl SupervisedApp {
    pub(crate) fn new(
        app: Arc<dyn WsgiApp>,
        context: WorkerContext,
        stats: Option<Arc<StatsPage>>,
    ) -> SupervisedApp {
        SupervisedApp {
            app,
            context,
            stats,
        }
    }
}

impl WsgiApp for SupervisedApp {
    fn call<'r>(
        &self,
        mut environ: Environ,
        start_response: StartResponse<'r>,
    ) -> Result<Body<'r>, AppError> {
        if let Some(page) = &self.stats {
            if page.is_for(&environ) {
                return page.respond(&environ, start_response);
            }
        }
        if self.context.multiprocess() {
            environ.set_multiprocess(true);
        }
        if !self.context.times_requests() {
            // No heartbeat to keep: the body goes out as the app made it, without a wrapper
            // (an allocation and an indirect call per request on the hot path).
            let answered = self.app.call(environ, start_response);
            self.context.count_request();
            return answered;
        }
        let timed = self.context.request_started(|| describe(&environ));
        let answered = self.app.call(environ, start_response);
        self.context.count_request();
        let body = answered?;
        Ok(body.on_close(move || {
            drop(timed);
            Ok(())
        }))
    }
}

/// "GET /slow?ms=9000 from 127.0.0.1:40312", for the master's log about a stuck request.
fn describe(environ: &Environ) -> String {
    let get = |key| environ.get(key).unwrap_or("-");
    let client = match environ.get("REMOTE_PORT") {
        Some(port) if !port.is_empty() => format!("{}:{port}", get("REMOTE_ADDR")),
        _ => get("REMOTE_ADDR").to_owned(),
    };
    format!(
        "{} {} from {client}",
        get("REQUEST_METHOD"),
        get("REQUEST_URI")
    )
}

/// Serves only the statistics page (`--stats-bind`): anything else is 404.
pub(crate) struct StatsOnly(pub(crate) Arc<StatsPage>);

impl WsgiApp for StatsOnly {
    fn call<'r>(
        &self,
        environ: Environ,
        start_response: StartResponse<'r>,
    ) -> Result<Body<'r>, AppError> {
        if self.0.is_for(&environ) {
            return self.0.respond(&environ, start_response);
        }
        start_response.start(
            "404 Not Found",
            [("Content-Type", "text/plain"), ("Content-Length", "10")],
        )?;
        Ok(Body::from("Not Found\n"))
    }
}
