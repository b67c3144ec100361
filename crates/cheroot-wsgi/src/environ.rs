//! The WSGI environ: CGI-style variables as native strings, the `wsgi.*` values, the
//! request body stream and the error stream, with typed accessors.

use std::fmt;

use cheroot_server::Headers;

use crate::environ_vars::{EnvironVars, Text};
use crate::errors_stream::WsgiErrors;
use crate::input::WsgiInput;

/// Which flavour of WSGI environ the gateway builds (cheroot's `Server.wsgi_version`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum WsgiVersion {
    /// `(1, 0)`, cheroot's `Gateway_10`: every value is the request's bytes read as ISO-8859-1
    /// (a "native string"), as PEP 3333 requires.
    #[default]
    V10,
    /// `('u', 0)`, cheroot's `Gateway_u0`: `PATH_INFO` and `QUERY_STRING` are decoded as
    /// UTF-8 and `wsgi.url_encoding` is `utf-8`; when either is not valid UTF-8 both stay
    /// ISO-8859-1 and `wsgi.url_encoding` is `ISO-8859-1`.
    U0,
}

impl WsgiVersion {
    /// The `wsgi.version` tuple as cheroot prints it: `(1, 0)` or `('u', 0)`.
    pub fn as_str(self) -> &'static str {
        match self {
            WsgiVersion::V10 => "(1, 0)",
            WsgiVersion::U0 => "('u', 0)",
        }
    }
}

impl fmt::Display for WsgiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The environ handed to [`WsgiApp::call`](crate::WsgiApp::call).
///
/// String-valued keys live in one map, readable with [`get`](Environ::get) and
/// [`iter`](Environ::iter) (sorted by key) and writable with [`set`](Environ::set) and
/// [`remove`](Environ::remove), so middleware can rewrite them as in Python:
/// `REQUEST_METHOD`, `SCRIPT_NAME`, `PATH_INFO`, `QUERY_STRING`, `REQUEST_URI`,
/// `SERVER_NAME`, `SERVER_PORT`, `SERVER_PROTOCOL`, `ACTUAL_SERVER_PROTOCOL`,
/// `SERVER_SOFTWARE`, `REMOTE_ADDR`, `REMOTE_PORT`, `CONTENT_TYPE`, `CONTENT_LENGTH`, one
/// `HTTP_*` per request header, `wsgi.url_scheme`, `wsgi.url_encoding` (`Gateway_u0` only),
/// and the TLS (`SSL_*`, `HTTPS`) and peer-credential (`X_REMOTE_*`, `REMOTE_USER`) keys when
/// those layers are on. Values are native strings: each request byte is one `char`
/// (ISO-8859-1), so no byte is lost or rejected.
///
/// The other `wsgi.*` entries are typed: [`input`](Environ::input) (`wsgi.input`),
/// [`errors`](Environ::errors) (`wsgi.errors`), [`wsgi_version`](Environ::wsgi_version),
/// [`multithread`](Environ::multithread), [`multiprocess`](Environ::multiprocess),
/// [`run_once`](Environ::run_once) and [`input_terminated`](Environ::input_terminated).
/// The request's header fields as received (order and spelling kept) are also at hand in
/// [`headers`](Environ::headers), which plain WSGI cannot offer.
#[derive(Debug)]
pub struct Environ {
    vars: EnvironVars,
    headers: Headers,
    /// `wsgi.input`: the request body.
    pub input: WsgiInput,
    /// `wsgi.errors`: the diagnostics stream.
    pub errors: WsgiErrors,
    version: WsgiVersion,
    multithread: bool,
    multiprocess: bool,
    run_once: bool,
    input_terminated: bool,
}

/// cheroot's flags for an environ: `wsgi.multithread` true, `wsgi.multiprocess` and
/// `wsgi.run_once` false.
pub(crate) const FLAGS: (bool, bool, bool) = (true, false, false);

impl Default for Environ {
    fn default() -> Self {
        Self::new()
    }
}

impl Environ {
    /// An environ with no variables, an empty input, and cheroot's flags
    /// (`multithread` true, `multiprocess` and `run_once` false, version `(1, 0)`): a start
    /// for tests and for middleware that builds requests.
    pub fn new() -> Self {
        Self {
            vars: EnvironVars::default(),
            headers: Headers::new(),
            input: WsgiInput::empty(),
            errors: WsgiErrors::stderr(),
            version: WsgiVersion::V10,
            multithread: FLAGS.0,
            multiprocess: FLAGS.1,
            run_once: FLAGS.2,
            input_terminated: false,
        }
    }

