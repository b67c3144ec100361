//! `wsgi.errors`: where an application writes diagnostics (standard error, as cheroot's
//! `sys.stderr`).

use std::io::{self, Write};

/// WSGI's `wsgi.errors`: a text stream for the application's diagnostics.
///
/// Writes go to the process's standard error, as cheroot's `sys.stderr` does; each
/// [`write`](Write::write) is passed through at once (standard error is unbuffered).
#[derive(Debug, Default, Clone, Copy)]
pub struct WsgiErrors {
    _private: (),
}

impl WsgiErrors {
    /// The stream on standard error.
    pub fn stderr() -> Self {
        Self { _private: () }
    }

    /// Writes `text` (WSGI's `write(str)`); errors writing to standard error are ignored, as
    /// a diagnostics stream must never fail the request.
    pub fn write_str(&mut self, text: &str) {
        let _ = io::stderr().write_all(text.as_bytes());
    }
}

impl Write for WsgiErrors {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        io::stderr().write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        io::stderr().flush()
    }
}
