//! `wsgi.input`: the request body as a Python binary stream, read through the Rust gateway's
//! `WsgiInput` (de-chunked, ending at Content-Length or the last chunk, the size limit
//! enforced). The GIL is released while a read waits for the client, and the server sends
//! `100 Continue` to a client that asked for it.
//!
//! It also carries the request's header fields as received (order, spelling and repeats,
//! which the `HTTP_*` keys lose) as `cheroot_rs_headers`, outside the environ so that the
//! environ holds exactly cheroot's keys.

use cheroot::server::Headers;
use cheroot::wsgi::WsgiInput;
use cheroot_compat::bton;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyTuple};

use crate::error::to_py;

/// The request body stream: `read`, `readline`, `readlines`, iteration by line.
#[pyclass(module = "cheroot_rs._native")]
pub(crate) struct Input {
    inner: WsgiInput,
    headers: Headers,
}

impl Input {
    pub(crate) fn new(inner: WsgiInput, headers: Headers) -> Self {
        Self { inner, headers }
    }
}

/// A size argument: `None` or a negative number means "no limit", as for Python files.
fn limit(size: Option<isize>) -> Option<usize> {
    size.and_then(|size| usize::try_from(size).ok())
}

#[pymethods]
impl Input {
    /// Up to `size` bytes (all that is left without `size`); `b''` at the end of the body.
    #[pyo3(signature = (size = None))]
    fn read<'py>(&mut self, py: Python<'py>, size: Option<isize>) -> PyResult<Bound<'py, PyBytes>> {
        let inner = &mut self.inner;
        let data = py
            .detach(|| match limit(size) {
                Some(size) => inner.read(size),
                None => inner.read_all(),
            })
            .map_err(to_py)?;
        Ok(PyBytes::new(py, &data))
    }

    /// The next line, newline kept, at most `size` bytes; `b''` at the end of the body.
    #[pyo3(signature = (size = None))]
    fn readline<'py>(
        &mut self,
        py: Python<'py>,
        size: Option<isize>,
    ) -> PyResult<Bound<'py, PyBytes>> {
        let inner = &mut self.inner;
        let line = py.detach(|| inner.readline(limit(size))).map_err(to_py)?;
        Ok(PyBytes::new(py, &line))
    }

    /// The remaining lines; with a positive `hint`, stops once the lines read reach it.
    #[pyo3(signature = (hint = None))]
    fn readlines<'py>(
        &mut self,
        py: Python<'py>,
        hint: Option<isize>,
    ) -> PyResult<Bound<'py, PyList>> {
        let inner = &mut self.inner;
        let lines = py.detach(|| inner.readlines(limit(hint))).map_err(to_py)?;
        PyList::new(py, lines.iter().map(|line| PyBytes::new(py, line)))
    }

    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__<'py>(&mut self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyBytes>>> {
        let line = self.readline(py, None)?;
        Ok((!line.as_bytes().is_empty()).then_some(line))
    }

    fn readable(&self) -> bool {
        true
    }

    /// The request's header fields as received: a list of `(name, value)` native strings
    /// (made when asked for, not per request).
    #[getter]
    fn cheroot_rs_headers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let fields = self
            .headers
            .iter()
            .map(|field| PyTuple::new(py, [bton(field.name()), bton(field.value())]))
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, fields)
    }
}