    /// The value of `key`, if set.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.vars.get(key)
    }

    /// Whether `key` is set.
    pub fn contains_key(&self, key: &str) -> bool {
        self.vars.contains_key(key)
    }

    /// An environ with room for `n` variables, for the gateway to fill.
    pub(crate) fn with_capacity(n: usize) -> Self {
        Self {
            vars: EnvironVars::with_capacity(n),
            ..Self::new()
        }
    }

    /// Adds a variable the gateway knows is not set yet, without allocating a constant key
    /// or value.
    pub(crate) fn push_new(&mut self, key: &'static str, value: impl Into<Text>) {
        self.vars.push_new(key, value);
    }

    /// Sets `key` (the gateway's own, possibly set before) without allocating constants.
    pub(crate) fn put(&mut self, key: impl Into<Text>, value: impl Into<Text>) {
        self.vars.insert(key.into(), value.into());
    }

    /// Sets `key` to `value`, returning the old value.
    pub fn set(&mut self, key: impl Into<String>, value: impl Into<String>) -> Option<String> {
        self.vars
            .insert(Text::Owned(key.into()), Text::Owned(value.into()))
    }

    /// Removes `key`, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<String> {
        self.vars.remove(key)
    }

    /// Every string-valued key and its value, sorted by key.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.vars.sorted().into_iter()
    }

    /// Every string-valued key and its value, in the order the gateway set them (no sorting, no
    /// allocation): what a bridge to another language walks to build its own environ, with
    /// [`VarKey::Constant`] telling which keys are the same text on every request.
    pub fn vars_in_order(&self) -> impl Iterator<Item = (VarKey<'_>, &str)> + '_ {
        self.vars.in_order()
    }

    /// How many string-valued keys are set.
    pub fn len(&self) -> usize {
        self.vars.len()
    }

    /// Whether no string-valued key is set.
    pub fn is_empty(&self) -> bool {
        self.vars.is_empty()
    }

    fn var(&self, key: &str) -> &str {
        self.get(key).unwrap_or("")
    }

    /// `REQUEST_METHOD` (`""` if unset).
    pub fn method(&self) -> &str {
        self.var("REQUEST_METHOD")
    }

    /// `SCRIPT_NAME` (`""` if unset).
    pub fn script_name(&self) -> &str {
        self.var("SCRIPT_NAME")
    }

    /// `PATH_INFO`: the decoded path (`""` if unset).
    pub fn path_info(&self) -> &str {
        self.var("PATH_INFO")
    }

    /// `QUERY_STRING`: the raw query, not percent-decoded (`""` if unset).
    pub fn query_string(&self) -> &str {
        self.var("QUERY_STRING")
    }

    /// `REQUEST_URI`: the request-target as sent (`""` if unset).
    pub fn request_uri(&self) -> &str {
        self.var("REQUEST_URI")
    }

    /// `SERVER_PROTOCOL`: the request's protocol, e.g. `HTTP/1.1` (`""` if unset).
    pub fn server_protocol(&self) -> &str {
        self.var("SERVER_PROTOCOL")
    }

    /// `REMOTE_ADDR`: the client's IP, `""` on a UNIX socket.
    pub fn remote_addr(&self) -> &str {
        self.var("REMOTE_ADDR")
    }

    /// `CONTENT_TYPE`, when the request had one.
    pub fn content_type(&self) -> Option<&str> {
        self.get("CONTENT_TYPE")
    }

    /// `CONTENT_LENGTH`, when the request had one.
    pub fn content_length(&self) -> Option<&str> {
        self.get("CONTENT_LENGTH")
    }

    /// The environ value for request header `name` (`HTTP_<NAME>` with `-` as `_`, or
    /// `CONTENT_TYPE`/`CONTENT_LENGTH`).
    pub fn header(&self, name: &str) -> Option<&str> {
        let key = header_key(name);
        match key.as_str() {
            "HTTP_CONTENT_TYPE" => self.get("CONTENT_TYPE"),
            "HTTP_CONTENT_LENGTH" => self.get("CONTENT_LENGTH"),
            other => self.get(other),
        }
    }

    /// `wsgi.url_scheme`: `http`, or `https` over TLS (`http` if unset).
    pub fn url_scheme(&self) -> &str {
        self.get("wsgi.url_scheme").unwrap_or("http")
    }

    /// `wsgi.url_encoding` (`Gateway_u0` only): `utf-8`, or `ISO-8859-1` after the fallback.
    pub fn url_encoding(&self) -> Option<&str> {
        self.get("wsgi.url_encoding")
    }

    /// `wsgi.version`.
    pub fn wsgi_version(&self) -> WsgiVersion {
        self.version
    }

    /// `wsgi.multithread` (true: requests run on a pool of threads).
    pub fn multithread(&self) -> bool {
        self.multithread
    }

    /// `wsgi.multiprocess` (false).
    pub fn multiprocess(&self) -> bool {
        self.multiprocess
    }

    /// `wsgi.run_once` (false).
    pub fn run_once(&self) -> bool {
        self.run_once
    }

    /// `wsgi.input_terminated`: true when the body was sent chunked, so reading `wsgi.input`
    /// to its end is how an app finds the body's length.
    pub fn input_terminated(&self) -> bool {
        self.input_terminated
    }

    /// The request's header fields as received, in order, with their original spelling.
    pub fn headers(&self) -> &Headers {
        &self.headers
    }

    /// Sets `wsgi.version`.
    pub fn set_wsgi_version(&mut self, version: WsgiVersion) {
        self.version = version;
    }

    /// Sets `wsgi.multithread`.
    pub fn set_multithread(&mut self, value: bool) {
        self.multithread = value;
    }

    /// Sets `wsgi.multiprocess`.
    pub fn set_multiprocess(&mut self, value: bool) {
        self.multiprocess = value;
    }

    /// Sets `wsgi.run_once`.
    pub fn set_run_once(&mut self, value: bool) {
        self.run_once = value;
    }

    /// Sets `wsgi.input_terminated`.
    pub fn set_input_terminated(&mut self, value: bool) {
        self.input_terminated = value;
    }

    /// Takes the recorded header fields out, leaving none.
    pub fn take_headers(&mut self) -> Headers {
        std::mem::replace(&mut self.headers, Headers::new())
    }

    /// Replaces the recorded header fields.
    pub fn set_headers(&mut self, headers: Headers) {
        self.headers = headers;
    }
}

