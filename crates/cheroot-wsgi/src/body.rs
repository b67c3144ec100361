//! The response body an application returns: a stream of byte chunks with a `close` hook,
//! WSGI's "iterable with an optional close()".

use std::fmt;

use bytes::Bytes;
use cheroot_server::FileRegion;

use crate::error::AppError;

/// A response body: byte chunks, then an optional clean-up.
///
/// The gateway calls [`next_chunk`](ResponseBody::next_chunk) until it returns `None` (or an
/// error), skipping empty chunks (cheroot's `filter(None, ...)`: an empty chunk neither sends
/// the headers nor writes anything), and then calls [`close`](ResponseBody::close) exactly
/// once, on every path: after the last chunk, after an application error, and when the client
/// has gone away. Headers that are still held back are sent before `close` runs, so bytes
/// written from `close` through [`Write`](crate::Write) reach the client
/// (`test_core.py::test_send_header_before_closing`).
///
/// Chunks are typed as bytes, so cheroot's `ValueError('WSGI Applications must yield
/// bytes')` has no counterpart here.
pub trait ResponseBody {
    /// The next chunk, `None` at the end.
    fn next_chunk(&mut self) -> Option<Result<Bytes, AppError>>;

    /// A file region to send first, before the chunks (WSGI's `wsgi.file_wrapper` over a
    /// real file): the server sends it with sendfile(2) where it can. Asked once; the default
    /// has none.
    fn take_file(&mut self) -> Option<FileRegion> {
        None
    }

    /// WSGI's `close()`: runs once after the body was consumed or abandoned.
    ///
    /// # Errors
    ///
    /// Any failure: logged, and the connection closes if the response was not complete.
    fn close(&mut self) -> Result<(), AppError> {
        Ok(())
    }

    /// Whether the body is finished: no chunk follows and `close` does nothing. A hint (the
    /// default says no): the gateway then sends the last chunk together with the end of the
    /// response, in one message to the connection instead of two.
    fn is_finished(&self) -> bool {
        false
    }
}

/// What [`WsgiApp::call`](crate::WsgiApp::call) returns: any [`ResponseBody`], boxed, with
/// constructors for the usual shapes.
///
/// The lifetime lets a body hold the [`StartResponse`](crate::StartResponse) or
/// [`Write`](crate::Write) of its request (a generator-style app that starts the response
/// on its first chunk); a body that holds neither is `Body<'static>`.
///
/// ```
/// use cheroot_wsgi::Body;
///
/// let _one = Body::from("Hello world!");
/// let _many = Body::chunks(vec!["a", "", "b"]);
/// let _closing = Body::from(b"x".to_vec()).on_close(|| {
///     // release a file, a lock, a database cursor...
///     Ok(())
/// });
/// ```
pub struct Body<'r> {
    inner: Box<dyn ResponseBody + 'r>,
}

impl fmt::Debug for Body<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Body").finish_non_exhaustive()
    }
}

impl<'r> Body<'r> {
    /// A body over any [`ResponseBody`].
    pub fn new(body: impl ResponseBody + 'r) -> Self {
        Self {
            inner: Box::new(body),
        }
    }

    /// No chunks at all (WSGI's `[]`).
    pub fn empty() -> Self {
        Self::new(Chunks(std::iter::empty::<Bytes>()))
    }

    /// One chunk.
    pub fn once(chunk: impl Into<Bytes>) -> Self {
        Self::new(Chunks(std::iter::once(chunk.into())))
    }

    /// The chunks an iterator yields (WSGI's list or generator of bytes).
    pub fn chunks<I>(chunks: I) -> Self
    where
        I: IntoIterator,
        I::IntoIter: 'r,
        I::Item: Into<Bytes>,
    {
        Self::new(Chunks(chunks.into_iter()))
    }

    /// The chunks an iterator yields, where producing one may fail (a generator that raises).
    pub fn try_chunks<I>(chunks: I) -> Self
    where
        I: IntoIterator<Item = Result<Bytes, AppError>>,
        I::IntoIter: 'r,
    {
        Self::new(TryChunks(chunks.into_iter()))
    }

    /// The same body, with `hook` run after its own `close` (both run even if one fails; the
    /// first error is returned).
    pub fn on_close(self, hook: impl FnOnce() -> Result<(), AppError> + 'r) -> Self {
        Self::new(OnClose {
            body: self,
            hook: Some(Box::new(hook)),
        })
    }

    /// The next chunk, `None` at the end.
    pub fn next_chunk(&mut self) -> Option<Result<Bytes, AppError>> {
        self.inner.next_chunk()
    }

    /// The file region to send before the chunks, if any (see [`ResponseBody::take_file`]).
    pub fn take_file(&mut self) -> Option<FileRegion> {
        self.inner.take_file()
    }

    /// Runs the body's close hook.
    ///
    /// # Errors
    ///
    /// What the hook returns.
    pub fn close(&mut self) -> Result<(), AppError> {
        self.inner.close()
    }

    /// Whether no chunk follows and `close` does nothing (see
    /// [`ResponseBody::is_finished`]).
    pub fn is_finished(&self) -> bool {
        self.inner.is_finished()
    }
}

