//! The iterable an app returns, as the Rust gateway's response body: bytes chunks handed to
//! the socket without a copy, `close()` called on every path.
//!
//! A list or tuple (the common `[b"Hello world!"]`) is taken whole while the app call still
//! holds the GIL, so its response needs no further trip into Python, and the gateway knows its
//! last chunk (a one-element list gets a Content-Length). Any other iterable is pulled one
//! chunk at a time, the GIL held only while Python produces the chunk. A `wsgi.file_wrapper`
//! over a real file becomes a file region the server sends with sendfile(2) on a plain
//! connection (zero-copy), or reads and writes itself over TLS.

use std::collections::VecDeque;

use bytes::Bytes;
use cheroot::FileRegion;
use cheroot::wsgi::{AppError, Body, ResponseBody};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyIterator, PyList, PyTuple};

use crate::file_wrapper::FileWrapper;
use crate::lend::Lease;
use crate::report::RequestHost;
use crate::start_response::chunk_bytes;

/// The response body for what the app returned.
pub(crate) fn from_result<'r>(
    py: Python<'_>,
    result: Bound<'_, PyAny>,
    lease: Lease<'r>,
    host: RequestHost,
) -> Result<Body<'r>, AppError> {
    if let Ok(wrapper) = result.cast::<FileWrapper>() {
        if let Some(region) = wrapper.borrow().region(py) {
            return Ok(Body::new(WrappedFile {
                region: Some(region),
                wrapper: Some(result.unbind()),
                host,
                _lease: lease,
            }));
        }
    }
    // A plain list or tuple has no `close`: asking would make Python build and drop an
    // AttributeError, 4,000 of a hello request's 47,000 instructions (callgrind;
    // docs/benchmarks.md, issue 10). Subclasses may define one, so they are asked.
    let plain = result.is_exact_instance_of::<PyList>() || result.is_exact_instance_of::<PyTuple>();
    let has_close = !plain
        && match result.hasattr(intern!(py, "close")) {
            Ok(has) => has,
            Err(err) => return Err(host.failed(py, err)),
        };
    if !has_close {
        // A list or tuple is read whole now, under the GIL the app call holds: a plain one
        // item by item, without a Python iterator object (a list by index, so an app thread
        // changing it meanwhile cannot make the read go past its end); a subclass through its
        // own `__iter__`.
        let collected = if let Ok(list) = result.cast_exact::<PyList>() {
            Some(chunks_of(list.iter()))
        } else if let Ok(tuple) = result.cast_exact::<PyTuple>() {
            Some(chunks_of(tuple.iter()))
        } else if result.is_instance_of::<PyList>() || result.is_instance_of::<PyTuple>() {
            Some(result.try_iter().and_then(chunks_of_fallible))
        } else {
            None
        };
        if let Some(collected) = collected {
            return match collected {
                Ok(chunks) => Ok(Body::new(Chunks {
                    chunks,
                    _lease: lease,
                })),
                Err(err) => Err(host.failed(py, err)),
            };
        }
    }
    let iter = match result.try_iter() {
        Ok(iter) => iter.unbind(),
        Err(err) => return Err(host.failed(py, err)),
    };
    Ok(Body::new(Pulled {
        iter: Some(iter),
        close: has_close.then(|| result.unbind()),
        host,
        _lease: lease,
    }))
}

/// The non-empty chunks of a list's or tuple's items.
fn chunks_of<'py>(items: impl Iterator<Item = Bound<'py, PyAny>>) -> PyResult<Queue> {
    chunks_of_fallible(items.map(Ok))
}

/// The non-empty chunks of items that may fail to come (a Python iterator).
fn chunks_of_fallible<'py>(
    items: impl Iterator<Item = PyResult<Bound<'py, PyAny>>>,
) -> PyResult<Queue> {
    let mut chunks = Queue::default();
    for item in items {
        let chunk = chunk_bytes(&item?)?;
        // cheroot's filter(None, ...): an empty chunk sends nothing.
        if !chunk.is_empty() {
            chunks.push(chunk);
        }
    }
    Ok(chunks)
}

/// A list's chunks, in order: one (the usual `[b"..."]`) without a queue's allocation.
#[derive(Default)]
enum Queue {
    #[default]
    Empty,
    One(Bytes),
    Many(VecDeque<Bytes>),
}

