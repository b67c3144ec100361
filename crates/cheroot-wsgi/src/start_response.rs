//! `start_response` and the `write` callable: the status and headers an app chooses, held
//! back until the first body byte, validated, and written through the server's response.

use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt;
use std::io;

use bytes::Bytes;
use cheroot_server::{FileRegion, HeaderError, Response};

use crate::error::AppError;

/// cheroot's 500 message when the first write already passes the declared length.
const OVERFLOW_BEFORE_HEADERS: &str =
    "The requested resource returned more bytes than the declared Content-Length.";
/// cheroot's `ValueError` message when a later write passes it.
const OVERFLOW_AFTER_HEADERS: &str = "Response body exceeds the declared Content-Length.";

/// Where the response goes: the server's [`Response`], or the recorder of
/// [`invoke`](crate::invoke()) and of the tests.
///
/// `start_response` hands status and headers over at once (the head still goes out with the
/// first body byte); a target checks each header with the one rule of `cheroot-wire`.
pub(crate) trait ResponseTarget {
    fn set_status(&mut self, code: u16, reason: &str);
    fn add_header(&mut self, name: &[u8], value: &[u8]) -> Result<(), Refused>;
    /// Forgets the status and headers handed over so far (the head has not gone out).
    fn clear_head(&mut self);
    fn send_headers(&mut self) -> io::Result<()>;
    fn write_bytes(&mut self, data: Bytes) -> io::Result<()>;
    /// Writes a file region (without copying it where the connection allows).
    fn send_file(&mut self, region: FileRegion) -> io::Result<()>;
    /// Holds what is written until the response ends, instead of sending each write at once.
    fn hold(&mut self);
}

impl ResponseTarget for Response<'_> {
    fn set_status(&mut self, code: u16, reason: &str) {
        Response::set_status(self, code, reason);
    }

    fn add_header(&mut self, name: &[u8], value: &[u8]) -> Result<(), Refused> {
        Response::add_header(self, name, value).map_err(|err| {
            if err.is_invalid_name() {
                Refused::Name
            } else if err.is_invalid_value() {
                Refused::Value
            } else {
                Refused::Other(err)
            }
        })
    }

    fn clear_head(&mut self) {
        Response::clear_head(self);
    }

    fn send_headers(&mut self) -> io::Result<()> {
        Response::send_headers(self)
    }

    fn write_bytes(&mut self, data: Bytes) -> io::Result<()> {
        Response::write_bytes(self, data)
    }

    fn send_file(&mut self, region: FileRegion) -> io::Result<()> {
        Response::send_file(self, region)
    }

    fn hold(&mut self) {
        Response::set_buffered(self, true);
    }
}

/// Why a target refused a header.
#[derive(Debug)]
pub(crate) enum Refused {
    /// The name is not a token.
    Name,
    /// The value holds a control byte (but HTAB) or DEL.
    Value,
    /// The server's own rule (two different `Content-Length`s, the head already sent).
    Other(HeaderError),
}

impl Refused {
    /// The refusal of a header line by `cheroot-wire`'s rule, for targets that keep the line
    /// themselves (the recorders).
    pub(crate) fn check(name: &[u8], value: &[u8]) -> Result<(), Refused> {
        cheroot_wire::check_header_line(name, value).map_err(|err| {
            if err == cheroot_wire::ParseError::BAD_RESPONSE_HEADER_NAME {
                Refused::Name
            } else {
                Refused::Value
            }
        })
    }
}

/// The response state of one request, shared by its [`StartResponse`] and [`Write`]
/// handles; lives on the gateway's stack for the duration of the request.
pub(crate) struct Core<'r> {
    state: RefCell<State<'r>>,
}

struct State<'r> {
    target: &'r mut dyn ResponseTarget,
    /// Set by a `start_response` call that succeeded, whose status and headers the target
    /// holds; none while the target holds none.
    started: Option<Started>,
    headers_sent: bool,
    /// Body bytes the app handed over (before any truncation).
    written: u64,
}

#[derive(Debug)]
struct Started {
    /// The declared `Content-Length`, which the writes are held to.
    content_length: Option<u64>,
}

