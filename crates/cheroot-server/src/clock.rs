//! Wall-clock text the server writes: the `Date` header (IMF-fixdate) and the access log's
//! Common Log Format time, each computed at most once per second per thread.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use cheroot_wire::{CivilTime, HttpDate};

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// `Sun, 06 Nov 1994 08:49:37 GMT` for `secs` since the epoch, as text (the tests' view of
/// what [`write_http_date`] writes).
#[cfg(test)]
fn imf_fixdate(secs: u64) -> String {
    HttpDate::from_unix_seconds(secs).as_str().to_owned()
}

/// `10/Oct/2000:13:55:36 +0000` for `secs` since the epoch.
fn clf_time(secs: u64) -> String {
    let c = CivilTime::from_unix_seconds(secs);
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

thread_local! {
    /// The last second rendered on this thread and its date (`HttpDate` is a fixed array).
    static DATE: Cell<Option<(u64, HttpDate)>> = const { Cell::new(None) };
}

/// Appends the IMF-fixdate of `now` (seconds since the epoch; for the `Date` header) to `out`.
pub(crate) fn write_http_date(out: &mut bytes::BytesMut, now: u64) {
    let date = DATE.with(|cell| match cell.get() {
        Some((second, date)) if second == now => date,
        _ => {
            let date = HttpDate::from_unix_seconds(now);
            cell.set(Some((now, date)));
            date
        }
    });
    out.extend_from_slice(date.as_bytes());
}

/// The current time in Common Log Format.
pub(crate) fn clf_now() -> String {
    clf_time(now_secs())
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
            assert_eq!(clf_time(secs), clf);
        }
    }

    #[test]
    fn cached_date_has_the_fixed_length() {
        let clock = Clock::default();
        let mut out = bytes::BytesMut::new();
        write_http_date(&mut out, clock.now_secs());
        clock.tick();
        write_http_date(&mut out, clock.now_secs());
        assert_eq!(out.len(), 58);
        assert!(clock.now_secs() > 1_700_000_000);
    }
}
