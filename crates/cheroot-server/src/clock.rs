//! The server's clock: the current second for `Date` headers, cached by a ticker task (the
//! text itself is cheroot-wire's `ResponseHead`), and the access log's times (Common Log
//! Format and RFC 3339).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cheroot_wire::CivilTime;

fn now_secs() -> u64 {
    unix_seconds(SystemTime::now())
}

/// Whole seconds since the epoch (0 before it).
fn unix_seconds(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// `Sun, 06 Nov 1994 08:49:37 GMT` for `secs` since the epoch, as text (what a response's
/// `Date` says for that second).
#[cfg(test)]
fn imf_fixdate(secs: u64) -> String {
    cheroot_wire::HttpDate::from_unix_seconds(secs)
        .as_str()
        .to_owned()
}

/// `10/Oct/2000:13:55:36 +0000` for `time`.
pub(crate) fn clf_time(time: SystemTime) -> String {
    let c = CivilTime::from_unix_seconds(unix_seconds(time));
    format!(
        "{:02}/{}/{}:{:02}:{:02}:{:02} +0000",
        c.day,
        c.month_abbr(),
        c.year,
        c.hour,
        c.minute,
        c.second
    )
}

/// How often a running server refreshes its [`Clock`].
pub(crate) const TICK: Duration = Duration::from_millis(200);

/// The current second, refreshed by a ticker task every [`TICK`], so writing a `Date` header
/// reads an atomic instead of the system clock (which showed in profiles at a million
/// responses a second).
#[derive(Debug, Default)]
pub(crate) struct Clock {
    secs: AtomicU64,
}

impl Clock {
    /// Reads the system clock into the cache.
    pub(crate) fn tick(&self) {
        self.secs.store(now_secs(), Ordering::Relaxed);
    }

    /// Seconds since the epoch, from the cache when a ticker runs.
    pub(crate) fn now_secs(&self) -> u64 {
        match self.secs.load(Ordering::Relaxed) {
            0 => now_secs(),
            secs => secs,
        }
    }
}

/// `2000-10-10T13:55:36.042Z` for `time` (RFC 3339, UTC, milliseconds).
pub(crate) fn rfc3339_millis(time: SystemTime) -> String {
    let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let c = CivilTime::from_unix_seconds(since.as_secs());
    format!(
        "{}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        c.year,
        c.month,
        c.day,
        c.hour,
        c.minute,
        c.second,
        since.subsec_millis()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        let cases = [
            (
                0,
                "Thu, 01 Jan 1970 00:00:00 GMT",
                "01/Jan/1970:00:00:00 +0000",
            ),
            (
                784_111_777,
                "Sun, 06 Nov 1994 08:49:37 GMT",
                "06/Nov/1994:08:49:37 +0000",
            ),
            (
                951_782_400,
                "Tue, 29 Feb 2000 00:00:00 GMT",
                "29/Feb/2000:00:00:00 +0000",
            ),
            (
                1_795_219_200,
                "Sat, 21 Nov 2026 00:00:00 GMT",
                "21/Nov/2026:00:00:00 +0000",
            ),
        ];
        for (secs, imf, clf) in cases {
            assert_eq!(imf_fixdate(secs), imf);
            assert_eq!(clf_time(UNIX_EPOCH + Duration::from_secs(secs)), clf);
        }
        let leap_day = UNIX_EPOCH + Duration::from_millis(951_782_400_007);
        assert_eq!(rfc3339_millis(leap_day), "2000-02-29T00:00:00.007Z");
    }

    #[test]
    fn the_clock_reads_the_system_clock_until_it_ticks() {
        let clock = Clock::default();
        assert!(clock.now_secs() > 1_700_000_000);
        clock.tick();
        assert!(clock.now_secs() > 1_700_000_000);
    }
}
