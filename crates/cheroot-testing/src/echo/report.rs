//! The `/echo` response: the request as the app saw it, as the JSON object of ECHO_APP.md.

use cheroot::wsgi::{AppError, Environ};

use crate::json::{InlineObject, PrettyObject, string};
use crate::sha256::Sha256;

/// How much of the body is read per call while hashing it.
const READ_SIZE: usize = 64 * 1024;

/// Reads the whole request body through `wsgi.input` and describes the request as JSON.
///
/// # Errors
///
/// Reading the body failed (client gone, bad chunk, body over the server's limit).
pub(crate) fn echo_json(env: &mut Environ) -> Result<String, AppError> {
    let mut hash = Sha256::new();
    let mut body_len: u64 = 0;
    loop {
        let piece = env.input.read(READ_SIZE)?;
        if piece.is_empty() {
            break;
        }
        body_len += piece.len() as u64;
        hash.update(&piece);
    }

    let mut headers = String::from("[");
    for (i, field) in env.headers().iter().enumerate() {
        if i > 0 {
            headers.push_str(", ");
        }
        headers.push('[');
        headers.push_str(&string(&latin1(field.name()).to_ascii_lowercase()));
        headers.push_str(", ");
        headers.push_str(&string(&latin1(field.value())));
        headers.push(']');
    }
    headers.push(']');

    let mut out = PrettyObject::new();
    out.str("method", env.method())
        .str("path", env.path_info())
        .str("query", env.query_string())
        .str("protocol", env.server_protocol())
        .raw("headers", &headers)
        .raw("body_len", &body_len.to_string())
        .str("body_sha256", &hash.finish().to_string())
        .str("url_scheme", env.url_scheme())
        .str("remote_addr", env.remote_addr());
    if let Some(peer) = peer(env) {
        out.raw("peer", &peer);
    }
    if let Some(tls) = tls(env) {
        out.raw("tls", &tls);
    }
    Ok(out.finish())
}

/// `{"pid": 1234, "uid": 0, "gid": 0}` plus `user` and `group` when resolved, from the
/// peer-credential keys; `None` when the environ has none.
fn peer(env: &Environ) -> Option<String> {
    const NUMBERS: [(&str, &str); 3] = [
        ("pid", "X_REMOTE_PID"),
        ("uid", "X_REMOTE_UID"),
        ("gid", "X_REMOTE_GID"),
    ];
    const NAMES: [(&str, &str); 2] = [("user", "X_REMOTE_USER"), ("group", "X_REMOTE_GROUP")];
    let present = NUMBERS
        .iter()
        .chain(NAMES.iter())
        .any(|(_, key)| env.contains_key(key));
    if !present {
        return None;
    }
    let mut obj = InlineObject::new();
    for (name, key) in NUMBERS {
        if let Some(value) = env.get(key) {
            obj.raw(name, &number_or_string(value));
        }
    }
    for (name, key) in NAMES {
        if let Some(value) = env.get(key) {
            obj.str(name, value);
        }
    }
    Some(obj.finish())
}

/// `{"protocol": ..., "cipher": ..., "client_verify": ..., "client_s_dn": ...}` from the
/// mod_ssl-style keys; `None` off TLS. `client_s_dn` only when a client certificate was given.
fn tls(env: &Environ) -> Option<String> {
    const KEYS: [&str; 4] = [
        "SSL_PROTOCOL",
        "SSL_CIPHER",
        "SSL_CLIENT_VERIFY",
        "SSL_CLIENT_S_DN",
    ];
    if !KEYS.iter().any(|key| env.contains_key(key)) {
        return None;
    }
    let mut obj = InlineObject::new();
    obj.str("protocol", env.get("SSL_PROTOCOL").unwrap_or(""))
        .str("cipher", env.get("SSL_CIPHER").unwrap_or(""))
        .str("client_verify", env.get("SSL_CLIENT_VERIFY").unwrap_or(""));
    if let Some(dn) = env.get("SSL_CLIENT_S_DN") {
        obj.str("client_s_dn", dn);
    }
    Some(obj.finish())
}

/// A JSON number when `value` is plain decimal digits, else a JSON string.
fn number_or_string(value: &str) -> String {
    let numeric = !value.is_empty()
        && value.len() <= 19
        && value.bytes().all(|b| b.is_ascii_digit())
        && !(value.len() > 1 && value.starts_with('0'));
    if numeric {
        value.to_owned()
    } else {
        string(value)
    }
}

