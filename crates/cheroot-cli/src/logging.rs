//! A minimal `tracing` subscriber writing one line per event to stderr, filtered by level,
//! with the access log (`cheroot::access`) switched on or off on its own.

use std::fmt::{self, Write as _};
use std::io::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

use cheroot::server::ACCESS_LOG_TARGET;
use cheroot::wire::CivilTime;

/// Writes events at `max` or more severe as `TIME LEVEL target: message key=value`, and
/// access-log events as the bare Common Log Format line when `access_log` is on.
///
/// Spans are accepted and ignored: nothing in the server needs them on a terminal.
#[derive(Debug)]
pub(crate) struct StderrLog {
    max: Level,
    access_log: bool,
}

impl StderrLog {
    pub(crate) fn new(max: Level, access_log: bool) -> Self {
        Self { max, access_log }
    }

    /// Makes this the process-wide subscriber; a second call is ignored.
    pub(crate) fn install(self) {
        // Fails only if a subscriber is already set, which then keeps serving.
        let _ = tracing::subscriber::set_global_default(self);
    }
}

impl Subscriber for StderrLog {
    fn enabled(&self, meta: &Metadata<'_>) -> bool {
        if meta.target() == ACCESS_LOG_TARGET {
            return self.access_log;
        }
        // In `tracing`, more verbose levels compare greater.
        *meta.level() <= self.max
    }

    fn max_level_hint(&self) -> Option<tracing::level_filters::LevelFilter> {
        let max = if self.access_log {
            self.max.max(Level::INFO)
        } else {
            self.max
        };
        Some(tracing::level_filters::LevelFilter::from_level(max))
    }

    fn new_span(&self, _span: &Attributes<'_>) -> Id {
        // Spans are not tracked; every one gets the same (non-zero) id.
        Id::from_u64(1)
    }

    fn record(&self, _span: &Id, _values: &Record<'_>) {}

    fn record_follows_from(&self, _span: &Id, _follows: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let meta = event.metadata();
        let mut fields = Fields::default();
        event.record(&mut fields);
        let line = if meta.target() == ACCESS_LOG_TARGET {
            format!("{}{}\n", fields.message, fields.rest)
        } else {
            format!(
                "{} {:>5} {}: {}{}\n",
                Timestamp(SystemTime::now()),
                meta.level(),
                meta.target(),
                fields.message,
                fields.rest
            )
        };
        // One write per line keeps lines from several threads whole; a closed stderr is
        // nothing to report.
        let _ = std::io::stderr().lock().write_all(line.as_bytes());
    }

    fn enter(&self, _span: &Id) {}

    fn exit(&self, _span: &Id) {}
}

/// Collects an event's `message` and its other fields as ` key=value`.
#[derive(Default)]
struct Fields {
    message: String,
    rest: String,
}

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        // Writing into a String cannot fail.
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            let _ = write!(self.rest, " {}={value:?}", field.name());
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            let _ = write!(self.rest, " {}={value:?}", field.name());
        }
    }
}

/// An RFC 3339 UTC time with milliseconds, `2026-11-23T20:41:07.123Z`.
struct Timestamp(SystemTime);

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let since = self.0.duration_since(UNIX_EPOCH).unwrap_or_default();
        let c = CivilTime::from_unix_seconds(since.as_secs());
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            c.year,
            c.month,
            c.day,
            c.hour,
            c.minute,
            c.second,
            since.subsec_millis()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn dates() {
        let table: &[(u64, &str)] = &[
            (0, "1970-01-01T00:00:00.000Z"),
            (951_782_400, "2000-02-29T00:00:00.000Z"),
            (1_795_467_667, "2026-11-23T21:01:07.000Z"),
            (4_107_542_399, "2100-02-28T23:59:59.000Z"),
        ];
        for &(secs, want) in table {
            let t = UNIX_EPOCH + Duration::from_secs(secs);
            assert_eq!(Timestamp(t).to_string(), want, "{secs}");
        }
    }

    #[test]
    fn levels_filter() {
        let log = StderrLog::new(Level::WARN, false);
        assert_eq!(
            log.max_level_hint(),
            Some(tracing::level_filters::LevelFilter::WARN)
        );
        let with_access = StderrLog::new(Level::ERROR, true);
        assert_eq!(
            with_access.max_level_hint(),
            Some(tracing::level_filters::LevelFilter::INFO)
        );
    }
}
