//! `wsgi.input`: the request body as a file-like reader (`read`, `readline`, `readlines`,
//! line iteration) that streams from the connection and never spins on chunked bodies.

use std::fmt;
use std::io::{self, BufRead, Read};
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::{Buf, Bytes};
use cheroot_server::RequestBody;

use crate::error::AppError;

/// The request body, as WSGI's `wsgi.input`.
///
/// The body is already de-chunked and bounded by the server (a body over
/// `max_request_body_size` fails a read with an error; when the app lets that error
/// propagate, the client gets `413`). Reads block the worker thread until the client sends
/// more; every method makes progress or returns, so nothing spins (cheroot's
/// `ChunkedRFile.readline` loops forever once its buffer holds a newline; this one does
/// not). Once a read failed, every later read fails the same way instead of looking like the
/// end of the body.
///
/// It also implements [`std::io::Read`] and [`std::io::BufRead`].
pub struct WsgiInput {
    /// The body's slot; `None` for an input made empty, which needs none (every request's
    /// environ starts with one before the gateway puts the body in: no allocation for it).
    slot: Option<Arc<Mutex<Slot>>>,
    /// Bytes taken from the body but not yet returned to the app.
    buf: Bytes,
    failed: Option<(io::ErrorKind, String)>,
}

/// The body, shared with the gateway, which takes it back when the request ends so the
/// server can drain what the app left unread.
struct Slot {
    body: Option<RequestBody>,
}

/// The gateway's handle on an input it gave away.
pub(crate) struct InputReturn {
    slot: Arc<Mutex<Slot>>,
}

impl fmt::Debug for InputReturn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InputReturn").finish_non_exhaustive()
    }
}

impl InputReturn {
    /// The body back; later reads of the input see an error. `None` when a thread the app
    /// started is still blocked reading it: the worker does not wait for that thread, and the
    /// server copes with a body it does not get back (it drains or closes).
    pub(crate) fn take(self) -> Option<RequestBody> {
        match self.slot.try_lock() {
            Ok(mut slot) => slot.body.take(),
            Err(std::sync::TryLockError::Poisoned(poisoned)) => poisoned.into_inner().body.take(),
            Err(std::sync::TryLockError::WouldBlock) => None,
        }
    }
}

impl fmt::Debug for WsgiInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WsgiInput")
            .field("buffered", &self.buf.len())
            .field("failed", &self.failed)
            .finish_non_exhaustive()
    }
}

impl Default for WsgiInput {
    fn default() -> Self {
        Self::empty()
    }
}

impl WsgiInput {
    /// An input with no body.
    pub fn empty() -> Self {
        Self {
            slot: None,
            buf: Bytes::new(),
            failed: None,
        }
    }

    /// An input over bytes already in memory (tests, middleware that buffered a body).
    pub fn from_bytes(data: impl Into<Bytes>) -> Self {
        Self::from_body(RequestBody::buffered(data.into())).0
    }

    /// An input over the server's body, and the handle that gives the body back.
    pub(crate) fn from_body(body: RequestBody) -> (Self, InputReturn) {
        let slot = Arc::new(Mutex::new(Slot { body: Some(body) }));
        let input = Self {
            slot: Some(Arc::clone(&slot)),
            buf: Bytes::new(),
            failed: None,
        };
        (input, InputReturn { slot })
    }

    /// Makes sure `self.buf` holds bytes; false at the end of the body.
    fn fill(&mut self) -> Result<bool, AppError> {
        if !self.buf.is_empty() {
            return Ok(true);
        }
        if let Some((kind, message)) = &self.failed {
            return Err(AppError::io(io::Error::new(*kind, message.clone())));
        }
        let Some(slot) = &self.slot else {
            return Ok(false);
        };
        let next = {
            let mut slot = lock(slot);
            match slot.body.as_mut() {
                Some(body) => body.read_chunk(),
                None => Err(io::Error::new(
                    io::ErrorKind::BrokenPipe,
                    "wsgi.input read after the request ended",
                )),
            }
        };
        match next {
            Ok(Some(piece)) => {
                self.buf = piece;
                Ok(true)
            }
            Ok(None) => Ok(false),
            Err(err) => {
                self.failed = Some((err.kind(), err.to_string()));
                Err(AppError::io(err))
            }
        }
    }

    /// Up to `size` bytes: exactly `size` unless the body ends first (like a buffered file's
    /// `read(size)`); empty at the end of the body.
    ///
    /// # Errors
    ///
    /// The body failed: the client went away, sent a malformed chunk, or passed
    /// `max_request_body_size` (see [`AppError::is_io`]).
    pub fn read(&mut self, size: usize) -> Result<Vec<u8>, AppError> {
        let mut out = Vec::with_capacity(size.min(64 * 1024));
        while out.len() < size && self.fill()? {
            let n = (size - out.len()).min(self.buf.len());
            out.extend_from_slice(&self.buf[..n]);
            self.buf.advance(n);
        }
        Ok(out)
    }

    /// The rest of the body (WSGI's `read()` with no size).
    ///
    /// # Errors
    ///
    /// As [`read`](WsgiInput::read).
    pub fn read_all(&mut self) -> Result<Vec<u8>, AppError> {
        let mut out = Vec::new();
        while self.fill()? {
            out.extend_from_slice(&self.buf);
            self.buf.clear();
        }
        Ok(out)
    }