impl<'r> Core<'r> {
    pub(crate) fn new(target: &'r mut dyn ResponseTarget) -> Self {
        Self {
            state: RefCell::new(State {
                target,
                started: None,
                headers_sent: false,
                written: 0,
            }),
        }
    }

    /// Whether `start_response` was called.
    pub(crate) fn started(&self) -> bool {
        self.state.borrow().started.is_some()
    }

    /// Whether the head went out.
    pub(crate) fn headers_sent(&self) -> bool {
        self.state.borrow().headers_sent
    }

    fn start_response<N, V>(
        &self,
        status: &str,
        headers: impl IntoIterator<Item = Result<(N, V), AppError>>,
        exc_info: Option<AppError>,
    ) -> Result<(), AppError>
    where
        N: AsRef<str>,
        V: AsRef<str>,
    {
        let mut state = self.state.borrow_mut();
        match exc_info {
            None if state.started.is_some() => return Err(AppError::start_response_twice()),
            // Too late to replace the response: re-raise, as cheroot does.
            Some(exc) if state.headers_sent => return Err(exc),
            _ => {}
        }
        let (code, reason) = parse_status(status)?;
        // PEP 3333: a call with exc_info before the head went out replaces the response
        // (cheroot appends the new headers to the old ones; see docs/differences.md).
        if state.started.take().is_some() {
            state.target.clear_head();
        }
        // Handed to the target as they come, each checked once, by the target's rule: no
        // copy of the list is kept. A refused header leaves no response started.
        state.target.set_status(code, reason);
        match state.add_headers(headers) {
            Ok(content_length) => {
                state.started = Some(Started { content_length });
                Ok(())
            }
            Err(err) => {
                state.target.clear_head();
                Err(err)
            }
        }
    }

    /// Sends the held-back head if it has not gone out.
    pub(crate) fn ensure_headers_sent(&self) -> Result<(), AppError> {
        let mut state = self.state.borrow_mut();
        state.send_head()
    }

    /// Writes a body chunk, the head with it if it has not gone out.
    pub(crate) fn write(&self, data: Bytes) -> Result<(), AppError> {
        self.write_held(data, false)
    }

    /// As [`write`](Self::write); with `last`, the chunk is held to go out with the end of
    /// the response (the app's body said no chunk follows).
    pub(crate) fn write_held(&self, data: Bytes, last: bool) -> Result<(), AppError> {
        let mut state = self.state.borrow_mut();
        if last {
            state.target.hold();
        }
        let Some(started) = &state.started else {
            return Err(AppError::write_before_start_response());
        };
        let declared = started.content_length;
        let len = data.len() as u64;
        let over = declared.is_some_and(|declared| state.written + len > declared);
        if over && !state.headers_sent {
            // Nothing went out: hand the head and the chunk to the server, whose own check
            // refuses the chunk, sends nothing and answers cheroot's 500 when this error
            // reaches it.
            let _ = state.target.write_bytes(data);
            return Err(AppError::content_length_exceeded(OVERFLOW_BEFORE_HEADERS));
        }
        // The head goes out with the chunk, in one message to the connection (the target
        // starts the response itself on its first write).
        state.headers_sent = true;
        state.written += len;
        match state.target.write_bytes(data) {
            Ok(()) if !over => Ok(()),
            // The server truncated the chunk and will close the connection.
            Ok(()) => Err(AppError::content_length_exceeded(OVERFLOW_AFTER_HEADERS)),
            Err(_) if over => Err(AppError::content_length_exceeded(OVERFLOW_AFTER_HEADERS)),
            Err(err) => Err(AppError::io(err)),
        }
    }
}

impl Core<'_> {
    /// Writes a file region as body bytes, the head first if it has not gone out; the server
    /// applies the declared `Content-Length` as for any write.
    pub(crate) fn send_file(&self, region: FileRegion) -> Result<(), AppError> {
        let mut state = self.state.borrow_mut();
        if state.started.is_none() {
            return Err(AppError::write_before_start_response());
        }
        // The target sends the head before the file's first byte.
        state.headers_sent = true;
        state.written += region.len();
        state.target.send_file(region).map_err(|err| {
            if err.kind() == io::ErrorKind::InvalidData {
                AppError::content_length_exceeded(OVERFLOW_AFTER_HEADERS)
            } else {
                AppError::io(err)
            }
        })
    }
}

