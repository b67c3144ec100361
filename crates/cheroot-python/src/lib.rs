//! `cheroot_rs._native`: the Rust half of the `cheroot-rs` Python package. It runs Python WSGI
//! applications on the cheroot-rs server: the bridge (environ, `wsgi.input`,
//! `start_response`, `write`, the response body, `wsgi.file_wrapper`) and the server and
//! command-line entry points the Python modules in `python/cheroot_rs/` wrap.
//!
//! Execution model: the server's tokio threads never touch Python. A request for a Python app
//! runs on a worker-pool thread, which attaches to the interpreter once for its life
//! ([`attach`]) and holds the GIL only while Python code runs: reading the body, waiting for
//! socket backpressure and waiting for the next job all happen detached.
//!
//! `unsafe` appears in four places, each with its reason: attaching a pool thread for its
//! life (`attach.rs`), lending the request's `start_response` to Python (`lend.rs`), reading
//! a reference count to lend a thread's `start_response` object again (`start_response.rs`),
//! and CPython's fork hooks around the fork of each worker process (`cli.rs`).

mod allocator;
mod app;
mod attach;
mod body;
mod cli;
mod environ;
mod error;
mod errors_stream;
mod file_wrapper;
mod input;
mod lend;
mod report;
mod server;
mod start_response;

use pyo3::prelude::*;

/// The module `cheroot_rs._native`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<server::NativeServer>()?;
    m.add_class::<input::Input>()?;
    m.add_class::<errors_stream::ErrorStream>()?;
    m.add_class::<file_wrapper::FileWrapper>()?;
    m.add_class::<start_response::StartResponseFn>()?;
    m.add_class::<start_response::WriteFn>()?;
    m.add_function(wrap_pyfunction!(cli::main, m)?)?;
    Ok(())
}