/// Bytes as ISO-8859-1 text: one char per byte.
fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use cheroot::wire::Headers;
    use cheroot::wsgi::WsgiInput;

    fn environ(vars: &[(&str, &str)], headers: &[(&[u8], &[u8])], body: &[u8]) -> Environ {
        let mut env = Environ::new();
        for (k, v) in vars {
            env.set(*k, *v);
        }
        let mut fields = Headers::new();
        for (name, value) in headers {
            fields.push(name, value);
        }
        env.set_headers(fields);
        env.input = WsgiInput::from_bytes(body.to_vec());
        env
    }

    #[test]
    fn describes_the_request() {
        let mut env = environ(
            &[
                ("REQUEST_METHOD", "POST"),
                ("PATH_INFO", "/echo"),
                ("QUERY_STRING", "a=1&b=2"),
                ("SERVER_PROTOCOL", "HTTP/1.1"),
                ("wsgi.url_scheme", "http"),
                ("REMOTE_ADDR", "127.0.0.1"),
            ],
            &[(b"Host", b"127.0.0.1:8080"), (b"Content-Length", b"5")],
            b"hello",
        );
        let want = r#"{
  "method": "POST",
  "path": "/echo",
  "query": "a=1&b=2",
  "protocol": "HTTP/1.1",
  "headers": [["host", "127.0.0.1:8080"], ["content-length", "5"]],
  "body_len": 5,
  "body_sha256": "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
  "url_scheme": "http",
  "remote_addr": "127.0.0.1"
}"#;
        assert_eq!(echo_json(&mut env).unwrap(), want);
    }

    #[test]
    fn escapes_and_decodes_latin1() {
        let mut env = environ(
            &[("PATH_INFO", "/a\"b\\c"), ("QUERY_STRING", "q=\u{1}")],
            &[(b"X-Caf\xe9", b"\xe9t\xe9 \"quoted\" \\ \x7f")],
            b"",
        );
        let json = echo_json(&mut env).unwrap();
        assert!(json.contains(r#""path": "/a\"b\\c""#), "{json}");
        assert!(json.contains(r#""query": "q=\u0001""#), "{json}");
        assert!(
            json.contains("[[\"x-caf\u{e9}\", \"\u{e9}t\u{e9} \\\"quoted\\\" \\\\ \u{7f}\"]]"),
            "{json}"
        );
        assert!(json.contains("\"body_len\": 0"), "{json}");
        assert!(
            json.contains("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            "{json}"
        );
        assert!(
            !json.contains("\"peer\"") && !json.contains("\"tls\""),
            "{json}"
        );
    }

    #[test]
    fn peer_and_tls_members() {
        let mut env = environ(
            &[
                ("X_REMOTE_PID", "1234"),
                ("X_REMOTE_UID", "0"),
                ("X_REMOTE_GID", "0"),
                ("X_REMOTE_USER", "root"),
                ("X_REMOTE_GROUP", "root"),
                ("SSL_PROTOCOL", "TLSv1.3"),
                ("SSL_CIPHER", "TLS_AES_128_GCM_SHA256"),
                ("SSL_CLIENT_VERIFY", "SUCCESS"),
                ("SSL_CLIENT_S_DN", "CN=client"),
                ("wsgi.url_scheme", "https"),
            ],
            &[],
            b"",
        );
        let json = echo_json(&mut env).unwrap();
        assert!(json.contains(r#""url_scheme": "https""#), "{json}");
        assert!(
            json.contains(
                r#"  "peer": {"pid": 1234, "uid": 0, "gid": 0, "user": "root", "group": "root"}"#
            ),
            "{json}"
        );
        assert!(
            json.ends_with(
                r#"  "tls": {"protocol": "TLSv1.3", "cipher": "TLS_AES_128_GCM_SHA256", "client_verify": "SUCCESS", "client_s_dn": "CN=client"}
}"#
            ),
            "{json}"
        );

        let mut env = environ(
            &[("X_REMOTE_PID", "12"), ("SSL_PROTOCOL", "TLSv1.2")],
            &[],
            b"",
        );
        let json = echo_json(&mut env).unwrap();
        assert!(json.contains(r#""peer": {"pid": 12}"#), "{json}");
        assert!(
            json.contains(r#""tls": {"protocol": "TLSv1.2", "cipher": "", "client_verify": ""}"#),
            "{json}"
        );
    }

    #[test]
    fn numbers_only_when_plain_digits() {
        for (value, want) in [
            ("0", "0"),
            ("1234", "1234"),
            ("01", "\"01\""),
            ("-1", "\"-1\""),
            ("", "\"\""),
        ] {
            assert_eq!(number_or_string(value), want);
        }
    }
}