impl State<'_> {
    /// Hands `headers` to the target; the declared `Content-Length`.
    fn add_headers<N, V>(
        &mut self,
        headers: impl IntoIterator<Item = Result<(N, V), AppError>>,
    ) -> Result<Option<u64>, AppError>
    where
        N: AsRef<str>,
        V: AsRef<str>,
    {
        let mut content_length = None;
        for pair in headers {
            let (name, value) = pair?;
            let name = latin1(name.as_ref(), "header name")?;
            let value = latin1(value.as_ref(), "header value")?;
            // Read here, for cheroot's message and the overflow checks of the writes.
            if name.eq_ignore_ascii_case(b"content-length") {
                content_length = Some(parse_content_length(&value)?);
            }
            let shown = || cheroot_compat::bton(&name);
            self.target
                .add_header(&name, &value)
                .map_err(|refused| match refused {
                    Refused::Name => AppError::invalid_response(format!(
                        "WSGI response header name {:?} is not a token.",
                        shown()
                    )),
                    Refused::Value => AppError::invalid_response(format!(
                        "WSGI response header {:?} has a value with a control character.",
                        shown()
                    )),
                    Refused::Other(err) => AppError::invalid_response(err.to_string()),
                })?;
        }
        Ok(content_length)
    }

    fn send_head(&mut self) -> Result<(), AppError> {
        if self.headers_sent {
            return Ok(());
        }
        if self.started.is_none() {
            return Err(AppError::no_start_response());
        }
        self.headers_sent = true;
        self.target.send_headers().map_err(AppError::io)
    }
}

/// An app's `Content-Length` value: digits, with optional whitespace around them.
fn parse_content_length(value: &[u8]) -> Result<u64, AppError> {
    // Read from the latin-1 bytes without making the text (on every response that declares a
    // length): the characters `str.strip` and Rust's `trim` remove, as bytes, are the ASCII
    // spaces and controls below and U+0085 and U+00A0.
    let is_space = |b: &u8| matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ' | 0x85 | 0xa0);
    let start = value
        .iter()
        .position(|b| !is_space(b))
        .unwrap_or(value.len());
    let end = value
        .iter()
        .rposition(|b| !is_space(b))
        .map_or(start, |at| at + 1);
    let digits = &value[start..end];
    (!digits.is_empty() && digits.iter().all(u8::is_ascii_digit))
        .then(|| std::str::from_utf8(digits).ok()?.parse::<u64>().ok())
        .flatten()
        .ok_or_else(|| {
            let text = cheroot_compat::bton(value);
            AppError::invalid_response(format!(
                "WSGI response Content-Length {text:?} is not a number."
            ))
        })
}

fn latin1<'t>(text: &'t str, what: &str) -> Result<Cow<'t, [u8]>, AppError> {
    if text.is_ascii() {
        return Ok(Cow::Borrowed(text.as_bytes()));
    }
    cheroot_compat::ntob(text).map(Cow::Owned).map_err(|err| {
        AppError::invalid_response(format!(
            "WSGI response {what} {text:?} is not ISO-8859-1: {err}"
        ))
    })
}

/// Splits `"200 OK"` into code and reason. cheroot only reads `int(status[:3])`; this also
/// refuses what cannot go on a status line (CR, LF, NUL, non-latin-1, no space after the code).
fn parse_status(status: &str) -> Result<(u16, &str), AppError> {
    let bad =
        || AppError::invalid_response(format!("WSGI response status {status:?} is not valid."));
    if !status.is_ascii() {
        latin1(status, "status")?;
    }
    let bytes = status.as_bytes();
    if bytes.len() < 3 || !bytes[..3].iter().all(u8::is_ascii_digit) {
        return Err(bad());
    }
    let code: u16 = status[..3].parse().map_err(|_| bad())?;
    if code < 100 {
        return Err(bad());
    }
    let reason = match &status[3..] {
        "" => "",
        rest => rest.strip_prefix(' ').ok_or_else(bad)?,
    };
    if !cheroot_wire::is_field_value(reason.as_bytes()) {
        return Err(bad());
    }
    Ok((code, reason))
}

