//! The access log: one Common Log Format line per request on the `cheroot::access` tracing
//! target (cheroot has none; CherryPy logs requests itself).

use cheroot_wire::RequestHead;

use crate::exchange::conn_info::ConnInfo;

/// The tracing target access lines are emitted on.
pub const ACCESS_LOG_TARGET: &str = "cheroot::access";

/// The quoted part of a CLF line: `GET /path?q HTTP/1.1`, non-printable bytes escaped.
pub(crate) fn request_line(head: &RequestHead) -> String {
    let version = if head.version == http::Version::HTTP_10 {
        "HTTP/1.0"
    } else {
        "HTTP/1.1"
    };
    format!("{} {} {version}", head.method, escape(head.target().raw()))
}

/// Emits `host - - [time] "request line" status bytes`.
pub(crate) fn log(info: &ConnInfo, request_line: &str, status: u16, body_bytes: u64) {
    let host = match info.remote() {
        Some(addr) => addr.ip().to_string(),
        None => "-".to_owned(),
    };
    let bytes = if body_bytes == 0 {
        "-".to_owned()
    } else {
        body_bytes.to_string()
    };
    tracing::info!(
        target: "cheroot::access",
        "{host} - - [{}] \"{request_line}\" {status} {bytes}",
        crate::clock::clf_now()
    );
}

/// Escapes bytes a log line must not carry raw (quotes, backslashes, controls, non-ASCII).
fn escape(raw: &[u8]) -> String {
    let mut out = String::with_capacity(raw.len());
    for &b in raw {
        match b {
            b'"' | b'\\' => {
                out.push('\\');
                out.push(b as char);
            }
            0x21..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_a_log_line_must_not_carry() {
        let cases: [(&[u8], &str); 4] = [
            (b"/plain?a=1", "/plain?a=1"),
            (b"/q\"uote", "/q\\\"uote"),
            (b"/\xd0\x96", "/\\xd0\\x96"),
            (b"/a b", "/a\\x20b"),
        ];
        for (raw, want) in cases {
            assert_eq!(escape(raw), want);
        }
    }
}
