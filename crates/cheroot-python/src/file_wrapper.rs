//! `wsgi.file_wrapper(filelike, blksize=8192)`: PEP 3333's optional file wrapper. An iterable
//! that reads `filelike` in blocks of `blksize` until it returns `b''`, and whose `close()`
//! closes the file, so the server calls it on every path.

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
