//! WSGI's `start_response` and `write` callables, with cheroot's type checks and messages; the
//! rules themselves (held headers, a second call only with `exc_info`, latin-1, no control character but HTAB,
//! Content-Length accounting) are the Rust gateway's, through the lent handles.

use std::cell::RefCell;
use std::sync::Arc;

use bytes::Bytes;
use cheroot::wsgi::{AppError, StartResponse};
use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;
use pyo3::types::{PyBytes, PyString, PyTuple};

use crate::error::{to_app, to_py};
use crate::lend::{Lease, Loan};

/// The message when Python calls a handle after its request ended.
const ENDED: &str = "start_response and write are only valid during their request, on its thread";

/// Whether `object` has no reference but the one `object` is.
fn only_here<T>(_attached: Python<'_>, object: &Py<T>) -> bool {
    // SAFETY: reads the reference count of a live object (`object` holds a reference); the
    // caller is attached to the interpreter, so no other thread changes it meanwhile.
    unsafe { pyo3::ffi::Py_REFCNT(object.as_ptr()) == 1 }
}

/// `start_response(status, headers, exc_info=None)`.
#[pyclass(module = "cheroot_rs._native", frozen)]
pub(crate) struct StartResponseFn {
    loan: Arc<Loan>,
    /// The `write` every call returns: one object, made with this one.
    write: Py<WriteFn>,
}

thread_local! {
    /// This thread's last `start_response`, to lend again (see [`StartResponseFn::lend`]).
    static SPARE: RefCell<Option<Py<StartResponseFn>>> = const { RefCell::new(None) };
}

impl StartResponseFn {
    /// The `start_response` object for a request on this thread, lending it `start`.
    ///
    /// Two Python objects and a loan per request showed in callgrind (docs/benchmarks.md,
    /// issue 10), so the thread's last ones are lent again when nothing outside this module
    /// holds them: no app can reach them any more, so none can call them in the wrong
    /// request. An app that kept either gets them to itself (their loan stays ended) and this
    /// request gets new ones.
    pub(crate) fn lend<'py, 'r>(
        py: Python<'py>,
        start: StartResponse<'r>,
    ) -> PyResult<(Lease<'r>, Bound<'py, StartResponseFn>)> {
        SPARE.with(|spare| {
            let mut spare = spare.borrow_mut();
            if let Some(kept) = spare.as_ref() {
                let unshared = only_here(py, kept) && only_here(py, &kept.get().write);
                if unshared {
                    if let Some(lease) = Lease::renew(&kept.get().loan, start) {
                        return Ok((lease, kept.bind(py).clone()));
                    }
                }
            }
            let (lease, loan) = Lease::new(start);
            let write = Py::new(
                py,
                WriteFn {
                    loan: Arc::clone(&loan),
                },
            )?;
            let made = Bound::new(py, StartResponseFn { loan, write })?;
            *spare = Some(made.clone().unbind());
            Ok((lease, made))
        })
    }
}

