//! Building the environ from a request, as cheroot's `Gateway_10.get_environ` and
//! `Gateway_u0.get_environ` do.

use std::sync::{Arc, OnceLock};

use cheroot_server::{BindAddr, ConnInfo, RequestHead};
use cheroot_wire::{BodyFraming, HeaderField, request_body_framing};

use crate::environ::{Environ, VarKey, WsgiVersion};
use crate::environ_source::{EnvironSink, VarValue};
use crate::environ_vars::Text;
use crate::header_var::header_var;
use crate::input::WsgiInput;

/// What the gateway knows about the server beyond the connection.
#[derive(Debug, Clone)]
pub(crate) struct ServerFacts {
    /// `ACTUAL_SERVER_PROTOCOL`: the server's protocol (`HTTP/1.1` unless configured).
    pub(crate) protocol: &'static str,
    /// `SERVER_SOFTWARE`: cheroot's `"<version> Server"`.
    pub(crate) software: Arc<str>,
    /// `SERVER_NAME` and `SERVER_PORT` as the first request found them: the same for every
    /// request of a server, so made once and shared.
    pub(crate) server: OnceLock<ServerTexts>,
}

/// A server's `SERVER_NAME` and `SERVER_PORT` values.
#[derive(Debug, Clone)]
pub(crate) struct ServerTexts {
    name: Arc<str>,
    port: Option<u16>,
    port_text: Arc<str>,
}

impl ServerFacts {
    pub(crate) fn new(protocol: &'static str, software: impl Into<Arc<str>>) -> Self {
        Self {
            protocol,
            software: software.into(),
            server: OnceLock::new(),
        }
    }

    /// `SERVER_NAME` and `SERVER_PORT` for a request on `conn`: the shared values when they
    /// match (a gateway embedded in two servers gets fresh ones for the second).
    fn server_texts(&self, conn: &ConnInfo) -> (Arc<str>, Arc<str>) {
        let port = match conn.bind_addr() {
            BindAddr::Tcp { port, .. } => Some(*port),
            _ => None,
        };
        let texts = match self.server.get() {
            Some(texts) if texts.port == port && &*texts.name == conn.server_name() => texts,
            cached => {
                let fresh = ServerTexts {
                    name: Arc::from(conn.server_name()),
                    port,
                    port_text: Arc::from(port.map(|p| p.to_string()).unwrap_or_default()),
                };
                if cached.is_some() {
                    return (fresh.name, fresh.port_text);
                }
                self.server.get_or_init(|| fresh)
            }
        };
        (Arc::clone(&texts.name), Arc::clone(&texts.port_text))
    }
}

/// The environ for one request.
pub(crate) fn build(
    head: &RequestHead,
    conn: &ConnInfo,
    facts: &ServerFacts,
    version: WsgiVersion,
    input: WsgiInput,
) -> Environ {
    // The gateway's keys, the request's fields and what TLS and peer credentials add.
    let mut env = Environ::with_capacity(18 + head.headers().len() + conn.extra_env().len());
    fill(head, conn, facts, version, &mut env);
    env.set_wsgi_version(version);
    env.set_input_terminated(input_terminated(head));
    env.set_headers(head.headers().clone());
    env.input = input;
    env
}

/// Where [`fill`] puts the variables: the gateway's own keys, set once each, and the keys
/// that may come again (header fields, TLS and peer-credential keys), the later value winning.
pub(crate) trait Sink {
    fn new_var(&mut self, key: &'static str, value: VarValue<'_>);
    fn put_var(&mut self, key: Text, value: VarValue<'_>);
}

impl Sink for Environ {
    fn new_var(&mut self, key: &'static str, value: VarValue<'_>) {
        self.push_new(key, value.into_text());
    }

