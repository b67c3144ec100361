//! Backing off after a worker thread could not be started, and saying so once in a while.
//!
//! When the machine is out of threads (`ulimit -u`, `kernel.threads-max`, memory), every
//! attempt fails the same way. The monitor used to try again after each stall of a few
//! milliseconds and log each failure: 4,650 lines in 8 s under 120 slow requests with
//! `ulimit -u 60`. It now waits longer after each failure and logs at most one line per
//! [`REPORT_EVERY`], counting the failures in between.

use std::io;
use std::time::{Duration, Instant};

/// The wait after a first failure; it doubles with each further one.
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
/// The longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(5);
/// At most one log line per this long.
pub(super) const REPORT_EVERY: Duration = Duration::from_secs(10);

/// The monitor's record of failed thread starts.
#[derive(Debug, Default)]
pub(super) struct SpawnBackoff {
    /// No attempt before this.
    retry_at: Option<Instant>,
    /// The wait after the next failure.
    next_wait: Option<Duration>,
    /// When the last line was logged.
    reported_at: Option<Instant>,
    /// Failures since that line.
    unreported: u64,
}

impl SpawnBackoff {
    /// Whether a thread may be started at `now`.
    pub(super) fn may_try(&self, now: Instant) -> bool {
        self.retry_at.is_none_or(|at| now >= at)
    }

    /// A thread started: the next failure starts over from [`FIRST_BACKOFF`].
    pub(super) fn succeeded(&mut self) {
        self.retry_at = None;
        self.next_wait = None;
    }

    /// A thread could not be started at `now`; returns the line to log, if one is due.
    pub(super) fn failed(&mut self, now: Instant, err: &io::Error) -> Option<String> {
        let wait = self.next_wait.unwrap_or(FIRST_BACKOFF);
        self.retry_at = Some(now + wait);
        self.next_wait = Some((wait * 2).min(MAX_BACKOFF));
        self.unreported += 1;
        let due = self
            .reported_at
            .is_none_or(|at| now.duration_since(at) >= REPORT_EVERY);
        if !due {
            return None;
        }
        let line = match self.unreported {
            1 => format!(
                "cannot start a worker thread: {err}; the pool keeps the threads it has and \
                 retries in {wait:?}"
            ),
            n => format!(
                "cannot start a worker thread: {err} ({n} failures since the last report); \
                 the pool keeps the threads it has and retries in {wait:?}"
            ),
        };
        self.reported_at = Some(now);
        self.unreported = 0;
        Some(line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_back_off_and_are_reported_rarely() {
        let err = io::Error::from_raw_os_error(11);
        let start = Instant::now();
        let mut backoff = SpawnBackoff::default();
        assert!(backoff.may_try(start));
        let first = backoff
            .failed(start, &err)
            .expect("the first failure is reported");
        assert!(
            first.starts_with("cannot start a worker thread: "),
            "{first}"
        );
        assert!(!backoff.may_try(start + Duration::from_millis(99)));
        assert!(backoff.may_try(start + FIRST_BACKOFF));

        // Eight seconds of failing as fast as the backoff lets it: a handful of attempts, and
        // no second line before REPORT_EVERY.
        let mut now = start;
        let mut attempts = 1;
        let mut lines = 1;
        while now < start + Duration::from_secs(8) {
            now += Duration::from_millis(5);
            if backoff.may_try(now) {
                attempts += 1;
                lines += usize::from(backoff.failed(now, &err).is_some());
            }
        }
        assert!(attempts <= 8, "{attempts} attempts");
        assert_eq!(lines, 1);

        // After REPORT_EVERY the next failure is reported, with the count in between.
        let later = start + REPORT_EVERY + Duration::from_secs(1);
        let line = backoff.failed(later, &err).expect("reported again");
        assert!(line.contains("failures since the last report"), "{line}");

        // A success resets the wait.
        backoff.succeeded();
        assert!(backoff.may_try(later));
    }
}
