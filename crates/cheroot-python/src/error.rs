//! Errors across the bridge: a Python exception travels through the Rust gateway inside an
//! `AppError` and comes back out as itself; the gateway's own errors become the exceptions
//! cheroot raises for them.

use cheroot::wsgi::AppError;
use pyo3::exceptions::{PyConnectionError, PyOSError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;

/// A Python exception as an `AppError`, to pass through the Rust gateway.
pub(crate) fn to_app(err: PyErr) -> AppError {
    AppError::new(err)
}

/// An `AppError` as the exception an app sees: the Python exception it carries, or cheroot's
/// exception for the gateway's own errors.
pub(crate) fn to_py(err: AppError) -> PyErr {
    if err.get_ref().is::<PyErr>() {
        let inner = err.into_inner();
        return *inner.downcast::<PyErr>().expect("checked with is::<PyErr>");
    }
    let message = err.to_string();
    if err.is_start_response_twice() || err.is_write_before_start_response() {
        PyRuntimeError::new_err(message)
    } else if err.is_invalid_response() || err.is_content_length_exceeded() {
        PyValueError::new_err(message)
    } else if let Some(io) = err.io_error() {
        match io.kind() {
            std::io::ErrorKind::BrokenPipe
            | std::io::ErrorKind::ConnectionReset
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::UnexpectedEof => PyConnectionError::new_err(message),
            _ => PyOSError::new_err(message),
        }
    } else {
        PyRuntimeError::new_err(message)
    }
}
