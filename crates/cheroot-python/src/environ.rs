//! The environ dict of one request, made from the Rust gateway's `Environ`, so the Python and
//! Rust gateways give the same keys and values (`cheroot-wsgi` builds both from the request).

use std::cell::RefCell;
use std::collections::HashMap;

use cheroot::wsgi::{Environ, VarKey, WsgiVersion};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple};

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

/// Python's form of the environ key `key`, interned and reused: the gateway's constant keys
/// by address, the others (`HTTP_*`, `SSL_*`) by text, up to a bound so that a client sending
/// new header names cannot grow the cache without limit.
struct KeyCache {
    constants: Vec<(usize, Py<PyString>)>,
    others: HashMap<Box<str>, Py<PyString>>,
}

/// Header-derived keys kept per thread, at most.
const MAX_CACHED_KEYS: usize = 256;

thread_local! {
    static KEYS: RefCell<KeyCache> = RefCell::new(KeyCache {
        constants: Vec::with_capacity(32),
        others: HashMap::new(),
    });
}

impl KeyCache {
    fn key<'py>(&mut self, py: Python<'py>, key: VarKey<'_>) -> Bound<'py, PyString> {
        match key {
            VarKey::Constant(text) => {
                let address = text.as_ptr() as usize;
                if let Some((_, key)) = self.constants.iter().find(|(at, _)| *at == address) {
                    return key.bind(py).clone();
                }
                let key = PyString::intern(py, text);
                self.constants.push((address, key.clone().unbind()));
                key
            }
            VarKey::Other(text) => {
                if let Some(key) = self.others.get(text) {
                    return key.bind(py).clone();
                }
                let key = PyString::intern(py, text);
                if self.others.len() < MAX_CACHED_KEYS {
                    self.others.insert(text.into(), key.clone().unbind());
                }
                key
            }
        }
    }
}

/// The environ dict for `environ`; its input moves into `wsgi.input`.
pub(crate) fn to_dict<'py>(
    py: Python<'py>,
    environ: &mut Environ,
    server: &ServerValues,
) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    KEYS.with(|cache| -> PyResult<()> {
        let mut cache = cache.borrow_mut();
        for (key, value) in environ.vars_in_order() {
            dict.set_item(cache.key(py, key), PyString::new(py, value))?;
        }
        Ok(())
    })?;
    dict.set_item(
        intern!(py, "wsgi.version"),
        version(py, environ.wsgi_version())?,
    )?;
    dict.set_item(intern!(py, "wsgi.multithread"), environ.multithread())?;
    dict.set_item(
        intern!(py, "wsgi.multiprocess"),
        server.multiprocess || environ.multiprocess(),
    )?;
    dict.set_item(intern!(py, "wsgi.run_once"), environ.run_once())?;
    dict.set_item(
        intern!(py, "wsgi.input_terminated"),
        environ.input_terminated(),
    )?;
    let input = Input::new(std::mem::take(&mut environ.input), environ.take_headers());
    dict.set_item(intern!(py, "wsgi.input"), Bound::new(py, input)?)?;
    dict.set_item(intern!(py, "wsgi.errors"), server.errors.bind(py))?;
    dict.set_item(
        intern!(py, "wsgi.file_wrapper"),
        py.get_type::<FileWrapper>(),
    )?;
    Ok(dict)
}

/// `wsgi.version`: `(1, 0)`, or `('u', 0)` for `Gateway_u0`.
fn version(py: Python<'_>, version: WsgiVersion) -> PyResult<Bound<'_, PyTuple>> {
    match version {
        WsgiVersion::V10 => (1, 0).into_pyobject(py),
        WsgiVersion::U0 => ("u", 0).into_pyobject(py),
    }
}