    fn put_var(&mut self, key: Text, value: VarValue<'_>) {
        self.put(key, value.into_text());
    }
}

/// A public [`EnvironSink`] as a [`Sink`]: every variable in the order set.
pub(crate) struct Feed<'s, S: ?Sized>(pub(crate) &'s mut S);

impl<S: EnvironSink + ?Sized> Sink for Feed<'_, S> {
    fn new_var(&mut self, key: &'static str, value: VarValue<'_>) {
        self.0.var(VarKey::Constant(key), value);
    }

    fn put_var(&mut self, key: Text, value: VarValue<'_>) {
        let key = match &key {
            Text::Static(key) => VarKey::Constant(key),
            other => VarKey::Other(other),
        };
        self.0.var(key, value);
    }
}

/// The environ's string variables for one request, as cheroot's `Gateway_10.get_environ` and
/// `Gateway_u0.get_environ` set them, in their order.
pub(crate) fn fill(
    head: &RequestHead,
    conn: &ConnInfo,
    facts: &ServerFacts,
    version: WsgiVersion,
    env: &mut impl Sink,
) {
    let target = head.target();
    let protocol = match head.version {
        http::Version::HTTP_10 => "HTTP/1.0",
        _ => "HTTP/1.1",
    };
    env.new_var("ACTUAL_SERVER_PROTOCOL", VarValue::Static(facts.protocol));
    let (remote_addr, remote_port) = conn.remote_texts();
    env.new_var("REMOTE_ADDR", VarValue::Shared(&remote_addr));
    env.new_var("REMOTE_PORT", VarValue::Shared(&remote_port));
    env.new_var("REQUEST_METHOD", method_text(&head.method));
    env.new_var("REQUEST_URI", VarValue::Latin1(target.raw()));
    env.new_var("SCRIPT_NAME", VarValue::Static(""));
    let (server_name, server_port) = facts.server_texts(conn);
    env.new_var("SERVER_NAME", VarValue::Shared(&server_name));
    env.new_var("SERVER_PROTOCOL", VarValue::Static(protocol));
    env.new_var("SERVER_SOFTWARE", VarValue::Shared(&facts.software));
    env.new_var(
        "wsgi.url_scheme",
        match conn.url_scheme() {
            "http" => VarValue::Static("http"),
            "https" => VarValue::Static("https"),
            other => VarValue::Borrowed(other),
        },
    );
    env.new_var("SERVER_PORT", VarValue::Shared(&server_port));

    let path = target.path();
    let query = target.query();
    match version {
        WsgiVersion::V10 => {
            env.new_var("PATH_INFO", VarValue::Latin1(path));
            env.new_var("QUERY_STRING", VarValue::Latin1(query));
        }
        WsgiVersion::U0 => match (std::str::from_utf8(path), std::str::from_utf8(query)) {
            (Ok(path), Ok(query)) => {
                env.new_var("PATH_INFO", VarValue::Borrowed(path));
                env.new_var("QUERY_STRING", VarValue::Borrowed(query));
                env.new_var("wsgi.url_encoding", VarValue::Static("utf-8"));
            }
            _ => {
                env.new_var("PATH_INFO", VarValue::Latin1(path));
                env.new_var("QUERY_STRING", VarValue::Latin1(query));
                env.new_var("wsgi.url_encoding", VarValue::Static("ISO-8859-1"));
            }
        },
    }

    // cheroot keys its header dict by title-cased name, in order of first appearance, and
    // reads list headers comma-joined; then each dict key becomes one environ key (two dict
    // keys such as `X-Foo` and `X_Foo` collide, the later one winning). Names equal but for
    // ASCII case title-case alike, so the first field of each such name stands for its key.
    let fields = head.headers();
    for (at, field) in fields.iter().enumerate() {
        let name = field.name();
        let same_name = |other: HeaderField<'_>| other.name().eq_ignore_ascii_case(name);
        if fields.iter().take(at).any(same_name) {
            continue;
        }
        // A valid field name is a token, so ASCII; anything else never reaches a gateway.
        let Ok(name) = std::str::from_utf8(name) else {
            continue;
        };
        // A name that comes once has its one value, list field or not; only a repeated one
        // needs `Headers::get`'s joining rules (and its search, a tenth of this function).
        if !fields.iter().skip(at + 1).any(same_name) {
            env.put_var(header_var(name), VarValue::Latin1(field.value()));
        } else if let Some(value) = fields.get(name) {
            env.put_var(header_var(name), VarValue::Latin1(&value));
        }
    }

    // TLS and peer-credential keys last: they may override `wsgi.url_scheme`.
    for (key, value) in conn.extra_env() {
        env.put_var(Text::Owned(key.clone()), VarValue::Borrowed(value));
    }
}

