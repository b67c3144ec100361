//! The `Date` header value: an IMF-fixdate (RFC 9110 §5.6.7) rendered from the clock, cached so
//! that a busy server formats it at most once per second per thread; and the calendar fields
//! behind it, for the other dates the server and the command print (access log, log lines).

use std::cell::Cell;
use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

/// `Sun, 06 Nov 1994 08:49:37 GMT` is always 29 bytes.
const LEN: usize = 29;
/// 9999-12-31 23:59:59 UTC: the last second with a four-digit year.
const MAX_SECONDS: u64 = 253_402_300_799;

/// The date of [`MAX_SECONDS`], which every later second is clamped to.
const LAST_DATE: [u8; LEN] = *b"Fri, 31 Dec 9999 23:59:59 GMT";

const WEEKDAYS: [&[u8; 3]; 7] = [b"Sun", b"Mon", b"Tue", b"Wed", b"Thu", b"Fri", b"Sat"];

/// An HTTP date in IMF-fixdate form, such as `Sun, 06 Nov 1994 08:49:37 GMT`, as cheroot sends
/// it in `Date` (docs/cheroot-reference.md#response-header-order).
///
/// ```
/// use cheroot_wire::HttpDate;
///
/// assert_eq!(HttpDate::from_unix_seconds(784_111_777).as_str(), "Sun, 06 Nov 1994 08:49:37 GMT");
/// assert_eq!(HttpDate::now().as_bytes().len(), 29);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct HttpDate {
    text: [u8; LEN],
}

impl HttpDate {
    /// The current time, rendered at most once per second per thread.
    pub fn now() -> Self {
        Self::cached(unix_seconds(SystemTime::now()))
    }

    /// The date `seconds` after the epoch, from this thread's cache of the last second
    /// rendered: a server writes the same second into many responses.
    pub(crate) fn cached(seconds: u64) -> Self {
        thread_local! {
            // The second last rendered and its text; it starts as `u64::MAX`, whose date is
            // the last one (clamped), so even that second is answered right.
            static CACHE: Cell<(u64, HttpDate)> =
                const { Cell::new((u64::MAX, HttpDate { text: LAST_DATE })) };
        }
        CACHE.with(|cache| {
            let (cached_second, cached) = cache.get();
            if cached_second == seconds {
                return cached;
            }
            let date = Self::from_unix_seconds(seconds);
            cache.set((seconds, date));
            date
        })
    }

    /// The date of a point in time (a time before 1970 gives 1970-01-01 00:00:00).
    pub fn from_system_time(time: SystemTime) -> Self {
        Self::from_unix_seconds(unix_seconds(time))
    }

    /// The date `seconds` after 1970-01-01 00:00:00 UTC, clamped to the end of year 9999 so
    /// that the year keeps four digits.
    pub fn from_unix_seconds(seconds: u64) -> Self {
        let c = CivilTime::from_unix_seconds(seconds.min(MAX_SECONDS));
        let mut text = *b"Thu, 01 Jan 1970 00:00:00 GMT";
        text[..3].copy_from_slice(WEEKDAYS[c.weekday as usize]);
        put_two(&mut text[5..7], c.day);
        text[8..11].copy_from_slice(c.month_abbr().as_bytes());
        put_two(&mut text[12..14], c.year / 100);
        put_two(&mut text[14..16], c.year % 100);
        put_two(&mut text[17..19], c.hour);
        put_two(&mut text[20..22], c.minute);
        put_two(&mut text[23..25], c.second);
        Self { text }
    }

    /// The 29 bytes of the date.
    pub fn as_bytes(&self) -> &[u8] {
        &self.text
    }

    /// The date as text.
    pub fn as_str(&self) -> &str {
        // Only ASCII is ever written into `text`.
        std::str::from_utf8(&self.text).unwrap_or("Thu, 01 Jan 1970 00:00:00 GMT")
    }
}

impl From<SystemTime> for HttpDate {
    fn from(time: SystemTime) -> Self {
        Self::from_system_time(time)
    }
}

impl fmt::Display for HttpDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for HttpDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HttpDate({:?})", self.as_str())
    }
}

/// The calendar fields of a UTC instant (proleptic Gregorian), for the dates a server prints
/// besides `Date`: the access log's Common Log Format time, log lines' RFC 3339 stamps.
///
/// ```
/// use cheroot_wire::CivilTime;
///
/// let c = CivilTime::from_unix_seconds(784_111_777);
/// assert_eq!((c.year, c.month, c.day, c.hour, c.minute, c.second), (1994, 11, 6, 8, 49, 37));
/// assert_eq!((c.month_abbr(), c.weekday), ("Nov", 0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CivilTime {
    /// The year, four digits up to 9999.
    pub year: u64,
    /// 1 to 12.
    pub month: u64,
    /// 1 to 31.
    pub day: u64,
    /// 0 to 23.
    pub hour: u64,
    /// 0 to 59.
    pub minute: u64,
    /// 0 to 59.
    pub second: u64,
    /// 0 (Sunday) to 6 (Saturday).
    pub weekday: u64,
}