/// An environ key as [`Environ::vars_in_order`] gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VarKey<'a> {
    /// A key the gateway writes as a constant (`REQUEST_METHOD`, `wsgi.url_scheme`, ...): the
    /// same `&'static str` on every request, so a bridge may cache what it makes of it by
    /// address.
    Constant(&'static str),
    /// Any other key (`HTTP_*`, the TLS and peer-credential keys, keys an app set).
    Other(&'a str),
}

impl VarKey<'_> {
    /// The key's text.
    pub fn as_str(&self) -> &str {
        match self {
            VarKey::Constant(key) => key,
            VarKey::Other(key) => key,
        }
    }
}

/// The environ key for header `name`: cheroot upper-cases it and turns `-` into `_` (so
/// `X-Foo` and `X_Foo` share a key).
pub(crate) fn header_key(name: &str) -> String {
    let mut key = String::with_capacity(5 + name.len());
    key.push_str("HTTP_");
    key.extend(name.chars().map(|c| {
        if c == '-' {
            '_'
        } else {
            c.to_ascii_uppercase()
        }
    }));
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environ_can_move_to_another_thread() {
        fn assert_send<T: Send + 'static>() {}
        assert_send::<Environ>();
        assert_send::<crate::WsgiInput>();
    }

    #[test]
    fn header_keys() {
        let table = [
            ("Host", "HTTP_HOST"),
            ("x-foo_bar", "HTTP_X_FOO_BAR"),
            ("X-Forwarded-For", "HTTP_X_FORWARDED_FOR"),
            ("foo bar", "HTTP_FOO BAR"),
        ];
        for (name, want) in table {
            assert_eq!(header_key(name), want);
        }
    }

    #[test]
    fn accessors_read_the_map() {
        let mut env = Environ::new();
        assert_eq!(env.method(), "");
        assert_eq!(env.url_scheme(), "http");
        env.set("REQUEST_METHOD", "GET");
        env.set("PATH_INFO", "/a b");
        env.set("CONTENT_TYPE", "text/plain");
        env.set("HTTP_X_FOO", "1");
        assert_eq!(env.method(), "GET");
        assert_eq!(env.path_info(), "/a b");
        assert_eq!(env.header("content-type"), Some("text/plain"));
        assert_eq!(env.header("x-foo"), Some("1"));
        assert_eq!(env.header("x-bar"), None);
        assert_eq!(env.remove("HTTP_X_FOO").as_deref(), Some("1"));
        let keys: Vec<&str> = env.iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["CONTENT_TYPE", "PATH_INFO", "REQUEST_METHOD"]);
        assert!(env.multithread() && !env.multiprocess() && !env.run_once());
    }
}
