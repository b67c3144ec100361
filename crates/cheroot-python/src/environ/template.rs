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

use cheroot::wsgi::{EnvironSink, EnvironSource, VarKey, VarValue};
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

/// The environ dict for `source`'s variables followed by the `wsgi` entries (keys and
/// values), made from this thread's template.
pub(super) fn environ_dict<'py>(
    py: Python<'py>,
    source: &EnvironSource<'_>,
    wsgi: &[(&Bound<'py, PyString>, Bound<'py, PyAny>)],
) -> PyResult<Bound<'py, PyDict>> {
    CACHE.with(|cache| {
        let cache = &mut *cache.borrow_mut();
        let reused = match &mut cache.template {
            Some(template) => template.update(py, source, wsgi),
            None => Err(Stale),
        };
        if reused.is_err() {
            cache.template = Some(Template::new(py, &mut cache.keys, source, wsgi)?);
        }
        let template = cache.template.as_ref().expect("made above");
        template.dict.bind(py).copy()
    })
}

/// The last request's environ: the dict and, by position, what it holds.
struct Template {
    dict: Py<PyDict>,
    /// The string variables, in the order the gateway fed them.
    vars: Vec<Var>,
    /// The `wsgi.*` values after them, as in `dict`.
    wsgi: Vec<Py<PyAny>>,
}

/// One string variable of a template.
struct Var {
    /// Its key, to recognise the same keys in the same order.
    id: KeyId,
    /// Its Python key, as in the dict.
    key: Py<PyString>,
    /// The value's text, kept on the Rust side: comparing with it costs a `memcmp`, asking
    /// the dict's Python string for its UTF-8 a call into CPython per variable (800
    /// instructions a request, callgrind). It keeps its buffer when the value changes.
    text: String,
    /// Whether the same key comes again later (a TLS layer's `wsgi.url_scheme`, header names
    /// such as `X-Foo` and `X_Foo`): the later value is the dict's, so this one is only
    /// compared, never set.
    shadowed: bool,
}

/// A template that does not fit the request (other keys, or another order) or could not be
/// updated (a Python error on the way): made afresh.
struct Stale;

impl Template {
    /// A template of `source`'s variables.
    fn new(
        py: Python<'_>,
        keys: &mut KeyCache,
        source: &EnvironSource<'_>,
        wsgi: &[(&Bound<'_, PyString>, Bound<'_, PyAny>)],
    ) -> PyResult<Self> {
        let mut fed = Recorder::default();
        source.fill(&mut fed);
        // Room for the input the caller adds to each copy: the copies keep the table's size.
        let dict = presized_dict(py, fed.0.len() + wsgi.len() + 1)?;
        let mut vars = Vec::with_capacity(fed.0.len());
        for (at, (key, text)) in fed.0.iter().enumerate() {
            let key = key.as_var_key();
            let shadowed = fed.0[at + 1..]
                .iter()
                .any(|(later, _)| later.as_var_key().as_str() == key.as_str());
            let py_key = keys.key(py, key);
            if !shadowed {
                dict.set_item(&py_key, PyString::new(py, text))?;
            }
            vars.push(Var {
                id: KeyId::of(key),
                key: py_key.unbind(),
                text: text.clone(),
                shadowed,
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
        source: &EnvironSource<'_>,
        wsgi: &[(&Bound<'_, PyString>, Bound<'_, PyAny>)],
    ) -> Result<(), Stale> {
        if self.wsgi.len() != wsgi.len() {
            return Err(Stale);
        }
        let dict = self.dict.bind(py);
        let mut updater = Updater {
            dict,
            vars: self.vars.iter_mut(),
            stale: false,
            scratch: String::new(),
        };
        source.fill(&mut updater);
        if updater.stale || updater.vars.next().is_some() {
            return Err(Stale);
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

/// Takes the variables of a request in turn against a template's, setting in its dict the
/// values that changed.
struct Updater<'t, 'py> {
    dict: &'t Bound<'py, PyDict>,
    vars: std::slice::IterMut<'t, Var>,
    /// Set once a key differs from the template's (or a Python error came): the rest is
    /// skipped and the template made afresh.
    stale: bool,
    /// Where a value that is not ASCII is decoded.
    scratch: String,
}

impl EnvironSink for Updater<'_, '_> {
    fn var(&mut self, key: VarKey<'_>, value: VarValue<'_>) {
        if self.stale {
            return;
        }
        let Some(var) = self.vars.next().filter(|var| var.id.is(key)) else {
            self.stale = true;
            return;
        };
        if value.is(&var.text) {
            return;
        }
        let text = value.as_str(&mut self.scratch);
        var.text.clear();
        var.text.push_str(text);
        if var.shadowed {
            return;
        }
        let fresh = PyString::new(self.dict.py(), text);
        if self.dict.set_item(&var.key, fresh).is_err() {
            self.stale = true;
        }
    }
}

/// A request's variables, copied: what a new template is made from.
#[derive(Default)]
struct Recorder(Vec<(RecordedKey, String)>);

/// A key as fed, kept.
enum RecordedKey {
    Constant(&'static str),
    Other(String),
}

impl RecordedKey {
    fn as_var_key(&self) -> VarKey<'_> {
        match self {
            RecordedKey::Constant(key) => VarKey::Constant(key),
            RecordedKey::Other(key) => VarKey::Other(key),
        }
    }
}

impl EnvironSink for Recorder {
    fn var(&mut self, key: VarKey<'_>, value: VarValue<'_>) {
        let key = match key {
            VarKey::Constant(key) => RecordedKey::Constant(key),
            VarKey::Other(key) => RecordedKey::Other(key.to_owned()),
        };
        let mut scratch = String::new();
        let text = value.as_str(&mut scratch).to_owned();
        self.0.push((key, text));
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
