//! The server-side half: a native `Gateway` that runs a `WsgiApp` for each request on the
//! worker pool (cheroot's `wsgi.Gateway.respond`).

use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use cheroot_server::{Gateway, GatewayError, Request, RequestBody, Response};

use crate::app::WsgiApp;
use crate::body::Body;
use crate::build_environ::ServerFacts;
use crate::environ::WsgiVersion;
use crate::environ_source::EnvironSource;
use crate::error::AppError;
use crate::input::WsgiInput;
use crate::start_response::{Core, StartResponse};

/// A [`Gateway`] that answers each request with a [`WsgiApp`].
///
/// It runs on the server's worker pool ([`blocking`](Gateway::blocking) is true), builds the
/// environ of the configured [`WsgiVersion`], calls the app, writes the body chunks it yields
/// (skipping empty ones, which neither send the head nor write anything), sends the head if
/// the body was empty, and calls the body's `close` on every path.
///
/// Most users want [`Server`](crate::Server), which builds one; this is for embedding a WSGI
/// app in an [`HttpServer`](cheroot_server::HttpServer) set up by hand.
pub struct WsgiGateway {
    app: Arc<dyn WsgiApp>,
    /// Shared with the requests in flight: a request takes a reference, not a copy, and a
    /// setter replaces the settings for the requests that follow.
    settings: Mutex<Arc<Settings>>,
}

#[derive(Debug, Clone)]
struct Settings {
    version: WsgiVersion,
    facts: ServerFacts,
}

impl std::fmt::Debug for WsgiGateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WsgiGateway")
            .field("settings", &**self.settings())
            .finish_non_exhaustive()
    }
}

impl WsgiGateway {
    /// A gateway for `app`, building `Gateway_10` environs.
    pub fn new(app: impl WsgiApp) -> Self {
        Self::from_arc(Arc::new(app))
    }

    /// As [`new`](WsgiGateway::new), for an app already shared.
    pub fn from_arc(app: Arc<dyn WsgiApp>) -> Self {
        Self {
            app,
            settings: Mutex::new(Arc::new(Settings {
                version: WsgiVersion::V10,
                facts: ServerFacts::new(
                    "HTTP/1.1",
                    format!("{} Server", cheroot_server::DEFAULT_SERVER_NAME),
                ),
            })),
        }
    }

    /// The application.
    pub fn app(&self) -> &Arc<dyn WsgiApp> {
        &self.app
    }

    /// The environ flavour (default [`WsgiVersion::V10`]).
    pub fn wsgi_version(&self) -> WsgiVersion {
        self.settings().version
    }

    /// Sets the environ flavour; takes effect from the next request.
    pub fn set_wsgi_version(&self, version: WsgiVersion) {
        Arc::make_mut(&mut self.settings()).version = version;
    }

    /// Sets `ACTUAL_SERVER_PROTOCOL` (the server's protocol, `HTTP/1.1` by default).
    pub fn set_server_protocol(&self, protocol: &'static str) {
        Arc::make_mut(&mut self.settings()).facts.protocol = protocol;
    }

    /// Sets `SERVER_SOFTWARE` (default `Cheroot/<version> Server`, as cheroot's
    /// `server.software`).
    pub fn set_server_software(&self, software: impl Into<String>) {
        Arc::make_mut(&mut self.settings()).facts.software = software.into().into();
    }

    fn settings(&self) -> std::sync::MutexGuard<'_, Arc<Settings>> {
        self.settings.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Gateway for WsgiGateway {
    fn respond(&self, req: &mut Request<'_>, resp: &mut Response<'_>) -> Result<(), GatewayError> {
        let settings = Arc::clone(&self.settings());
        // The app owns `wsgi.input` (it may keep it in the body); the body goes back to the
        // server when the request ends, so it can drain what was left unread.
        let (input, back) =
            WsgiInput::from_body(std::mem::replace(req.body(), RequestBody::empty()));
        let request = EnvironSource::request(
            req.head(),
            req.conn(),
            &settings.facts,
            settings.version,
            input,
        );

        let result = {
            let core = Core::new(resp);
            run(&*self.app, request, &core)
        };

        if let Some(body) = back.take() {
            *req.body() = body;
        }
        // The server logs the error (cheroot logs the traceback at ERROR). It gets the error
        // the `AppError` wraps, whose text the `AppError` shows: the server walks that error's
        // chain to tell a client that went away from an application failure.
        result.map_err(|err| GatewayError::new(err.into_inner()))
    }

    fn blocking(&self) -> bool {
        true
    }
}

/// Calls the app and streams its body; `close` runs on every path once there is a body
/// (success, error, client gone, panic).
pub(crate) fn run<'r>(
    app: &dyn WsgiApp,
    request: EnvironSource<'_>,
    core: &'r Core<'r>,
) -> Result<(), AppError> {
    let mut body = app.call_request(request, StartResponse::new(core))?;
    // A panicking body still gets its `close` (the server turns the panic into a 500 or a
    // closed connection); the panic then carries on.
    let streamed = match panic::catch_unwind(AssertUnwindSafe(|| stream(&mut body, core))) {
        Ok(streamed) => streamed,
        Err(payload) => {
            let _ = body.close();
            panic::resume_unwind(payload);
        }
    };
    // Success: the head goes out before `close` (test_core.py::test_send_header_before_closing).
    // Failure: nothing more is sent, so the client still gets a 500 if no byte went out.
    let head = match &streamed {
        Ok(()) => core.ensure_headers_sent(),
        Err(_) => Ok(()),
    };
    let closed = body.close();
    streamed.and(head).and(closed)
}

fn stream(body: &mut Body<'_>, core: &Core<'_>) -> Result<(), AppError> {
    if let Some(region) = body.take_file() {
        // An empty file neither sends the head nor writes, as an empty chunk.
        if !region.is_empty() {
            core.send_file(region)?;
        }
    }
    while let Some(chunk) = body.next_chunk() {
        let chunk: Bytes = chunk?;
        // filter(None, response): an empty chunk neither sends the head nor writes.
        if !chunk.is_empty() {
            // The last chunk of a body with nothing to do on close rides with the end of the
            // response: nothing can happen between the two that a client could see.
            core.write_held(chunk, body.is_finished())?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::app_fn;
    use crate::start_response::tests::Recorder;

    /// Runs `app` against a recorder; whether the last chunk was held for the end, and the
    /// body.
    fn held_and_body(app: &dyn WsgiApp) -> (bool, Vec<u8>) {
        let mut rec = Recorder::default();
        {
            let core = Core::new(&mut rec);
            run(app, EnvironSource::built(crate::Environ::new()), &core).unwrap();
        }
        (rec.held, rec.body)
    }

    #[test]
    fn the_last_chunk_rides_with_the_end_only_when_close_has_nothing_to_do() {
        let plain = app_fn(|_env, sr| {
            sr.start("200 OK", [("X-A", "1")])?;
            Ok(Body::chunks(vec!["a", "b"]))
        });
        assert_eq!(held_and_body(&plain), (true, b"ab".to_vec()));
        let hooked = app_fn(|_env, sr| {
            sr.start("200 OK", [("X-A", "1")])?;
            Ok(Body::chunks(vec!["a", "b"]).on_close(|| Ok(())))
        });
        assert_eq!(held_and_body(&hooked), (false, b"ab".to_vec()));
    }
}