/// `wsgi.input_terminated`: true for a chunked body. Only a request with a
/// `Transfer-Encoding` field can be one: the framing is not worked out again for the others.
pub(crate) fn input_terminated(head: &RequestHead) -> bool {
    let fields = head.headers();
    fields
        .iter()
        .any(|field| field.name().eq_ignore_ascii_case(b"transfer-encoding"))
        && matches!(request_body_framing(head), Ok(BodyFraming::Chunked))
}

/// `REQUEST_METHOD`: the standard methods as constants, others borrowed.
fn method_text(method: &http::Method) -> VarValue<'_> {
    const STANDARD: [&str; 9] = [
        "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "CONNECT", "TRACE",
    ];
    match STANDARD.iter().find(|m| **m == method.as_str()) {
        Some(m) => VarValue::Static(m),
        None => VarValue::Borrowed(method.as_str()),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::sync::Arc;

    use cheroot_wire::{ParseOptions, Status, parse_request_head};

    use super::*;

    /// The head of `raw`, a complete request head.
    pub(crate) fn head(raw: impl AsRef<[u8]>) -> RequestHead {
        match parse_request_head(raw.as_ref(), &ParseOptions::default()) {
            Ok(Status::Complete((head, _))) => head,
            other => panic!("not a complete head: {other:?}"),
        }
    }

    pub(crate) fn facts() -> ServerFacts {
        ServerFacts::new("HTTP/1.1", "Cheroot/test Server")
    }

    /// A connection to `127.0.0.1:80` of server `srv`, with no addresses known.
    pub(crate) fn local_conn() -> ConnInfo {
        ConnInfo::new(
            None,
            None,
            Arc::new(BindAddr::tcp("127.0.0.1", 80).unwrap()),
            Arc::from("srv"),
        )
    }

    #[test]
    fn unix_socket_leaves_addresses_and_port_empty() {
        let conn = ConnInfo::new(
            None,
            None,
            Arc::new(BindAddr::Unix("/tmp/x.sock".into())),
            Arc::from("srv"),
        );
        let env = build(
            &head("GET / HTTP/1.1\r\nHost: h\r\n\r\n"),
            &conn,
            &facts(),
            WsgiVersion::V10,
            WsgiInput::empty(),
        );
        for key in ["REMOTE_ADDR", "REMOTE_PORT", "SERVER_PORT"] {
            assert_eq!(env.get(key), Some(""), "{key}");
        }
        assert_eq!(env.get("SERVER_NAME"), Some("srv"));
        assert_eq!(env.get("SERVER_SOFTWARE"), Some("Cheroot/test Server"));
    }

    #[test]
    fn server_name_and_port_follow_the_server_of_each_request() {
        // Made once and shared, but a gateway serving two servers still reports each one's.
        let facts = facts();
        let conn = |name: &str, port: u16| {
            ConnInfo::new(
                None,
                None,
                Arc::new(BindAddr::tcp("127.0.0.1", port).unwrap()),
                Arc::from(name),
            )
        };
        let environ = |conn: &ConnInfo| {
            let env = build(
                &head("GET / HTTP/1.1\r\nHost: h\r\n\r\n"),
                conn,
                &facts,
                WsgiVersion::V10,
                WsgiInput::empty(),
            );
            (
                env.get("SERVER_NAME").map(str::to_owned),
                env.get("SERVER_PORT").map(str::to_owned),
            )
        };
        let want = |name: &str, port: &str| (Some(name.to_owned()), Some(port.to_owned()));
        assert_eq!(environ(&conn("one", 8001)), want("one", "8001"));
        assert_eq!(environ(&conn("one", 8001)), want("one", "8001"));
        assert_eq!(environ(&conn("two", 8001)), want("two", "8001"));
        assert_eq!(environ(&conn("one", 8002)), want("one", "8002"));
    }

    #[test]
    fn extra_env_is_merged_last() {
        // TLS keys may override wsgi.url_scheme (cheroot merges conn.ssl_env last).
        let conn = ConnInfo::new(
            Some("127.0.0.1:5555".parse().unwrap()),
            Some("127.0.0.1:8080".parse().unwrap()),
            Arc::new(BindAddr::tcp("127.0.0.1", 8080).unwrap()),
            Arc::from("srv"),
        )
        .with_extra_env(vec![
            ("wsgi.url_scheme".to_owned(), "https".to_owned()),
            ("HTTPS".to_owned(), "on".to_owned()),
            ("X_REMOTE_UID".to_owned(), "1000".to_owned()),
        ]);
        let env = build(
            &head("GET /a?b HTTP/1.0\r\n\r\n"),
            &conn,
            &facts(),
            WsgiVersion::V10,
            WsgiInput::empty(),
        );
        assert_eq!(env.url_scheme(), "https");
        assert_eq!(env.get("HTTPS"), Some("on"));
        assert_eq!(env.get("X_REMOTE_UID"), Some("1000"));
        assert_eq!(env.get("REMOTE_ADDR"), Some("127.0.0.1"));
        assert_eq!(env.get("REMOTE_PORT"), Some("5555"));
        assert_eq!(env.get("SERVER_PORT"), Some("8080"));
        assert_eq!(env.server_protocol(), "HTTP/1.0");
        assert_eq!(env.query_string(), "b");
    }

    #[test]
    fn list_headers_are_joined_and_others_last_wins() {
        let conn = ConnInfo::new(
            Some("127.0.0.1:5555".parse().unwrap()),
            None,
            Arc::new(BindAddr::tcp("127.0.0.1", 80).unwrap()),
            Arc::from("srv"),
        );
        let env = build(
            &head(
                "GET / HTTP/1.1\r\nHost: h\r\nAccept: a\r\naccept: b\r\n\
                 X-Single: one\r\nX-Single: two\r\nX_Dup: u\r\nX-Dup: d\r\n\r\n",
            ),
            &conn,
            &facts(),
            WsgiVersion::V10,
            WsgiInput::empty(),
        );
        assert_eq!(env.get("HTTP_ACCEPT"), Some("a, b"));
        assert_eq!(env.get("HTTP_X_SINGLE"), Some("two"));
        // `X_Dup` came first, so `X-Dup` (the later dict key) wins.
        assert_eq!(env.get("HTTP_X_DUP"), Some("d"));
        assert_eq!(env.headers().len(), 7);
        assert!(!env.input_terminated());
    }

    #[test]
    fn input_is_terminated_only_for_a_chunked_body() {
        let conn = local_conn();
        let terminated = |raw: &str| {
            build(
                &head(raw),
                &conn,
                &facts(),
                WsgiVersion::V10,
                WsgiInput::empty(),
            )
            .input_terminated()
        };
        // Any case of the field name, as the framing reads it.
        assert!(terminated(
            "POST / HTTP/1.1\r\nHost: h\r\ntransfer-encoding: chunked\r\n\r\n"
        ));
        assert!(!terminated(
            "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\n"
        ));
        assert!(!terminated("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
    }
}
