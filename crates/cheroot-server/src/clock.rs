//! Wall-clock text the server writes: the `Date` header (IMF-fixdate) and the access log's
//! Common Log Format time, each computed at most once per second per thread.

use std::cell::RefCell;
use std::time::{SystemTime, UNIX_EPOCH};

const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Calendar fields of a UTC instant.
struct Civil {
    year: i64,
    month: usize,
    day: u32,
    hour: u64,
    minute: u64,
    second: u64,
    weekday: usize,
}

fn civil(secs: u64) -> Civil {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Days-to-civil (proleptic Gregorian), after Howard Hinnant's well-known derivation.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as usize;
    let year = yoe + era * 400 + i64::from(month <= 2);
    Civil {
        year,
        month,
        day,
        hour: rem / 3600,
        minute: rem % 3600 / 60,
        second: rem % 60,
        weekday: (days.rem_euclid(7)) as usize,
    }
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// `Sun, 06 Nov 1994 08:49:37 GMT` for `secs` since the epoch.
fn imf_fixdate(secs: u64) -> String {
    let c = civil(secs);
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
        DAYS[c.weekday],
        c.day,
        MONTHS[c.month - 1],
        c.year,
        c.hour,
        c.minute,
        c.second
    )
}

/// `10/Oct/2000:13:55:36 +0000` for `secs` since the epoch.
fn clf_time(secs: u64) -> String {
    let c = civil(secs);
    format!(
        "{:02}/{}/{}:{:02}:{:02}:{:02} +0000",
        c.day,
        MONTHS[c.month - 1],
        c.year,
        c.hour,
        c.minute,
        c.second
    )
}

thread_local! {
    static DATE: RefCell<(u64, String)> = const { RefCell::new((u64::MAX, String::new())) };
}

/// Appends the current IMF-fixdate (for the `Date` header) to `out`.
pub(crate) fn write_http_date(out: &mut bytes::BytesMut) {
    let now = now_secs();
    DATE.with(|cell| {
        let mut cached = cell.borrow_mut();
        if cached.0 != now {
            *cached = (now, imf_fixdate(now));
        }
        out.extend_from_slice(cached.1.as_bytes());
    });
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
        let mut out = bytes::BytesMut::new();
        write_http_date(&mut out);
        write_http_date(&mut out);
        assert_eq!(out.len(), 58);
    }
}