impl ResponseBody for Body<'_> {
    fn next_chunk(&mut self) -> Option<Result<Bytes, AppError>> {
        Body::next_chunk(self)
    }

    fn take_file(&mut self) -> Option<FileRegion> {
        Body::take_file(self)
    }

    fn close(&mut self) -> Result<(), AppError> {
        Body::close(self)
    }

    fn is_finished(&self) -> bool {
        Body::is_finished(self)
    }
}

impl From<Bytes> for Body<'_> {
    fn from(chunk: Bytes) -> Self {
        Self::once(chunk)
    }
}

impl From<Vec<u8>> for Body<'_> {
    fn from(chunk: Vec<u8>) -> Self {
        Self::once(chunk)
    }
}

impl From<&'static [u8]> for Body<'_> {
    fn from(chunk: &'static [u8]) -> Self {
        Self::once(chunk)
    }
}

impl From<&'static str> for Body<'_> {
    fn from(chunk: &'static str) -> Self {
        Self::once(chunk)
    }
}

impl From<String> for Body<'_> {
    fn from(chunk: String) -> Self {
        Self::once(chunk)
    }
}

impl From<Vec<Bytes>> for Body<'_> {
    fn from(chunks: Vec<Bytes>) -> Self {
        Self::chunks(chunks)
    }
}

struct Chunks<I>(I);

impl<I> ResponseBody for Chunks<I>
where
    I: Iterator,
    I::Item: Into<Bytes>,
{
    fn next_chunk(&mut self) -> Option<Result<Bytes, AppError>> {
        self.0.next().map(|chunk| Ok(chunk.into()))
    }

    fn is_finished(&self) -> bool {
        self.0.size_hint().1 == Some(0)
    }
}

struct TryChunks<I>(I);

impl<I> ResponseBody for TryChunks<I>
where
    I: Iterator<Item = Result<Bytes, AppError>>,
{
    fn next_chunk(&mut self) -> Option<Result<Bytes, AppError>> {
        self.0.next()
    }

    fn is_finished(&self) -> bool {
        self.0.size_hint().1 == Some(0)
    }
}

type CloseHook<'r> = Box<dyn FnOnce() -> Result<(), AppError> + 'r>;

struct OnClose<'r> {
    body: Body<'r>,
    hook: Option<CloseHook<'r>>,
}

impl ResponseBody for OnClose<'_> {
    fn next_chunk(&mut self) -> Option<Result<Bytes, AppError>> {
        self.body.next_chunk()
    }

    fn take_file(&mut self) -> Option<FileRegion> {
        self.body.take_file()
    }

    fn close(&mut self) -> Result<(), AppError> {
        let first = self.body.close();
        let second = self.hook.take().map_or(Ok(()), |hook| hook());
        first.and(second)
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    fn collect(mut body: Body<'_>) -> Vec<Result<Bytes, String>> {
        let mut out = Vec::new();
        for _ in 0..100 {
            match body.next_chunk() {
                Some(item) => out.push(item.map_err(|e| e.to_string())),
                None => return out,
            }
        }
        panic!("body did not end");
    }

    #[test]
    fn constructors_yield_their_chunks() {
        let table: Vec<(Body<'static>, Vec<&[u8]>)> = vec![
            (Body::empty(), vec![]),
            (Body::once("x"), vec![b"x"]),
            (Body::from(b"ab".to_vec()), vec![b"ab"]),
            (Body::from(String::from("s")), vec![b"s"]),
            (Body::chunks(vec!["a", "", "b"]), vec![b"a", b"", b"b"]),
        ];
        for (body, want) in table {
            let got: Vec<Vec<u8>> = collect(body)
                .into_iter()
                .map(|c| c.unwrap().to_vec())
                .collect();
            let want: Vec<Vec<u8>> = want.into_iter().map(<[u8]>::to_vec).collect();
            assert_eq!(got, want);
        }
    }

    #[test]
    fn finished_only_when_nothing_follows_and_close_does_nothing() {
        let mut once = Body::once("x");
        assert!(!once.is_finished(), "a chunk is still to come");
        once.next_chunk();
        assert!(once.is_finished());
        let mut list = Body::chunks(vec!["a", "b"]);
        list.next_chunk();
        assert!(!list.is_finished());
        list.next_chunk();
        assert!(list.is_finished());
        let mut hooked = Body::once("x").on_close(|| Ok(()));
        hooked.next_chunk();
        assert!(!hooked.is_finished(), "close has work to do");
        let endless = Body::chunks(std::iter::repeat("y"));
        assert!(!endless.is_finished());
    }

    #[test]
    fn try_chunks_passes_errors_through() {
        let body = Body::try_chunks(vec![
            Ok(Bytes::from_static(b"a")),
            Err(AppError::msg("boom")),
        ]);
        let got = collect(body);
        assert_eq!(got[0].as_deref().unwrap(), b"a");
        assert_eq!(got[1].as_ref().unwrap_err(), "boom");
    }

    #[test]
    fn on_close_runs_both_hooks_and_keeps_the_first_error() {
        let ran = Cell::new(0);
        let mut body = Body::once("x")
            .on_close(|| {
                ran.set(ran.get() + 1);
                Err(AppError::msg("first"))
            })
            .on_close(|| {
                ran.set(ran.get() + 10);
                Err(AppError::msg("second"))
            });
        let err = body.close().unwrap_err();
        assert_eq!(err.to_string(), "first");
        assert_eq!(ran.get(), 11);
        // A second close does not run the hooks again.
        assert!(body.close().is_ok());
        assert_eq!(ran.get(), 11);
    }
}
