//! The environ dict made as a copy of the last request's, with only what changed set again.
//!
//! Made entry by entry, a hello request's environ took a fifth of the request's instructions
//! on the pool thread (callgrind; docs/benchmarks.md, issue 10): a Python string per value,
//! a hash-table insertion per entry, two table resizes, and as many frees when the dict died.
//! Yet the gateway sets its variables in the same order on every request and most values
//! repeat (the server's name and port, the method, the protocol, a client's `Host` and
//! `User-Agent`). So each pool thread keeps a template dict, never handed to an app, holding
//! the last request's entries: when the next request has the same keys in the same order, the
//! values that differ are replaced in the template and the app gets `dict.copy()` of it,
//! which CPython makes by copying the whole table at once. Python strings are immutable, so
//! two requests sharing one is invisible to apps, and an app changing its environ changes
//! its own copy.

use std::cell::RefCell;
use std::collections::HashMap;

use cheroot::wsgi::{Environ, VarKey};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

/// This thread's template and key cache.
struct Cache {
    keys: KeyCache,
    template: Option<Template>,
}

thread_local! {
    static CACHE: RefCell<Cache> = RefCell::new(Cache {
        keys: KeyCache::default(),
        template: None,
    });
}

/// The environ dict for `environ`'s variables followed by the `wsgi` entries (keys and
/// values), made from this thread's template.
pub(super) fn environ_dict<'py>(
    py: Python<'py>,
    environ: &Environ,
    wsgi: &[(&Bound<'py, PyString>, Bound<'py, PyAny>)],
) -> PyResult<Bound<'py, PyDict>> {
    CACHE.with(|cache| {
        let cache = &mut *cache.borrow_mut();
        let reused = match &mut cache.template {
            Some(template) => template.update(py, environ, wsgi),
            None => Err(Stale),
        };
        if reused.is_err() {
            cache.template = Some(Template::new(py, &mut cache.keys, environ, wsgi)?);
        }
        let template = cache.template.as_ref().expect("made above");
        template.dict.bind(py).copy()
    })
}

/// The last request's environ: the dict and, by position, what it holds.
struct Template {
    dict: Py<PyDict>,
    /// The string variables, in order.
    vars: Vec<Var>,
    /// The `wsgi.*` values after them, as in `dict`.
    wsgi: Vec<Py<PyAny>>,
}

/// One string variable of a template.
struct Var {
    /// Its key, to recognise the same keys in the same order.
    id: KeyId,
    /// Its Python key and value, as in the dict.
    key: Py<PyString>,
    value: Py<PyString>,
    /// The value's text, kept on the Rust side: comparing with it costs a `memcmp`, asking
    /// the Python string for its UTF-8 a call into CPython per variable (800 instructions a
    /// request, callgrind). It keeps its buffer when the value changes.
    text: String,
}

/// A template that does not fit the request (other keys, or another order) or could not be
/// updated (a Python error on the way): made afresh.
struct Stale;

impl Template {
    /// A template of `environ`'s entries.
    fn new(
        py: Python<'_>,
        keys: &mut KeyCache,
        environ: &Environ,
        wsgi: &[(&Bound<'_, PyString>, Bound<'_, PyAny>)],
    ) -> PyResult<Self> {
        // Room for the input the caller adds to each copy: the copies keep the table's size.
        let dict = presized_dict(py, environ.len() + wsgi.len() + 1)?;
        let mut vars = Vec::with_capacity(environ.len());
        for (key, value) in environ.vars_in_order() {
            let py_key = keys.key(py, key);
            let py_value = PyString::new(py, value);
            dict.set_item(&py_key, &py_value)?;
            vars.push(Var {
                id: KeyId::of(key),
                key: py_key.unbind(),
                value: py_value.unbind(),
                text: value.to_owned(),
            });
        }
        for (key, value) in wsgi {
            dict.set_item(*key, value)?;
        }
        Ok(Self {
            dict: dict.unbind(),
            vars,
            wsgi: wsgi
                .iter()
                .map(|(_, value)| value.clone().unbind())
                .collect(),
        })
    }

    /// Sets the values that differ from the last request's, in one pass that also checks the
    /// keys are the template's, in its order (`Stale` when not: the caller makes it afresh,
    /// so a half-updated template is never used).
    fn update(
        &mut self,
        py: Python<'_>,
        environ: &Environ,
        wsgi: &[(&Bound<'_, PyString>, Bound<'_, PyAny>)],
    ) -> Result<(), Stale> {
        if self.vars.len() != environ.len() || self.wsgi.len() != wsgi.len() {
            return Err(Stale);
        }
        let dict = self.dict.bind(py);
        for ((key, value), var) in environ.vars_in_order().zip(&mut self.vars) {
            if !var.id.is(key) {
                return Err(Stale);
            }
            if var.text == value {
                continue;
            }
            let fresh = PyString::new(py, value);
            dict.set_item(&var.key, &fresh).map_err(|_| Stale)?;
            var.value = fresh.unbind();
            var.text.clear();
            var.text.push_str(value);
        }
        for ((key, value), kept) in wsgi.iter().zip(&mut self.wsgi) {
            if !kept.bind(py).is(value) {
                dict.set_item(*key, value).map_err(|_| Stale)?;
                *kept = value.clone().unbind();
            }
        }
        Ok(())
    }
}

/// How the template recognises a key: a constant by address, any other by text.
enum KeyId {
    Constant(usize),
    Other(Box<str>),
}

impl KeyId {
    fn of(key: VarKey<'_>) -> Self {
        match key {
            VarKey::Constant(text) => KeyId::Constant(text.as_ptr() as usize),
            VarKey::Other(text) => KeyId::Other(text.into()),
        }
    }

    fn is(&self, key: VarKey<'_>) -> bool {
        match (self, key) {
            (KeyId::Constant(address), VarKey::Constant(text)) => {
                *address == text.as_ptr() as usize
            }
            (KeyId::Other(known), VarKey::Other(text)) => **known == *text,
            _ => false,
        }
    }
}

/// Python's form of the environ key `key`, interned and reused: the gateway's constant keys
/// by address, the others (`HTTP_*`, `SSL_*`) by text, up to a bound so that a client sending
/// new header names cannot grow the cache without limit.
#[derive(Default)]
struct KeyCache {
    constants: Vec<(usize, Py<PyString>)>,
    others: HashMap<Box<str>, Py<PyString>>,
}

/// Header-derived keys kept per thread, at most.
const MAX_CACHED_KEYS: usize = 256;

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

unsafe extern "C" {
    /// CPython's dict made with room for `minused` entries (what `BUILD_MAP` uses): private,
    /// but exported by every CPython this package builds for (3.9 to 3.14).
    fn _PyDict_NewPresized(minused: pyo3::ffi::Py_ssize_t) -> *mut pyo3::ffi::PyObject;
}

/// An empty dict with room for `entries` entries, so that filling it never resizes it.
fn presized_dict(py: Python<'_>, entries: usize) -> PyResult<Bound<'_, PyDict>> {
    // SAFETY: attached to the interpreter; the call returns a new reference, or NULL with an
    // exception set, which `from_owned_ptr_or_err` turns into an error.
    unsafe {
        let dict = _PyDict_NewPresized(entries as pyo3::ffi::Py_ssize_t);
        Ok(Bound::from_owned_ptr_or_err(py, dict)?.cast_into_unchecked())
    }
}
