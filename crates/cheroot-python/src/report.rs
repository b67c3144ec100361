//! What happens to an exception an app raises: cheroot's rules, in one place.
//!
//! - `KeyboardInterrupt` and `SystemExit` stop the server: they are set as the server's
//!   `interrupt`, which `serve()` then raises, as cheroot's worker threads do.
//! - A `ConnectionError` means the client went away: nothing to report.
//! - Anything else goes to the server's `error_log` (overridable) with its traceback, as
//!   cheroot logs `repr(exc)` and the traceback at `logging.ERROR`.
//!
//! The exception then goes on through the gateway, which answers 500 when no byte of the
//! response was sent and closes the connection otherwise.

use cheroot::wsgi::AppError;
use pyo3::exceptions::{PyConnectionError, PyKeyboardInterrupt, PySystemExit};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::error::to_app;

/// `logging.ERROR`.
const ERROR: u32 = 40;

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

    /// Handles `err` by the rules above and turns it into the gateway's error.
    pub(crate) fn failed(&self, py: Python<'_>, err: PyErr) -> AppError {
        let server = self.server(py);
        if err.is_instance_of::<PyKeyboardInterrupt>(py) || err.is_instance_of::<PySystemExit>(py) {
            if let Err(setting) = server.setattr(intern!(py, "interrupt"), err.value(py)) {
                setting.write_unraisable(py, Some(server));
            }
        } else if !err.is_instance_of::<PyConnectionError>(py) {
            if let Err(logging) = self.log(py, &err) {
                logging.write_unraisable(py, Some(server));
            }
        }
        to_app(err)
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