impl Queue {
    fn push(&mut self, chunk: Bytes) {
        *self = match std::mem::take(self) {
            Queue::Empty => Queue::One(chunk),
            Queue::One(first) => Queue::Many(VecDeque::from([first, chunk])),
            Queue::Many(mut all) => {
                all.push_back(chunk);
                Queue::Many(all)
            }
        };
    }

    fn pop(&mut self) -> Option<Bytes> {
        match std::mem::take(self) {
            Queue::Empty => None,
            Queue::One(chunk) => Some(chunk),
            Queue::Many(mut all) => {
                let next = all.pop_front();
                *self = Queue::Many(all);
                next
            }
        }
    }

    fn is_empty(&self) -> bool {
        match self {
            Queue::Empty => true,
            Queue::One(_) => false,
            Queue::Many(all) => all.is_empty(),
        }
    }
}

/// The next non-empty chunk of `iter`, `None` at its end.
fn pull(iter: &Bound<'_, PyIterator>, host: &RequestHost) -> Option<Result<Bytes, AppError>> {
    let py = iter.py();
    loop {
        let item = match iter.clone().next()? {
            Ok(item) => item,
            Err(err) => return Some(Err(host.failed(py, err))),
        };
        match chunk_bytes(&item) {
            // cheroot's filter(None, ...): an empty chunk sends nothing.
            Ok(chunk) if chunk.is_empty() => continue,
            Ok(chunk) => return Some(Ok(chunk)),
            Err(err) => return Some(Err(host.failed(py, err))),
        }
    }
}

/// A `wsgi.file_wrapper` over a real file: the file's region from its current position, then
/// the wrapper's `close()`.
struct WrappedFile<'r> {
    region: Option<FileRegion>,
    wrapper: Option<Py<PyAny>>,
    host: RequestHost,
    _lease: Lease<'r>,
}

impl ResponseBody for WrappedFile<'_> {
    fn take_file(&mut self) -> Option<FileRegion> {
        self.region.take()
    }

    fn next_chunk(&mut self) -> Option<Result<Bytes, AppError>> {
        None
    }

    fn close(&mut self) -> Result<(), AppError> {
        let Some(wrapper) = self.wrapper.take() else {
            return Ok(());
        };
        Python::attach(|py| {
            let closed = wrapper.bind(py).call_method0(intern!(py, "close"));
            drop(wrapper);
            match closed {
                Ok(_) => Ok(()),
                Err(err) => Err(self.host.failed(py, err)),
            }
        })
    }
}

/// A list's chunks, taken out of Python up front.
struct Chunks<'r> {
    chunks: Queue,
    _lease: Lease<'r>,
}

impl ResponseBody for Chunks<'_> {
    fn next_chunk(&mut self) -> Option<Result<Bytes, AppError>> {
        self.chunks.pop().map(Ok)
    }

    fn is_finished(&self) -> bool {
        self.chunks.is_empty()
    }
}

/// Any other iterable, pulled chunk by chunk; `close` is the object's `close()`.
struct Pulled<'r> {
    /// `None` once the iterator ended or failed.
    iter: Option<Py<PyIterator>>,
    close: Option<Py<PyAny>>,
    host: RequestHost,
    _lease: Lease<'r>,
}

impl ResponseBody for Pulled<'_> {
    fn next_chunk(&mut self) -> Option<Result<Bytes, AppError>> {
        self.iter.as_ref()?;
        Python::attach(|py| {
            let next = self
                .iter
                .as_ref()
                .and_then(|iter| pull(iter.bind(py), &self.host));
            if !matches!(next, Some(Ok(_))) {
                // Ended or failed: let go of the iterator while attached.
                self.iter = None;
            }
            next
        })
    }

    fn close(&mut self) -> Result<(), AppError> {
        if self.iter.is_none() && self.close.is_none() {
            return Ok(());
        }
        Python::attach(|py| {
            self.iter = None;
            let Some(body) = self.close.take() else {
                return Ok(());
            };
            match body.bind(py).call_method0(intern!(py, "close")) {
                Ok(_) => Ok(()),
                Err(err) => Err(self.host.failed(py, err)),
            }
        })
    }

    fn is_finished(&self) -> bool {
        self.iter.is_none() && self.close.is_none()
    }
}

impl Drop for Pulled<'_> {
    /// Lets go of the Python objects here, on the request's thread, rather than leaving them
    /// to whichever thread attaches next (the app's objects are then freed where it ran).
    fn drop(&mut self) {
        if self.iter.is_some() || self.close.is_some() {
            Python::attach(|_py| {
                self.iter = None;
                self.close = None;
            });
        }
    }
}
