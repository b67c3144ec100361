//! The `cheroot-rs` command (and `python -m cheroot_rs`): the Rust command line, with hosted
//! applications imported into this interpreter.

use std::ffi::OsString;
use std::sync::Arc;

use cheroot::wsgi::WsgiApp;
use pyo3::intern;
use pyo3::prelude::*;

use crate::app::PyApp;
use crate::environ::ServerValues;
use crate::errors_stream::ErrorStream;
use crate::report::Host;

/// Imports `module:callable` through `cheroot_rs.cli.load_app`, which applies cheroot's rules
/// (the working directory on `sys.path`, `callable` defaulting to `application`).
struct PythonLoader;

impl cheroot_cli::AppLoader for PythonLoader {
    fn load(&self, module: &str, callable: &str) -> Result<Arc<dyn WsgiApp>, String> {
        Python::attach(|py| {
            let front = match py.import(intern!(py, "cheroot_rs.cli")) {
                Ok(front) => front,
                Err(err) => return Err(err.value(py).to_string()),
            };
            let loaded = (|| -> PyResult<Arc<dyn WsgiApp>> {
                let host = front
                    .call_method1(intern!(py, "load_app"), (module, callable))?
                    .unbind();
                let values = ServerValues {
                    errors: Py::new(py, ErrorStream::new(host.clone_ref(py)))?,
                    multiprocess: false,
                };
                Ok(Arc::new(PyApp::new(Arc::new(Host::new(host)), values)))
            })();
            loaded.map_err(|err| {
                // An error inside the app's module gets its traceback; a wrong APP argument
                // (`AppNotFound`) only the message, which the command prints naming the app.
                let not_found = front
                    .getattr(intern!(py, "AppNotFound"))
                    .is_ok_and(|class| err.get_type(py).is(&class));
                if !not_found {
                    err.display(py);
                }
                err.value(py).to_string()
            })
        })
    }
}

/// Runs the command line `args` (without the program name); returns the exit status.
#[pyfunction]
pub(crate) fn main(py: Python<'_>, args: Vec<OsString>) -> u8 {
    py.detach(|| cheroot_cli::run_with_loader(args, &PythonLoader))
}
