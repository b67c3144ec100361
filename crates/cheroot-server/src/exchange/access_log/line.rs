//! The text of one access log line in each [`AccessLogFormat`], and the escaping each needs:
//! request bytes are the client's, so nothing of them reaches a line raw except printable
//! ASCII.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::time::{Duration, SystemTime};

use super::{AccessEntry, AccessLogFormat, Answered};
use crate::clock;

/// Everything one line says.
pub(super) struct Record<'a> {
    pub(super) remote: Option<SocketAddr>,
    /// `None` when the request line was never read.
    pub(super) entry: Option<&'a AccessEntry>,
    pub(super) answered: Answered,
    pub(super) now: SystemTime,
    /// From the head parsed to the response handed to the connection; `None` with no entry.
    pub(super) duration: Option<Duration>,
}

/// The line for `record` in `format`, without its newline.
pub(super) fn format(format: AccessLogFormat, record: &Record<'_>) -> String {
    match format {
        AccessLogFormat::Common => common(record),
        AccessLogFormat::Combined => combined(record),
        AccessLogFormat::Json => json(record),
    }
}

/// `host - - [time] "request line" status bytes`.
fn common(record: &Record<'_>) -> String {
    let host = match record.remote {
        Some(addr) => addr.ip().to_string(),
        None => "-".to_owned(),
    };
    let request = match record.entry {
        Some(entry) => {
            let mut line = format!("{} ", entry.method);
            clf_escape(&mut line, &entry.target);
            line.push(' ');
            line.push_str(protocol(entry.version));
            line
        }
        None => "-".to_owned(),
    };
    let Answered { status, body_bytes } = record.answered;
    let bytes = match body_bytes {
        0 => "-".to_owned(),
        n => n.to_string(),
    };
    let time = clock::clf_time(record.now);
    format!("{host} - - [{time}] \"{request}\" {status} {bytes}")
}

/// Common, then `"referer" "user agent" microseconds`.
fn combined(record: &Record<'_>) -> String {
    let mut line = common(record);
    for field in [
        record.entry.and_then(|e| e.referer.as_deref()),
        record.entry.and_then(|e| e.user_agent.as_deref()),
    ] {
        line.push_str(" \"");
        match field {
            Some(value) => clf_escape(&mut line, value),
            None => line.push('-'),
        }
        line.push('"');
    }
    match record.duration {
        Some(duration) => {
            let _ = write!(line, " {}", duration.as_micros());
        }
        None => line.push_str(" -"),
    }
    line
}

/// One JSON object; request fields `null` without an entry.
fn json(record: &Record<'_>) -> String {
    let mut out = String::with_capacity(256);
    out.push_str("{\"time\":\"");
    out.push_str(&clock::rfc3339_millis(record.now));
    out.push_str("\",\"remote_addr\":");
    match record.remote {
        Some(addr) => {
            let _ = write!(out, "\"{}\"", addr.ip());
        }
        None => out.push_str("null"),
    }
    let entry = record.entry;
    out.push_str(",\"method\":");
    json_string(&mut out, entry.map(|e| e.method.as_str().as_bytes()));
    out.push_str(",\"target\":");
    json_string(&mut out, entry.map(|e| e.target.as_slice()));
    out.push_str(",\"protocol\":");
    json_string(&mut out, entry.map(|e| protocol(e.version).as_bytes()));
    let Answered { status, body_bytes } = record.answered;
    let _ = write!(out, ",\"status\":{status},\"bytes\":{body_bytes}");
    out.push_str(",\"duration_us\":");
    match record.duration {
        Some(duration) => {
            let _ = write!(out, "{}", duration.as_micros());
        }
        None => out.push_str("null"),
    }
    out.push_str(",\"referer\":");
    json_string(&mut out, entry.and_then(|e| e.referer.as_deref()));
    out.push_str(",\"user_agent\":");
    json_string(&mut out, entry.and_then(|e| e.user_agent.as_deref()));
    out.push('}');
    out
}

/// The request line's protocol as the log writes it.
fn protocol(version: http::Version) -> &'static str {
    if version == http::Version::HTTP_10 {
        "HTTP/1.0"
    } else {
        "HTTP/1.1"
    }
}

/// Appends `raw` for a quoted CLF field: printable ASCII and spaces as they are, quotes and
/// backslashes escaped with a backslash, any other byte as `\xNN` (Apache's rule).
fn clf_escape(out: &mut String, raw: &[u8]) {
    escape_into(out, raw, |out, b| {
        let _ = write!(out, "\\x{b:02x}");
    });
}