#[pymethods]
impl StartResponseFn {
    #[pyo3(signature = (status, headers, exc_info = None))]
    fn __call__(
        &self,
        py: Python<'_>,
        status: &Bound<'_, PyAny>,
        headers: &Bound<'_, PyAny>,
        exc_info: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<WriteFn>> {
        let Ok(status) = status.cast::<PyString>() else {
            return Err(PyTypeError::new_err(
                "WSGI response status is not of type str.",
            ));
        };
        let status = status.to_cow()?;
        let headers = header_pairs(headers)?;
        let exc = match exc_info {
            Some(info) if !info.is_none() => Some(to_app(exception_of(info)?)),
            _ => None,
        };
        // The names and values go to the gateway as the Python strings' own UTF-8, without a
        // copy; one that cannot be UTF-8 (a lone surrogate) fails the call as its error.
        let texts = headers.iter().map(|(name, value)| {
            Ok::<_, AppError>((
                name.to_str().map_err(to_app)?,
                value.to_str().map_err(to_app)?,
            ))
        });
        let started = self
            .loan
            .with_start(|start| {
                start
                    .call_with(&status, texts, exc)
                    .map(|write| self.loan.set_write(write))
            })
            .ok_or_else(|| PyRuntimeError::new_err(ENDED))?;
        started.map_err(to_py)?;
        Ok(self.write.clone_ref(py))
    }
}

/// The exception of an `exc_info` triple, to re-raise when the head already went out.
fn exception_of(info: &Bound<'_, PyAny>) -> PyResult<PyErr> {
    let triple = info
        .cast::<PyTuple>()
        .ok()
        .filter(|t| t.len() == 3)
        .ok_or_else(|| {
            PyTypeError::new_err("exc_info must be a (type, value, traceback) tuple or None.")
        })?;
    Ok(PyErr::from_value(triple.get_item(1)?))
}

/// The `(name, value)` pairs of a headers list, each checked to be a pair of `str`.
fn header_pairs<'py>(
    headers: &Bound<'py, PyAny>,
) -> PyResult<Vec<(Bound<'py, PyString>, Bound<'py, PyString>)>> {
    if headers.is_instance_of::<PyString>() || headers.is_instance_of::<PyBytes>() {
        return Err(PyTypeError::new_err(
            "WSGI response headers must be a list of (name, value) tuples.",
        ));
    }
    let mut pairs = Vec::with_capacity(headers.len().unwrap_or(8));
    for item in headers.try_iter()? {
        let item = item?;
        let (key, value): (Bound<'py, PyAny>, Bound<'py, PyAny>) =
            item.extract().map_err(|_| {
                PyTypeError::new_err(format!(
                    "WSGI response header {} is not a (name, value) tuple.",
                    repr(&item)
                ))
            })?;
        let (key, value) = match (key.cast_into::<PyString>(), value.cast_into::<PyString>()) {
            (Ok(key), Ok(value)) => (key, value),
            (Err(key), _) => {
                return Err(PyTypeError::new_err(format!(
                    "WSGI response header key {} is not of type str.",
                    repr(&key.into_inner())
                )));
            }
            (_, Err(value)) => {
                return Err(PyTypeError::new_err(format!(
                    "WSGI response header value {} is not of type str.",
                    repr(&value.into_inner())
                )));
            }
        };
        pairs.push((key, value));
    }
    Ok(pairs)
}

fn repr(value: &Bound<'_, PyAny>) -> String {
    value
        .repr()
        .map(|r| r.to_string())
        .unwrap_or_else(|_| "<unprintable>".to_owned())
}

/// The `write(data)` callable `start_response` returns.
#[pyclass(module = "cheroot_rs._native", frozen)]
pub(crate) struct WriteFn {
    loan: Arc<Loan>,
}

#[pymethods]
impl WriteFn {
    fn __call__(&self, py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<()> {
        let chunk = chunk_bytes(data)?;
        let written = self
            .loan
            .with_write(|write| {
                let write = SameThread(write);
                // Backpressure from a slow client waits here, without the GIL.
                py.detach(move || write.into_inner().write_bytes(chunk))
            })
            .ok_or_else(|| PyRuntimeError::new_err(ENDED))?;
        written.map_err(to_py)
    }
}

/// Below this size a chunk is copied rather than shared: the server copies a piece this
/// small into its write buffer anyway, and a shared one was freed where no thread held the
/// GIL, which pyo3 queues for the next thread to attach (a vector grown and drained per
/// request: 400 of a hello request's 20,700 instructions, callgrind; docs/benchmarks.md).
const SHARE_FROM: usize = 4096;

/// A body chunk as `Bytes`, sharing the Python object's buffer when it is large: `bytes`
/// only, as cheroot requires.
pub(crate) fn chunk_bytes(data: &Bound<'_, PyAny>) -> PyResult<Bytes> {
    if let Ok(bytes) = data.cast::<PyBytes>() {
        let small = bytes.as_bytes();
        if small.len() < SHARE_FROM {
            return Ok(Bytes::copy_from_slice(small));
        }
        return Ok(Bytes::from_owner(PyBackedBytes::from(bytes.clone())));
    }
    Err(not_bytes(data))
}

/// cheroot's error for a body chunk that is not bytes.
pub(crate) fn not_bytes(data: &Bound<'_, PyAny>) -> PyErr {
    let type_name = data
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_default();
    pyo3::exceptions::PyValueError::new_err(format!(
        "WSGI Applications must yield bytes, not {type_name}"
    ))
}

/// A value used only on the thread that made it, moved into `Python::detach`'s closure,
/// which runs on that same thread before it returns.
struct SameThread<T>(T);

impl<T> SameThread<T> {
    /// The value (a method, so a closure captures the whole wrapper, not its field).
    fn into_inner(self) -> T {
        self.0
    }
}

// SAFETY: `detach` runs its closure on the calling thread and waits for it; the value never
// reaches another thread.
unsafe impl<T> Send for SameThread<T> {}
