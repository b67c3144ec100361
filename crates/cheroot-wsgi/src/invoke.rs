//! Running an app without a server: one request in, the recorded response out (what
//! cheroot's tests do with their `wsgi_invoke` helper).

use std::io;

use bytes::Bytes;
use cheroot_server::FileRegion;

use crate::app::WsgiApp;
use crate::environ::Environ;
use crate::environ_source::EnvironSource;
use crate::error::AppError;
use crate::gateway;
use crate::start_response::{Core, Refused, ResponseTarget};

/// A response recorded by [`invoke`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Invoked {
    /// The status as the app gave it, e.g. `"200 OK"` (`""` if the head was never sent).
    pub status: String,
    /// The headers, in order, decoded as ISO-8859-1.
    pub headers: Vec<(String, String)>,
    /// Every body byte the app produced, with no framing.
    pub body: Vec<u8>,
}

/// Runs `app` for `environ` as the gateway would (empty chunks skipped, the head sent before
/// `close`, `close` on every path) and records the response, with no socket involved.
///
/// ```
/// use cheroot_wsgi::{app_fn, invoke, Body, Environ};
///
/// let app = app_fn(|env, sr| {
///     sr.start("200 OK", [("Content-Type", "text/plain")])?;
///     Ok(Body::from(format!("path={}", env.path_info())))
/// });
/// let mut env = Environ::new();
/// env.set("PATH_INFO", "/foo");
/// let got = invoke(&app, env).unwrap();
/// assert_eq!(got.status, "200 OK");
/// assert_eq!(got.body, b"path=/foo");
/// ```
///
/// # Errors
///
/// What the app, its body or its `close` returned, or a rule of `start_response` it broke.
pub fn invoke(app: &dyn WsgiApp, environ: Environ) -> Result<Invoked, AppError> {
    let mut recorder = Recorder::default();
    {
        let core = Core::new(&mut recorder);
        gateway::run(app, EnvironSource::built(environ), &core)?;
    }
    Ok(recorder.into_invoked())
}

#[derive(Debug, Default)]
struct Recorder {
    status: Option<(u16, String)>,
    headers: Vec<(String, String)>,
    sent: bool,
    body: Vec<u8>,
}

impl Recorder {
    fn into_invoked(self) -> Invoked {
        let status = match (self.sent, self.status) {
            (true, Some((code, reason))) if reason.is_empty() => code.to_string(),
            (true, Some((code, reason))) => format!("{code} {reason}"),
            _ => String::new(),
        };
        Invoked {
            status,
            headers: self.headers,
            body: self.body,
        }
    }
}

impl ResponseTarget for Recorder {
    fn set_status(&mut self, code: u16, reason: &str) {
        self.status = Some((code, reason.to_owned()));
    }

    fn add_header(&mut self, name: &[u8], value: &[u8]) -> Result<(), Refused> {
        Refused::check(name, value)?;
        self.headers
            .push((cheroot_compat::bton(name), cheroot_compat::bton(value)));
        Ok(())
    }

    fn clear_head(&mut self) {
        self.status = None;
        self.headers.clear();
    }

    fn send_headers(&mut self) -> io::Result<()> {
        self.sent = true;
        Ok(())
    }

    fn write_bytes(&mut self, data: Bytes) -> io::Result<()> {
        // As the server's response does, the first write sends the head.
        self.sent = true;
        self.body.extend_from_slice(&data);
        Ok(())
    }

    fn send_file(&mut self, region: FileRegion) -> io::Result<()> {
        self.write_bytes(Bytes::from(region.read_to_vec()?))
    }

    fn hold(&mut self) {}
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::rc::Rc;

    use super::*;
    use crate::app::app_fn;
    use crate::body::Body;

    #[test]
    fn chunk_before_start_response_fails() {
        let app = app_fn(|_env, _sr| Ok(Body::from("early")));
        let err = invoke(&app, Environ::new()).unwrap_err();
        assert!(err.is_write_before_start_response());
        assert_eq!(err.to_string(), "WSGI write called before start_response.");
    }

    #[test]
    fn returning_without_start_response_fails() {
        let app = app_fn(|_env, _sr| Ok(Body::empty()));
        let err = invoke(&app, Environ::new()).unwrap_err();
        assert!(err.is_write_before_start_response());
        assert_eq!(
            err.to_string(),
            "WSGI application returned without calling start_response."
        );
    }

    #[test]
    fn empty_body_still_sends_the_head_and_close_sees_it_sent() {
        // test_core.py::test_send_header_before_closing, without a socket.
        let app = app_fn(|_env, sr| {
            let seen = Rc::new(Cell::new(false));
            let seen_in_close = Rc::clone(&seen);
            let write = sr.start("204 No Content", [("X-A", "1")])?;
            Ok(Body::chunks(Vec::<Bytes>::new()).on_close(move || {
                seen_in_close.set(sr.headers_sent());
                write.write(b"")?;
                if seen.get() {
                    Ok(())
                } else {
                    Err(AppError::msg("head not sent before close"))
                }
            }))
        });
        let got = invoke(&app, Environ::new()).unwrap();
        assert_eq!(got.status, "204 No Content");
        assert_eq!(got.headers, vec![("X-A".to_owned(), "1".to_owned())]);
    }

    #[test]
    fn a_body_reports_the_status_and_every_byte() {
        // The head goes out with the first chunk; the last one is held for the end.
        let app = app_fn(|_env, sr| {
            sr.start("200 OK", [("Content-Type", "text/plain")])?;
            Ok(Body::chunks(vec!["Hello ", "world"]))
        });
        let got = invoke(&app, Environ::new()).unwrap();
        assert_eq!(got.status, "200 OK");
        assert_eq!(got.body, b"Hello world");
    }

    #[test]
    fn close_error_is_reported() {
        let app = app_fn(|_env, sr| {
            sr.start("200 OK", [("X-A", "1")])?;
            Ok(Body::from("x").on_close(|| Err(AppError::msg("close failed"))))
        });
        let err = invoke(&app, Environ::new()).unwrap_err();
        assert_eq!(err.to_string(), "close failed");
    }
}
