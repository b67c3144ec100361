//! A request's environ before it is built: its variables fed one by one to a sink, or built
//! into an [`Environ`]. Both come from the one function that knows cheroot's keys
//! (`build_environ.rs`), so a bridge that keeps its own environ (the Python one) cannot drift
//! from the Rust one.

use std::sync::Arc;

use cheroot_compat::{bton, bton_into, ntob};
use cheroot_server::{ConnInfo, Headers, RequestHead};

use crate::build_environ::{self, ServerFacts};
use crate::environ::{Environ, FLAGS, VarKey, WsgiVersion};
use crate::environ_vars::Text;
use crate::input::WsgiInput;

/// A variable's value as the gateway finds it, before any copy.
#[derive(Debug, Clone, Copy)]
pub enum VarValue<'a> {
    /// A constant of the gateway (`""`, `HTTP/1.1`, `GET`, ...).
    Static(&'static str),
    /// Text the server shares between requests (`SERVER_NAME`, `SERVER_SOFTWARE`, ...).
    Shared(&'a Arc<str>),
    /// Text borrowed from the request or the connection.
    Borrowed(&'a str),
    /// Request bytes, read as ISO-8859-1 (cheroot's `bton`): one `char` per byte.
    Latin1(&'a [u8]),
}

impl<'a> VarValue<'a> {
    /// The value as text: borrowed, or decoded into `scratch` when the bytes are not ASCII.
    pub fn as_str<'s>(&'s self, scratch: &'s mut String) -> &'s str
    where
        'a: 's,
    {
        match *self {
            VarValue::Static(text) => text,
            VarValue::Shared(text) => text,
            VarValue::Borrowed(text) => text,
            VarValue::Latin1(bytes) => match std::str::from_utf8(bytes) {
                Ok(text) if text.is_ascii() => text,
                _ => {
                    bton_into(bytes, scratch);
                    scratch
                }
            },
        }
    }

    /// Whether the value is `text`, compared without decoding (a bridge's check of the last
    /// request's value: equal, usually).
    pub fn is(&self, text: &str) -> bool {
        match *self {
            VarValue::Static(value) => value == text,
            VarValue::Shared(value) => **value == *text,
            VarValue::Borrowed(value) => value == text,
            VarValue::Latin1(bytes) if bytes.is_ascii() => bytes == text.as_bytes(),
            // Rare (a request byte above 0x7F): compared as cheroot's `ntob` encodes the text.
            VarValue::Latin1(bytes) => ntob(text).is_ok_and(|encoded| encoded == bytes),
        }
    }

    /// The value as the environ keeps it: constants and shared texts without a copy.
    pub(crate) fn into_text(self) -> Text {
        match self {
            VarValue::Static(text) => Text::Static(text),
            VarValue::Shared(text) => Text::Shared(Arc::clone(text)),
            VarValue::Borrowed(text) => Text::Owned(text.to_owned()),
            VarValue::Latin1(bytes) => Text::Owned(bton(bytes)),
        }
    }
}

/// Where [`EnvironSource::fill`] puts the variables.
pub trait EnvironSink {
    /// One variable, in the order the gateway sets them. A key may come again (two header
    /// names with one key, `X-Foo` and `X_Foo`; a TLS layer's `wsgi.url_scheme`): the later
    /// value is the environ's.
    fn var(&mut self, key: VarKey<'_>, value: VarValue<'_>);
}

/// A request's environ, not built yet: what [`WsgiApp::call_request`] gets.
///
/// [`WsgiApp::call_request`]: crate::WsgiApp::call_request
#[derive(Debug)]
pub struct EnvironSource<'a> {
    inner: Source<'a>,
}

#[derive(Debug)]
enum Source<'a> {
    Request {
        head: &'a RequestHead,
        conn: &'a ConnInfo,
        facts: &'a ServerFacts,
        version: WsgiVersion,
        input: WsgiInput,
    },
    Built(Environ),
}

impl<'a> EnvironSource<'a> {
    /// The environ of the request `head` on `conn`, as the gateway would build it.
    pub(crate) fn request(
        head: &'a RequestHead,
        conn: &'a ConnInfo,
        facts: &'a ServerFacts,
        version: WsgiVersion,
        input: WsgiInput,
    ) -> Self {
        Self {
            inner: Source::Request {
                head,
                conn,
                facts,
                version,
                input,
            },
        }
    }

    /// An environ already built (by a test, or middleware that makes requests).
    pub fn built(environ: Environ) -> Self {
        Self {
            inner: Source::Built(environ),
        }
    }

    /// Feeds every string variable to `sink`, in the order the gateway sets them.
    pub fn fill(&self, sink: &mut impl EnvironSink) {
        match &self.inner {
            Source::Request {
                head,
                conn,
                facts,
                version,
                ..
            } => build_environ::fill(head, conn, facts, *version, &mut build_environ::Feed(sink)),
            Source::Built(environ) => {
                for (key, value) in environ.vars_in_order() {
                    sink.var(key, VarValue::Borrowed(value));
                }
            }
        }
    }

    /// The environ itself.
    pub fn into_environ(self) -> Environ {
        match self.inner {
            Source::Request {
                head,
                conn,
                facts,
                version,
                input,
            } => build_environ::build(head, conn, facts, version, input),
            Source::Built(environ) => environ,
        }
    }

    /// `wsgi.version`.
    pub fn wsgi_version(&self) -> WsgiVersion {
        match &self.inner {
            Source::Request { version, .. } => *version,
            Source::Built(environ) => environ.wsgi_version(),
        }
    }

    /// `wsgi.multithread`, `wsgi.multiprocess` and `wsgi.run_once`.
    pub fn flags(&self) -> (bool, bool, bool) {
        match &self.inner {
            Source::Request { .. } => FLAGS,
            Source::Built(environ) => (
                environ.multithread(),
                environ.multiprocess(),
                environ.run_once(),
            ),
        }
    }

    /// `wsgi.input_terminated`: true for a chunked body.
    pub fn input_terminated(&self) -> bool {
        match &self.inner {
            Source::Request { head, .. } => build_environ::input_terminated(head),
            Source::Built(environ) => environ.input_terminated(),
        }
    }

    /// `wsgi.input`, and the request's header fields as received.
    pub fn into_input(self) -> (WsgiInput, Headers) {
        match self.inner {
            Source::Request { head, input, .. } => (input, head.headers().clone()),
            Source::Built(mut environ) => {
                let headers = environ.take_headers();
                (std::mem::take(&mut environ.input), headers)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use cheroot_server::BindAddr;

    use super::*;
    use crate::build_environ::tests::{facts, head, local_conn};

    /// Every variable fed, in order, as owned texts.
    #[derive(Default)]
    struct Fed(Vec<(String, String)>);

    impl EnvironSink for Fed {
        fn var(&mut self, key: VarKey<'_>, value: VarValue<'_>) {
            let mut scratch = String::new();
            let text = value.as_str(&mut scratch).to_owned();
            self.0.push((key.as_str().to_owned(), text));
        }
    }

    #[test]
    fn the_fed_variables_are_the_built_environ_s() {
        let tls = ConnInfo::new(
            Some("127.0.0.1:5555".parse().unwrap()),
            Some("127.0.0.1:8443".parse().unwrap()),
            Arc::new(BindAddr::tcp("127.0.0.1", 8443).unwrap()),
            Arc::from("srv"),
        )
        .with_extra_env(vec![
            ("wsgi.url_scheme".to_owned(), "https".to_owned()),
            ("HTTPS".to_owned(), "on".to_owned()),
        ]);
        let plain = ConnInfo::new(
            Some("127.0.0.1:5556".parse().unwrap()),
            None,
            Arc::new(BindAddr::tcp("127.0.0.1", 80).unwrap()),
            Arc::from("srv"),
        );
        let facts = facts();
        let requests: [&[u8]; 4] = [
            b"GET /a?b=1 HTTP/1.1\r\nHost: h\r\n\r\n",
            // Joined, last-wins and colliding fields, a value that is not ASCII.
            b"GET /%C3%A9 HTTP/1.1\r\nHost: h\r\nAccept: a\r\naccept: b\r\nX-Single: one\r\n\
              X-Single: two\r\nX_Dup: u\r\nX-Dup: d\r\nX-Latin: caf\xe9\r\n\r\n",
            b"POST /u HTTP/1.0\r\nContent-Length: 3\r\nContent-Type: text/plain\r\n\r\n",
            b"PURGE /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n",
        ];
        for raw in requests {
            let head = head(raw);
            for conn in [&plain, &tls] {
                for version in [WsgiVersion::V10, WsgiVersion::U0] {
                    let source =
                        EnvironSource::request(&head, conn, &facts, version, WsgiInput::empty());
                    let mut fed = Fed::default();
                    source.fill(&mut fed);
                    assert_eq!(source.wsgi_version(), version);
                    assert_eq!(source.flags(), (true, false, false));
                    let terminated = source.input_terminated();
                    let built = source.into_environ();
                    // Folded as a dict is filled: each key where it first came, the later
                    // value winning.
                    let mut folded: Vec<(String, String)> = Vec::new();
                    for (key, value) in fed.0 {
                        match folded.iter_mut().find(|(k, _)| *k == key) {
                            Some(kept) => kept.1 = value,
                            None => folded.push((key, value)),
                        }
                    }
                    let want: Vec<(String, String)> = built
                        .vars_in_order()
                        .map(|(k, v)| (k.as_str().to_owned(), v.to_owned()))
                        .collect();
                    let what = String::from_utf8_lossy(raw);
                    assert_eq!(folded, want, "{what} {version:?}");
                    assert_eq!(terminated, built.input_terminated(), "{what}");
                    assert_eq!(built.wsgi_version(), version);
                }
            }
        }
    }

    #[test]
    fn the_input_and_the_fields_go_to_whoever_serves_the_request() {
        let conn = local_conn();
        let facts = facts();
        let head =
            head(b"POST /u HTTP/1.1\r\nHost: h\r\nX-Case: Kept\r\nContent-Length: 4\r\n\r\n");
        let input = WsgiInput::from_bytes(&b"body"[..]);
        let source = EnvironSource::request(&head, &conn, &facts, WsgiVersion::V10, input);
        let (mut input, headers) = source.into_input();
        assert_eq!(input.read_all().unwrap(), b"body");
        let names: Vec<&[u8]> = headers.iter().map(|field| field.name()).collect();
        assert_eq!(names, [&b"Host"[..], b"X-Case", b"Content-Length"]);
    }

    #[test]
    fn a_built_environ_feeds_its_own_variables() {
        let mut environ = Environ::new();
        environ.set("PATH_INFO", "/x");
        environ.set("HTTP_HOST", "h");
        environ.set_input_terminated(true);
        environ.set_run_once(true);
        let source = EnvironSource::built(environ);
        let mut fed = Fed::default();
        source.fill(&mut fed);
        assert_eq!(
            fed.0,
            [
                ("PATH_INFO".to_owned(), "/x".to_owned()),
                ("HTTP_HOST".to_owned(), "h".to_owned())
            ]
        );
        assert!(source.input_terminated());
        assert_eq!(source.flags(), (true, false, true));
        let (_input, headers) = source.into_input();
        assert!(headers.is_empty());
    }

    #[test]
    fn latin1_values_read_one_char_per_byte() {
        let mut scratch = String::new();
        assert_eq!(
            VarValue::Latin1(b"caf\xe9").as_str(&mut scratch),
            "caf\u{e9}"
        );
        // Bytes that happen to be UTF-8 are still ISO-8859-1: two chars, not one.
        assert_eq!(
            VarValue::Latin1("é".as_bytes()).as_str(&mut scratch),
            "\u{c3}\u{a9}"
        );
        assert_eq!(VarValue::Latin1(b"/ascii").as_str(&mut scratch), "/ascii");
    }

    #[test]
    fn is_compares_the_text_a_value_stands_for() {
        let shared: Arc<str> = Arc::from("srv");
        let cases: [(VarValue<'_>, &str, bool); 10] = [
            (VarValue::Static("GET"), "GET", true),
            (VarValue::Static("GET"), "PUT", false),
            (VarValue::Shared(&shared), "srv", true),
            (VarValue::Shared(&shared), "sr", false),
            (VarValue::Borrowed("/a"), "/a", true),
            (VarValue::Latin1(b"/a"), "/a", true),
            (VarValue::Latin1(b"/a"), "/b", false),
            (VarValue::Latin1(b"caf\xe9"), "caf\u{e9}", true),
            // The UTF-8 bytes of "é" are two latin-1 chars, not "é".
            (VarValue::Latin1("é".as_bytes()), "é", false),
            (VarValue::Latin1(b"caf\xe9"), "cafe", false),
        ];
        for (value, text, want) in cases {
            assert_eq!(value.is(text), want, "{value:?} is {text:?}");
        }
    }
}
