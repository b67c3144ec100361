//! Building the environ from a request, as cheroot's `Gateway_10.get_environ` and
//! `Gateway_u0.get_environ` do.

use cheroot_compat::bton;
use cheroot_server::{BindAddr, ConnInfo, RequestHead};
use cheroot_wire::{BodyFraming, cheroot_title_case, request_body_framing};

use crate::environ::{Environ, WsgiVersion, header_key};
use crate::input::WsgiInput;

/// What the gateway knows about the server beyond the connection.
#[derive(Debug, Clone)]
pub(crate) struct ServerFacts {
    /// `ACTUAL_SERVER_PROTOCOL`: the server's protocol (`HTTP/1.1` unless configured).
    pub(crate) protocol: &'static str,
    /// `SERVER_SOFTWARE`: cheroot's `"<version> Server"`.
    pub(crate) software: String,
}

/// The environ for one request.
pub(crate) fn build(
    head: &RequestHead,
    conn: &ConnInfo,
    facts: &ServerFacts,
    version: WsgiVersion,
    input: WsgiInput,
) -> Environ {
    let mut env = Environ::new();
    let target = head.target();
    let protocol = match head.version {
        http::Version::HTTP_10 => "HTTP/1.0",
        _ => "HTTP/1.1",
    };
    env.set("ACTUAL_SERVER_PROTOCOL", facts.protocol);
    env.set("REMOTE_ADDR", conn.remote_addr());
    env.set(
        "REMOTE_PORT",
        if conn.is_unix() {
            String::new()
        } else {
            conn.remote_port().to_string()
        },
    );
    env.set("REQUEST_METHOD", head.method.as_str());
    env.set("REQUEST_URI", bton(target.raw()));
    env.set("SCRIPT_NAME", "");
    env.set("SERVER_NAME", conn.server_name());
    env.set("SERVER_PROTOCOL", protocol);
    env.set("SERVER_SOFTWARE", facts.software.as_str());
    env.set("wsgi.url_scheme", conn.url_scheme());
    env.set(
        "SERVER_PORT",
        match conn.bind_addr() {
            BindAddr::Tcp { port, .. } => port.to_string(),
            _ => String::new(),
        },
    );

    let path = target.path();
    let query = target.query();
    match version {
        WsgiVersion::V10 => {
            env.set("PATH_INFO", bton(path));
            env.set("QUERY_STRING", bton(query));
        }
        WsgiVersion::U0 => match (std::str::from_utf8(path), std::str::from_utf8(query)) {
            (Ok(path), Ok(query)) => {
                env.set("PATH_INFO", path);
                env.set("QUERY_STRING", query);
                env.set("wsgi.url_encoding", "utf-8");
            }
            _ => {
                env.set("PATH_INFO", bton(path));
                env.set("QUERY_STRING", bton(query));
                env.set("wsgi.url_encoding", "ISO-8859-1");
            }
        },
    }

    // cheroot keys its header dict by title-cased name, in order of first appearance, and
    // reads list headers comma-joined; then each dict key becomes one environ key (two dict
    // keys such as `X-Foo` and `X_Foo` collide, the later one winning).
    let mut seen: Vec<String> = Vec::new();
    for field in head.headers().iter() {
        let dict_key = cheroot_title_case(field.name());
        if !seen.contains(&dict_key) {
            seen.push(dict_key);
        }
    }
    for dict_key in &seen {
        if let Some(value) = head.headers().get(dict_key) {
            env.set(header_key(dict_key), bton(&value));
        }
    }
    if let Some(ct) = env.remove("HTTP_CONTENT_TYPE") {
        env.set("CONTENT_TYPE", ct);
    }
    if let Some(cl) = env.remove("HTTP_CONTENT_LENGTH") {
        env.set("CONTENT_LENGTH", cl);
    }

    // TLS and peer-credential keys last: they may override `wsgi.url_scheme`.
    for (key, value) in conn.extra_env() {
        env.set(key.as_str(), value.as_str());
    }

    env.set_wsgi_version(version);
    env.set_input_terminated(matches!(
        request_body_framing(head),
        Ok(BodyFraming::Chunked)
    ));
    env.set_headers(head.headers().clone());
    env.input = input;
    env
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
        ServerFacts {
            protocol: "HTTP/1.1",
            software: "Cheroot/test Server".to_owned(),
        }
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
}
