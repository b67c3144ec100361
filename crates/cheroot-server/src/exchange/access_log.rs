//! The access log: one line per request on the `cheroot::access` tracing target, in the
//! [`AccessLogFormat`] the server is set to (cheroot has none; CherryPy logs requests itself).
//!
//! Requests the server answers itself are logged like the ones a gateway answers: a head the
//! parser refused (400, 414, 431), a head or body too slow (408), a body too large (413), an
//! overloaded pool (503). A refusal before any request line was read logs `-` for it.

mod line;

use std::time::{Instant, SystemTime};

use cheroot_wire::RequestHead;

use crate::exchange::conn_info::ConnInfo;

/// The tracing target access lines are emitted on.
pub const ACCESS_LOG_TARGET: &str = "cheroot::access";

/// How each access log line is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AccessLogFormat {
    /// Common Log Format, as web servers write it:
    /// `127.0.0.1 - - [03/Dec/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 12`.
    #[default]
    Common,
    /// The combined format (Common, then the quoted `Referer` and `User-Agent`), then how long
    /// the request took in microseconds (Apache's `%D`).
    Combined,
    /// One JSON object per line: `time` (RFC 3339, UTC), `remote_addr`, `method`, `target`,
    /// `protocol`, `status`, `bytes`, `duration_us`, `referer`, `user_agent`; request fields
    /// are `null` when the server refused the request before reading them.
    Json,
}

/// What the log keeps of a request from the moment its head is parsed: only made when the
/// access log is on.
#[derive(Debug)]
pub(crate) struct AccessEntry {
    method: http::Method,
    target: Vec<u8>,
    version: http::Version,
    referer: Option<Vec<u8>>,
    user_agent: Option<Vec<u8>>,
    started: Instant,
}

impl AccessEntry {
    /// The entry of the request `head` starts, timed from now.
    pub(crate) fn new(head: &RequestHead) -> Self {
        let field = |name| head.headers().get(name).map(|value| value.into_owned());
        AccessEntry {
            method: head.method.clone(),
            target: head.target().raw().to_vec(),
            version: head.version,
            referer: field("Referer"),
            user_agent: field("User-Agent"),
            started: Instant::now(),
        }
    }
}

/// What one response to log was: its status and the bytes of its body.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Answered {
    pub(crate) status: u16,
    pub(crate) body_bytes: u64,
}

/// Emits the line for a request answered as `answered`; `entry` is `None` when the server
/// refused the connection's bytes before a request line could be read.
pub(crate) fn log(
    format: AccessLogFormat,
    info: &ConnInfo,
    entry: Option<&AccessEntry>,
    answered: Answered,
) {
    let record = line::Record {
        remote: info.remote(),
        entry,
        answered,
        now: SystemTime::now(),
        duration: entry.map(|entry| entry.started.elapsed()),
    };
    let line = line::format(format, &record);
    tracing::info!(target: "cheroot::access", "{line}");
}