    /// The next line, `\n` included, or at most `size` bytes of it; empty at the end of the
    /// body.
    ///
    /// # Errors
    ///
    /// As [`read`](WsgiInput::read).
    pub fn readline(&mut self, size: Option<usize>) -> Result<Vec<u8>, AppError> {
        let limit = size.unwrap_or(usize::MAX);
        let mut out = Vec::new();
        while out.len() < limit && self.fill()? {
            let room = (limit - out.len()).min(self.buf.len());
            let (n, done) = match self.buf[..room].iter().position(|&b| b == b'\n') {
                Some(at) => (at + 1, true),
                None => (room, false),
            };
            out.extend_from_slice(&self.buf[..n]);
            self.buf.advance(n);
            if done {
                break;
            }
        }
        Ok(out)
    }

    /// The remaining lines; with a `hint`, stops once the lines read total at least `hint`
    /// bytes (Python's `readlines(hint)`).
    ///
    /// # Errors
    ///
    /// As [`read`](WsgiInput::read).
    pub fn readlines(&mut self, hint: Option<usize>) -> Result<Vec<Vec<u8>>, AppError> {
        let mut lines = Vec::new();
        let mut total = 0usize;
        loop {
            let line = self.readline(None)?;
            if line.is_empty() {
                return Ok(lines);
            }
            total += line.len();
            lines.push(line);
            if hint.is_some_and(|hint| hint > 0 && total >= hint) {
                return Ok(lines);
            }
        }
    }

    /// An iterator over the remaining lines (WSGI's `for line in wsgi.input`); it ends at the
    /// end of the body and after the first error. (Named so that it does not collide with
    /// [`BufRead::lines`], which yields `String`s.)
    pub fn iter_lines(&mut self) -> Lines<'_> {
        Lines {
            input: self,
            done: false,
        }
    }
}

/// The lines of a [`WsgiInput`], from [`WsgiInput::iter_lines`].
#[derive(Debug)]
pub struct Lines<'a> {
    input: &'a mut WsgiInput,
    done: bool,
}

impl Iterator for Lines<'_> {
    type Item = Result<Vec<u8>, AppError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.input.readline(None) {
            Ok(line) if line.is_empty() => {
                self.done = true;
                None
            }
            Ok(line) => Some(Ok(line)),
            Err(err) => {
                self.done = true;
                Some(Err(err))
            }
        }
    }
}

impl Read for WsgiInput {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for WsgiInput {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.fill().map_err(io::Error::from)?;
        Ok(&self.buf)
    }

    fn consume(&mut self, amt: usize) {
        self.buf.advance(amt.min(self.buf.len()));
    }
}

fn lock(slot: &Mutex<Slot>) -> MutexGuard<'_, Slot> {
    // A panic while holding the lock leaves a body that is still usable.
    slot.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_sizes() {
        let mut input = WsgiInput::from_bytes(&b"hello world"[..]);
        assert_eq!(input.read(5).unwrap(), b"hello");
        assert_eq!(input.read(0).unwrap(), b"");
        assert_eq!(input.read(100).unwrap(), b" world");
        assert_eq!(input.read(10).unwrap(), b"");
        assert_eq!(input.read_all().unwrap(), b"");
    }

    /// (body, size, lines expected until the end)
    type LineCase = (&'static [u8], Option<usize>, &'static [&'static [u8]]);

    #[test]
    fn readline_table() {
        let table: &[LineCase] = &[
            (b"a\nbb\nccc", None, &[b"a\n", b"bb\n", b"ccc"]),
            (b"a\nbb\nccc", Some(2), &[b"a\n", b"bb", b"\n", b"cc", b"c"]),
            (b"\n\n", None, &[b"\n", b"\n"]),
            (b"", None, &[]),
            (b"no newline", Some(100), &[b"no newline"]),
        ];
        for (body, size, want) in table {
            let mut input = WsgiInput::from_bytes(body.to_vec());
            let mut got = Vec::new();
            for _ in 0..20 {
                let line = input.readline(*size).unwrap();
                if line.is_empty() {
                    break;
                }
                got.push(line);
            }
            let want: Vec<Vec<u8>> = want.iter().map(|l| l.to_vec()).collect();
            assert_eq!(got, want, "body {body:?} size {size:?}");
        }
    }

    #[test]
    fn readlines_with_hint() {
        let mut input = WsgiInput::from_bytes(&b"one\ntwo\nthree\nfour\n"[..]);
        assert_eq!(
            input.readlines(Some(5)).unwrap(),
            vec![b"one\n".to_vec(), b"two\n".to_vec()]
        );
        assert_eq!(
            input.readlines(None).unwrap(),
            vec![b"three\n".to_vec(), b"four\n".to_vec()]
        );
    }

    #[test]
    fn lines_iterate() {
        let mut input = WsgiInput::from_bytes(&b"x\ny\n"[..]);
        let lines: Vec<Vec<u8>> = input.iter_lines().map(Result::unwrap).collect();
        assert_eq!(lines, vec![b"x\n".to_vec(), b"y\n".to_vec()]);
    }

    #[test]
    fn io_read_and_bufread() {
        let mut input = WsgiInput::from_bytes(&b"ab\ncd"[..]);
        let mut line = String::new();
        input.read_line(&mut line).unwrap();
        assert_eq!(line, "ab\n");
        let mut rest = Vec::new();
        Read::read_to_end(&mut input, &mut rest).unwrap();
        assert_eq!(rest, b"cd");
    }

    #[test]
    fn read_after_the_request_ended_fails_and_stays_failed() {
        let (mut input, back) =
            WsgiInput::from_body(RequestBody::buffered(Bytes::from_static(b"z")));
        assert!(back.take().is_some());
        let err = input.read(1).unwrap_err();
        assert!(err.is_io());
        assert!(input.readline(None).unwrap_err().is_io());
    }
}
