//! What happens to an exception an app raises: cheroot's rules, in one place.
//!
//! - `KeyboardInterrupt` and `SystemExit` stop the server: they are set as the server's
//!   `interrupt`, which `serve()` then raises, as cheroot's worker threads do, after the two
//!   `logging.DEBUG` lines cheroot's worker writes (the client, then the interrupt flag).
//! - A `ConnectionError` means the client went away: nothing to report.
//! - Anything else goes to the server's `error_log` (overridable) with its traceback, as
//!   cheroot logs `repr(exc)` and the traceback at `logging.ERROR`.
//!
//! The exception then goes on through the gateway, which answers 500 when no byte of the
//! response was sent and closes the connection otherwise.

use std::sync::Arc;

use cheroot::wsgi::AppError;
use pyo3::exceptions::{PyConnectionError, PyKeyboardInterrupt, PySystemExit};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use crate::error::to_app;

/// `logging.ERROR`.
const ERROR: u32 = 40;
/// `logging.DEBUG`.
const DEBUG: u32 = 10;

/// The Python server object an app runs under: its `error_log`, its `interrupt` and its
/// `wsgi_app`.
pub(crate) struct Host {
    server: Py<PyAny>,
}

impl Host {
    pub(crate) fn new(server: Py<PyAny>) -> Self {
        Self { server }
    }

    /// The server object.
    pub(crate) fn server<'py>(&self, py: Python<'py>) -> &Bound<'py, PyAny> {
        self.server.bind(py)
    }

    /// Handles `err`, raised while serving the request of `environ` (`None` before its
    /// environ was built), by the rules above and turns it into the gateway's error.
    pub(crate) fn failed(
        &self,
        py: Python<'_>,
        err: PyErr,
        environ: Option<&Bound<'_, PyDict>>,
    ) -> AppError {
        let server = self.server(py);
        let handled = if err.is_instance_of::<PyKeyboardInterrupt>(py)
            || err.is_instance_of::<PySystemExit>(py)
        {
            self.shut_down(py, &err, environ)
        } else if err.is_instance_of::<PyConnectionError>(py) {
            Ok(())
        } else {
            self.log(py, &err)
        };
        if let Err(reporting) = handled {
            reporting.write_unraisable(py, Some(server));
        }
        to_app(err)
    }

    /// Logs cheroot's two shutdown lines and sets the server's `interrupt`.
    fn shut_down(
        &self,
        py: Python<'_>,
        err: &PyErr,
        environ: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<()> {
        let server = self.server(py);
        let value = err.value(py);
        let client_value = |key: &str| -> PyResult<String> {
            let value = match environ {
                Some(environ) => environ.get_item(key)?,
                None => None,
            };
            Ok(value.map_or_else(|| "?".to_owned(), |value| value.to_string()))
        };
        let client = format!(
            "{}:{}",
            client_value("REMOTE_ADDR")?,
            client_value("REMOTE_PORT")?
        );
        let error_log = intern!(py, "error_log");
        server.call_method1(
            error_log,
            (
                format!(
                    "Got a server shutdown request while handling a connection from {client} ({})",
                    value.str()?
                ),
                DEBUG,
            ),
        )?;
        server.call_method1(
            error_log,
            (
                format!("Setting the server interrupt flag to {}", value.repr()?),
                DEBUG,
            ),
        )?;
        server.setattr(intern!(py, "interrupt"), value)
    }

    fn log(&self, py: Python<'_>, err: &PyErr) -> PyResult<()> {
        let value = err.value(py);
        let lines = py.import(intern!(py, "traceback"))?.call_method1(
            intern!(py, "format_exception"),
            (err.get_type(py), value, err.traceback(py)),
        )?;
        let traceback = PyString::new(py, "").call_method1(intern!(py, "join"), (lines,))?;
        let message = format!("{}\n{}", value.repr()?, traceback);
        self.server(py)
            .call_method1(intern!(py, "error_log"), (message.trim_end(), ERROR, false))?;
        Ok(())
    }
}

/// The server object as one request sees it: where the exceptions of the request's body go,
/// with the request's environ (to name the client when the app stops the server).
pub(crate) struct RequestHost {
    host: Arc<Host>,
    environ: Py<PyDict>,
}

impl RequestHost {
    pub(crate) fn new(host: Arc<Host>, environ: Py<PyDict>) -> Self {
        Self { host, environ }
    }

    /// [`Host::failed`] for this request.
    pub(crate) fn failed(&self, py: Python<'_>, err: PyErr) -> AppError {
        self.host.failed(py, err, Some(self.environ.bind(py)))
    }
}
