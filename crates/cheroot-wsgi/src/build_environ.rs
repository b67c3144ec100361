//! Building the environ from a request, as cheroot's `Gateway_10.get_environ` and
//! `Gateway_u0.get_environ` do.

use std::sync::{Arc, OnceLock};

use cheroot_compat::bton;
use cheroot_server::{BindAddr, ConnInfo, RequestHead};
use cheroot_wire::{BodyFraming, HeaderField, request_body_framing};

use crate::environ::{Environ, WsgiVersion};
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
    fn server_texts(&self, conn: &ConnInfo) -> (Text, Text) {
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
                    return (Text::Shared(fresh.name), Text::Shared(fresh.port_text));
                }
                self.server.get_or_init(|| fresh)
            }
        };
        (
            Text::Shared(Arc::clone(&texts.name)),
            Text::Shared(Arc::clone(&texts.port_text)),
        )
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
    let target = head.target();
    let protocol = match head.version {
        http::Version::HTTP_10 => "HTTP/1.0",
        _ => "HTTP/1.1",
    };
    env.push_new("ACTUAL_SERVER_PROTOCOL", facts.protocol);
    let (remote_addr, remote_port) = conn.remote_texts();
    env.push_new("REMOTE_ADDR", remote_addr);
    env.push_new("REMOTE_PORT", remote_port);
    env.push_new("REQUEST_METHOD", method_text(&head.method));
    env.push_new("REQUEST_URI", bton(target.raw()));
    env.push_new("SCRIPT_NAME", "");
    let (server_name, server_port) = facts.server_texts(conn);
    env.push_new("SERVER_NAME", server_name);
    env.push_new("SERVER_PROTOCOL", protocol);
    env.push_new("SERVER_SOFTWARE", Arc::clone(&facts.software));
    env.push_new(
        "wsgi.url_scheme",
        match conn.url_scheme() {
            "http" => Text::Static("http"),
            "https" => Text::Static("https"),
            other => Text::Owned(other.to_owned()),
        },
    );
    env.push_new("SERVER_PORT", server_port);

    let path = target.path();
    let query = target.query();
    match version {
        WsgiVersion::V10 => {
            env.push_new("PATH_INFO", bton(path));
            env.push_new("QUERY_STRING", native(query));
        }
        WsgiVersion::U0 => match (std::str::from_utf8(path), std::str::from_utf8(query)) {
            (Ok(path), Ok(query)) => {
                env.push_new("PATH_INFO", path.to_owned());
                env.push_new("QUERY_STRING", query.to_owned());
                env.push_new("wsgi.url_encoding", "utf-8");
            }
            _ => {
                env.push_new("PATH_INFO", bton(path));
                env.push_new("QUERY_STRING", native(query));
                env.push_new("wsgi.url_encoding", "ISO-8859-1");
            }
        },
    }

    // cheroot keys its header dict by title-cased name, in order of first appearance, and
    // reads list headers comma-joined; then each dict key becomes one environ key (two dict
    // keys such as `X-Foo` and `X_Foo` collide, the later one winning). Names equal but for
    // ASCII case title-case alike, so the first field of each such name stands for its key.
    let fields = head.headers();
    let mut chunked_possible = false;
    for (at, field) in fields.iter().enumerate() {
        let name = field.name();
        let same_name = |other: HeaderField<'_>| other.name().eq_ignore_ascii_case(name);
        if fields.iter().take(at).any(same_name) {
            continue;
        }
        chunked_possible |= name.eq_ignore_ascii_case(b"transfer-encoding");
        // A valid field name is a token, so ASCII; anything else never reaches a gateway.
        let Ok(name) = std::str::from_utf8(name) else {
            continue;
        };
        // A name that comes once has its one value, list field or not; only a repeated one
        // needs `Headers::get`'s joining rules (and its search, a tenth of this function).
        if !fields.iter().skip(at + 1).any(same_name) {
            env.put(header_var(name), bton(field.value()));
        } else if let Some(value) = fields.get(name) {
            env.put(header_var(name), bton(&value));
        }
    }

    // TLS and peer-credential keys last: they may override `wsgi.url_scheme`.
    for (key, value) in conn.extra_env() {
        env.put(key.clone(), value.clone());
    }

    env.set_wsgi_version(version);
    // Only a request with a `Transfer-Encoding` field can be chunked: the framing is not
    // worked out again for the others.
    env.set_input_terminated(
        chunked_possible && matches!(request_body_framing(head), Ok(BodyFraming::Chunked)),
    );
    env.set_headers(head.headers().clone());
    env.input = input;
    env
}

/// `REQUEST_METHOD`: the standard methods as constants, others copied.
fn method_text(method: &http::Method) -> Text {
    const STANDARD: [&str; 9] = [
        "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "CONNECT", "TRACE",
    ];
    match STANDARD.iter().find(|m| **m == method.as_str()) {
        Some(m) => Text::Static(m),
        None => Text::Owned(method.as_str().to_owned()),
    }
}

/// A native string of `bytes`, without allocating when there are none (most queries).
fn native(bytes: &[u8]) -> Text {
    if bytes.is_empty() {
        Text::Static("")
    } else {
        Text::Owned(bton(bytes))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use cheroot_wire::{ParseOptions, Status, parse_request_head};

    use super::*;

    fn head(raw: &str) -> RequestHead {
        match parse_request_head(raw.as_bytes(), &ParseOptions::default()) {
            Ok(Status::Complete((head, _))) => head,
            other => panic!("not a complete head: {other:?}"),
        }
    }

    fn facts() -> ServerFacts {
        ServerFacts::new("HTTP/1.1", "Cheroot/test Server")
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
        let conn = ConnInfo::new(
            None,
            None,
            Arc::new(BindAddr::tcp("127.0.0.1", 80).unwrap()),
            Arc::from("srv"),
        );
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
