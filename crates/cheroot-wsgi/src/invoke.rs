//! Running an app without a server: one request in, the recorded response out (what
//! cheroot's tests do with their `wsgi_invoke` helper).

use std::io;

use bytes::Bytes;
use cheroot_server::HeaderError;

use crate::app::WsgiApp;
use crate::environ::Environ;
use crate::error::AppError;
use crate::gateway;
use crate::start_response::{Core, Sink};

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
        gateway::run(app, environ, &core)?;
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

impl Sink for Recorder {
    fn set_status(&mut self, code: u16, reason: &str) {
        self.status = Some((code, reason.to_owned()));
    }

    fn add_header(&mut self, name: &[u8], value: &[u8]) -> Result<(), HeaderError> {
        self.headers
            .push((cheroot_compat::bton(name), cheroot_compat::bton(value)));
        Ok(())
    }

    fn send_headers(&mut self) -> io::Result<()> {
        self.sent = true;
        Ok(())
    }

    fn write_bytes(&mut self, data: Bytes) -> io::Result<()> {
        self.body.extend_from_slice(&data);
        Ok(())
    }
}