/// WSGI's `start_response` callable, handed to [`WsgiApp::call`](crate::WsgiApp::call).
///
/// It may be kept by the returned [`Body`](crate::Body) (a generator-style app starts the
/// response on its first chunk); it is `Copy`.
#[derive(Clone, Copy)]
pub struct StartResponse<'r> {
    core: &'r Core<'r>,
}

impl fmt::Debug for StartResponse<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StartResponse")
            .field("started", &self.core.started())
            .field("headers_sent", &self.core.headers_sent())
            .finish()
    }
}

impl<'r> StartResponse<'r> {
    pub(crate) fn new(core: &'r Core<'r>) -> Self {
        Self { core }
    }

    /// Starts the response: `status` like `"200 OK"`, header `(name, value)` pairs, and
    /// `exc_info` when replacing a response because of an error. The head is held back until
    /// the first non-empty body chunk (or a [`Write::write`] call).
    ///
    /// Returns the [`Write`] callable.
    ///
    /// # Errors
    ///
    /// - a second call without `exc_info`: cheroot's "WSGI start_response called a second time
    ///   with no exc_info." ([`AppError::is_start_response_twice`]);
    /// - with `exc_info` after the head was sent: `exc_info` itself, to be propagated (the
    ///   connection is then closed);
    /// - a status or header that cannot go on the wire (not ISO-8859-1, CR/LF/NUL, a name that
    ///   is not a token, a status that is not `NNN reason`, a `Content-Length` that is not a
    ///   number) ([`AppError::is_invalid_response`]): a response-splitting attempt, answered
    ///   500 when the app propagates it.
    ///
    /// A call with `exc_info` before the head was sent replaces the earlier status and
    /// headers (PEP 3333; cheroot appends the headers instead).
    pub fn call(
        &self,
        status: &str,
        headers: Vec<(String, String)>,
        exc_info: Option<AppError>,
    ) -> Result<Write<'r>, AppError> {
        self.call_with(status, headers.into_iter().map(Ok), exc_info)
    }

    /// [`call`](StartResponse::call) with the headers read one by one, each from a source
    /// that may fail (a host language's list, whose items are checked as they are read): the
    /// first `Err` ends the call with that error, and no response is started. Nothing is
    /// copied into a list of its own.
    ///
    /// # Errors
    ///
    /// As [`call`](StartResponse::call), and the first error of `headers`.
    pub fn call_with<N, V>(
        &self,
        status: &str,
        headers: impl IntoIterator<Item = Result<(N, V), AppError>>,
        exc_info: Option<AppError>,
    ) -> Result<Write<'r>, AppError>
    where
        N: AsRef<str>,
        V: AsRef<str>,
    {
        self.core.start_response(status, headers, exc_info)?;
        Ok(Write { core: self.core })
    }

    /// [`call`](StartResponse::call) without `exc_info`, taking any string-like pairs.
    ///
    /// # Errors
    ///
    /// As [`call`](StartResponse::call).
    pub fn start<N, V>(
        &self,
        status: &str,
        headers: impl IntoIterator<Item = (N, V)>,
    ) -> Result<Write<'r>, AppError>
    where
        N: AsRef<str>,
        V: AsRef<str>,
    {
        self.call_with(status, headers.into_iter().map(Ok), None)
    }

    /// Whether the response was started.
    pub fn started(&self) -> bool {
        self.core.started()
    }

    /// Whether the head was sent to the client.
    pub fn headers_sent(&self) -> bool {
        self.core.headers_sent()
    }
}

/// WSGI's `write` callable, returned by [`StartResponse::call`]: writes body bytes at once
/// (after sending the held-back head). Also implements [`std::io::Write`].
#[derive(Clone, Copy)]
pub struct Write<'r> {
    core: &'r Core<'r>,
}

impl fmt::Debug for Write<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Write")
            .field("headers_sent", &self.core.headers_sent())
            .finish()
    }
}

