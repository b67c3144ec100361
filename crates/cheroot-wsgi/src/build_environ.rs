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
    let target = &head.target;
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
    for field in head.headers.iter() {
        let dict_key = cheroot_title_case(field.name());
        if !seen.contains(&dict_key) {
            seen.push(dict_key);
        }
    }
    for dict_key in &seen {
        if let Some(value) = head.headers.get(dict_key) {
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
    env.set_headers(head.headers.clone());
    env.input = input;
    env
}