/// Appends `raw` as a JSON string (`null` for `None`). Bytes are read as latin-1, the way a
/// WSGI application sees them, so every byte maps to one code point and the line stays valid
/// JSON whatever the client sent; only printable ASCII is written unescaped.
fn json_string(out: &mut String, raw: Option<&[u8]>) {
    let Some(raw) = raw else {
        out.push_str("null");
        return;
    };
    out.push('"');
    escape_into(out, raw, |out, b| {
        let _ = write!(out, "\\u{b:04x}");
    });
    out.push('"');
}

/// The escaping both formats share: printable ASCII and spaces as they are, `"` and `\` after
/// a backslash, any other byte as `other` writes it.
fn escape_into(out: &mut String, raw: &[u8], other: fn(&mut String, u8)) {
    for &b in raw {
        match b {
            b'"' | b'\\' => {
                out.push('\\');
                out.push(b as char);
            }
            0x20..=0x7e => out.push(b as char),
            _ => other(out, b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(target: &[u8], referer: Option<&[u8]>, user_agent: Option<&[u8]>) -> AccessEntry {
        AccessEntry {
            method: http::Method::GET,
            target: target.to_vec(),
            version: http::Version::HTTP_11,
            referer: referer.map(<[u8]>::to_vec),
            user_agent: user_agent.map(<[u8]>::to_vec),
            started: std::time::Instant::now(),
        }
    }

    /// 2026-12-03 10:00:00.042 UTC.
    fn noon_ish() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_millis(1_796_292_000_042)
    }

    fn record(entry: Option<&AccessEntry>, status: u16, body_bytes: u64) -> Record<'_> {
        Record {
            remote: Some("127.0.0.1:40000".parse().unwrap()),
            entry,
            answered: Answered { status, body_bytes },
            now: noon_ish(),
            duration: entry.map(|_| Duration::from_micros(1234)),
        }
    }

    #[test]
    fn each_format_writes_its_layout() {
        let ua: &[u8] = b"curl/8.5 (x86_64) \"q\"";
        let e = entry(b"/a?b=1", Some(b"http://ref/"), Some(ua));
        let r = record(Some(&e), 200, 12);
        let clf = "127.0.0.1 - - [03/Dec/2026:10:00:00 +0000] \"GET /a?b=1 HTTP/1.1\" 200 12";
        assert_eq!(format(AccessLogFormat::Common, &r), clf);
        assert_eq!(
            format(AccessLogFormat::Combined, &r),
            format!("{clf} \"http://ref/\" \"curl/8.5 (x86_64) \\\"q\\\"\" 1234")
        );
        assert_eq!(
            format(AccessLogFormat::Json, &r),
            "{\"time\":\"2026-12-03T10:00:00.042Z\",\"remote_addr\":\"127.0.0.1\",\
             \"method\":\"GET\",\"target\":\"/a?b=1\",\"protocol\":\"HTTP/1.1\",\
             \"status\":200,\"bytes\":12,\"duration_us\":1234,\"referer\":\"http://ref/\",\
             \"user_agent\":\"curl/8.5 (x86_64) \\\"q\\\"\"}"
        );
    }

    #[test]
    fn a_refusal_before_the_request_line_logs_dashes_and_nulls() {
        let mut r = record(None, 408, 0);
        r.remote = None;
        assert_eq!(
            format(AccessLogFormat::Common, &r),
            "- - - [03/Dec/2026:10:00:00 +0000] \"-\" 408 -"
        );
        assert_eq!(
            format(AccessLogFormat::Combined, &r),
            "- - - [03/Dec/2026:10:00:00 +0000] \"-\" 408 - \"-\" \"-\" -"
        );
        assert_eq!(
            format(AccessLogFormat::Json, &r),
            "{\"time\":\"2026-12-03T10:00:00.042Z\",\"remote_addr\":null,\"method\":null,\
             \"target\":null,\"protocol\":null,\"status\":408,\"bytes\":0,\
             \"duration_us\":null,\"referer\":null,\"user_agent\":null}"
        );
    }

    #[test]
    fn client_bytes_are_escaped() {
        let cases: [(&[u8], &str, &str); 5] = [
            (b"/plain?a=1", "/plain?a=1", "/plain?a=1"),
            (b"/q\"uote", "/q\\\"uote", "/q\\\"uote"),
            (b"/back\\slash", "/back\\\\slash", "/back\\\\slash"),
            (b"/\xd0\x96", "/\\xd0\\x96", "/\\u00d0\\u0096"),
            (b"/\x01\x7f", "/\\x01\\x7f", "/\\u0001\\u007f"),
        ];
        for (raw, clf, json) in cases {
            let mut out = String::new();
            clf_escape(&mut out, raw);
            assert_eq!(out, clf);
            let mut out = String::new();
            json_string(&mut out, Some(raw));
            assert_eq!(out, format!("\"{json}\""));
        }
    }
}