impl Write<'_> {
    /// Writes `data` (an empty slice still sends the head, as cheroot's `write` does).
    ///
    /// # Errors
    ///
    /// - more bytes than the declared `Content-Length` ([`AppError::is_content_length_exceeded`]):
    ///   before the head went out the client gets cheroot's 500 "The requested resource
    ///   returned more bytes than the declared Content-Length."; after, the chunk is truncated
    ///   to fit and the connection closes after the response;
    /// - the client is gone ([`AppError::is_io`]).
    pub fn write(&self, data: &[u8]) -> Result<(), AppError> {
        self.core.write(Bytes::copy_from_slice(data))
    }

    /// As [`write`](Write::write), without a copy for large pieces.
    ///
    /// # Errors
    ///
    /// As [`write`](Write::write).
    pub fn write_bytes(&self, data: Bytes) -> Result<(), AppError> {
        self.core.write(data)
    }
}

impl io::Write for Write<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        Write::write(self, buf)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Records what a response would send.
    #[derive(Debug, Default)]
    pub(crate) struct Recorder {
        pub(crate) status: Option<(u16, String)>,
        pub(crate) headers: Vec<(Vec<u8>, Vec<u8>)>,
        pub(crate) head_sent: bool,
        pub(crate) body: Vec<u8>,
        pub(crate) fail_writes: bool,
        /// Whether the core asked to hold writes until the end.
        pub(crate) held: bool,
    }

    impl ResponseTarget for Recorder {
        fn set_status(&mut self, code: u16, reason: &str) {
            self.status = Some((code, reason.to_owned()));
        }

        fn add_header(&mut self, name: &[u8], value: &[u8]) -> Result<(), Refused> {
            Refused::check(name, value)?;
            self.headers.push((name.to_vec(), value.to_vec()));
            Ok(())
        }

        fn clear_head(&mut self) {
            self.status = None;
            self.headers.clear();
        }

        fn send_headers(&mut self) -> io::Result<()> {
            self.head_sent = true;
            Ok(())
        }

        fn write_bytes(&mut self, data: Bytes) -> io::Result<()> {
            if self.fail_writes {
                return Err(io::Error::new(io::ErrorKind::BrokenPipe, "gone"));
            }
            // As the server's response does, the first write sends the head.
            self.head_sent = true;
            self.body.extend_from_slice(&data);
            Ok(())
        }

        fn send_file(&mut self, region: FileRegion) -> io::Result<()> {
            self.write_bytes(Bytes::from(region.read_to_vec()?))
        }

        fn hold(&mut self) {
            self.held = true;
        }
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn head_is_held_back_until_the_first_write() {
        let mut rec = Recorder::default();
        {
            let core = Core::new(&mut rec);
            let sr = StartResponse::new(&core);
            let write = sr
                .call("200 OK", pairs(&[("Content-Type", "text/plain")]), None)
                .unwrap();
            assert!(!sr.headers_sent());
            write.write(b"hi").unwrap();
            assert!(sr.headers_sent());
        }
        assert_eq!(rec.status, Some((200, "OK".to_owned())));
        assert_eq!(
            rec.headers,
            vec![(b"Content-Type".to_vec(), b"text/plain".to_vec())]
        );
        assert_eq!(rec.body, b"hi");
    }

    #[test]
    fn second_call_without_exc_info_fails() {
        // test_wsgi.py / cheroot.wsgi: RuntimeError on a second start_response.
        let mut rec = Recorder::default();
        let core = Core::new(&mut rec);
        let sr = StartResponse::new(&core);
        sr.call("200 OK", vec![], None).unwrap();
        let err = sr.call("200 OK", vec![], None).unwrap_err();
        assert!(err.is_start_response_twice());
    }

    #[test]
    fn exc_info_before_headers_replaces() {
        let mut rec = Recorder::default();
        {
            let core = Core::new(&mut rec);
            let sr = StartResponse::new(&core);
            sr.call("200 OK", pairs(&[("X-Old", "1")]), None).unwrap();
            let write = sr
                .call(
                    "500 Oops",
                    pairs(&[("X-New", "2")]),
                    Some(AppError::msg("boom")),
                )
                .unwrap();
            write.write(b"").unwrap();
        }
        assert_eq!(rec.status, Some((500, "Oops".to_owned())));
        assert_eq!(rec.headers, vec![(b"X-New".to_vec(), b"2".to_vec())]);
    }

    #[test]
    fn a_refused_header_leaves_no_response_started() {
        // The headers before the bad one reached the target; they must not stay there.
        let mut rec = Recorder::default();
        {
            let core = Core::new(&mut rec);
            let sr = StartResponse::new(&core);
            let err = sr
                .call("200 OK", pairs(&[("X-Good", "1"), ("Bad Name", "v")]), None)
                .unwrap_err();
            assert!(err.is_invalid_response(), "{err}");
            assert!(!sr.started());
            assert!(
                core.write(Bytes::from_static(b"x"))
                    .unwrap_err()
                    .is_write_before_start_response()
            );
            // Not a second call: nothing was started.
            sr.call("201 Created", pairs(&[("X-Next", "2")]), None)
                .unwrap()
                .write(b"")
                .unwrap();
        }
        assert_eq!(rec.status, Some((201, "Created".to_owned())));
        assert_eq!(rec.headers, vec![(b"X-Next".to_vec(), b"2".to_vec())]);
    }

    #[test]
    fn an_error_from_the_header_source_is_the_call_s_error() {
        let mut rec = Recorder::default();
        {
            let core = Core::new(&mut rec);
            let sr = StartResponse::new(&core);
            let source = vec![
                Ok(("X-A", "1")),
                Err(AppError::msg("not a str")),
                Ok(("X-B", "2")),
            ];
            let err = sr.call_with("200 OK", source, None).unwrap_err();
            assert_eq!(err.to_string(), "not a str");
            assert!(!sr.started());
        }
        assert!(rec.headers.is_empty(), "{:?}", rec.headers);
        assert_eq!(rec.status, None);
    }

    #[test]
    fn exc_info_after_headers_reraises() {
        let mut rec = Recorder::default();
        let core = Core::new(&mut rec);
        let sr = StartResponse::new(&core);
        sr.call("200 OK", vec![], None)
            .unwrap()
            .write(b"x")
            .unwrap();
        let err = sr
            .call("500 Oops", vec![], Some(AppError::msg("the original")))
            .unwrap_err();
        assert_eq!(err.to_string(), "the original");
    }

    #[test]
    fn invalid_status_and_headers_are_refused() {
        let statuses = [
            "",
            "20",
            "abc OK",
            "200OK",
            "200 OK\r\nX: y",
            "099 Low",
            "200 \u{100}",
            "200 O\u{1}K",
        ];
        for status in statuses {
            let mut rec = Recorder::default();
            let core = Core::new(&mut rec);
            let err = StartResponse::new(&core)
                .call(status, vec![], None)
                .unwrap_err();
            assert!(err.is_invalid_response(), "status {status:?}");
        }
        let headers = [
            ("X-Split", "a\r\nSet-Cookie: evil=1"),
            ("X-Lf", "a\nb"),
            // The rule request headers get (RFC 9110 5.5): no other control byte, no DEL.
            ("X-Bell", "a\u{7}b"),
            ("X-Del", "a\u{7f}"),
            ("Bad Name", "v"),
            ("", "v"),
            ("X-Wide", "\u{263a}"),
            ("Content-Length", "five"),
        ];
        for (name, value) in headers {
            let mut rec = Recorder::default();
            let core = Core::new(&mut rec);
            let err = StartResponse::new(&core)
                .call("200 OK", pairs(&[(name, value)]), None)
                .unwrap_err();
            assert!(err.is_invalid_response(), "header {name:?}: {value:?}");
        }
    }

    #[test]
    fn status_forms_accepted() {
        let table = [
            ("204", 204, ""),
            ("100 Continue", 100, "Continue"),
            ("200 OK", 200, "OK"),
            ("599 Caf\u{e9}", 599, "Caf\u{e9}"),
        ];
        for (status, code, reason) in table {
            let mut rec = Recorder::default();
            {
                let core = Core::new(&mut rec);
                StartResponse::new(&core)
                    .call(status, vec![], None)
                    .unwrap();
                core.ensure_headers_sent().unwrap();
            }
            assert_eq!(rec.status, Some((code, reason.to_owned())));
        }
    }

    #[test]
    fn content_length_is_digits_between_python_whitespace() {
        let cases: [(&[u8], Option<u64>); 12] = [
            (b"12", Some(12)),
            (b"0012", Some(12)),
            (b" \t12 ", Some(12)),
            // U+00A0 and U+0085, as latin-1 bytes: `str.strip` removes them too.
            (b"\xa012\x85", Some(12)),
            (b"18446744073709551615", Some(u64::MAX)),
            (b"", None),
            (b"  ", None),
            (b"1 2", None),
            (b"+12", None),
            (b"-1", None),
            (b"12a", None),
            (b"18446744073709551616", None),
        ];
        for (value, expected) in cases {
            let parsed = parse_content_length(value);
            assert_eq!(parsed.as_ref().ok().copied(), expected, "{value:?}");
            if let Err(err) = parsed {
                assert!(err.is_invalid_response(), "{value:?}");
                assert!(err.to_string().contains("is not a number"), "{err}");
            }
        }
    }

    #[test]
    fn content_length_overflow_before_and_after_headers() {
        // test_conn.py::test_Content_Length_out
        let mut rec = Recorder::default();
        {
            let core = Core::new(&mut rec);
            let write = StartResponse::new(&core)
                .call("200 OK", pairs(&[("Content-Length", "5")]), None)
                .unwrap();
            let err = write.write(b"I have too many bytes").unwrap_err();
            assert!(err.is_content_length_exceeded());
            assert_eq!(err.to_string(), OVERFLOW_BEFORE_HEADERS);
            assert!(!core.headers_sent());
        }
        let mut rec = Recorder::default();
        let core = Core::new(&mut rec);
        let write = StartResponse::new(&core)
            .call("200 OK", pairs(&[("Content-Length", "5")]), None)
            .unwrap();
        write.write(b"I too").unwrap();
        let err = write.write(b" have too many bytes").unwrap_err();
        assert!(err.is_content_length_exceeded());
        assert_eq!(err.to_string(), OVERFLOW_AFTER_HEADERS);
    }

    #[test]
    fn writes_are_counted_together_against_the_declared_length() {
        let mut rec = Recorder::default();
        let core = Core::new(&mut rec);
        let write = StartResponse::new(&core)
            .call("200 OK", pairs(&[("Content-Length", "5")]), None)
            .unwrap();
        write.write(b"abc").unwrap();
        // Under the length alone, over it with the first write.
        let err = write.write(b"def").unwrap_err();
        assert!(err.is_content_length_exceeded());
        assert_eq!(err.to_string(), OVERFLOW_AFTER_HEADERS);
    }

    #[test]
    fn a_failed_write_past_the_declared_length_is_the_length_error() {
        // The head went out; the client is gone and the chunk was too long: the app hears
        // about its own mistake, not the socket's.
        let mut rec = Recorder {
            fail_writes: true,
            ..Recorder::default()
        };
        let core = Core::new(&mut rec);
        let write = StartResponse::new(&core)
            .call("200 OK", pairs(&[("Content-Length", "1")]), None)
            .unwrap();
        core.ensure_headers_sent().unwrap();
        let err = write.write(b"abc").unwrap_err();
        assert!(err.is_content_length_exceeded(), "{err}");
    }

    #[test]
    fn write_before_start_response_fails() {
        let mut rec = Recorder::default();
        let core = Core::new(&mut rec);
        let err = core.write(Bytes::from_static(b"x")).unwrap_err();
        assert!(err.is_write_before_start_response());
        assert!(
            core.ensure_headers_sent()
                .unwrap_err()
                .is_write_before_start_response()
        );
    }

    #[test]
    fn client_gone_is_an_io_error() {
        let mut rec = Recorder {
            fail_writes: true,
            ..Recorder::default()
        };
        let core = Core::new(&mut rec);
        let write = StartResponse::new(&core)
            .call("200 OK", vec![], None)
            .unwrap();
        assert!(write.write(b"x").unwrap_err().is_io());
    }
}
