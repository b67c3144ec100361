//! `wsgi.errors`: a text stream into the server's log. Each complete line an app writes goes
//! to the server's `error_log` (overridable, as in cheroot; it writes to `sys.stderr` by
//! default, where cheroot's `wsgi.errors` writes).

use std::sync::Mutex;

use pyo3::exceptions::PyTypeError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::PyString;

/// `logging.WARNING`: the level of what an app writes to `wsgi.errors`.
const LEVEL: u32 = 30;

/// One per server, shared by its requests: the part of a line written so far.
#[pyclass(module = "cheroot_rs._native", frozen)]
pub(crate) struct ErrorStream {
    /// The server object whose `error_log` receives the lines.
    host: Py<PyAny>,
    partial: Mutex<String>,
}

impl ErrorStream {
    pub(crate) fn new(host: Py<PyAny>) -> Self {
        Self {
            host,
            partial: Mutex::new(String::new()),
        }
    }

    fn emit(&self, py: Python<'_>, lines: Vec<String>) -> PyResult<()> {
        for line in lines {
            self.host
                .bind(py)
                .call_method1(intern!(py, "error_log"), (line, LEVEL))?;
        }
        Ok(())
    }

    fn partial(&self) -> std::sync::MutexGuard<'_, String> {
        self.partial
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[pymethods]
impl ErrorStream {
    /// Writes `text`; complete lines go to the log at once.
    fn write(&self, py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<usize> {
        let Ok(text) = text.cast::<PyString>() else {
            return Err(PyTypeError::new_err(format!(
                "wsgi.errors.write() argument must be str, not {}",
                text.get_type().name()?
            )));
        };
        let text = text.to_cow()?;
        let lines = {
            let mut partial = self.partial();
            partial.push_str(&text);
            match partial.rfind('\n') {
                Some(end) => {
                    let rest = partial.split_off(end + 1);
                    let done = std::mem::replace(&mut *partial, rest);
                    done.lines().map(str::to_owned).collect()
                }
                None => Vec::new(),
            }
        };
        self.emit(py, lines)?;
        Ok(text.chars().count())
    }

    /// Writes each string of `lines` (no newlines are added, as with a file).
    fn writelines(&self, py: Python<'_>, lines: &Bound<'_, PyAny>) -> PyResult<()> {
        for line in lines.try_iter()? {
            self.write(py, &line?)?;
        }
        Ok(())
    }

    /// Sends the unfinished line, if any, to the log.
    fn flush(&self, py: Python<'_>) -> PyResult<()> {
        let rest = std::mem::take(&mut *self.partial());
        if rest.is_empty() {
            return Ok(());
        }
        self.emit(py, vec![rest])
    }
}
