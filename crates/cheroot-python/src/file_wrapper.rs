//! `wsgi.file_wrapper(filelike, blksize=8192)`: PEP 3333's optional file wrapper. Over a real
//! file opened in binary mode, the server sends the file from its current position with
//! sendfile(2) (`body.rs`); over anything else it is an iterable that reads `filelike` in
//! blocks of `blksize` until `b''`. Its `close()` closes the file, and the server calls it on
//! every path.

use std::fs::File;
use std::os::fd::{BorrowedFd, RawFd};

use cheroot::FileRegion;
use pyo3::intern;
use pyo3::prelude::*;

/// The wrapper an app returns as its body.
#[pyclass(module = "cheroot_rs._native")]
pub(crate) struct FileWrapper {
    #[pyo3(get)]
    filelike: Py<PyAny>,
    #[pyo3(get)]
    blksize: usize,
}

impl FileWrapper {
    /// The region to send when `filelike` is a regular file in binary mode: from its position
    /// (`tell()`) to its end. `None` for anything else (a `BytesIO`, a socket, a text file).
    pub(crate) fn region(&self, py: Python<'_>) -> Option<FileRegion> {
        let file = self.filelike.bind(py);
        if let Ok(mode) = file.getattr(intern!(py, "mode")) {
            if !mode
                .extract::<String>()
                .is_ok_and(|mode| mode.contains('b'))
            {
                return None;
            }
        }
        let fd: RawFd = file
            .call_method0(intern!(py, "fileno"))
            .ok()?
            .extract()
            .ok()?;
        let offset: u64 = file
            .call_method0(intern!(py, "tell"))
            .ok()?
            .extract()
            .ok()?;
        if fd < 0 {
            return None;
        }
        // SAFETY: `fileno()` just returned this descriptor of an open Python file, which the
        // wrapper keeps open while the descriptor is duplicated here.
        let owned = unsafe { BorrowedFd::borrow_raw(fd) }
            .try_clone_to_owned()
            .ok()?;
        let file = File::from(owned);
        if !file.metadata().ok()?.is_file() {
            return None;
        }
        FileRegion::to_end(file, offset).ok()
    }
}

#[pymethods]
impl FileWrapper {
    #[new]
    #[pyo3(signature = (filelike, blksize = 8192))]
    fn new(filelike: Py<PyAny>, blksize: isize) -> Self {
        // A size below 1 would read nothing forever; Python files treat it as "everything".
        let blksize = usize::try_from(blksize)
            .ok()
            .filter(|&n| n > 0)
            .unwrap_or(8192);
        Self { filelike, blksize }
    }

    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let block = self
            .filelike
            .bind(py)
            .call_method1(intern!(py, "read"), (self.blksize,))?;
        Ok((block.len()? > 0).then_some(block))
    }

    /// Closes the file, if it can be closed.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        let file = self.filelike.bind(py);
        if file.hasattr(intern!(py, "close"))? {
            file.call_method0(intern!(py, "close"))?;
        }
        Ok(())
    }
}