impl CivilTime {
    /// The instant `seconds` after 1970-01-01 00:00:00 UTC.
    pub fn from_unix_seconds(seconds: u64) -> Self {
        let days = seconds / 86_400;
        let in_day = seconds % 86_400;
        let (year, month, day) = civil_from_days(days);
        Self {
            year,
            month,
            day,
            hour: in_day / 3600,
            minute: in_day / 60 % 60,
            second: in_day % 60,
            // 1970-01-01 was a Thursday.
            weekday: (days + 4) % 7,
        }
    }

    /// The month's English three-letter name, `Jan` to `Dec`.
    pub fn month_abbr(&self) -> &'static str {
        const NAMES: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        NAMES[(self.month.clamp(1, 12) - 1) as usize]
    }
}

fn unix_seconds(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Writes `n` (below 100) as two decimal digits.
fn put_two(out: &mut [u8], n: u64) {
    out[0] = b'0' + (n / 10 % 10) as u8;
    out[1] = b'0' + (n % 10) as u8;
}

/// The (year, month 1..=12, day 1..=31) of a day counted from 1970-01-01, by Howard Hinnant's
/// `civil_from_days`: the proleptic Gregorian calendar in 400-year eras, with years starting in
/// March so that the leap day is the last of the year.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    // Shift the epoch to 0000-03-01, the start of an era.
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    // Months counted from March: 0 is March, 11 is February.
    let march_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * march_month + 2) / 5 + 1;
    let month = if march_month < 10 {
        march_month + 3
    } else {
        march_month - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn known_dates() {
        // Generated with Python's `email.utils.formatdate(t, usegmt=True)`.
        for (seconds, text) in [
            (0, "Thu, 01 Jan 1970 00:00:00 GMT"),
            (784111777, "Sun, 06 Nov 1994 08:49:37 GMT"),
            (951782400, "Tue, 29 Feb 2000 00:00:00 GMT"),
            (951868799, "Tue, 29 Feb 2000 23:59:59 GMT"),
            (1709251199, "Thu, 29 Feb 2024 23:59:59 GMT"),
            (4107542399, "Sun, 28 Feb 2100 23:59:59 GMT"),
            (253402300799, "Fri, 31 Dec 9999 23:59:59 GMT"),
            (108022074679, "Wed, 30 Jan 5393 11:51:19 GMT"),
            (15680644176, "Wed, 24 Nov 2466 22:29:36 GMT"),
            (223649410867, "Mon, 02 Mar 9057 20:21:07 GMT"),
            (28071399467, "Sat, 19 Jul 2859 10:57:47 GMT"),
            (160484411896, "Fri, 20 Jul 7055 11:18:16 GMT"),
            (249357206645, "Wed, 25 Oct 9871 18:44:05 GMT"),
            (58013994741, "Mon, 23 May 3808 06:32:21 GMT"),
            (21635879128, "Mon, 13 Aug 2655 06:25:28 GMT"),
        ] {
            assert_eq!(
                HttpDate::from_unix_seconds(seconds).as_str(),
                text,
                "{seconds}"
            );
        }
    }

    #[test]
    fn clamped_at_both_ends() {
        let last = HttpDate::from_unix_seconds(MAX_SECONDS);
        assert_eq!(HttpDate::from_unix_seconds(u64::MAX), last);
        assert_eq!(last.as_bytes(), LAST_DATE);
        assert_eq!(HttpDate::cached(u64::MAX), last);
        let before_epoch = UNIX_EPOCH - Duration::from_secs(10);
        assert_eq!(
            HttpDate::from(before_epoch).as_str(),
            "Thu, 01 Jan 1970 00:00:00 GMT"
        );
    }

    #[test]
    fn every_day_follows_the_calendar() {
        // Walk day by day from 1970 to 2400 with a plain calendar and compare.
        let (mut year, mut month, mut day) = (1970u64, 1u64, 1u64);
        for days in 0..157_000u64 {
            assert_eq!(civil_from_days(days), (year, month, day), "day {days}");
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
            let month_len = match month {
                2 if leap => 29,
                2 => 28,
                4 | 6 | 9 | 11 => 30,
                _ => 31,
            };
            day += 1;
            if day > month_len {
                day = 1;
                month += 1;
                if month > 12 {
                    month = 1;
                    year += 1;
                }
            }
        }
    }

    #[test]
    fn now_is_well_formed() {
        let now = HttpDate::now();
        let again = HttpDate::now();
        let text = now.as_str();
        assert_eq!(text.len(), LEN);
        assert!(text.ends_with(" GMT"), "{text}");
        // Two calls either agree or straddle a second boundary; both are later than 2020.
        assert!(&now.as_bytes()[12..16] >= b"2020".as_slice(), "{text}");
        assert!(again.as_bytes()[12..16] >= now.as_bytes()[12..16]);
        assert_eq!(format!("{now}"), text);
    }
}
