//! A Python WSGI callable as the Rust gateway's application: the environ dict, the lent
//! `start_response`, the call, and the body it returns.

use std::sync::Arc;

use cheroot::wsgi::{AppError, Body, Environ, EnvironSource, StartResponse, WsgiApp};
use pyo3::intern;
use pyo3::prelude::*;

use crate::attach::attach_once;
use crate::body;
use crate::environ::{self, ServerValues};
use crate::report::{Host, RequestHost};
use crate::start_response::StartResponseFn;

/// Calls the server object's `wsgi_app` for each request (read per request, so a running
/// server picks up a reassigned app, as cheroot does).
pub(crate) struct PyApp {
    host: Arc<Host>,
    values: ServerValues,
}

impl PyApp {
    pub(crate) fn new(host: Arc<Host>, values: ServerValues) -> Self {
        Self { host, values }
    }
}

impl WsgiApp for PyApp {
    fn call<'r>(
        &self,
        environ: Environ,
        start_response: StartResponse<'r>,
    ) -> Result<Body<'r>, AppError> {
        self.call_request(EnvironSource::built(environ), start_response)
    }

    fn call_request<'r>(
        &self,
        request: EnvironSource<'_>,
        start_response: StartResponse<'r>,
    ) -> Result<Body<'r>, AppError> {
        attach_once();
        Python::attach(|py| {
            let environ = match environ::to_dict(py, request, &self.values) {
                Ok(environ) => environ,
                Err(err) => return Err(self.host.failed(py, err, None)),
            };
            let (lease, start_response) = match StartResponseFn::lend(py, start_response) {
                Ok(lent) => lent,
                Err(err) => return Err(self.host.failed(py, err, Some(&environ))),
            };
            let called = (|| {
                let app = self.host.server(py).getattr(intern!(py, "wsgi_app"))?;
                app.call1((&environ, start_response))
            })();
            let host = RequestHost::new(Arc::clone(&self.host), environ.unbind());
            match called {
                Ok(result) => body::from_result(py, result, lease, host),
                Err(err) => Err(host.failed(py, err)),
            }
        })
    }
}
