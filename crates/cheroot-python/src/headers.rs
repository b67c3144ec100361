//! `environ['cheroot_rs.headers']`: the request's header fields as received (order, spelling
//! and repeats kept), which the `HTTP_*` keys cannot tell. Made into Python objects only when
//! an app iterates it.

use cheroot::server::Headers;
use cheroot_compat::bton;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};

/// The header fields of one request; iterating yields `(name, value)` native strings.
#[pyclass(module = "cheroot_rs._native", frozen)]
pub(crate) struct RequestHeaders {
    headers: Headers,
}

impl RequestHeaders {
    pub(crate) fn new(headers: Headers) -> Self {
        Self { headers }
    }
}

#[pymethods]
impl RequestHeaders {
    fn __len__(&self) -> usize {
        self.headers.len()
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let fields = self
            .headers
            .iter()
            .map(|field| {
                PyTuple::new(py, [bton(field.name()), bton(field.value())])
            })
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, fields)?.try_iter().map(Bound::into_any)
    }

    fn __repr__(&self) -> String {
        format!("<cheroot_rs request headers: {} fields>", self.headers.len())
    }
}
