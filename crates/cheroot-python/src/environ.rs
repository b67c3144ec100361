//! The environ dict of one request, made from the variables `cheroot-wsgi` feeds from the
//! request (`EnvironSource::fill`): the Rust gateway's `Environ` is built by the same code, so
//! the two give the same keys and values, and the Rust one is not built for Python.

mod template;

use cheroot::wsgi::{EnvironSource, WsgiVersion};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyTuple};

use crate::errors_stream::ErrorStream;
use crate::file_wrapper::FileWrapper;
use crate::input::Input;

/// The environ values that are the same for every request of a server.
pub(crate) struct ServerValues {
    /// `wsgi.errors`.
    pub(crate) errors: Py<ErrorStream>,
    /// `wsgi.multiprocess`: true when several worker processes serve the app.
    pub(crate) multiprocess: bool,
}

/// The environ dict of `source`; its input moves into `wsgi.input`.
pub(crate) fn to_dict<'py>(
    py: Python<'py>,
    source: EnvironSource<'_>,
    server: &ServerValues,
) -> PyResult<Bound<'py, PyDict>> {
    let flag = |on: bool| PyBool::new(py, on).to_owned().into_any();
    let (multithread, multiprocess, run_once) = source.flags();
    // Every entry but the input, in the order cheroot's gateway sets them.
    let wsgi = [
        (
            intern!(py, "wsgi.version"),
            version(py, source.wsgi_version())?.into_any(),
        ),
        (intern!(py, "wsgi.multithread"), flag(multithread)),
        (
            intern!(py, "wsgi.multiprocess"),
            flag(server.multiprocess || multiprocess),
        ),
        (intern!(py, "wsgi.run_once"), flag(run_once)),
        (
            intern!(py, "wsgi.input_terminated"),
            flag(source.input_terminated()),
        ),
        (
            intern!(py, "wsgi.errors"),
            server.errors.bind(py).clone().into_any(),
        ),
        (
            intern!(py, "wsgi.file_wrapper"),
            py.get_type::<FileWrapper>().into_any(),
        ),
    ];
    let dict = template::environ_dict(py, &source, &wsgi)?;
    let (input, headers) = source.into_input();
    dict.set_item(
        intern!(py, "wsgi.input"),
        Bound::new(py, Input::new(input, headers))?,
    )?;
    Ok(dict)
}

/// `wsgi.version`: `(1, 0)`, or `('u', 0)` for `Gateway_u0`; each tuple made once.
fn version(py: Python<'_>, version: WsgiVersion) -> PyResult<Bound<'_, PyTuple>> {
    static V10: PyOnceLock<Py<PyTuple>> = PyOnceLock::new();
    static U0: PyOnceLock<Py<PyTuple>> = PyOnceLock::new();
    let tuple = match version {
        WsgiVersion::V10 => V10.get_or_try_init(py, || (1, 0).into_pyobject(py).map(Bound::unbind)),
        WsgiVersion::U0 => U0.get_or_try_init(py, || ("u", 0).into_pyobject(py).map(Bound::unbind)),
    }?;
    Ok(tuple.bind(py).clone())
}
