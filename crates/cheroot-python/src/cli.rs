//! The `cheroot-rs` command (and `python -m cheroot_rs`): the Rust command line, with hosted
//! applications imported into this interpreter.

use std::ffi::OsString;
use std::io;
use std::sync::Arc;

use cheroot::wsgi::WsgiApp;
use cheroot_cli::{ForkHooks, Forked};
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

    fn fork_hooks(&self) -> &dyn ForkHooks {
        self
    }
}

/// CPython's own steps around a fork (what `os.fork()` does): with the GIL held,
/// `PyOS_BeforeFork` runs the `os.register_at_fork(before=...)` hooks and takes the import
/// lock; after the fork the child reinitialises the interpreter's thread state and runs the
/// `after_in_child` hooks, the master runs `after_in_parent`.
impl ForkHooks for PythonLoader {
    #[allow(
        unsafe_code,
        reason = "CPython's fork hooks are C functions; called as CPython's os.fork() calls them"
    )]
    fn around_fork(&self, fork: &mut dyn FnMut() -> io::Result<Forked>) -> io::Result<Forked> {
        Python::attach(|_py| {
            // SAFETY: the GIL is held (inside `attach`), and exactly one of the two after-fork
            // functions follows, on the matching side of the fork, as CPython requires.
            unsafe { pyo3::ffi::PyOS_BeforeFork() };
            let forked = fork();
            match forked {
                // SAFETY: as above; this is the child process, straight after the fork.
                Ok(Forked::Child) => unsafe { pyo3::ffi::PyOS_AfterFork_Child() },
                // SAFETY: as above; the parent (or a failed fork, which CPython also ends
                // with the parent's hook).
                _ => unsafe { pyo3::ffi::PyOS_AfterFork_Parent() },
            }
            forked
        })
    }
}

/// Runs the command line `args` (without the program name); returns the exit status.
#[pyfunction]
pub(crate) fn main(py: Python<'_>, args: Vec<OsString>) -> u8 {
    py.detach(|| cheroot_cli::run_with_loader(args, &PythonLoader))
}
